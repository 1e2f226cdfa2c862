// The app's shared state: what the library holds (facets), what is searched,
// which view is open, import progress and transient messages. Components
// read it and call its methods; nothing else talks to the backend directly
// except the views that fetch their own data (grid pages, clip page).

import { listen } from '@tauri-apps/api/event';
import {
  commands,
  events,
  type ClipSort,
  type EventPayloads,
  type Facets,
  type FolderView,
  type ImportProgress,
  type JobUpdate,
  type LibraryInfo,
  type ReelSource,
  type SavedReel,
  type SearchResults,
  type Settings,
} from './api';
import { followSystem, m, setLanguage } from './i18n.svelte';
import { errorText } from './keys';
import { latestOnly } from './latest';
import { Boards } from './storyboard';

export type View =
  | { kind: 'library' }
  | { kind: 'clip'; id: number; at: number | null }
  /** `saved`: the saved reel played (its id is in `source` too), to rename or reorder. */
  | { kind: 'reel'; source: ReelSource; title: string; saved: SavedReel | null };
/** A message; `edit`: the history entry its Undo button takes back. */
export type Toast = { id: number; text: string; edit?: number; sticky?: boolean };

/** Clips a search returns at most. */
export const RESULT_LIMIT = 200;

class AppState {
  info = $state<LibraryInfo | null>(null);
  facets = $state<Facets | null>(null);
  loadError = $state<string | null>(null);
  query = $state('');
  results = $state<SearchResults | null>(null);
  /** The query `results` answer (the box may already hold a newer one). */
  resultsFor = $state('');
  searchError = $state<string | null>(null);
  searching = $state(false);
  sort = $state<ClipSort>('added');
  view = $state<View>({ kind: 'library' });
  progress = $state<ImportProgress | null>(null);
  /** The reader of on-screen text's and the listener's progress (shown when the importer is idle). */
  reading = $state<ImportProgress | null>(null);
  listening = $state<ImportProgress | null>(null);
  /** The fan's settings (`settings.json`); null until read. */
  settings = $state<Settings | null>(null);
  /** Where the settings file is, and the system's language as the app read it. */
  settingsPath = $state('');
  systemLanguage = $state<string | null>(null);
  /** Saved reels, for the sidebar. */
  reels = $state<SavedReel[]>([]);
  /** A pack being imported (its path; empty: not chosen yet), or null. */
  packToImport = $state<string | null>(null);
  duplicatesOpen = $state(false);
  /** Background jobs (reel videos, cuts) this session, newest last. */
  jobs = $state<JobUpdate[]>([]);
  toasts = $state<Toast[]>([]);
  /** Bumps whenever the library changed: views that cache data reload. */
  revision = $state(0);
  /** Clips that changed in the last `library-changed`, empty for "anything". */
  changedClips = $state<number[]>([]);
  /**
   * Per clip, the revision of its last change: its poster's URL carries it,
   * so a library change fetches again only the posters of the clips it names.
   */
  posterVersions = $state<Record<number, number>>({});
  shortcutsOpen = $state(false);
  historyOpen = $state(false);
  /** Clips picked for a bulk edit. */
  selection = $state<number[]>([]);
  /** Storyboards the window has (hover previews); `boardsArrived` bumps when one arrives. */
  boards = new Boards((clip_id) => commands.storyboard({ clip_id }));
  boardsArrived = $state(0);

  private runSearch = latestOnly((query: string) => commands.search({ query, limit: RESULT_LIMIT }));
  private toastId = 0;
  private facetsLoading: Promise<void> | null = null;
  private facetsAgain = false;

  async start() {
    this.boards.onload = () => this.boardsArrived++;
    // Asked together: the grid waits for both (the language first, so no
    // card shows in the wrong one), never for the sidebar's counts.
    const settings = commands.settings();
    const info = commands.libraryInfo();
    try {
      const read = await settings;
      this.settings = read.settings;
      this.settingsPath = read.path;
      this.systemLanguage = read.system_language;
      // The settings file's language wins over what this window remembered.
      const language = read.settings.language;
      if (language === 'ko' || language === 'en') setLanguage(language);
      else if (read.system_language) followSystem(read.system_language);
      // A broken settings file was set aside at start: said once, here.
      if (read.problem) this.notice(read.problem);
    } catch (error) {
      this.notice(m.settings_read_failed({ error: errorText(error) }));
    }
    try {
      this.info = await info;
    } catch (error) {
      this.loadError = errorText(error);
    }
    void this.refreshFacets();
    await listen<EventPayloads['library-changed']>(events.libraryChanged, (event) => {
      this.changedClips = event.payload.clip_ids;
      this.revision++;
      if (event.payload.clip_ids.length > 0) {
        const bumped = Object.fromEntries(event.payload.clip_ids.map((id) => [id, this.revision]));
        this.posterVersions = { ...this.posterVersions, ...bumped };
      }
      void this.refreshFacets();
      void this.refreshReels();
      if (this.query.trim()) void this.search(this.query);
    });
    await listen<EventPayloads['job-update']>(events.jobUpdate, (event) => this.jobNews(event.payload));
    void this.refreshReels();
    await listen<EventPayloads['import-progress']>(events.importProgress, (event) => {
      this.progress = event.payload.phase === 'idle' ? null : event.payload;
    });
    await listen<EventPayloads['reading-progress']>(events.readingProgress, (event) => {
      this.reading = event.payload.phase === 'idle' ? null : event.payload;
    });
    await listen<EventPayloads['listening-progress']>(events.listeningProgress, (event) => {
      this.listening = event.payload.phase === 'idle' ? null : event.payload;
    });
  }

