//! Outtake's core: the library of shows, cast, clips, markers, tags and
//! subtitle cues, kept in one SQLite file.
//!
//! Everything goes through [`Library`]. This crate knows no window, no IPC
//! and no terminal: the desktop shell and the `outtake` CLI both call it.
//! It never writes, moves or deletes a user's video file.

mod aliases;
mod browse;
mod cache;
mod cast;
mod clips;
mod cues;
mod curate;
mod dates;
mod db;
mod error;
mod export;
mod folders;
mod history;
pub mod import;
pub mod keys;
mod library;
mod markers;
pub mod media;
mod names;
mod packs;
mod paths;
mod people;
mod process;
pub mod reels;
pub mod screen_text;
pub mod search;
pub mod settings;
mod shows;
pub mod speech;
pub mod subtitles;
mod suggest;
mod tags;
pub mod time;
pub mod watch;

pub use browse::{
    ClipCard, ClipPage, ClipSort, EpisodeFacet, Facets, FolderState, FolderView, Hit, MAX_PAGE, PersonFacet,
    SceneFacet, SearchClip, SearchResults, ShowFacet, TagFacet,
};
pub use cache::{CacheUsage, DEFAULT_CACHE_LIMIT, StoryboardProblem, StoryboardState, Trimmed};
pub use cast::CastMember;
pub use clips::{ClipDetail, ClipFile, ClipInput, ClipPatch, ClipSummary, FileInput, FileStatus, Source};
pub use cues::{Cue, CueInput, CueKind, CueSource};
pub use curate::{CastDraft, ClipPlace, ClipTag, MarkerDraft};
pub use db::{migrations, schema_version};
pub use error::{Candidate, EntityKind, Error, ErrorKind, Result};
pub use export::ImportReport;
pub use folders::Folder;
pub use history::{HistoryBounds, HistoryEntry, KEEP_DAYS, KEEP_EDITS, RowChange, TRACKED, Tracked};
pub use library::{Library, LibrarySummary, default_library_path};
pub use markers::{CastInput, Marker, MarkerInput};
pub use packs::{MAX_PACK_BYTES, PackClipMatch, PackReport, PackSummary};
pub use paths::StoredPath;
pub use people::{Person, PersonInput, Role, RoleInput};
pub use reels::{DEFAULT_CONTEXT_MS, Moment, NewReel, ReelOptions, ReelSource, SavedReel};
pub use search::HitKind;
pub use search::SavedSearch;
pub use settings::Settings;
pub use shows::{Episode, Scene, SceneInput, Show, ShowInput};
pub use suggest::{MAX_SUGGESTIONS, Suggestion, SuggestionKind};
pub use tags::{Tag, split_tag, tag_key};
