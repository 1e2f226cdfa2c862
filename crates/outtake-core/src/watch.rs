//! Watching folders for changes. The watcher knows no library: it only turns
//! file-system events into batches of changed paths, which the importer
//! consumes (`Library::import_changes`). Where inotify cannot watch (its watch
//! limit, network file systems) it falls back to polling and says so.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, RecommendedCache, new_debouncer, new_debouncer_opt,
};

/// How long events on a path settle before the batch is sent.
const DEBOUNCE: Duration = Duration::from_millis(400);
/// How often a polling watcher looks.
const POLL_EVERY: Duration = Duration::from_secs(2);
/// How often whoever owns the watcher should call [`FolderWatcher::check_folders`],
/// so a vanished folder is noticed when it comes back.
pub const CHECK_FOLDERS_EVERY: Duration = Duration::from_secs(2);

/// What the watcher sends to whoever imports.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchMessage {
    /// These paths (files or folders) were created, changed, renamed or removed.
    Changed(Vec<PathBuf>),
    /// The watcher hit a problem it carries on after (a folder vanished, an event was lost).
    Problem(String),
}

/// How a folder is being watched.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchMode {
    /// Notified by the operating system as changes happen.
    Native,
    /// Looked at every few seconds, because native watching failed for this reason.
    Polling(String),
    /// The folder is not there (deleted, or on a drive that is not mounted):
    /// nothing below it is read, and it is watched again when it comes back.
    Absent,
}

/// What [`FolderWatcher::check_folders`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FolderChanges {
    /// Watched folders that are gone since the last look (their clips are offline now).
    pub vanished: Vec<PathBuf>,
    /// Folders that were gone and are back, watched again (scan them).
    pub returned: Vec<PathBuf>,
}

impl FolderChanges {
    pub fn is_empty(&self) -> bool {
        self.vanished.is_empty() && self.returned.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error("cannot watch {path}: {why}")]
    Folder { path: PathBuf, why: String },
}

enum Backend {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Polling(Debouncer<PollWatcher, RecommendedCache>),
}

/// Watches folders until dropped.
pub struct FolderWatcher {
    backend: Backend,
    modes: Vec<(PathBuf, WatchMode)>,
    sender: Sender<WatchMessage>,
}

fn handler(sender: Sender<WatchMessage>) -> impl FnMut(DebounceEventResult) + Send + 'static {
    move |result: DebounceEventResult| {
        let message = match result {
            Ok(events) => {
                // Reads (an open, a close without writing) change nothing; the app's own
                // thumbnailer and media server would otherwise set off re-scans.
                let mut paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| {
                        !matches!(
                            e.event.kind,
                            notify::EventKind::Access(
                                notify::event::AccessKind::Open(_)
                                    | notify::event::AccessKind::Close(notify::event::AccessMode::Read)
                                    | notify::event::AccessKind::Read
                                    | notify::event::AccessKind::Any
                            )
                        )
                    })
                    .flat_map(|e| e.event.paths)
                    .collect();
                paths.sort();
                paths.dedup();
                if paths.is_empty() {
                    return;
                }
                WatchMessage::Changed(paths)
            }
            Err(errors) => {
                WatchMessage::Problem(errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
            }
        };
        // The importer has gone away: nothing left to tell.
        let _ = sender.send(message);
    }
}

impl FolderWatcher {
    /// Starts watching nothing yet; add folders with [`FolderWatcher::watch`].
    pub fn new(sender: Sender<WatchMessage>) -> Result<FolderWatcher, WatchError> {
        let backend = match new_debouncer(DEBOUNCE, None, handler(sender.clone())) {
            Ok(debouncer) => Backend::Native(debouncer),
            Err(error) => {
                let _ = sender
                    .send(WatchMessage::Problem(format!("native watching unavailable ({error}); polling")));
                Backend::Polling(polling(sender.clone())?)
            }
        };
        Ok(FolderWatcher { backend, modes: Vec::new(), sender })
    }

    /// A watcher that polls from the start: for folders on network file
    /// systems, where native events do not arrive.
    pub fn polling(sender: Sender<WatchMessage>) -> Result<FolderWatcher, WatchError> {
        Ok(FolderWatcher { backend: Backend::Polling(polling(sender.clone())?), modes: Vec::new(), sender })
    }

