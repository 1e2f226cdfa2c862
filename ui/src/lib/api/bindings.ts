// Generated from src-tauri/src/commands.rs by `cargo xtask bindings`. Do not edit:
// `cargo xtask test` fails when this file is not what the Rust side declares.
import { invoke } from '@tauri-apps/api/core';

/**
 * The shell's own failures (a file manager that would not open, …).
 */
export type AppKind = "app";

/**
 * What the cache holds, as `outtake cache` shows it.
 */
export type CacheUsage = { 
/**
 * Posters and marker frames.
 */
posters: number, poster_bytes: number, storyboards: number, storyboard_bytes: number, 
/**
 * Storyboards evicted to keep under the limit (made again when asked for).
 */
evicted: number, 
/**
 * Storyboards that could not be made, or only in part.
 */
problems: number, 
/**
 * Files and storyboards of clips the library has forgotten.
 */
orphans: number, orphan_bytes: number, limit_bytes: number, };

/**
 * Someone in a marker: a person by any name, alias or `#id`, as a character when given
 * (else as their role in the clip's show, when they have one).
 */
export type CastDraft = { person: string, character: string | null, };

/**
 * Someone in a clip or a marker, as a character when known.
 */
export type CastMember = { person_id: number, person: string, role_id: number | null, character: string | null, };

/**
 * A clip as a card in a grid: enough to draw it without another call.
 */
export type ClipCard = { id: number, title: string, duration_ms: number | null, status: FileStatus, show: string | null, episode: number | null, 
/**
 * Names of the people credited on the clip, first credited first (at most a few).
 */
cast: Array<string>, 
/**
 * When the clip entered the library (RFC 3339, UTC).
 */
added_at: string, 
/**
 * The frame the fan chose as the poster (ms), if they did: the window's
 * poster URL carries it, so a new choice (or its undo) shows at once.
 */
poster_ms: number | null, };

/**
 * Everything about one clip.
 */
export type ClipDetail = { id: number, title: string, description: string | null, note: string | null, path: string | null, 
/**
 * The encoding `path` was decoded from, when the name on disk is not UTF-8.
 */
path_encoding: string | null, duration_ms: number | null, width: number | null, height: number | null, video_codec: string | null, audio_codec: string | null, fps: number | null, rotation: number | null, oshash: string | null, status: FileStatus, added_at: string, show_id: number | null, show: string | null, episode: number | null, 
/**
 * Show and episode were guessed from the file name, not set by the fan.
 */
show_guessed: boolean, 
/**
 * The frame the fan chose as the poster (ms), if they did.
 */
poster_ms: number | null, 
/**
 * The container's creation time (RFC 3339), e.g. when a phone recorded it.
 */
created: string | null, 
/**
 * The download site's id of the video.
 */
source_id: string | null, scenes: Array<string>, tags: Array<string>, cast: Array<CastMember>, markers: Array<Marker>, source: Source, files: Array<ClipFile>, };

/**
 * One copy of a clip on disk. The library describes the file; it never writes it.
 */
export type ClipFile = { id: number, 
/**
 * The path as the fan reads it: decoded when the name on disk is not UTF-8.
 */
path: string, 
/**
 * The encoding `path` was decoded from (`EUC-KR`, `Shift_JIS`, …), when
 * the name on disk is not UTF-8; `None` when `path` is exactly the name.
 */
path_encoding: string | null, size: number, mtime_ms: number | null, oshash: string | null, status: FileStatus, };

/**
 * A slice of the whole library in one order.
 */
export type ClipPage = { total: number, offset: number, clips: Array<ClipCard>, };

/**
 * Where a clip sits: its show and episode number (what a bulk "set show" changed).
 */
export type ClipPlace = { clip_id: number, show_id: number | null, episode: number | null, };

/**
 * The orders the library grid offers.
 */
export type ClipSort = "added" | "title" | "duration";

/**
 * A tag put on a clip by a bulk edit (what undoing it takes off).
 */
export type ClipTag = { clip_id: number, tag_id: number, };

/**
 * A clip page's data: the clip and the languages of its subtitle cues.
 */
export type ClipView = { detail: ClipDetail, languages: Array<string>, };

/**
 * One subtitle line with its times.
 */
export type Cue = { id: number, clip_id: number, 
/**
 * Language from the subtitle file's name (`ko`, `en`); empty when unknown.
 */
lang: string, start_ms: number, end_ms: number, text: string, 
/**
 * Dialogue, or a sign or song lyric (from an ASS file's styles and tags).
 */
kind: CueKind, 
/**
 * Where the line came from: a subtitle file (or the fan), the picture, speech.
 */
source: CueSource, 
/**
 * Made by a machine (read off the picture or heard) and not edited by
 * the fan since: shown as machine-made, ranked below human lines.
 */
machine: boolean, };