  /**
   * Reloads the sidebar. On a big library its counts take a while, so while
   * one reload runs, further requests fold into a single one after it.
   */
  async refreshFacets() {
    if (this.facetsLoading) {
      this.facetsAgain = true;
      return this.facetsLoading;
    }
    this.facetsLoading = (async () => {
      try {
        do {
          this.facetsAgain = false;
          this.facets = await commands.facets();
        } while (this.facetsAgain);
      } catch (error) {
        this.toast(m.library_read_failed({ error: errorText(error) }));
      } finally {
        this.facetsLoading = null;
      }
    })();
    return this.facetsLoading;
  }

  async refreshReels() {
    try {
      this.reels = await commands.savedReels();
    } catch (error) {
      this.toast(m.reels_read_failed({ error: errorText(error) }));
    }
  }

  /** A job's news: its row is replaced; a finished one says so in the status bar too. */
  jobNews(update: JobUpdate) {
    const known = this.jobs.some((job) => job.id === update.id);
    this.jobs = known ? this.jobs.map((job) => (job.id === update.id ? update : job)) : [...this.jobs, update];
    if (update.state === 'done') this.toast(m.job_saved({ path: update.path ?? update.label }));
    // A job that ended well leaves the list by itself; a failure stays until cleared.
    if (update.state === 'done' || update.state === 'cancelled') {
      setTimeout(() => (this.jobs = this.jobs.filter((job) => job.id !== update.id || job.state !== update.state)), 15_000);
    }
    if (update.state === 'failed') this.toast(m.job_failed_toast({ label: update.label, error: update.message ?? m.job_failed() }));
  }

  /** Takes finished jobs off the list. */
  clearJobs() {
    this.jobs = this.jobs.filter((job) => job.state === 'queued' || job.state === 'running');
  }

  /** Runs `query`; an empty query shows the whole library again. */
  async search(query: string) {
    this.query = query;
    if (!query.trim()) {
      this.results = null;
      this.searchError = null;
      return;
    }
    this.searching = true;
    try {
      const answer = await this.runSearch(query);
      if (answer.stale) return;
      this.results = answer.value;
      this.resultsFor = query;
      this.searchError = null;
    } catch (error) {
      if (query === this.query) this.searchError = errorText(error);
    } finally {
      if (query === this.query) this.searching = false;
    }
  }

  openClip(id: number, at: number | null = null) {
    this.view = { kind: 'clip', id, at };
  }

  /** Plays the moments of `source` one after another (the reel page reads them). */
  playReel(source: ReelSource, title: string, saved: SavedReel | null = null) {
    this.view = { kind: 'reel', source, title, saved };
  }

  back() {
    this.view = { kind: 'library' };
  }

  /** A message that stays until dismissed (it says something went wrong at start). */
  notice(text: string) {
    const id = ++this.toastId;
    this.toasts = [...this.toasts, { id, text, sticky: true }];
  }

  /** Stops watching a folder (its clips stay); why it failed, or null. */
  async removeFolder(folder: FolderView): Promise<string | null> {
    try {
      await commands.removeFolder({ id: folder.id });
      await this.refreshFacets();
      return null;
    } catch (error) {
      return m.folder_remove_failed({ path: folder.path, error: errorText(error) });
    }
  }

  /** Keeps new settings; the window applies them at once. */
  async saveSettings(settings: Settings) {
    try {
      this.settings = await commands.saveSettings({ settings });
    } catch (error) {
      this.toast(m.settings_save_failed({ error: errorText(error) }));
    }
  }

  /** Shows a message in the status bar; it replaces the one shown. */
  toast(text: string) {
    const id = ++this.toastId;
    this.toasts = [...this.toasts.filter((t) => t.sticky), { id, text }];
    setTimeout(() => this.dismiss(id), 6000);
  }

  /**
   * Says what an edit did, with an Undo button for it. The edit itself is in
   * the library's history (the core recorded it); the toast only names it, so
   * the window keeps no undo of its own and Ctrl+Z works across restarts.
   */
  async done(text: string) {
    const id = ++this.toastId;
    let edit: number | undefined;
    try {
      const [latest] = await commands.history({ limit: 1 });
      if (latest && !latest.undone) edit = latest.id;
    } catch {
      // No history to point at: the toast still says what happened.
    }
    this.toasts = [...this.toasts.filter((t) => t.sticky), { id, text, edit }];
    setTimeout(() => this.dismiss(id), 10_000);
  }

  /** Undoes an edit of the history: the latest standing one, or `edit`. */
  async undo(edit: number | null = null) {
    try {
      const entry = await commands.undo({ edit_id: edit });
      this.toasts = this.toasts.filter((t) => t.edit !== entry.id);
      this.toast(m.undone_toast({ description: entry.description }));
    } catch (error) {
      this.toast(m.undo_failed({ error: errorText(error) }));
    }
  }

  /** Makes again the edit undone last. */
  async redo() {
    try {
      const entry = await commands.redo();
      this.toast(m.redone_toast({ description: entry.description }));
    } catch (error) {
      this.toast(m.redo_failed({ error: errorText(error) }));
    }
  }

  dismiss(id: number) {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  dismissAll() {
    if (this.toasts.length > 0) this.toasts = [];
  }
}

export const app = new AppState();
