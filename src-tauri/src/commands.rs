//! Every command the window can call. Each is a few lines: take the state,
//! call the core, map the error. The TypeScript the UI uses is generated
//! from these declarations (see `ipc.rs`).
//!
//! Long because the `commands!` macro takes every command in one list (it
//! makes the invoke handler and the TypeScript signatures from it); what a
//! command does beyond a call lives elsewhere (`jobs.rs`, `importer.rs`).

use std::path::PathBuf;

use outtake_core::import::Failure;
use outtake_core::import::boards::Storyboard;
use outtake_core::import::worker::ImportProgress;
use outtake_core::reels::cut::{CutFormat, CutRequest, CutSize};
use outtake_core::reels::export::{PlaylistFormat, write_playlist, write_video};
use outtake_core::reels::suggest_file_name;
use outtake_core::{
    CacheUsage, ClipDetail, ClipPage, ClipPlace, ClipSort, ClipTag, Cue, Episode, ErrorKind, Facets,
    FolderView, HistoryEntry, Marker, MarkerDraft, Moment, NewReel, PackReport, PackSummary, Person,
    PersonInput, ReelOptions, ReelSource, Role, RoleInput, SavedReel, SavedSearch, Scene, SceneInput,
    SearchResults, Settings, Show, ShowInput, Suggestion, Tag,
};
use serde::Serialize;
use tauri::{Emitter, Manager};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::App;
use crate::ipc::{Event, IpcError, IpcErrorKind, commands};
use crate::jobs::{JOB_UPDATE, JobUpdate};

/// What the window needs to know once: where the library is and how to reach its media.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LibraryInfo {
    pub path: String,
    /// `http://127.0.0.1:PORT/SECRET`; routes: `/clip/{id}/video`, `/clip/{id}/thumb`, `/marker/{id}/thumb`.
    pub media_base: String,
    pub version: String,
}

/// A clip page's data: the clip and the languages of its subtitle cues.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ClipView {
    pub detail: ClipDetail,
    pub languages: Vec<String>,
}

/// Everything the show editor shows about one show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ShowView {
    pub show: Show,
    pub cast: Vec<Role>,
    pub episodes: Vec<Episode>,
    pub scenes: Vec<Scene>,
}

/// The settings, the file they live in, and (once) why that file was not used.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsView {
    pub settings: Settings,
    pub path: String,
    /// Said at the first read after a start whose settings file was broken.
    pub problem: Option<String>,
    /// The system's language from the locale environment (`ko_KR.UTF-8` → `ko`),
    /// which the web view may not know when the locale is not installed.
    pub system_language: Option<String>,
    /// Why on-screen text is not read (no Tesseract), when it is not.
    pub screen_text_off: Option<String>,
    /// Why speech is not heard (no model chosen, a model that would not load).
    pub speech_off: Option<String>,
}

/// The first language the locale environment names (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
fn system_language() -> Option<String> {
    ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .flat_map(|value| value.split(':').map(str::to_string).collect::<Vec<_>>())
        .map(|value| value.split(['.', '@']).next().unwrap_or_default().replace('_', "-"))
        .find(|value| !value.is_empty() && value != "C" && value != "POSIX")
}

/// Something in the library changed; views refresh. Empty `clip_ids` means
/// anything may have changed (folders, facets, many clips).
#[derive(Debug, Clone, Serialize, TS)]
pub struct LibraryChanged {
    pub clip_ids: Vec<i64>,
}

pub const LIBRARY_CHANGED: &str = "library-changed";
pub const IMPORT_PROGRESS: &str = "import-progress";
/// The reader of on-screen text's progress (`reader.rs`), as an import's.
pub const READING_PROGRESS: &str = "reading-progress";
/// The listener to speech's progress (`reader.rs`), as an import's.
pub const LISTENING_PROGRESS: &str = "listening-progress";

/// The events, for `bindings.ts`.
pub fn events(config: &ts_rs::Config) -> Vec<Event> {
    vec![
        Event {
            key: "libraryChanged",
            name: LIBRARY_CHANGED,
            payload: LibraryChanged::name(config),
            visit: |d| d.declare::<LibraryChanged>(),
        },
        Event {
            key: "jobUpdate",
            name: JOB_UPDATE,
            payload: JobUpdate::name(config),
            visit: |d| d.declare::<JobUpdate>(),
        },
        Event {
            key: "importProgress",
            name: IMPORT_PROGRESS,
            payload: ImportProgress::name(config),
            visit: |d| d.declare::<ImportProgress>(),
        },
        Event {
            key: "readingProgress",
            name: READING_PROGRESS,
            payload: ImportProgress::name(config),
            visit: |d| d.declare::<ImportProgress>(),
        },
        Event {
            key: "listeningProgress",
            name: LISTENING_PROGRESS,
            payload: ImportProgress::name(config),
            visit: |d| d.declare::<ImportProgress>(),
        },
    ]
}