/**
 * What a cue is: something said, or text that is not (ASS files mark signs
 * and song lyrics by style and tags). Search ranks the others below dialogue.
 */
export type CueKind = "dialogue" | "sign" | "song";

/**
 * Where a line came from (`cue.source`, migration 0015).
 */
export type CueSource = "file" | "screen" | "speech";

/**
 * What a cut is made of: a marker, or a stretch of a clip (the timeline's In and Out).
 */
export type CutOf = { "kind": "marker", id: number, } | { "kind": "range", clip_id: number, start_ms: number, end_ms: number, };

/**
 * Two clips that look like one video.
 */
export type Duplicate = { clip_a: number, title_a: string, clip_b: number, title_b: string, kinship: Kinship, how: How, 
/**
 * A moment at `t` in clip A is at `t + shift_ms` in clip B.
 */
shift_ms: number, };

export type Episode = { id: number, show_id: number, number: number, title: string | null, 
/**
 * YYYY-MM-DD
 */
air_date: string | null, };

export type EpisodeFacet = { number: number, title: string | null, clips: number, };

/**
 * The kinds of [`Error`], as the window receives them (`"not_found"`, …).
 */
export type ErrorKind = "not_found" | "ambiguous" | "already_exists" | "invalid" | "bad_import" | "io" | "too_new" | "no_library" | "not_a_library" | "read_only" | "needs_upgrade" | "busy" | "disk_full" | "database" | "migration" | "tool_missing" | "output_exists" | "tool_failed" | "cancelled";

/**
 * The sidebar: every way into the library, with counts.
 */
export type Facets = { total: number, untagged: number, missing: number, shows: Array<ShowFacet>, people: Array<PersonFacet>, tags: Array<TagFacet>, saved: Array<SavedSearch>, folders: Array<FolderView>, };

/**
 * Whether a copy of a clip can be played right now.
 */
export type FileStatus = "present" | "missing" | "offline";

/**
 * What is happening to a watched folder. The core knows only whether it is
 * reachable; the app's importer says whether it is watched natively, polled
 * or being scanned.
 */
export type FolderState = "watching" | "polling" | "offline" | "scanning";

export type FolderView = { id: number, path: string, state: FolderState, 
/**
 * Clips with a copy under this folder.
 */
clips: number, 
/**
 * Files under this folder that could not be imported (videos and sidecars:
 * what `import_problems` lists under it).
 */
problems: number, };

/**
 * One edit in the history, as `outtake history` and the window list them.
 */
export type HistoryEntry = { id: number, 
/**
 * When it was made (RFC 3339, UTC).
 */
at: string, description: string, undone: boolean, 
/**
 * How many rows it changed.
 */
rows: number, };

/**
 * Where in a clip a search matched.
 */
export type Hit = { kind: HitKind, start_ms: number | null, end_ms: number | null, 
/**
 * The matched text with the query's words between `**`; plain text, never markup.
 */
snippet: string, score: number, 
/**
 * A line a machine made (read off the picture, heard) and the fan has not edited.
 */
machine: boolean, 
/**
 * Where a line came from (a subtitle file, the picture, speech); `None` for other hits.
 */
source: CueSource | null, };

/**
 * What a search hit is: the clip itself, a marker, a subtitle cue or a scene.
 */
export type HitKind = "clip" | "marker" | "cue" | "scene";

/**
 * How two clips were found to be the same video.
 */
export type How = { "by": "source" } | { "by": "oshash" } | { "by": "reencode", phash_bits: number, } | { "by": "sound", bit_error: number, };

/**
 * What the worker is doing, for a progress bar.
 */
export type ImportPhase = "scanning" | "thumbnails" | "storyboards" | "keys" | "reading" | "listening" | "idle";

/**
 * A file (video or sidecar) that could not be taken in, and why.
 */
export type ImportProblem = { 
/**
 * The path as the fan reads it (decoded when it is not UTF-8).
 */
path: string, 
/**
 * The encoding `path` was decoded from, when the name is not UTF-8.
 */
path_encoding: string | null, error: string, };

export type ImportProgress = { phase: ImportPhase, done: number, total: number | null, 
/**
 * The file being looked at.
 */
current: string | null, };

/**
 * How a command fails, as the UI receives it: switch on `kind`, show `message`.
 */
