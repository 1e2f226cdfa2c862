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

    /// Watches a folder and everything below it, polling it if it cannot be watched natively.
    pub fn watch(&mut self, folder: &Path) -> Result<&WatchMode, WatchError> {
        let failed = |why: String| WatchError::Folder { path: folder.to_path_buf(), why };
        let mode = match &mut self.backend {
            Backend::Native(debouncer) => match debouncer.watch(folder, RecursiveMode::Recursive) {
                Ok(()) => WatchMode::Native,
                Err(error) if folder.is_dir() => {
                    // inotify's watch limit or a file system without events: poll this one.
                    let why = error.to_string();
                    self.backend = Backend::Polling(polling(self.sender.clone())?);
                    let watched: Vec<PathBuf> = self.modes.iter().map(|(path, _)| path.clone()).collect();
                    for path in &watched {
                        self.watch_polling(path).map_err(|e| failed(e.to_string()))?;
                    }
                    self.watch_polling(folder).map_err(|e| failed(e.to_string()))?;
                    for (_, mode) in &mut self.modes {
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
        self.modes.push((folder.to_path_buf(), mode));
        Ok(&self.modes.last().expect("just pushed").1)
    }

    fn watch_polling(&mut self, folder: &Path) -> notify::Result<()> {
        match &mut self.backend {
            Backend::Polling(debouncer) => debouncer.watch(folder, RecursiveMode::Recursive),
            Backend::Native(_) => unreachable!("only called on a polling backend"),
        }
    }

    /// Stops watching a folder.
    pub fn unwatch(&mut self, folder: &Path) {
        let _ = match &mut self.backend {
            Backend::Native(debouncer) => debouncer.unwatch(folder),
            Backend::Polling(debouncer) => debouncer.unwatch(folder),
        };
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
