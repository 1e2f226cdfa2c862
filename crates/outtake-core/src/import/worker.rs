//! The import worker: the one writer of imports. It scans the watched folders,
//! follows the watcher's batches, notices folders that vanish or come back,
//! and makes thumbnails and storyboards — and tells whoever runs it through
//! an [`ImportSink`].
//! The app runs it on a thread (events to the window) and `outtake watch` in
//! the foreground (lines on the terminal): one worker, so both behave alike.
//!
//! No failure of one piece of work stops it: a failed batch is reported and
//! the next batch, rescan or folder check goes on.
//!
//! Storyboards are a queue of their own (`BoardQueue`), made one clip at a
//! time whenever no other work waits, so a watcher batch never waits behind
//! hours of them: clips the window asks for ([`ImportWork::Storyboards`])
//! first, then every clip whose storyboard is missing. The queue lives in
//! memory only; after a restart the first scan finds the missing ones again
//! (the cache and its table are the state, `cache.rs`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::boards::{BoardError, make_storyboard};
use super::thumbs::{ThumbError, ThumbJob, make_thumbnail};
use super::{Outcome, ScanEvent, ScanSummary};
use crate::browse::FolderState;
use crate::library::Library;
use crate::watch::{CHECK_FOLDERS_EVERY, FolderChanges, FolderWatcher, WatchMessage, WatchMode};

/// What the worker is asked to do.
#[derive(Debug)]
pub enum ImportWork {
    /// The watcher saw these changes (sent by the worker's own watcher).
    Watched(WatchMessage),
    /// Scan every followed folder again.
    Rescan,
    /// The library's watched folders changed (one added or removed).
    FoldersChanged,
    /// Make the missing thumbnails of these clips (a marker was added or moved).
    Thumbnails(Vec<i64>),
    /// Make the storyboards of these clips before any other (the window
    /// shows them), even ones evicted from the cache.
    Storyboards(Vec<i64>),
}

/// Which folders the worker follows.
#[derive(Debug, Clone)]
pub enum Followed {
    /// The library's watched folders, as they change.
    Library,
    /// These folders (`outtake watch DIR…`).
    These(Vec<PathBuf>),
}

/// What the worker is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ImportPhase {
    Scanning,
    Thumbnails,
    /// Storyboards, one clip at a time, in the background.
    Storyboards,
    /// Content keys (picture hash and sound fingerprint, for packs and
    /// duplicates), one clip at a time once storyboards are done.
    Keys,
    /// Reading on-screen text (the window's reader, beside the importer:
    /// `screen_text::read_in_background`).
    Reading,
    /// Hearing speech (the window's listener: `speech::listen_in_background`).
    Listening,
    Idle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportProgress {
    pub phase: ImportPhase,
    pub done: i64,
    pub total: Option<i64>,
    /// The file being looked at.
    pub current: Option<String>,
}

/// Where the worker's news goes.
pub trait ImportSink {
    fn progress(&mut self, progress: ImportProgress);
    /// These clips changed (empty: anything may have).
    fn changed(&mut self, clip_ids: Vec<i64>);
    /// What one scan or watcher batch did.
    fn imported(&mut self, _summary: &ScanSummary) {}
    /// A folder is followed this way now (`Absent`: gone, watched for its return).
    fn following(&mut self, _folder: &Path, _mode: &WatchMode) {}
    /// Something went wrong; the worker carries on.
    fn problem(&mut self, message: &str);
    /// This clip's storyboard is ready (`Library::storyboard`).
    fn storyboard(&mut self, _clip_id: i64) {}
}

/// How each followed folder is doing, shared with whoever shows it (the sidebar).
#[derive(Debug, Clone, Default)]
pub struct FolderStates(Arc<Mutex<HashMap<PathBuf, FolderState>>>);

impl FolderStates {
    /// How a folder is followed, given what the library alone knows.
    pub fn state_of(&self, path: &str, known: FolderState) -> FolderState {
        if known == FolderState::Offline {
            return known;
        }
        self.lock().get(Path::new(path)).copied().unwrap_or(known)
    }

    fn set(&self, root: &Path, state: Option<FolderState>) {
        let mut states = self.lock();
        match state {
            Some(state) => states.insert(root.to_path_buf(), state),
            None => states.remove(root),
        };
    }