export type IpcError = { kind: IpcErrorKind, message: string, };

/**
 * The core's error kinds, and `app` for the shell's own failures; in
 * TypeScript a union of strings, so a component comparing a misspelt kind
 * fails `npm run check`.
 */
export type IpcErrorKind = ErrorKind | AppKind;

/**
 * Where a job is.
 */
export type JobState = "queued" | "running" | "done" | "failed" | "cancelled";

/**
 * One job's news, for the window's job list.
 */
export type JobUpdate = { id: number, 
/**
 * What the job makes, in a few words ("Reel video: horse scenes").
 */
label: string, state: JobState, 
/**
 * Of the whole job, 0 to 1.
 */
fraction: number, 
/**
 * How it is being made, when that matters ("stream copy", "re-encoding").
 */
note: string | null, 
/**
 * Why it failed.
 */
message: string | null, 
/**
 * The file it wrote, once done.
 */
path: string | null, };

/**
 * What two clips are to each other.
 */
export type Kinship = "same_video" | "reencode" | "contains";

/**
 * Something in the library changed; views refresh. Empty `clip_ids` means
 * anything may have changed (folders, facets, many clips).
 */
export type LibraryChanged = { clip_ids: Array<number>, };

/**
 * What the window needs to know once: where the library is and how to reach its media.
 */
export type LibraryInfo = { path: string, 
/**
 * `http://127.0.0.1:PORT/SECRET`; routes: `/clip/{id}/video`, `/clip/{id}/thumb`, `/marker/{id}/thumb`.
 */
media_base: string, version: string, };

export type Marker = { id: number, clip_id: number, start_ms: number, 
/**
 * `None` for a point in time rather than a range.
 */
end_ms: number | null, title: string | null, scene_id: number | null, scene: string | null, cast: Array<CastMember>, tags: Array<string>, note: string | null, quote: string | null, created_at: string, };

/**
 * A marker as the fan writes it: names, not ids. A scene that does not exist
 * yet is created in the clip's show.
 */
export type MarkerDraft = { start_ms: number, end_ms: number | null, title: string | null, scene: string | null, cast: Array<CastDraft>, tags: Array<string>, note: string | null, quote: string | null, };

/**
 * What merging two clips did.
 */
export type Merged = { markers_moved: number, 
/**
 * Markers that would land outside the kept clip: they stay where they were.
 */
markers_left: number, 
/**
 * The other clip's copies became copies of the kept one and the other
 * clip is gone (only when both play one timeline).
 */
clip_removed: boolean, };

/**
 * One stretch of one clip a reel plays.
 */
export type Moment = { clip_id: number, clip_title: string, 
/**
 * The marker it plays (the first one, when overlapping moments merged).
 */
marker_id: number | null, 
/**
 * The subtitle line it plays (the first one, when merged).
 */
cue_id: number | null, start_ms: number, end_ms: number, 
/**
 * What the strip shows: the marker's title (or quote, scene, time) or
 * the line's words; merged moments' labels joined by " · ".
 */
label: string, };

/**
 * What a pack's clip was found as in the library.
 */
export type PackClipMatch = { 
/**
 * The clip's place in the pack (`clips[N]`).
 */
index: number, title: string, 
/**
 * The library's clip, when one was found.
 */
clip_id: number | null, clip_title: string | null, how: How | null, 
/**
 * A pack time `t` lands at `t + shift_ms` in the library's clip.
 */
shift_ms: number, markers: number, };

/**
 * What importing a pack found, and (unless a dry run) did.
 */
export type PackReport = { show: string, clips: Array<PackClipMatch>, matched: number, unmatched: number, 
/**
 * Nothing was written (a dry run); the counts below say what would be.
 */
dry_run: boolean, people_added: number, people_merged: number, tags_added: number, markers_added: number, credits_added: number, 
/**
 * Markers that land outside the fan's copy once shifted (an intro the
 * pack's copy has and this one lacks), left out.
 */
markers_outside: number, };

/**
 * What exporting a pack wrote.
 */
export type PackSummary = { show: string, clips: number, markers: number, people: number, 
/**
 * Clips written without content keys (made by `outtake keys`): another
 * library can then find them only by source or oshash.
 */
without_keys: number, };

/**
 * One person, known by every name in `name`, `native_name` and `aliases`
 * (김유정 / Kim Yoo Jung / Kim Yoo-jung).
 */
export type Person = { id: number, name: string, native_name: string | null, aliases: Array<string>, };