    /// Watches a folder and everything below it, polling it if it cannot be
    /// watched natively. A folder that is not there is [`WatchMode::Absent`]
    /// until [`FolderWatcher::check_folders`] sees it come back.
    pub fn watch(&mut self, folder: &Path) -> Result<&WatchMode, WatchError> {
        let mode = if folder.is_dir() { self.attach(folder)? } else { WatchMode::Absent };
        self.modes.push((folder.to_path_buf(), mode));
        Ok(&self.modes.last().expect("just pushed").1)
    }

    /// Starts following a folder that is there.
    fn attach(&mut self, folder: &Path) -> Result<WatchMode, WatchError> {
        let failed = |why: String| WatchError::Folder { path: folder.to_path_buf(), why };
        let mode = match &mut self.backend {
            Backend::Native(debouncer) => match debouncer.watch(folder, RecursiveMode::Recursive) {
                Ok(()) => WatchMode::Native,
                Err(error) if folder.is_dir() => {
                    // inotify's watch limit or a file system without events: poll this one.
                    let why = error.to_string();
                    self.backend = Backend::Polling(polling(self.sender.clone())?);
                    let watched: Vec<PathBuf> = self
                        .modes
                        .iter()
                        .filter(|(_, mode)| *mode != WatchMode::Absent)
                        .map(|(path, _)| path.clone())
                        .collect();
                    for path in &watched {
                        self.watch_polling(path).map_err(|e| failed(e.to_string()))?;
                    }
                    self.watch_polling(folder).map_err(|e| failed(e.to_string()))?;
                    for (_, mode) in self.modes.iter_mut().filter(|(_, mode)| *mode != WatchMode::Absent) {
                        *mode = WatchMode::Polling(why.clone());
                    }
                    WatchMode::Polling(why)
                }
                Err(error) => return Err(failed(error.to_string())),
            },
            Backend::Polling(_) => {
                self.watch_polling(folder).map_err(|e| failed(e.to_string()))?;
                WatchMode::Polling("native watching is unavailable".into())
            }
        };
        Ok(mode)
    }

    /// Looks whether each watched folder is still there. One that vanished is
    /// let go (a watcher must never fall back to its parent, which holds files
    /// outside every watched folder); one that came back is watched again.
    /// Call it every [`CHECK_FOLDERS_EVERY`].
    pub fn check_folders(&mut self) -> FolderChanges {
        let mut changes = FolderChanges::default();
        for i in 0..self.modes.len() {
            let (path, mode) = self.modes[i].clone();
            let absent = mode == WatchMode::Absent;
            match (absent, path.is_dir()) {
                (false, false) => {
                    self.detach(&path);
                    self.modes[i].1 = WatchMode::Absent;
                    changes.vanished.push(path);
                }
                (true, true) => match self.attach(&path) {
                    Ok(mode) => {
                        self.modes[i].1 = mode;
                        changes.returned.push(path);
                    }
                    Err(error) => {
                        let _ = self.sender.send(WatchMessage::Problem(error.to_string()));
                    }
                },
                _ => {}
            }
        }
        changes
    }

    fn detach(&mut self, folder: &Path) {
        // Removing a folder already ends its inotify watch: an error here says only that.
        let _ = match &mut self.backend {
            Backend::Native(debouncer) => debouncer.unwatch(folder),
            Backend::Polling(debouncer) => debouncer.unwatch(folder),
        };
    }

    fn watch_polling(&mut self, folder: &Path) -> notify::Result<()> {
        match &mut self.backend {
            Backend::Polling(debouncer) => debouncer.watch(folder, RecursiveMode::Recursive),
            Backend::Native(_) => unreachable!("only called on a polling backend"),
        }
    }

    /// Stops watching a folder.
    pub fn unwatch(&mut self, folder: &Path) {
        self.detach(folder);
        self.modes.retain(|(path, _)| path != folder);
    }

    /// Each watched folder and how it is watched.
    pub fn modes(&self) -> &[(PathBuf, WatchMode)] {
        &self.modes
    }
}

fn polling(sender: Sender<WatchMessage>) -> Result<Debouncer<PollWatcher, RecommendedCache>, WatchError> {
    let config = notify::Config::default().with_poll_interval(POLL_EVERY);
    new_debouncer_opt::<_, PollWatcher, RecommendedCache>(
        DEBOUNCE,
        None,
        handler(sender),
        RecommendedCache::new(),
        config,
    )
    .map_err(|error| WatchError::Folder { path: PathBuf::new(), why: format!("cannot poll: {error}") })
}
