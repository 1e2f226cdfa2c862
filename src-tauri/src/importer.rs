//! The app's importer: one thread with its own connection (the one writer of
//! imports) that scans the watched folders, follows the watcher's batches,
//! makes thumbnails, and tells the window with `import-progress` and
//! `library-changed` events. Commands talk to it through a channel.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use outtake_core::import::thumbs::{ThumbError, ThumbJob, make_thumbnail};
use outtake_core::import::{Outcome, ScanEvent};
use outtake_core::watch::{CHECK_FOLDERS_EVERY, FolderChanges, FolderWatcher, WatchMessage, WatchMode};
use outtake_core::{FolderState, Library};
use tauri::{AppHandle, Emitter};

use crate::commands::{IMPORT_PROGRESS, ImportPhase, ImportProgress, LIBRARY_CHANGED, LibraryChanged};

/// What the importer is asked to do.
enum Work {
    Watched(WatchMessage),
    Rescan,
    FoldersChanged,
    /// Frames for these clips' new markers.
    Thumbnails(Vec<i64>),
}

/// Which thumbnails an import looks for: every clip's after a full scan, only
/// those of the clips it touched after a watcher batch.
#[derive(Clone, Copy)]
enum Thumbnails {
    All,
    Touched,
}

/// The handle commands hold.
pub struct Importer {
    work: Mutex<Sender<Work>>,
    /// How each watched root is followed, by canonical path.
    states: Arc<Mutex<HashMap<PathBuf, FolderState>>>,
}

/// Progress events at most this often, so a big scan does not flood the window.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Posters appear in the grid in batches of this many.
const THUMBS_PER_REFRESH: usize = 12;