/// What a reel becomes on disk.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReelExport {
    /// An M3U8 playlist (VLC and mpv play each moment's range).
    M3u8,
    /// An mpv EDL file.
    Edl,
    /// One video, a chapter per moment (.mp4 or .mkv).
    Video,
}

/// What a cut is made of: a marker, or a stretch of a clip (the timeline's In and Out).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CutOf {
    Marker { id: i64 },
    Range { clip_id: i64, start_ms: i64, end_ms: i64 },
}

fn cut_plan(
    library: &outtake_core::Library,
    of: CutOf,
) -> outtake_core::Result<outtake_core::reels::cut::CutPlan> {
    match of {
        CutOf::Marker { id } => library.cut_marker(id),
        CutOf::Range { clip_id, start_ms, end_ms } => library.cut_range(clip_id, start_ms, end_ms),
    }
}

/// Refuses at once what a job would refuse only when its turn came: an empty
/// path, a folder that is not there, a file that is (unless replacing it was asked).
fn check_target(path: &str, force: bool) -> Result<PathBuf, IpcError> {
    let invalid = |message: String| IpcError { kind: IpcErrorKind::Core(ErrorKind::Invalid), message };
    let target = PathBuf::from(path.trim());
    if target.as_os_str().is_empty() || target.file_name().is_none() {
        return Err(invalid("type the path of the file to write".into()));
    }
    if !target.is_absolute() {
        return Err(invalid(format!("{} is not a full path (it starts with /)", target.display())));
    }
    match target.parent() {
        Some(folder) if folder.is_dir() => {}
        _ => return Err(invalid(format!("the folder of {} does not exist", target.display()))),
    }
    if target.is_dir() {
        return Err(invalid(format!("{} is a folder", target.display())));
    }
    if target.exists() && !force {
        let message = format!("{} exists already", target.display());
        return Err(IpcError { kind: IpcErrorKind::Core(ErrorKind::OutputExists), message });
    }
    Ok(target)
}

/// A pack's file: checked as any target; one being replaced is removed first
/// (a pack is written whole to a new file, never over one).
fn pack_target(path: &str, force: bool) -> Result<PathBuf, IpcError> {
    let target = check_target(path, force)?;
    if force && target.exists() {
        std::fs::remove_file(&target)
            .map_err(|e| IpcError::app(format!("cannot replace {}: {e}", target.display())))?;
    }
    Ok(target)
}

/// Writes the settings `change` makes of the kept ones (atomically) and keeps them.
fn keep_settings(state: &App, change: impl FnOnce(&Settings) -> Settings) -> Result<Settings, IpcError> {
    let mut kept = state.settings();
    let settings = change(&kept);
    outtake_core::settings::save(&outtake_core::settings::settings_path(), &settings)?;
    state.readers.apply(&kept, &settings);
    *kept = settings.clone();
    Ok(settings)
}

/// The most clips a search returns to the window.
const MAX_RESULTS: usize = 1000;

fn state(app: &tauri::AppHandle) -> tauri::State<'_, App> {
    app.state::<App>()
}

/// Tells every view that something other than clips changed (facets, saved searches).
fn changed(app: &tauri::AppHandle) {
    clips_changed(app, Vec::new());
}

/// Tells every view that these clips changed (empty: anything may have).
fn clips_changed(app: &tauri::AppHandle, clip_ids: Vec<i64>) {
    if let Err(error) = app.emit(LIBRARY_CHANGED, LibraryChanged { clip_ids }) {
        tracing::warn!("cannot send library-changed: {error}");
    }
}