/**
 * A person in the sidebar: clips they are credited in, on the clip or a marker.
 */
export type PersonFacet = { id: number, name: string, native_name: string | null, clips: number, };

export type PersonInput = { name: string, native_name: string | null, aliases: Array<string>, };

/**
 * What a reel becomes on disk.
 */
export type ReelExport = "m3u8" | "edl" | "video";

/**
 * How a reel is made from its source.
 */
export type ReelOptions = { 
/**
 * Context before and after a point marker or a subtitle line, in ms; None
 * for a saved reel's own, else [`DEFAULT_CONTEXT_MS`].
 */
context_ms: number | null, 
/**
 * Shuffle with this seed (the same seed, the same order); None keeps the source's order.
 */
shuffle: number | null, };

/**
 * Where a reel's moments come from.
 */
export type ReelSource = { "kind": "search", query: string, } | { "kind": "saved_search", id: number, } | { "kind": "person", id: number, } | { "kind": "role", id: number, } | { "kind": "show", id: number, } | { "kind": "episode", id: number, } | { "kind": "scene", id: number, } | { "kind": "tag", id: number, } | { "kind": "markers", ids: Array<number>, } | { "kind": "saved", id: number, };

/**
 * A person plays a character in a show.
 */
export type Role = { id: number, person_id: number, person: string, show_id: number, show: string, character: string, native_character: string | null, };

export type RoleInput = { character: string, native_character: string | null, };

/**
 * A reel kept in the library.
 */
export type SavedReel = { id: number, name: string, 
/**
 * The search of a live reel; None for a fixed one.
 */
query: string | null, 
/**
 * A fixed reel's markers in order (those still in the library).
 */
marker_ids: Array<number>, 
/**
 * Context around a point marker or a subtitle line, in ms.
 */
context_ms: number, created_at: string, };

/**
 * A named query kept in the library: a smart collection.
 */
export type SavedSearch = { id: number, name: string, query: string, };

export type Scene = { id: number, show_id: number, 
/**
 * The episode's number, when the scene belongs to one.
 */
episode: number | null, title: string, description: string | null, };

export type SceneFacet = { id: number, title: string, clips: number, };

/**
 * What the fan says about a scene, to add or to replace it.
 */
export type SceneInput = { episode: number | null, title: string, description: string | null, };

/**
 * One clip of a search's results and the places it matched.
 */
export type SearchClip = { clip: ClipCard, hits: Array<Hit>, };

export type SearchResults = { clips: Array<SearchClip>, 
/**
 * More clips may match than these (the search read the newest matches
 * of words too common to read whole, or the page is full).
 */
more: boolean, 
/**
 * How long the search took inside the core.
 */
elapsed_ms: number, };

/**
 * What the fan chose; `None` everywhere means "the default".
 */
export type Settings = { 
/**
 * The window's language: `ko` or `en`; none follows the system.
 */
language: string | null, 
/**
 * `light` or `dark`; none follows the system.
 */
theme: string | null, 
/**
 * The program that plays a clip outside the window (a path or a name on
 * `PATH`); none tries mpv, then VLC, then the system's default.
 */
external_player: string | null, 
/**
 * The library file opened at start; none is the default place. (The
 * cache's size limit is the library's own: `Library::set_cache_limit`.)
 */
library: string | null, 
/**
 * Whether the window reads the text on screen of new clips in the
 * background; none is yes (`reads_screen_text`).
 */
read_screen_text: boolean | null, 
/**
 * The speech model (a whisper.cpp `ggml-*.bin` the fan downloaded, by
 * its full path); none leaves speech off.
 */
speech_model: string | null, 
/**
 * The language clips are spoken in: `ko`, `en` or `auto`; none is `auto`.
 */
speech_language: string | null, };

/**
 * The settings, the file they live in, and (once) why that file was not used.
 */
export type SettingsView = { settings: Settings, path: string, 
/**
 * Said at the first read after a start whose settings file was broken.
 */
problem: string | null, 
/**
 * The system's language from the locale environment (`ko_KR.UTF-8` → `ko`),
 * which the web view may not know when the locale is not installed.
 */
system_language: string | null, 
/**
 * Why on-screen text is not read (no Tesseract), when it is not.
 */
screen_text_off: string | null, 
/**
 * Why speech is not heard (no model chosen, a model that would not load).
 */
speech_off: string | null, };

/**
 * A drama series or film, e.g. Lovers of the Red Sky (홍천기), SBS, 2021.
 */
export type Show = { id: number, title: string, native_title: string | null, aliases: Array<string>, network: string | null, year: number | null, };