impl Importer {
    pub fn start(library: PathBuf, app: AppHandle) -> Importer {
        let (work, jobs) = channel();
        let states = Arc::new(Mutex::new(HashMap::new()));
        let thread_states = Arc::clone(&states);
        let feed = work.clone();
        let spawned = std::thread::Builder::new().name("importer".into()).spawn(move || {
            let mut worker = Worker { app, states: thread_states, roots: Vec::new() };
            if let Err(error) = worker.run(&library, feed, jobs) {
                tracing::error!("the importer stopped: {error}");
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start the importer: {error}");
        }
        Importer { work: Mutex::new(work), states }
    }

    pub fn rescan(&self) {
        self.send(Work::Rescan);
    }

    pub fn folders_changed(&self) {
        self.send(Work::FoldersChanged);
    }

    /// Makes the missing thumbnails of these clips (a marker was added or moved).
    pub fn thumbnails_for(&self, clip_ids: Vec<i64>) {
        self.send(Work::Thumbnails(clip_ids));
    }

    fn send(&self, work: Work) {
        let sender = self.work.lock().unwrap_or_else(|p| p.into_inner());
        if sender.send(work).is_err() {
            tracing::error!("the importer is not running");
        }
    }

    /// How a folder is followed, given what the library alone knows.
    pub fn folder_state(&self, path: &str, known: FolderState) -> FolderState {
        if known == FolderState::Offline {
            return known;
        }
        let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        states.get(Path::new(path)).copied().unwrap_or(known)
    }
}

struct Worker {
    app: AppHandle,
    states: Arc<Mutex<HashMap<PathBuf, FolderState>>>,
    roots: Vec<PathBuf>,
}

type Failure = Box<dyn std::error::Error>;

/// Logs a failed piece of work; the importer carries on.
fn report(result: Result<(), Failure>) {
    if let Err(error) = result {
        tracing::error!("import: {error}");
    }
}

/// How the sidebar shows a folder the watcher follows in this mode.
fn folder_state(mode: Option<&WatchMode>) -> FolderState {
    match mode {
        Some(WatchMode::Native) | None => FolderState::Watching,
        Some(WatchMode::Polling(_)) => FolderState::Polling,
        Some(WatchMode::Absent) => FolderState::Offline,
    }
}

impl Worker {
    fn run(&mut self, path: &Path, feed: Sender<Work>, jobs: Receiver<Work>) -> Result<(), Failure> {
        let mut library = Library::open(path)?;
        let (watched, messages) = channel();
        std::thread::Builder::new().name("watch-feed".into()).spawn(move || {
            for message in messages {
                if feed.send(Work::Watched(message)).is_err() {
                    return;
                }
            }
        })?;
        let mut watcher = FolderWatcher::new(watched)?;
        let added = self.follow_folders(&library, &mut watcher)?;
        report(self.scan(&mut library, &added));
        // No failure of one piece of work stops the importer: it is reported and
        // the next batch, rescan or folder check goes on.
        loop {
            let work = match jobs.recv_timeout(CHECK_FOLDERS_EVERY) {
                Ok(work) => work,
                Err(RecvTimeoutError::Timeout) => {
                    let changes = watcher.check_folders();
                    if !changes.is_empty() {
                        self.folders_came_and_went(&mut library, &watcher, changes);
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            };
            match work {
                Work::Watched(WatchMessage::Changed(mut paths)) => {
                    // Take every batch already waiting: one scan for all of them.
                    while let Ok(Work::Watched(WatchMessage::Changed(more))) = jobs.try_recv() {
                        paths.extend(more);
                    }
                    let roots = self.roots.clone();
                    report(self.import(&mut library, Thumbnails::Touched, |library, progress| {
                        library.import_changes(&roots, &paths, progress)
                    }));
                }
                Work::Watched(WatchMessage::Problem(problem)) => tracing::warn!("watcher: {problem}"),
                Work::Rescan => {
                    let roots = self.roots.clone();
                    report(self.scan(&mut library, &roots));
                }
                Work::Thumbnails(clip_ids) => match library.pending_thumbnails_of(&clip_ids) {
                    Ok(jobs) => {
                        self.make_thumbnails(&jobs);
                        self.progress(ImportPhase::Idle, 0, None, None);
                    }
                    Err(error) => tracing::warn!("thumbnails: {error}"),
                },
                Work::FoldersChanged => match self.follow_folders(&library, &mut watcher) {
                    Ok(added) => {
                        self.changed(Vec::new());
                        report(self.scan(&mut library, &added));
                    }
                    Err(error) => tracing::error!("cannot follow the watched folders: {error}"),
                },
            }
        }
    }

    /// A watched folder vanished (its clips go offline; nothing outside it is
    /// read) or came back (watched and scanned again).
    fn folders_came_and_went(
        &mut self,
        library: &mut Library,
        watcher: &FolderWatcher,
        changes: FolderChanges,
    ) {
        for root in changes.vanished.iter().chain(&changes.returned) {
            let state = watcher.modes().iter().find(|(path, _)| path == root).map(|(_, mode)| mode);
            self.set_state(root, Some(folder_state(state)));
        }
        let roots: Vec<PathBuf> = changes.vanished.into_iter().chain(changes.returned).collect();
        report(self.scan(library, &roots));
    }

    /// Watches the library's folders and stops watching removed ones; returns the new ones.
    fn follow_folders(
        &mut self,
        library: &Library,
        watcher: &mut FolderWatcher,
    ) -> Result<Vec<PathBuf>, Failure> {
        let wanted: Vec<PathBuf> = library.folders()?.into_iter().map(|f| PathBuf::from(f.path)).collect();
        for gone in self.roots.iter().filter(|root| !wanted.contains(root)) {
            watcher.unwatch(gone);
            self.set_state(gone, None);
        }
        let added: Vec<PathBuf> = wanted.iter().filter(|root| !self.roots.contains(root)).cloned().collect();
        for root in &added {
            let state = match watcher.watch(root) {
                Ok(WatchMode::Polling(why)) => {
                    tracing::warn!("{}: polling, because {why}", root.display());
                    FolderState::Polling
                }
                Ok(mode) => folder_state(Some(mode)),
                Err(error) => {
                    tracing::warn!("{error}");
                    FolderState::Offline
                }
            };
            self.set_state(root, Some(state));
        }
        self.roots = wanted;
        Ok(added)
    }

    fn set_state(&self, root: &Path, state: Option<FolderState>) {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        match state {
            Some(state) => states.insert(root.to_path_buf(), state),
            None => states.remove(root),
        };
    }

    fn scan(&mut self, library: &mut Library, roots: &[PathBuf]) -> Result<(), Failure> {
        if roots.is_empty() {
            return Ok(());
        }
        let before: HashMap<PathBuf, FolderState> = {
            let states = self.states.lock().unwrap_or_else(|p| p.into_inner());
            roots.iter().filter_map(|r| states.get(r).map(|s| (r.clone(), *s))).collect()
        };
        for root in roots {
            self.set_state(root, Some(FolderState::Scanning));
        }
        self.changed(Vec::new());
        let result = self.import(library, Thumbnails::All, |library, progress| library.scan(roots, progress));
        for root in roots {
            let state = if root.is_dir() { before.get(root).copied() } else { Some(FolderState::Offline) };
            // A folder that was offline and is back is watched again (check_folders).
            let state = state.filter(|s| *s != FolderState::Offline || !root.is_dir());
            self.set_state(root, Some(state.unwrap_or(FolderState::Watching)));
        }
        self.changed(Vec::new());
        result
    }

    /// Runs one import with progress events, then makes the thumbnails it needs.
    fn import(
        &self,
        library: &mut Library,
        thumbnails: Thumbnails,
        step: impl FnOnce(
            &mut Library,
            &mut dyn FnMut(ScanEvent<'_>),
        ) -> outtake_core::Result<outtake_core::import::ScanSummary>,
    ) -> Result<(), Failure> {
        let mut touched = Vec::new();
        let mut last = Instant::now() - PROGRESS_EVERY;
        let mut progress = |event: ScanEvent<'_>| match event {
            ScanEvent::Walked { total } => self.progress(ImportPhase::Scanning, 0, Some(total), None),
            ScanEvent::File { done, total, path, outcome } => {
                if let Outcome::Added(id) | Outcome::Updated(id) | Outcome::Moved(id) = outcome {
                    touched.push(*id);
                }
                if last.elapsed() >= PROGRESS_EVERY || done == total {
                    last = Instant::now();
                    self.progress(ImportPhase::Scanning, done, Some(total), Some(path));
                }
            }
        };
        let summary = step(library, &mut progress)?;
        if !summary.failed.is_empty() {
            tracing::warn!("{} files could not be imported", summary.failed.len());
        }
        let jobs = match thumbnails {
            Thumbnails::All => library.pending_thumbnails(),
            Thumbnails::Touched => library.pending_thumbnails_of(&touched),
        };
        if !touched.is_empty() || summary.missing > 0 || summary.offline > 0 || !summary.failed.is_empty() {
            self.changed(touched);
        }
        match jobs {
            Ok(jobs) => self.make_thumbnails(&jobs),
            Err(error) => tracing::warn!("thumbnails: {error}"),
        }
        self.progress(ImportPhase::Idle, 0, None, None);
        Ok(())
    }

    fn make_thumbnails(&self, jobs: &[ThumbJob]) {
        let total = jobs.len();
        for (done, job) in jobs.iter().enumerate() {
            self.progress(ImportPhase::Thumbnails, done, Some(total), Some(&job.video));
            match make_thumbnail(job) {
                Ok(()) => {}
                Err(ThumbError::FfmpegMissing) => break,
                Err(error) => tracing::warn!("thumbnail: {error}"),
            }
            if (done + 1) % THUMBS_PER_REFRESH == 0 || done + 1 == total {
                self.changed(Vec::new());
            }
        }
    }

    fn progress(&self, phase: ImportPhase, done: usize, total: Option<usize>, current: Option<&Path>) {
        let progress = ImportProgress {
            phase,
            done: done as i64,
            total: total.map(|t| t as i64),
            current: current.map(|p| p.display().to_string()),
        };
        if let Err(error) = self.app.emit(IMPORT_PROGRESS, progress) {
            tracing::warn!("cannot send import progress: {error}");
        }
    }

    fn changed(&self, mut clip_ids: Vec<i64>) {
        clip_ids.sort_unstable();
        clip_ids.dedup();
        if let Err(error) = self.app.emit(LIBRARY_CHANGED, LibraryChanged { clip_ids }) {
            tracing::warn!("cannot send library-changed: {error}");
        }
    }
}