    fn get(&self, root: &Path) -> Option<FolderState> {
        self.lock().get(root).copied()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, FolderState>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Which thumbnails an import looks for: every clip's after a full scan, only
/// those of the clips it touched after a watcher batch.
#[derive(Clone, Copy)]
enum Thumbnails {
    All,
    Touched,
}

/// Progress at most this often, so a big scan does not flood the window.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// Posters appear in batches of this many.
const THUMBS_PER_REFRESH: usize = 12;
/// The cache is trimmed to its limit after this many storyboards, and when the queue runs dry.
const BOARDS_PER_TRIM: usize = 50;

/// Why the worker could not start (it never stops once running).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Watch(#[from] crate::watch::WatchError),
    #[error(transparent)]
    Library(#[from] crate::error::Error),
    #[error("cannot start the watcher's thread: {0}")]
    Thread(std::io::Error),
}

/// Runs the worker until every sender of `jobs` is gone: a first scan of the
/// followed folders, then whatever comes. `feed` is a sender of the same
/// channel (the watcher's batches come through it).
pub fn run(
    library: &mut Library,
    followed: Followed,
    sink: &mut dyn ImportSink,
    states: FolderStates,
    feed: Sender<ImportWork>,
    jobs: Receiver<ImportWork>,
) -> Result<(), WorkerError> {
    let (watched, messages) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("watch-feed".into())
        .spawn(move || {
            for message in messages {
                if feed.send(ImportWork::Watched(message)).is_err() {
                    return;
                }
            }
        })
        .map_err(WorkerError::Thread)?;
    let mut worker = Worker {
        sink,
        states,
        roots: Vec::new(),
        followed,
        watcher: FolderWatcher::new(watched)?,
        boards: BoardQueue::default(),
        keys: KeysQueue { pending: true, ..KeysQueue::default() },
    };
    let added = worker.follow_folders(library)?;
    worker.scan(library, &added);
    let mut checked = Instant::now();
    loop {
        // With storyboards to make, waiting work is taken first and the next
        // storyboard made at once when there is none.
        let busy = !worker.boards.is_empty() || worker.keys.pending;
        let wait = if busy { Duration::ZERO } else { CHECK_FOLDERS_EVERY };
        let work = match jobs.recv_timeout(wait) {
            Ok(work) => work,
            Err(RecvTimeoutError::Timeout) => {
                if checked.elapsed() >= CHECK_FOLDERS_EVERY {
                    checked = Instant::now();
                    let changes = worker.watcher.check_folders();
                    if !changes.is_empty() {
                        worker.folders_came_and_went(library, changes);
                    }
                }
                if worker.boards.is_empty() {
                    worker.make_next_keys(library);
                } else {
                    worker.make_next_storyboard(library);
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        worker.handle(library, work, &jobs);
    }
}

struct Worker<'a> {
    sink: &'a mut dyn ImportSink,
    states: FolderStates,
    roots: Vec<PathBuf>,
    followed: Followed,
    watcher: FolderWatcher,
    boards: BoardQueue,
    keys: KeysQueue,
}

/// Content keys still to make: clips without them, one at a time in id
/// order, each tried once per pass (a clip whose file cannot be read now is
/// tried again after the next import, which starts a new pass).
#[derive(Default)]
struct KeysQueue {
    /// There may be clips without keys (after a start, an import, an upgrade).
    pending: bool,
    /// The last clip this pass tried (0: none yet).
    after: i64,
    done: usize,
}

/// The storyboards still to make, by clip id: those asked for, then the rest.
#[derive(Default)]
struct BoardQueue {
    asked: VecDeque<i64>,
    background: VecDeque<i64>,
    queued: HashSet<i64>,
    /// Made (or tried) since the queue was last empty, for progress.
    done: usize,
    since_trim: usize,
}

impl BoardQueue {
    fn is_empty(&self) -> bool {
        self.asked.is_empty() && self.background.is_empty()
    }

    fn len(&self) -> usize {
        self.asked.len() + self.background.len()
    }

    /// Puts these clips first, in this order.
    fn ask(&mut self, clip_ids: &[i64]) {
        self.background.retain(|id| !clip_ids.contains(id));
        self.asked.retain(|id| !clip_ids.contains(id));
        for id in clip_ids.iter().rev() {
            self.asked.push_front(*id);
            self.queued.insert(*id);
        }
    }

    fn add(&mut self, clip_ids: impl IntoIterator<Item = i64>) {
        for id in clip_ids {
            if self.queued.insert(id) {
                self.background.push_back(id);
            }
        }
    }

    /// The next clip, and whether it was asked for.
    fn next(&mut self) -> Option<(i64, bool)> {
        let next = match self.asked.pop_front() {
            Some(id) => Some((id, true)),
            None => self.background.pop_front().map(|id| (id, false)),
        };
        if let Some((id, _)) = next {
            self.queued.remove(&id);
        }
        next
    }
}

impl Worker<'_> {
    fn handle(&mut self, library: &mut Library, work: ImportWork, jobs: &Receiver<ImportWork>) {
        match work {
            ImportWork::Watched(WatchMessage::Changed(mut paths)) => {
                // Take every batch already waiting: one scan for all of them.
                while let Ok(ImportWork::Watched(WatchMessage::Changed(more))) = jobs.try_recv() {
                    paths.extend(more);
                }
                let roots = self.roots.clone();
                self.import(library, Thumbnails::Touched, |library, progress| {
                    library.import_changes(&roots, &paths, progress)
                });
            }
            ImportWork::Watched(WatchMessage::Problem(problem)) => {
                self.sink.problem(&format!("watcher: {problem}"))
            }
            ImportWork::Rescan => {
                let roots = self.roots.clone();
                self.scan(library, &roots);
            }
            ImportWork::Thumbnails(clip_ids) => match library.pending_thumbnails_of(&clip_ids) {
                Ok(jobs) => {
                    self.make_thumbnails(&jobs);
                    self.progress(ImportPhase::Idle, 0, None, None);
                }
                Err(error) => self.sink.problem(&format!("thumbnails: {error}")),
            },
            ImportWork::Storyboards(clip_ids) => self.boards.ask(&clip_ids),
            ImportWork::FoldersChanged => match self.follow_folders(library) {
                Ok(added) => {
                    self.sink.changed(Vec::new());
                    self.scan(library, &added);
                }
                Err(error) => self.sink.problem(&format!("cannot follow the watched folders: {error}")),
            },
        }
    }

    /// Follows the wanted folders and lets go of the ones no longer wanted;
    /// returns the new ones (to be scanned).
    fn follow_folders(&mut self, library: &Library) -> Result<Vec<PathBuf>, WorkerError> {
        let wanted: Vec<PathBuf> = match &self.followed {
            Followed::Library => library.folders()?.into_iter().map(|f| PathBuf::from(f.path)).collect(),
            Followed::These(folders) => folders.clone(),
        };
        for gone in self.roots.iter().filter(|root| !wanted.contains(root)) {
            self.watcher.unwatch(gone);
            self.states.set(gone, None);
        }
        let added: Vec<PathBuf> = wanted.iter().filter(|root| !self.roots.contains(root)).cloned().collect();
        for root in &added {
            let state = match self.watcher.watch(root) {
                Ok(mode) => {
                    let mode = mode.clone();
                    self.sink.following(root, &mode);
                    folder_state(Some(&mode))
                }
                Err(error) => {
                    self.sink.problem(&error.to_string());
                    FolderState::Offline
                }
            };
            self.states.set(root, Some(state));
        }
        self.roots = wanted;
        Ok(added)
    }

    /// A folder vanished (its clips go offline; nothing outside it is read)
    /// or came back (watched and scanned again).
    fn folders_came_and_went(&mut self, library: &mut Library, changes: FolderChanges) {
        for root in changes.vanished.iter().chain(&changes.returned) {
            let mode =
                self.watcher.modes().iter().find(|(path, _)| path == root).map(|(_, mode)| mode.clone());
            if let Some(mode) = &mode {
                self.sink.following(root, mode);
            }
            self.states.set(root, Some(folder_state(mode.as_ref())));
        }
        let roots: Vec<PathBuf> = changes.vanished.into_iter().chain(changes.returned).collect();
        self.scan(library, &roots);
    }

    fn scan(&mut self, library: &mut Library, roots: &[PathBuf]) {
        if roots.is_empty() {
            return;
        }
        let before: HashMap<PathBuf, FolderState> =
            roots.iter().filter_map(|r| self.states.get(r).map(|s| (r.clone(), s))).collect();
        for root in roots {
            self.states.set(root, Some(FolderState::Scanning));
        }
        self.sink.changed(Vec::new());
        self.import(library, Thumbnails::All, |library, progress| library.scan(roots, progress));
        for root in roots {
            let state = if root.is_dir() { before.get(root).copied() } else { Some(FolderState::Offline) };
            // A folder that was offline and is back is watched again (check_folders).
            let state = state.filter(|s| *s != FolderState::Offline || !root.is_dir());
            self.states.set(root, Some(state.unwrap_or(FolderState::Watching)));
        }
        self.sink.changed(Vec::new());
    }

    /// Runs one import with progress, then makes the thumbnails it needs.
    fn import(
        &mut self,
        library: &mut Library,
        thumbnails: Thumbnails,
        step: impl FnOnce(&mut Library, &mut dyn FnMut(ScanEvent<'_>)) -> crate::Result<ScanSummary>,
    ) {
        let mut touched = Vec::new();
        let mut last = Instant::now() - PROGRESS_EVERY;
        let sink = &mut *self.sink;
        let mut progress = |event: ScanEvent<'_>| match event {
            ScanEvent::Walked { total } => {
                sink.progress(progress_of(ImportPhase::Scanning, 0, Some(total), None))
            }
            ScanEvent::File { done, total, path, outcome } => {
                if let Outcome::Added(id) | Outcome::Updated(id) | Outcome::Moved(id) = outcome {
                    touched.push(*id);
                }
                if last.elapsed() >= PROGRESS_EVERY || done == total {
                    last = Instant::now();
                    sink.progress(progress_of(ImportPhase::Scanning, done, Some(total), Some(path)));
                }
            }
        };
        let summary = match step(library, &mut progress) {
            Ok(summary) => summary,
            Err(error) => {
                self.sink.problem(&format!("import: {error}"));
                self.progress(ImportPhase::Idle, 0, None, None);
                return;
            }
        };
        self.sink.imported(&summary);
        // New clips need content keys; clips that failed before may read now.
        if summary.added + summary.updated + summary.moved > 0 {
            self.keys.pending = true;
            self.keys.after = 0;
        }
        let jobs = match thumbnails {
            Thumbnails::All => library.pending_thumbnails(),
            Thumbnails::Touched => library.pending_thumbnails_of(&touched),
        };
        let boards = match thumbnails {
            Thumbnails::All => library.pending_storyboards(),
            Thumbnails::Touched => library.pending_storyboards_of(&touched),
        };
        match boards {
            Ok(boards) => self.boards.add(boards.into_iter().map(|job| job.clip_id)),
            Err(error) => self.sink.problem(&format!("storyboards: {error}")),
        }
        if !touched.is_empty() || summary.missing > 0 || summary.offline > 0 || !summary.failed.is_empty() {
            touched.sort_unstable();
            touched.dedup();
            self.sink.changed(touched);
        }
        match jobs {
            Ok(jobs) => self.make_thumbnails(&jobs),
            Err(error) => self.sink.problem(&format!("thumbnails: {error}")),
        }
        self.progress(ImportPhase::Idle, 0, None, None);
    }

    fn make_thumbnails(&mut self, jobs: &[ThumbJob]) {
        let total = jobs.len();
        for (done, job) in jobs.iter().enumerate() {
            self.progress(ImportPhase::Thumbnails, done, Some(total), Some(&job.video));
            match make_thumbnail(job) {
                Ok(()) => {}
                Err(ThumbError::FfmpegMissing) => {
                    self.sink.problem("ffmpeg is not installed, so no thumbnails are made");
                    break;
                }
                Err(error) => self.sink.problem(&format!("thumbnail: {error}")),
            }
            if (done + 1) % THUMBS_PER_REFRESH == 0 || done + 1 == total {
                self.sink.changed(Vec::new());
            }
        }
    }

    /// Makes the next storyboard of the queue, if any; trims the cache now and then.
    fn make_next_storyboard(&mut self, library: &Library) {
        let Some((clip_id, asked)) = self.boards.next() else { return };
        let total = self.boards.done + self.boards.len() + 1;
        let job = if asked {
            library.storyboards_for(&[clip_id])
        } else {
            library.pending_storyboards_of(&[clip_id])
        };
        match job.map(|jobs| jobs.into_iter().next()) {
            Ok(Some(job)) => {
                self.progress(ImportPhase::Storyboards, self.boards.done, Some(total), Some(&job.video));
                let made = make_storyboard(&job);
                let recorded = match &made {
                    Ok(made) => {
                        if let Some(problem) = &made.problem {
                            self.sink.problem(&format!("storyboard: {problem}"));
                        }
                        library.record_storyboard(&job.oshash, Ok(made))
                    }
                    Err(BoardError::FfmpegMissing) => {
                        self.sink.problem("ffmpeg is not installed, so no storyboards are made");
                        self.boards = BoardQueue::default();
                        self.progress(ImportPhase::Idle, 0, None, None);
                        return;
                    }
                    Err(error) => {
                        self.sink.problem(&format!("storyboard: {error}"));
                        library.record_storyboard(&job.oshash, Err(&error.to_string()))
                    }
                };
                if let Err(error) = recorded {
                    self.sink.problem(&format!("storyboard: {error}"));
                }
                if made.is_ok() {
                    self.sink.storyboard(clip_id);
                }
                self.boards.since_trim += 1;
            }
            Ok(None) => {}
            Err(error) => self.sink.problem(&format!("storyboards: {error}")),
        }
        self.boards.done += 1;
        // Trimming counts the whole cache on disk: not after every storyboard.
        let trim = self.boards.is_empty() || self.boards.since_trim >= BOARDS_PER_TRIM;
        if trim && self.boards.since_trim > 0 {
            self.boards.since_trim = 0;
            if let Err(error) = library.trim_cache() {
                self.sink.problem(&format!("cannot trim the thumbnail cache: {error}"));
            }
        }
        if self.boards.is_empty() {
            self.boards.done = 0;
            self.progress(ImportPhase::Idle, 0, None, None);
        }
    }

    /// Makes the content keys of the next clip without them, if any.
    fn make_next_keys(&mut self, library: &mut Library) {
        let next = match library.next_clip_without_keys(self.keys.after) {
            Ok(next) => next,
            Err(error) => {
                self.sink.problem(&format!("content keys: {error}"));
                None
            }
        };
        let Some(clip_id) = next else {
            self.keys = KeysQueue { after: self.keys.after, ..KeysQueue::default() };
            self.progress(ImportPhase::Idle, 0, None, None);
            return;
        };
        self.keys.after = clip_id;
        let current = library.playable_path(clip_id).ok().flatten();
        self.progress(ImportPhase::Keys, self.keys.done, None, current.as_deref());
        let cancel = std::sync::atomic::AtomicBool::new(false);
        match library.make_content_keys(&crate::keys::KeysWhich::Clips(vec![clip_id]), &cancel, &mut |_| {}) {
            Ok(summary) => {
                for problem in summary.problems.iter().filter(|p| !p.retried) {
                    tracing::info!("content keys of clip #{}: {}", problem.clip_id, problem.problem);
                }
            }
            Err(crate::keys::KeysError::Missing { program, packages }) => {
                self.sink.problem(&format!(
                    "{program} is not installed, so clips get no content keys (apt install {packages})"
                ));
                self.keys.pending = false;
                self.progress(ImportPhase::Idle, 0, None, None);
                return;
            }
            Err(error) => self.sink.problem(&format!("content keys: {error}")),
        }
        self.keys.done += 1;
    }

    fn progress(&mut self, phase: ImportPhase, done: usize, total: Option<usize>, current: Option<&Path>) {
        self.sink.progress(progress_of(phase, done, total, current));
    }
}

fn progress_of(
    phase: ImportPhase,
    done: usize,
    total: Option<usize>,
    current: Option<&Path>,
) -> ImportProgress {
    ImportProgress {
        phase,
        done: done as i64,
        total: total.map(|t| t as i64),
        current: current.map(|p| p.display().to_string()),
    }
}

/// How the sidebar shows a folder followed this way.
fn folder_state(mode: Option<&WatchMode>) -> FolderState {
    match mode {
        Some(WatchMode::Native) | None => FolderState::Watching,
        Some(WatchMode::Polling(_)) => FolderState::Polling,
        Some(WatchMode::Absent) => FolderState::Offline,
    }
}

#[cfg(test)]
mod tests {
    use super::BoardQueue;

    fn drain(queue: &mut BoardQueue) -> Vec<(i64, bool)> {
        std::iter::from_fn(|| queue.next()).collect()
    }

    #[test]
    fn asked_clips_go_first_in_the_order_asked_and_none_twice() {
        let mut queue = BoardQueue::default();
        queue.add([1, 2, 3, 4]);
        queue.add([2, 5]);
        queue.ask(&[4, 3]);
        queue.ask(&[6]);
        assert_eq!(queue.len(), 6);
        assert_eq!(
            drain(&mut queue),
            vec![(6, true), (4, true), (3, true), (1, false), (2, false), (5, false)]
        );
        assert!(queue.is_empty());
        queue.add([1]);
        assert_eq!(drain(&mut queue), vec![(1, false)], "made once, a clip may be queued again");
    }
}