commands! {
    /// Where the library is and how to reach its media.
    fn library_info(app) -> LibraryInfo {
        let state = state(&app);
        let path = state.library().path().display().to_string();
        Ok(LibraryInfo { path, media_base: state.media_base.clone(), version: env!("CARGO_PKG_VERSION").into() })
    }

    /// The sidebar: shows, cast, tags, saved searches and watched folders with counts.
    fn facets(app) -> Facets {
        let state = state(&app);
        let mut facets = state.counts().facets()?;
        for folder in &mut facets.folders {
            folder.state = state.importer.folder_state(&folder.path, folder.state);
        }
        Ok(facets)
    }

    /// A page of the whole library in one order.
    fn clip_page(app, sort: ClipSort, offset: u32, limit: u32) -> ClipPage {
        Ok(state(&app).library().clip_page(sort, offset as usize, limit as usize)?)
    }

    /// Every clip's id in one order: "select all" in the library grid.
    fn clip_ids(app, sort: ClipSort) -> Vec<i64> {
        Ok(state(&app).library().clip_ids(sort)?)
    }

    /// Runs a query of the search language; hits come grouped by clip, best first.
    fn search(app, query: String, limit: u32) -> SearchResults {
        Ok(state(&app).library().search_results(&query, (limit as usize).min(MAX_RESULTS))?)
    }

    /// Completions for the token under the caret (`cast:kim`, `tag:mo`, `김`).
    fn suggest(app, text: String) -> Vec<Suggestion> {
        Ok(state(&app).library().suggest(&text)?)
    }

    /// Everything about one clip, for its page.
    fn clip(app, id: i64) -> ClipView {
        let state = state(&app);
        let library = state.library();
        Ok(ClipView { detail: library.clip(id)?, languages: library.cue_languages(id)? })
    }

    /// A clip's subtitle cues in one language (all languages when `lang` is null).
    fn cues(app, clip_id: i64, lang: Option<String>) -> Vec<Cue> {
        Ok(state(&app).library().cues(clip_id, lang.as_deref())?)
    }

    /// Asks for a folder with the system's folder picker; null when cancelled.
    fn pick_folder(app) -> Option<String> {
        let picked = app.dialog().file().set_title("Add a folder to watch").blocking_pick_folder();
        Ok(picked.and_then(|path| path.into_path().ok()).map(|path| path.display().to_string()))
    }

    /// Starts watching a folder and imports what is in it.
    fn add_folder(app, path: String) -> FolderView {
        let state = state(&app);
        let trimmed = path.trim();
        if trimmed.is_empty() {
            return Err(IpcError { kind: IpcErrorKind::Core(ErrorKind::Invalid), message: "type the path of a folder".into() });
        }
        // `~/Videos` as people type it.
        let folder = match (trimmed.strip_prefix("~/"), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => PathBuf::from(trimmed),
        };
        if !folder.is_dir() {
            let message = format!("{trimmed} is not a folder that exists here: check the path");
            return Err(IpcError { kind: IpcErrorKind::Core(ErrorKind::NotFound), message });
        }
        let id = state.library().add_folder(&folder)?;
        state.importer.folders_changed();
        let facets = state.library().facets()?;
        let view = facets.folders.into_iter().find(|f| f.id == id);
        view.ok_or_else(|| IpcError::app(format!("folder #{id} vanished")))
    }

    /// Stops watching a folder. Its clips stay in the library.
    fn remove_folder(app, id: i64) -> () {
        let state = state(&app);
        state.library().remove_folder(id)?;
        state.importer.folders_changed();
        Ok(())
    }

    /// Looks at every watched folder again.
    fn rescan(app) -> () {
        state(&app).importer.rescan();
        Ok(())
    }

    /// Files that could not be imported, and why.
    fn problems(app) -> Vec<Failure> {
        Ok(state(&app).library().import_problems()?)
    }

    /// Saves (or replaces) a named search.
    fn save_search(app, name: String, query: String) -> SavedSearch => changed {
        let state = state(&app);
        let mut library = state.library();
        let id = library.save_search(&name, &query)?;
        let saved = library.saved_search(&format!("#{id}"))?;
        Ok(saved)
    }

    /// Forgets a saved search.
    fn delete_saved_search(app, id: i64) -> () => changed {
        state(&app).library().delete_saved_search(id)?;
        Ok(())
    }

    /// Opens the page the clip was downloaded from in the system browser.
    fn open_source(app, clip_id: i64) -> () {
        let url = state(&app).library().clip(clip_id)?.source.url;
        let url = url.ok_or_else(|| IpcError { kind: IpcErrorKind::Core(ErrorKind::NotFound), message: "this clip has no source link".into() })?;
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(IpcError { kind: IpcErrorKind::Core(ErrorKind::Invalid), message: format!("{url} is not a web link") });
        }
        app.opener().open_url(url, None::<&str>).map_err(|e| IpcError::app(format!("cannot open the browser: {e}")))
    }

    /// Shows a copy of a clip in the system's file manager.
    fn reveal_file(app, file_id: i64) -> () {
        let path = state(&app).library().file_path(file_id)?;
        app.opener()
            .reveal_item_in_dir(&path)
            .map_err(|e| IpcError::app(format!("cannot show {} in the file manager: {e}", path.display())))
    }

    /// A clip's storyboard (its frames at an interval, on sheets the media
    /// server serves as `/clip/{id}/storyboard/{n}`), or none yet: then it is
    /// made next, before the background's others.
    fn storyboard(app, clip_id: i64) -> Option<Storyboard> {
        let state = state(&app);
        let board = state.library().storyboard(clip_id)?;
        if board.is_none() {
            state.importer.storyboards_for(vec![clip_id]);
        }
        Ok(board)
    }

    /// Makes the frame at `at_ms` the clip's poster: the fan's choice, kept
    /// through rescans, undone like any edit. The frame is made right after.
    fn use_frame_as_poster(app, clip_id: i64, at_ms: i64) -> () {
        let state = state(&app);
        state.library().use_frame_as_poster(clip_id, at_ms)?;
        state.importer.thumbnails_for(vec![clip_id]);
        clips_changed(&app, vec![clip_id]);
        Ok(())
    }

    /// Gives the clip its own poster back (the uploader's picture, or the default frame).
    fn use_default_poster(app, clip_id: i64) -> () {
        let state = state(&app);
        state.library().use_default_poster(clip_id)?;
        state.importer.thumbnails_for(vec![clip_id]);
        clips_changed(&app, vec![clip_id]);
        Ok(())
    }

    /// Plays the clip in an external player (mpv or VLC, else the system's default) from `at_ms`.
    fn open_external(app, clip_id: i64, at_ms: i64) -> () {
        let path = state(&app).library().playable_path(clip_id)?;
        let path = path.ok_or_else(|| IpcError {
            kind: IpcErrorKind::Core(ErrorKind::NotFound),
            message: "no copy of this clip is present: reconnect its drive or rescan".into(),
        })?;
        let player = state(&app).settings().external_player.clone();
        crate::external::play(&path, at_ms, player.as_deref())
    }

    /// Adds a marker to a clip, written with names (people, scene, tags).
    fn add_marker(app, clip_id: i64, marker: MarkerDraft) -> Marker {
        let state = state(&app);
        let mut library = state.library();
        let id = library.add_marker_draft(clip_id, &marker)?;
        let marker = library.marker(id)?;
        drop(library);
        state.importer.thumbnails_for(vec![clip_id]);
        clips_changed(&app, vec![clip_id]);
        Ok(marker)
    }

    /// Replaces what a marker says.
    fn update_marker(app, id: i64, marker: MarkerDraft) -> Marker {
        let state = state(&app);
        let mut library = state.library();
        library.update_marker_draft(id, &marker)?;
        let marker = library.marker(id)?;
        drop(library);
        state.importer.thumbnails_for(vec![marker.clip_id]);
        clips_changed(&app, vec![marker.clip_id]);
        Ok(marker)
    }

    /// Deletes a marker.
    fn delete_marker(app, id: i64) -> () {
        let state = state(&app);
        let mut library = state.library();
        let clip_id = library.marker(id)?.clip_id;
        library.delete_marker(id)?;
        drop(library);
        clips_changed(&app, vec![clip_id]);
        Ok(())
    }

    /// Tags many clips at once; returns the (clip, tag) pairs that are new.
    fn tag_clips(app, clip_ids: Vec<i64>, tags: Vec<String>) -> Vec<ClipTag> {
        let added = state(&app).library().tag_clips(&clip_ids, &tags)?;
        clips_changed(&app, clip_ids);
        Ok(added)
    }

    /// Credits a person (by any name) on many clips; returns the clips that are new.
    fn credit_clips(app, clip_ids: Vec<i64>, person: String, character: Option<String>) -> Vec<i64> {
        let added = state(&app).library().credit_clips(&clip_ids, &person, character.as_deref())?;
        clips_changed(&app, clip_ids);
        Ok(added)
    }

    /// Every show, for pickers.
    fn shows(app) -> Vec<Show> {
        Ok(state(&app).library().shows()?)
    }

    /// Adds a show.
    fn add_show(app, show: ShowInput) -> Show => changed {
        let state = state(&app);
        let mut library = state.library();
        let id = library.add_show(&show)?;
        let show = library.show(id)?;
        Ok(show)
    }

    /// A show with its cast, episodes and scenes, for the show editor.
    fn show_view(app, show_id: i64) -> ShowView {
        let state = state(&app);
        let library = state.library();
        Ok(ShowView {
            show: library.show(show_id)?,
            cast: library.cast_of(show_id)?,
            episodes: library.episodes(show_id)?,
            scenes: library.scenes(show_id)?,
        })
    }

    /// Replaces what is known about a show: titles, aliases, network, year.
    fn update_show(app, show_id: i64, show: ShowInput) -> Show => changed {
        let state = state(&app);
        let mut library = state.library();
        library.update_show(show_id, &show)?;
        let show = library.show(show_id)?;
        Ok(show)
    }

    /// Deletes a show with its episodes, scenes and roles; its clips stay.
    fn delete_show(app, show_id: i64) -> () => changed {
        state(&app).library().delete_show(show_id)?;
        Ok(())
    }

    /// Adds an episode to a show.
    fn add_episode(app, show_id: i64, number: i64, title: Option<String>, air_date: Option<String>) -> () => changed {
        state(&app).library().add_episode(show_id, number, title.as_deref(), air_date.as_deref())?;
        Ok(())
    }

    /// Changes an episode's title and air date (YYYY-MM-DD).
    fn update_episode(app, episode_id: i64, title: Option<String>, air_date: Option<String>) -> () => changed {
        state(&app).library().update_episode(episode_id, title.as_deref(), air_date.as_deref())?;
        Ok(())
    }

    /// Deletes an episode; its scenes and clips stay with the show.
    fn delete_episode(app, episode_id: i64) -> () => changed {
        state(&app).library().delete_episode(episode_id)?;
        Ok(())
    }

    /// Adds a scene to a show (in an episode, created if need be).
    fn add_scene(app, show_id: i64, scene: SceneInput) -> () => changed {
        state(&app).library().add_scene(show_id, &scene)?;
        Ok(())
    }

    /// Replaces a scene's episode, title and description.
    fn update_scene(app, scene_id: i64, scene: SceneInput) -> () => changed {
        state(&app).library().update_scene(scene_id, &scene)?;
        Ok(())
    }

    /// Deletes a scene; markers and clips that named it stay.
    fn delete_scene(app, scene_id: i64) -> () => changed {
        state(&app).library().delete_scene(scene_id)?;
        Ok(())
    }

    /// Renames a character (and its native name).
    fn update_role(app, role_id: i64, role: RoleInput) -> () => changed {
        state(&app).library().update_role(role_id, &role)?;
        Ok(())
    }

    /// Takes a role out of a show's cast; credits keep the character's name.
    fn delete_role(app, role_id: i64) -> () => changed {
        state(&app).library().delete_role(role_id)?;
        Ok(())
    }

    /// Adds a person.
    fn add_person(app, person: PersonInput) -> Person => changed {
        let state = state(&app);
        let mut library = state.library();
        let id = library.add_person(&person)?;
        let person = library.person(id)?;
        Ok(person)
    }

    /// Says a person plays a character in a show (both by any name).
    fn add_role(app, person: String, show: String, role: RoleInput) -> Role => changed {
        let state = state(&app);
        let mut library = state.library();
        let person_id = library.find_person(&person)?;
        let show_id = library.find_show(&show)?;
        let id = library.add_role(person_id, show_id, &role)?;
        let role = library.role(id)?;
        Ok(role)
    }

    /// The cast of a show: who plays whom.
    fn cast_of(app, show: String) -> Vec<Role> {
        let state = state(&app);
        let library = state.library();
        let show_id = library.find_show(&show)?;
        Ok(library.cast_of(show_id)?)
    }

    /// Puts many clips in a show (by any name; null: in none) and episode; returns where they were.
    fn place_clips(app, clip_ids: Vec<i64>, show: Option<String>, episode: Option<i64>) -> Vec<ClipPlace> {
        let before = state(&app).library().place_clips(&clip_ids, show.as_deref(), episode)?;
        clips_changed(&app, clip_ids);
        Ok(before)
    }

    /// Every tag with its aliases and parents, for the tag manager.
    fn tags(app) -> Vec<Tag> {
        Ok(state(&app).library().tags()?)
    }

    /// Renames a tag (by any name or alias); every clip and marker keeps it.
    fn rename_tag(app, tag: String, name: String) -> () => changed {
        let state = state(&app);
        let mut library = state.library();
        let id = library.find_tag(&tag)?;
        library.rename_tag(id, &name)?;
        Ok(())
    }

    /// Folds one tag into another: its clips, markers and aliases move over.
    fn merge_tags(app, from: String, into: String) -> () => changed {
        let state = state(&app);
        let mut library = state.library();
        let (from, into) = (library.find_tag(&from)?, library.find_tag(&into)?);
        library.merge_tags(from, into)?;
        Ok(())
    }

    /// Another name a tag is found by.
    fn add_tag_alias(app, tag: String, alias: String) -> () => changed {
        let state = state(&app);
        let mut library = state.library();
        let id = library.find_tag(&tag)?;
        library.add_tag_alias(id, &alias)?;
        Ok(())
    }

    /// Says a tag is a kind of another (`type:blooper` under `type:funny`): searching the parent finds it.
    fn add_tag_parent(app, tag: String, parent: String) -> () => changed {
        let state = state(&app);
        let mut library = state.library();
        let (id, parent) = (library.find_tag(&tag)?, library.find_tag(&parent)?);
        library.add_tag_parent(id, parent)?;
        Ok(())
    }

    /// Every person with their names, for the people manager.
    fn people(app) -> Vec<Person> {
        Ok(state(&app).library().people()?)
    }

    /// The characters a person plays, show by show.
    fn roles_of(app, person: String) -> Vec<Role> {
        let state = state(&app);
        let library = state.library();
        let id = library.find_person(&person)?;
        Ok(library.roles_of(id)?)
    }

    /// Replaces a person's name, native name and aliases.
    fn update_person(app, person_id: i64, person: PersonInput) -> () => changed {
        state(&app).library().update_person(person_id, &person)?;
        Ok(())
    }

    /// Folds a duplicate person into another: names, roles and credits move over.
    fn merge_people(app, from: String, into: String) -> () => changed {
        let state = state(&app);
        let mut library = state.library();
        let (from, into) = (library.find_person(&from)?, library.find_person(&into)?);
        library.merge_people(from, into)?;
        Ok(())
    }

    /// Takes one tag (by any name or alias) off a clip.
    fn untag_clip(app, clip_id: i64, tag: String) -> () {
        state(&app).library().untag_clip(clip_id, std::slice::from_ref(&tag))?;
        clips_changed(&app, vec![clip_id]);
        Ok(())
    }

    /// The latest edits, newest first (the History panel).
    fn history(app, limit: u32) -> Vec<HistoryEntry> {
        Ok(state(&app).library().history(limit as usize)?)
    }

    /// Takes back an edit: the latest standing one, or `edit_id`. Refused
    /// whole, naming what changed, when something it changed was changed since.
    fn undo(app, edit_id: Option<i64>) -> HistoryEntry => changed {
        let entry = state(&app).library().undo(edit_id)?;
        Ok(entry)
    }

    /// Makes again the edit undone last.
    fn redo(app) -> HistoryEntry => changed {
        let entry = state(&app).library().redo()?;
        Ok(entry)
    }

    /// The fan's settings (language, theme, external player, library, cache limit).
    fn settings(app) -> SettingsView {
        let state = state(&app);
        let problem = state.settings_problem.lock().unwrap_or_else(|p| p.into_inner()).take();
        let path = outtake_core::settings::settings_path().display().to_string();
        let (screen_text_off, speech_off) = state.readers.off_because();
        Ok(SettingsView {
            settings: state.settings().clone(),
            path,
            problem,
            system_language: system_language(),
            screen_text_off,
            speech_off,
        })
    }

    /// Keeps new settings (written atomically). Language and theme apply at
    /// once in the window; another library file opens at the next start.
    fn save_settings(app, settings: Settings) -> Settings {
        // Fields a newer Outtake wrote stay as they were.
        keep_settings(&state(&app), |kept| Settings { other: kept.other.clone(), ..settings })
    }

    /// Moves the library safely: copies it whole to `path` (a new file) and
    /// opens that copy from the next start; the original stays where it is
    /// until the fan deletes it. Gives the settings as kept.
    fn move_library(app, path: String) -> Settings {
        let state = state(&app);
        let target = PathBuf::from(path.trim());
        state.library().copy_to(&target)?;
        keep_settings(&state, |kept| Settings { library: Some(target.display().to_string()), ..kept.clone() })
    }

    /// Where the thumbnail and storyboard cache is now.
    fn cache_folder(app) -> String {
        let folder = state(&app).library().thumbnail_dir();
        Ok(folder.map(|f| f.display().to_string()).unwrap_or_default())
    }

    /// Puts the cache in another folder (empty: back beside the library). The
    /// old one is left for the fan to delete; posters are made again in the new
    /// place at once, storyboards as they are needed.
    fn set_cache_folder(app, path: String) -> String {
        let state = state(&app);
        let trimmed = path.trim();
        let folder = (!trimmed.is_empty()).then(|| PathBuf::from(trimmed));
        let now = {
            let mut library = state.library();
            library.set_cache_dir(folder.as_deref())?;
            library.thumbnail_dir()
        };
        state.importer.rescan();
        Ok(now.map(|f| f.display().to_string()).unwrap_or_default())
    }

    /// Writes a show's pack (its clips' keys, markers, credits, roles; never a
    /// path, the fan's notes only `with_notes`) to a new file `path`.
    fn export_pack(app, show_id: i64, path: String, with_notes: bool, force: bool) -> PackSummary {
        let target = pack_target(&path, force)?;
        Ok(state(&app).library().export_pack_to(show_id, &target, with_notes)?)
    }

    /// Writes the pack of some clips of one show (a selection) to a new file `path`.
    fn export_selection_pack(app, clip_ids: Vec<i64>, path: String, with_notes: bool, force: bool) -> PackSummary {
        let target = pack_target(&path, force)?;
        Ok(state(&app).library().export_pack_of_clips(&clip_ids, &target, with_notes)?)
    }

    /// What importing the pack at `path` would do — each clip matched, how,
    /// and what did not match — with nothing written.
    fn preview_pack(app, path: String) -> PackReport {
        Ok(state(&app).library().import_pack(std::path::Path::new(path.trim()), true)?)
    }

    /// Imports the pack at `path` as one edit (undone as a whole); importing it
    /// again changes nothing.
    fn apply_pack(app, path: String) -> PackReport => changed {
        Ok(state(&app).library().import_pack(std::path::Path::new(path.trim()), false)?)
    }

    /// Asks for a pack file with the system's file picker; null when cancelled.
    fn pick_pack(app) -> Option<String> {
        let picked = app.dialog().file().add_filter("Outtake pack", &["json"]).set_title("Import a pack").blocking_pick_file();
        Ok(picked.and_then(|path| path.into_path().ok()).map(|path| path.display().to_string()))
    }

    /// Pairs of clips that look like one video (same download or file, a
    /// re-encode, one holding the other), strongest first; pairs the fan said
    /// are not the same are left out. Only clips with content keys are compared.
    fn duplicates(app) -> Vec<outtake_core::keys::Duplicate> {
        Ok(state(&app).library().duplicates()?)
    }

    /// Merges clip `other` into `keep` (markers moved by the measured offset,
    /// credits, tags, scenes; its copies too when both play one timeline). One edit.
    fn merge_duplicate(app, keep: i64, other: i64) -> outtake_core::keys::Merged => changed {
        Ok(state(&app).library().merge_duplicate(keep, other)?)
    }

    /// Says two clips are not the same video (an edit): they leave the list.
    fn mark_not_duplicate(app, a: i64, b: i64) -> () => changed {
        state(&app).library().mark_not_duplicate(a, b)?;
        Ok(())
    }

    /// What the thumbnail and storyboard cache holds, and its limit.
    fn cache_usage(app) -> CacheUsage {
        Ok(state(&app).library().cache_usage()?)
    }

    /// Sets the cache's limit (in MB, 50 MB to 1 TB) and trims it to that at once.
    fn set_cache_limit(app, megabytes: u32) -> CacheUsage {
        if !(50..=1_000_000).contains(&megabytes) {
            let message = format!("{megabytes} MB is not between 50 MB and 1 TB");
            return Err(IpcError { kind: IpcErrorKind::Core(ErrorKind::Invalid), message });
        }
        let state = state(&app);
        let mut library = state.library();
        library.set_cache_limit(u64::from(megabytes) * 1_000_000)?;
        library.trim_cache()?;
        Ok(library.cache_usage()?)
    }

    /// The moments of a reel, read from the library now (a deleted marker has dropped out).
    fn reel(app, source: ReelSource, options: ReelOptions) -> Vec<Moment> {
        Ok(state(&app).library().reel(&source, options)?)
    }

    /// The saved reels, for the sidebar.
    fn saved_reels(app) -> Vec<SavedReel> {
        Ok(state(&app).library().saved_reels()?)
    }

    /// Saves a reel under a new name: live (`query`, read again each time) or
    /// fixed (these markers, in this order, reorderable).
    fn save_reel(app, name: String, query: Option<String>, marker_ids: Vec<i64>, context_ms: i64) -> SavedReel => changed {
        let state = state(&app);
        let mut library = state.library();
        let reel = match &query {
            Some(query) => NewReel::Live { query },
            None => NewReel::Fixed { marker_ids: &marker_ids },
        };
        let id = library.save_reel(&name, reel, context_ms)?;
        Ok(library.saved_reel(&format!("#{id}"))?)
    }

    /// Renames a saved reel.
    fn rename_reel(app, id: i64, name: String) -> () => changed {
        state(&app).library().rename_reel(id, &name)?;
        Ok(())
    }

    /// Puts a fixed reel's markers in this order.
    fn reorder_reel(app, id: i64, marker_ids: Vec<i64>) -> () => changed {
        state(&app).library().reorder_reel(id, &marker_ids)?;
        Ok(())
    }

    /// Forgets a saved reel (its markers stay).
    fn delete_reel(app, id: i64) -> () => changed {
        state(&app).library().delete_reel(id)?;
        Ok(())
    }

    /// Where exports go unless the fan says otherwise: the Videos folder, else home.
    fn export_folder(app) -> String {
        let _ = app;
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
        let videos = home.join("Videos");
        Ok(if videos.is_dir() { videos } else { home }.display().to_string())
    }

    /// Asks where to write a file with the system's save dialog; null when cancelled.
    fn pick_save_path(app, suggested: String) -> Option<String> {
        let suggested = PathBuf::from(suggested);
        let mut dialog = app.dialog().file().set_title("Save as");
        if let Some(folder) = suggested.parent().filter(|f| f.is_dir()) {
            dialog = dialog.set_directory(folder);
        }
        if let Some(name) = suggested.file_name() {
            dialog = dialog.set_file_name(name.to_string_lossy());
        }
        let picked = dialog.blocking_save_file();
        Ok(picked.and_then(|path| path.into_path().ok()).map(|path| path.display().to_string()))
    }

    /// Writes a reel as a playlist or one video, in the background: the job's
    /// id comes back at once, its progress as `job-update` events. The clips
    /// are only read; an existing file is replaced only when `force`.
    fn export_reel(app, source: ReelSource, options: ReelOptions, format: ReelExport, path: String, force: bool, title: String) -> u32 {
        let target = check_target(&path, force)?;
        let state = state(&app);
        let files = {
            let library = state.library();
            let moments = library.reel(&source, options)?;
            library.reel_files(&moments)?
        };
        let offline = files.offline.len();
        let what = match format {
            ReelExport::M3u8 => "Playlist",
            ReelExport::Edl => "mpv EDL",
            ReelExport::Video => "Reel video",
        };
        let work: crate::jobs::Work = Box::new(move |cancel, progress| {
            if offline > 0 {
                progress(0.0, Some(format!("{offline} moments left out: their clips are offline")));
            }
            let report = match format {
                ReelExport::M3u8 => write_playlist(&files.entries, PlaylistFormat::M3u8, &target, force)?,
                ReelExport::Edl => write_playlist(&files.entries, PlaylistFormat::Edl, &target, force)?,
                ReelExport::Video => write_video(&files.entries, &target, force, cancel, &mut |p| {
                    progress(p.fraction, Some(p.mode.as_str().to_string()))
                })?,
            };
            Ok(report.path)
        });
        Ok(state.jobs.add(format!("{what}: {title}"), work))
    }

    /// A file name for a cut, from its show, episode, cast and marker title.
    fn cut_file_name(app, of: CutOf, extension: String) -> String {
        let plan = cut_plan(&state(&app).library(), of)?;
        Ok(suggest_file_name(&plan.name, &extension))
    }

    /// Cuts one moment to share — MP4, animated WebP or GIF, by the path's
    /// extension — in the background (see `export_reel`). `size`: 480p, 720p
    /// or original; `subtitles`: a language whose lines are burned in.
    fn cut(app, of: CutOf, path: String, size: Option<String>, subtitles: Option<String>, force: bool) -> u32 {
        let target = check_target(&path, force)?;
        let state = state(&app);
        let format = CutFormat::from_path(&target)?;
        let size = size.as_deref().map(CutSize::parse).transpose()?.unwrap_or(format.default_size());
        let (plan, lines) = {
            let library = state.library();
            let plan = cut_plan(&library, of)?;
            let lines = match &subtitles {
                Some(lang) => library.cue_lines(plan.clip_id, lang, plan.start_ms, plan.end_ms)?,
                None => Vec::new(),
            };
            (plan, lines)
        };
        let request = CutRequest {
            source: plan.source.clone(),
            start_ms: plan.start_ms,
            end_ms: plan.end_ms,
            format,
            size,
            fps: format.default_fps(),
            subtitles: lines,
        };
        let name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let work: crate::jobs::Work = Box::new(move |cancel, progress| {
            let report = outtake_core::reels::cut::cut(&request, &target, force, cancel, &mut |f| progress(f, None))?;
            Ok(report.path)
        });
        Ok(state.jobs.add(format!("Cut: {name}"), work))
    }

    /// Stops a job (a queued one never starts); false when it was over already.
    fn cancel_job(app, id: u32) -> bool {
        Ok(state(&app).jobs.cancel(id))
    }

    /// Shows a file Outtake wrote (an export, a cut) in the system's file manager.
    fn reveal_path(app, path: String) -> () {
        let path = PathBuf::from(path);
        app.opener()
            .reveal_item_in_dir(&path)
            .map_err(|e| IpcError::app(format!("cannot show {} in the file manager: {e}", path.display())))
    }
}
