//! The app's importer: the core's import worker (`outtake_core::import::worker`)
//! on a thread of its own with its own connection, telling the window with
//! `import-progress` and `library-changed` events. Commands talk to it
//! through a channel.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Sender, channel};
use std::time::{Duration, Instant};

use outtake_core::import::worker::{
    self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink, ImportWork,
};
use outtake_core::{FolderState, Library};
use tauri::{AppHandle, Emitter, Manager};

use crate::commands::{IMPORT_PROGRESS, LIBRARY_CHANGED, LibraryChanged};

/// The handle commands hold.
pub struct Importer {
    work: Mutex<Sender<ImportWork>>,
    /// How each watched root is followed, by canonical path.
    states: FolderStates,
}

impl Importer {
    pub fn start(library: PathBuf, app: AppHandle) -> Importer {
        let (work, jobs) = channel();
        let states = FolderStates::default();
        let thread_states = states.clone();
        let feed = work.clone();
        let spawned = std::thread::Builder::new().name("importer".into()).spawn(move || {
            let mut sink = WindowSink { app, paced: Paced::default() };
            let ran = Library::open(&library).map_err(worker::WorkerError::from).and_then(|mut library| {
                worker::run(&mut library, Followed::Library, &mut sink, thread_states, feed, jobs)
            });
            if let Err(error) = ran {
                tracing::error!("the importer could not start: {error}");
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start the importer: {error}");
        }
        Importer { work: Mutex::new(work), states }
    }

    pub fn rescan(&self) {
        self.send(ImportWork::Rescan);
    }

    pub fn folders_changed(&self) {
        self.send(ImportWork::FoldersChanged);
    }

    /// Makes the storyboards of these clips first (the window shows them now).
    pub fn storyboards_for(&self, clip_ids: Vec<i64>) {
        self.send(ImportWork::Storyboards(clip_ids));
    }

    /// Makes the missing thumbnails of these clips (a marker was added or moved).
    pub fn thumbnails_for(&self, clip_ids: Vec<i64>) {
        self.send(ImportWork::Thumbnails(clip_ids));
    }

    fn send(&self, work: ImportWork) {
        let sender = self.work.lock().unwrap_or_else(|p| p.into_inner());
        if sender.send(work).is_err() {
            tracing::error!("the importer is not running");
        }
    }

    /// How a folder is followed, given what the library alone knows.
    pub fn folder_state(&self, path: &str, known: FolderState) -> FolderState {
        self.states.state_of(path, known)
    }
}

/// The worker's news as the window's events.
struct WindowSink {
    app: AppHandle,
    paced: Paced,
}

/// Progress events at most one per [`PACE`] within a phase: a phase that
/// goes through thousands of clips in seconds (content keys of a library
/// whose drive is unplugged) sent an event per clip, and the window, which
/// shows one, fell behind (its first grid took 2 s, its web process grew by
/// 300 MB, measured at 100k clips). A new phase and the end always go.
#[derive(Default)]
pub(crate) struct Paced {
    last: Option<(Instant, ImportPhase)>,
}

const PACE: Duration = Duration::from_millis(100);

impl Paced {
    /// Whether news of `phase` goes to the window now.
    pub(crate) fn due(&mut self, phase: ImportPhase) -> bool {
        self.due_at(phase, Instant::now())
    }

    fn due_at(&mut self, phase: ImportPhase, now: Instant) -> bool {
        let due = match self.last {
            None => true,
            Some((at, was)) => was != phase || phase == ImportPhase::Idle || now.duration_since(at) >= PACE,
        };
        if due {
            self.last = Some((now, phase));
        }
        due
    }
}

impl ImportSink for WindowSink {
    fn progress(&mut self, progress: ImportProgress) {
        if !self.paced.due(progress.phase) {
            return;
        }
        if let Err(error) = self.app.emit(IMPORT_PROGRESS, progress) {
            tracing::warn!("cannot send import progress: {error}");
        }
    }

    fn changed(&mut self, clip_ids: Vec<i64>) {
        if let Err(error) = self.app.emit(LIBRARY_CHANGED, LibraryChanged { clip_ids }) {
            tracing::warn!("cannot send library-changed: {error}");
        }
    }

    fn imported(&mut self, summary: &outtake_core::import::ScanSummary) {
        if !summary.failed.is_empty() {
            tracing::warn!("{} files could not be imported", summary.failed.len());
        }
        // New clips are read and heard in the background (`reader.rs`).
        if summary.added + summary.updated > 0
            && let Some(state) = self.app.try_state::<crate::App>()
        {
            state.readers.wake();
        }
    }

    fn problem(&mut self, message: &str) {
        tracing::warn!("{message}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_goes_once_per_pace_but_a_new_phase_and_the_end_always_go() {
        let mut paced = Paced::default();
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        assert!(paced.due_at(ImportPhase::Keys, at(0)));
        assert!(!paced.due_at(ImportPhase::Keys, at(10)));
        assert!(!paced.due_at(ImportPhase::Keys, at(99)));
        assert!(paced.due_at(ImportPhase::Keys, at(100)));
        assert!(paced.due_at(ImportPhase::Thumbnails, at(101)), "a new phase");
        assert!(paced.due_at(ImportPhase::Idle, at(102)), "the end");
        assert!(paced.due_at(ImportPhase::Idle, at(103)), "the end, again");
    }
}
