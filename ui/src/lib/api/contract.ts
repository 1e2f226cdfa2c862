// TEMPORARY hand-written contract: replaced by files generated from Rust
// (ts-rs) under ./bindings and ./commands.ts. Same names and shapes.
import { invoke } from '@tauri-apps/api/core';

export type FileStatus = 'present' | 'missing' | 'offline';
export type ClipSort = 'added' | 'title' | 'duration';
export type ClipCard = {
  id: number;
  title: string;
  duration_ms: number | null;
  status: FileStatus;
  show: string | null;
  episode: number | null;
  /** Person names credited on the clip (first few). */
  cast: Array<string>;
  /** When the clip entered the library, `YYYY-MM-DD HH:MM:SS` UTC. */
  added_at: string;
};
export type ClipPage = { total: number; offset: number; clips: Array<ClipCard> };
export type HitKind = 'clip' | 'marker' | 'cue' | 'scene';
export type Hit = {
  kind: HitKind;
  start_ms: number | null;
  end_ms: number | null;
  /** Matched text; the query's words are wrapped in `**`. Plain text otherwise (never HTML). */
  snippet: string;
  score: number;
};
export type SearchClip = { clip: ClipCard; hits: Array<Hit> };
export type SearchResults = { clips: Array<SearchClip>; elapsed_ms: number };
export type EpisodeFacet = { number: number; title: string | null; clips: number };
export type SceneFacet = { id: number; title: string; clips: number };
export type ShowFacet = {
  id: number;
  title: string;
  native_title: string | null;
  clips: number;
  episodes: Array<EpisodeFacet>;
  scenes: Array<SceneFacet>;
};
export type PersonFacet = { id: number; name: string; native_name: string | null; clips: number };
export type TagFacet = { id: number; name: string; clips: number };
export type SavedSearch = { id: number; name: string; query: string };
export type FolderState = 'watching' | 'polling' | 'offline' | 'scanning';
export type FolderView = { id: number; path: string; state: FolderState; clips: number; problems: number };
export type Facets = {
  total: number;
  untagged: number;
  missing: number;
  shows: Array<ShowFacet>;
  people: Array<PersonFacet>;
  tags: Array<TagFacet>;
  saved: Array<SavedSearch>;
  folders: Array<FolderView>;
};
export type LibraryInfo = {
  path: string;
  /** `http://127.0.0.1:PORT/SECRET`; routes: `/clip/{id}/video`, `/clip/{id}/thumb`, `/marker/{id}/thumb`. */
  media_base: string;
  version: string;
};
export type CastMember = { person_id: number; person: string; role_id: number | null; character: string | null };
export type ClipFile = {
  id: number;
  path: string;
  size: number;
  mtime_ms: number | null;
  oshash: string | null;
  status: FileStatus;
};
export type Marker = {
  id: number;
  clip_id: number;
  start_ms: number;
  /** `null` for a point in time. */
  end_ms: number | null;
  title: string | null;
  scene_id: number | null;
  scene: string | null;
  cast: Array<CastMember>;
  tags: Array<string>;
  note: string | null;
  quote: string | null;
  created_at: string;
};
export type Source = { url: string | null; uploader: string | null; published: string | null };
export type ClipDetail = {
  id: number;
  title: string;
  description: string | null;
  note: string | null;
  path: string | null;
  duration_ms: number | null;
  width: number | null;
  height: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  fps: number | null;
  rotation: number | null;
  oshash: string | null;
  status: FileStatus;
  added_at: string;
  show_id: number | null;
  show: string | null;
  episode: number | null;
  show_guessed: boolean;
  created: string | null;
  source_id: string | null;
  scenes: Array<string>;
  tags: Array<string>;
  cast: Array<CastMember>;
  markers: Array<Marker>;
  source: Source;
  files: Array<ClipFile>;
};
/** A clip page's data: the clip and the languages of its subtitle cues. */
export type ClipView = { detail: ClipDetail; languages: Array<string> };
export type Cue = { id: number; clip_id: number; lang: string; start_ms: number; end_ms: number; text: string };
export type SuggestionKind = 'show' | 'cast' | 'as' | 'tag' | 'saved';
export type Suggestion = {
  kind: SuggestionKind;
  label: string;
  /** e.g. the native name or alias that matched. */
  detail: string | null;
  /** The whole token to put in place of the one being typed, e.g. `cast:"Kim Yoo Jung"`. */
  insert: string;
};
export type ImportProblem = { path: string; error: string };
/** How an `invoke` rejects: switch on `kind` (e.g. `not_found`, `invalid`, `ambiguous`, `io`), show `message`. */
export type IpcError = { kind: string; message: string };
export type ImportPhase = 'scanning' | 'thumbnails' | 'idle';
export type ImportProgress = {
  phase: ImportPhase;
  done: number;
  total: number | null;
  /** The file being looked at. */
  current: string | null;
};
export type LibraryChanged = { clip_ids: Array<number> };

export const events = {
  /** Payload `LibraryChanged`; empty `clip_ids` means anything may have changed. */
  libraryChanged: 'library-changed',
  /** Payload `ImportProgress`. */
  importProgress: 'import-progress',
} as const;

export const commands = {
  libraryInfo: () => invoke<LibraryInfo>('library_info'),
  facets: () => invoke<Facets>('facets'),
  clipPage: (args: { sort: ClipSort; offset: number; limit: number }) => invoke<ClipPage>('clip_page', args),
  search: (args: { query: string; limit: number }) => invoke<SearchResults>('search', args),
  /** `text` is the token under the caret, e.g. `cast:kim`, `tag:mo`, `김`. */
  suggest: (args: { text: string }) => invoke<Array<Suggestion>>('suggest', args),
  clip: (args: { id: number }) => invoke<ClipView>('clip', args),
  cues: (args: { clip_id: number; lang: string | null }) => invoke<Array<Cue>>('cues', args),
  pickFolder: () => invoke<string | null>('pick_folder'),
  addFolder: (args: { path: string }) => invoke<FolderView>('add_folder', args),
  removeFolder: (args: { id: number }) => invoke<null>('remove_folder', args),
  rescan: () => invoke<null>('rescan'),
  problems: () => invoke<Array<ImportProblem>>('problems'),
  saveSearch: (args: { name: string; query: string }) => invoke<SavedSearch>('save_search', args),
  deleteSavedSearch: (args: { id: number }) => invoke<null>('delete_saved_search', args),
  openSource: (args: { clip_id: number }) => invoke<null>('open_source', args),
  revealFile: (args: { file_id: number }) => invoke<null>('reveal_file', args),
  openExternal: (args: { clip_id: number; at_ms: number }) => invoke<null>('open_external', args),
};