/**
 * A show in the sidebar, with its episodes and scenes; counts are clips.
 */
export type ShowFacet = { id: number, title: string, native_title: string | null, clips: number, episodes: Array<EpisodeFacet>, scenes: Array<SceneFacet>, };

/**
 * What the fan says about a show, to add or to replace it.
 */
export type ShowInput = { title: string, native_title: string | null, aliases: Array<string>, network: string | null, year: number | null, };

/**
 * Everything the show editor shows about one show.
 */
export type ShowView = { show: Show, cast: Array<Role>, episodes: Array<Episode>, scenes: Array<Scene>, };

export type Source = { url: string | null, uploader: string | null, published: string | null, };

/**
 * A storyboard's index: where the tile for any moment of the clip is.
 *
 * Tile `i` shows the clip at `i × interval_ms` (within one keyframe
 * interval when `keyframes_only`); the tile for a time `t` is
 * `min(t / interval_ms, tiles - 1)`. Tile `i` is on sheet
 * `i / (columns × rows)`, at column `k % columns` and row `k / columns`
 * where `k = i % (columns × rows)`, that is at pixel
 * (`column × tile_width`, `row × tile_height`) of the sheet.
 */
export type Storyboard = { version: number, interval_ms: number, tile_width: number, tile_height: number, columns: number, rows: number, 
/**
 * How many tiles there are, over all sheets.
 */
tiles: number, 
/**
 * How many sheets (`0.jpg`, `1.jpg`, …).
 */
sheets: number, 
/**
 * The clip's length as the library knows it (`None`: unknown).
 */
duration_ms: number | null, 
/**
 * Made from keyframes only (see the module's rule), else from every
 * frame but B-frames.
 */
keyframes_only: boolean, 
/**
 * The file could be read only in part: the tiles stop more than
 * [`SPARSE_KEYFRAMES_MS`] (or one interval) before the clip's end.
 */
partial: boolean, };

export type Suggestion = { kind: SuggestionKind, 
/**
 * The name to show: the canonical name of what matched.
 */
label: string, 
/**
 * The native name or alias that matched, or the actor of a character.
 */
detail: string | null, 
/**
 * The whole token to put in place of the one being typed, e.g. `cast:"Kim Yoo Jung"`.
 */
insert: string, };

/**
 * What a suggestion stands for; it decides the filter it inserts.
 */
export type SuggestionKind = "show" | "cast" | "as" | "tag" | "saved";

export type Tag = { id: number, namespace: string | null, name: string, 
/**
 * `namespace:name`, or just the name.
 */
full_name: string, aliases: Array<string>, 
/**
 * Full names of the tags this one is a kind of (`type:blooper` under `type:funny`).
 */
parents: Array<string>, };

/**
 * A tag in the sidebar by its full name (`mood:emotional`).
 */
export type TagFacet = { id: number, name: string, clips: number, };

/** Every command of the app. A rejected call gives an `IpcError`. */
export const commands = {
  /** Where the library is and how to reach its media. */
  libraryInfo: () => invoke<LibraryInfo>('library_info'),
  /** The sidebar: shows, cast, tags, saved searches and watched folders with counts. */
  facets: () => invoke<Facets>('facets'),
  /** A page of the whole library in one order. */
  clipPage: (args: { sort: ClipSort; offset: number; limit: number }) => invoke<ClipPage>('clip_page', args),
  /** Every clip's id in one order: "select all" in the library grid. */
  clipIds: (args: { sort: ClipSort }) => invoke<Array<number>>('clip_ids', args),
  /** Runs a query of the search language; hits come grouped by clip, best first. */
  search: (args: { query: string; limit: number }) => invoke<SearchResults>('search', args),
  /** Completions for the token under the caret (`cast:kim`, `tag:mo`, `김`). */
  suggest: (args: { text: string }) => invoke<Array<Suggestion>>('suggest', args),
  /** Everything about one clip, for its page. */
  clip: (args: { id: number }) => invoke<ClipView>('clip', args),
  /** A clip's subtitle cues in one language (all languages when `lang` is null). */
  cues: (args: { clip_id: number; lang: string | null }) => invoke<Array<Cue>>('cues', args),
  /** Asks for a folder with the system's folder picker; null when cancelled. */
  pickFolder: () => invoke<string | null>('pick_folder'),
  /** Starts watching a folder and imports what is in it. */
  addFolder: (args: { path: string }) => invoke<FolderView>('add_folder', args),
  /** Stops watching a folder. Its clips stay in the library. */
  removeFolder: (args: { id: number }) => invoke<null>('remove_folder', args),
  /** Looks at every watched folder again. */
  rescan: () => invoke<null>('rescan'),
  /** Files that could not be imported, and why. */
  problems: () => invoke<Array<ImportProblem>>('problems'),
  /** Saves (or replaces) a named search. */
  saveSearch: (args: { name: string; query: string }) => invoke<SavedSearch>('save_search', args),
  /** Forgets a saved search. */
  deleteSavedSearch: (args: { id: number }) => invoke<null>('delete_saved_search', args),
  /** Opens the page the clip was downloaded from in the system browser. */
  openSource: (args: { clip_id: number }) => invoke<null>('open_source', args),
  /** Shows a copy of a clip in the system's file manager. */
  revealFile: (args: { file_id: number }) => invoke<null>('reveal_file', args),
  /**
   * A clip's storyboard (its frames at an interval, on sheets the media
   * server serves as `/clip/{id}/storyboard/{n}`), or none yet: then it is
   * made next, before the background's others.
   */
  storyboard: (args: { clip_id: number }) => invoke<Storyboard | null>('storyboard', args),
  /**
   * Makes the frame at `at_ms` the clip's poster: the fan's choice, kept
   * through rescans, undone like any edit. The frame is made right after.
   */
  useFrameAsPoster: (args: { clip_id: number; at_ms: number }) => invoke<null>('use_frame_as_poster', args),
  /** Gives the clip its own poster back (the uploader's picture, or the default frame). */
  useDefaultPoster: (args: { clip_id: number }) => invoke<null>('use_default_poster', args),
  /** Plays the clip in an external player (mpv or VLC, else the system's default) from `at_ms`. */
  openExternal: (args: { clip_id: number; at_ms: number }) => invoke<null>('open_external', args),
  /** Adds a marker to a clip, written with names (people, scene, tags). */
  addMarker: (args: { clip_id: number; marker: MarkerDraft }) => invoke<Marker>('add_marker', args),
  /** Replaces what a marker says. */
  updateMarker: (args: { id: number; marker: MarkerDraft }) => invoke<Marker>('update_marker', args),
  /** Deletes a marker. */
  deleteMarker: (args: { id: number }) => invoke<null>('delete_marker', args),
  /** Tags many clips at once; returns the (clip, tag) pairs that are new. */
  tagClips: (args: { clip_ids: Array<number>; tags: Array<string> }) => invoke<Array<ClipTag>>('tag_clips', args),
  /** Credits a person (by any name) on many clips; returns the clips that are new. */
  creditClips: (args: { clip_ids: Array<number>; person: string; character: string | null }) => invoke<Array<number>>('credit_clips', args),
  /** Every show, for pickers. */
  shows: () => invoke<Array<Show>>('shows'),
  /** Adds a show. */
  addShow: (args: { show: ShowInput }) => invoke<Show>('add_show', args),
  /** A show with its cast, episodes and scenes, for the show editor. */
  showView: (args: { show_id: number }) => invoke<ShowView>('show_view', args),
  /** Replaces what is known about a show: titles, aliases, network, year. */
  updateShow: (args: { show_id: number; show: ShowInput }) => invoke<Show>('update_show', args),
  /** Deletes a show with its episodes, scenes and roles; its clips stay. */
  deleteShow: (args: { show_id: number }) => invoke<null>('delete_show', args),
  /** Adds an episode to a show. */
  addEpisode: (args: { show_id: number; number: number; title: string | null; air_date: string | null }) => invoke<null>('add_episode', args),
  /** Changes an episode's title and air date (YYYY-MM-DD). */
  updateEpisode: (args: { episode_id: number; title: string | null; air_date: string | null }) => invoke<null>('update_episode', args),
  /** Deletes an episode; its scenes and clips stay with the show. */
  deleteEpisode: (args: { episode_id: number }) => invoke<null>('delete_episode', args),
  /** Adds a scene to a show (in an episode, created if need be). */
  addScene: (args: { show_id: number; scene: SceneInput }) => invoke<null>('add_scene', args),
  /** Replaces a scene's episode, title and description. */
  updateScene: (args: { scene_id: number; scene: SceneInput }) => invoke<null>('update_scene', args),
  /** Deletes a scene; markers and clips that named it stay. */
  deleteScene: (args: { scene_id: number }) => invoke<null>('delete_scene', args),
  /** Renames a character (and its native name). */
  updateRole: (args: { role_id: number; role: RoleInput }) => invoke<null>('update_role', args),
  /** Takes a role out of a show's cast; credits keep the character's name. */
  deleteRole: (args: { role_id: number }) => invoke<null>('delete_role', args),
  /** Adds a person. */
  addPerson: (args: { person: PersonInput }) => invoke<Person>('add_person', args),
  /** Says a person plays a character in a show (both by any name). */
  addRole: (args: { person: string; show: string; role: RoleInput }) => invoke<Role>('add_role', args),
  /** The cast of a show: who plays whom. */
  castOf: (args: { show: string }) => invoke<Array<Role>>('cast_of', args),
  /** Puts many clips in a show (by any name; null: in none) and episode; returns where they were. */
  placeClips: (args: { clip_ids: Array<number>; show: string | null; episode: number | null }) => invoke<Array<ClipPlace>>('place_clips', args),
  /** Every tag with its aliases and parents, for the tag manager. */
  tags: () => invoke<Array<Tag>>('tags'),
  /** Renames a tag (by any name or alias); every clip and marker keeps it. */
  renameTag: (args: { tag: string; name: string }) => invoke<null>('rename_tag', args),
  /** Folds one tag into another: its clips, markers and aliases move over. */
  mergeTags: (args: { from: string; into: string }) => invoke<null>('merge_tags', args),
  /** Another name a tag is found by. */
  addTagAlias: (args: { tag: string; alias: string }) => invoke<null>('add_tag_alias', args),
  /** Says a tag is a kind of another (`type:blooper` under `type:funny`): searching the parent finds it. */
  addTagParent: (args: { tag: string; parent: string }) => invoke<null>('add_tag_parent', args),
  /** Every person with their names, for the people manager. */
  people: () => invoke<Array<Person>>('people'),
  /** The characters a person plays, show by show. */
  rolesOf: (args: { person: string }) => invoke<Array<Role>>('roles_of', args),
  /** Replaces a person's name, native name and aliases. */
  updatePerson: (args: { person_id: number; person: PersonInput }) => invoke<null>('update_person', args),
  /** Folds a duplicate person into another: names, roles and credits move over. */
  mergePeople: (args: { from: string; into: string }) => invoke<null>('merge_people', args),
  /** Takes one tag (by any name or alias) off a clip. */
  untagClip: (args: { clip_id: number; tag: string }) => invoke<null>('untag_clip', args),
  /** The latest edits, newest first (the History panel). */
  history: (args: { limit: number }) => invoke<Array<HistoryEntry>>('history', args),
  /**
   * Takes back an edit: the latest standing one, or `edit_id`. Refused
   * whole, naming what changed, when something it changed was changed since.
   */
  undo: (args: { edit_id: number | null }) => invoke<HistoryEntry>('undo', args),
  /** Makes again the edit undone last. */
  redo: () => invoke<HistoryEntry>('redo'),
  /** The fan's settings (language, theme, external player, library, cache limit). */
  settings: () => invoke<SettingsView>('settings'),
  /**
   * Keeps new settings (written atomically). Language and theme apply at
   * once in the window; another library file opens at the next start.
   */
  saveSettings: (args: { settings: Settings }) => invoke<Settings>('save_settings', args),
  /**
   * Moves the library safely: copies it whole to `path` (a new file) and
   * opens that copy from the next start; the original stays where it is
   * until the fan deletes it. Gives the settings as kept.
   */
  moveLibrary: (args: { path: string }) => invoke<Settings>('move_library', args),
  /** Where the thumbnail and storyboard cache is now. */
  cacheFolder: () => invoke<string>('cache_folder'),
  /**
   * Puts the cache in another folder (empty: back beside the library). The
   * old one is left for the fan to delete; posters are made again in the new
   * place at once, storyboards as they are needed.
   */
  setCacheFolder: (args: { path: string }) => invoke<string>('set_cache_folder', args),
  /**
   * Writes a show's pack (its clips' keys, markers, credits, roles; never a
   * path, the fan's notes only `with_notes`) to a new file `path`.
   */
  exportPack: (args: { show_id: number; path: string; with_notes: boolean; force: boolean }) => invoke<PackSummary>('export_pack', args),
  /** Writes the pack of some clips of one show (a selection) to a new file `path`. */
  exportSelectionPack: (args: { clip_ids: Array<number>; path: string; with_notes: boolean; force: boolean }) => invoke<PackSummary>('export_selection_pack', args),
  /**
   * What importing the pack at `path` would do — each clip matched, how,
   * and what did not match — with nothing written.
   */
  previewPack: (args: { path: string }) => invoke<PackReport>('preview_pack', args),
  /**
   * Imports the pack at `path` as one edit (undone as a whole); importing it
   * again changes nothing.
   */
  applyPack: (args: { path: string }) => invoke<PackReport>('apply_pack', args),
  /** Asks for a pack file with the system's file picker; null when cancelled. */
  pickPack: () => invoke<string | null>('pick_pack'),
  /**
   * Pairs of clips that look like one video (same download or file, a
   * re-encode, one holding the other), strongest first; pairs the fan said
   * are not the same are left out. Only clips with content keys are compared.
   */
  duplicates: () => invoke<Array<Duplicate>>('duplicates'),
  /**
   * Merges clip `other` into `keep` (markers moved by the measured offset,
   * credits, tags, scenes; its copies too when both play one timeline). One edit.
   */
  mergeDuplicate: (args: { keep: number; other: number }) => invoke<Merged>('merge_duplicate', args),
  /** Says two clips are not the same video (an edit): they leave the list. */
  markNotDuplicate: (args: { a: number; b: number }) => invoke<null>('mark_not_duplicate', args),
  /** What the thumbnail and storyboard cache holds, and its limit. */
  cacheUsage: () => invoke<CacheUsage>('cache_usage'),
  /** Sets the cache's limit (in MB, 50 MB to 1 TB) and trims it to that at once. */
  setCacheLimit: (args: { megabytes: number }) => invoke<CacheUsage>('set_cache_limit', args),
  /** The moments of a reel, read from the library now (a deleted marker has dropped out). */
  reel: (args: { source: ReelSource; options: ReelOptions }) => invoke<Array<Moment>>('reel', args),
  /** The saved reels, for the sidebar. */
  savedReels: () => invoke<Array<SavedReel>>('saved_reels'),
  /**
   * Saves a reel under a new name: live (`query`, read again each time) or
   * fixed (these markers, in this order, reorderable).
   */
  saveReel: (args: { name: string; query: string | null; marker_ids: Array<number>; context_ms: number }) => invoke<SavedReel>('save_reel', args),
  /** Renames a saved reel. */
  renameReel: (args: { id: number; name: string }) => invoke<null>('rename_reel', args),
  /** Puts a fixed reel's markers in this order. */
  reorderReel: (args: { id: number; marker_ids: Array<number> }) => invoke<null>('reorder_reel', args),
  /** Forgets a saved reel (its markers stay). */
  deleteReel: (args: { id: number }) => invoke<null>('delete_reel', args),
  /** Where exports go unless the fan says otherwise: the Videos folder, else home. */
  exportFolder: () => invoke<string>('export_folder'),
  /** Asks where to write a file with the system's save dialog; null when cancelled. */
  pickSavePath: (args: { suggested: string }) => invoke<string | null>('pick_save_path', args),
  /**
   * Writes a reel as a playlist or one video, in the background: the job's
   * id comes back at once, its progress as `job-update` events. The clips
   * are only read; an existing file is replaced only when `force`.
   */
  exportReel: (args: { source: ReelSource; options: ReelOptions; format: ReelExport; path: string; force: boolean; title: string }) => invoke<number>('export_reel', args),
  /** A file name for a cut, from its show, episode, cast and marker title. */
  cutFileName: (args: { of: CutOf; extension: string }) => invoke<string>('cut_file_name', args),
  /**
   * Cuts one moment to share — MP4, animated WebP or GIF, by the path's
   * extension — in the background (see `export_reel`). `size`: 480p, 720p
   * or original; `subtitles`: a language whose lines are burned in.
   */
  cut: (args: { of: CutOf; path: string; size: string | null; subtitles: string | null; force: boolean }) => invoke<number>('cut', args),
  /** Stops a job (a queued one never starts); false when it was over already. */
  cancelJob: (args: { id: number }) => invoke<boolean>('cancel_job', args),
  /** Shows a file Outtake wrote (an export, a cut) in the system's file manager. */
  revealPath: (args: { path: string }) => invoke<null>('reveal_path', args),
};

/** The events the app emits, by name. */
export const events = {
  libraryChanged: 'library-changed',
  jobUpdate: 'job-update',
  importProgress: 'import-progress',
  readingProgress: 'reading-progress',
  listeningProgress: 'listening-progress',
} as const;

/** The payload of each event. */
export type EventPayloads = {
  'library-changed': LibraryChanged;
  'job-update': JobUpdate;
  'import-progress': ImportProgress;
  'reading-progress': ImportProgress;
  'listening-progress': ImportProgress;
};
