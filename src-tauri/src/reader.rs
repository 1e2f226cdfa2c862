//! The app's reader of on-screen text: the core's background reader
//! (`outtake_core::screen_text::read_in_background`) on a thread of its own
//! with its own connection, so an import never waits behind a long clip. It
//! reads at start (a stopped run goes on), after each import that brought
//! clips, and when the fan turns it back on in the settings. Its progress is
//! the `reading-progress` event (the status bar shows it when the importer
//! is idle); each clip with lines is a `library-changed` naming no clip (a
//! named clip would have its poster fetched again, and lines are not posters).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::sync::{Arc, Mutex};

use outtake_core::Library;
use outtake_core::import::worker::{ImportPhase, ImportProgress};
use outtake_core::screen_text::{ReadProgress, ReadSink, read_in_background};
use tauri::{AppHandle, Emitter};

use crate::commands::{LIBRARY_CHANGED, LibraryChanged, READING_PROGRESS};

/// The reader starts this long after the window: nothing that can wait is
/// computed while the first grid is made (a library with clips offline asks
/// the disk about each of them).
const START_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// The handle the app holds.
pub struct Reader {
    wake: Mutex<Sender<()>>,
    /// Set while the fan has turned reading off.
    paused: Arc<AtomicBool>,
    /// Why the reader stopped for good (no Tesseract), for the settings.
    off: Arc<Mutex<Option<String>>>,
}

impl Reader {
    pub fn start(library: PathBuf, app: AppHandle, on: bool) -> Reader {
        let (wake, woken) = channel();
        let paused = Arc::new(AtomicBool::new(!on));
        let off = Arc::new(Mutex::new(None));
        let (thread_paused, thread_off) = (Arc::clone(&paused), Arc::clone(&off));
        let spawned = std::thread::Builder::new().name("screen-text".into()).spawn(move || {
            let mut sink = WindowSink { app, off: thread_off };
            // Wakes meanwhile wait in the channel.
            std::thread::sleep(START_AFTER);
            match Library::open(&library) {
                Ok(mut library) => read_in_background(&mut library, &woken, &thread_paused, &mut sink),
                Err(error) => sink.off(&format!("cannot open the library: {error}")),
            }
        });
        if let Err(error) = spawned {
            tracing::error!("cannot start the reader of on-screen text: {error}");
        }
        Reader { wake: Mutex::new(wake), paused, off }
    }

    /// There may be clips to read (an import brought some).
    pub fn wake(&self) {
        // A reader that is gone has said why (`off`).
        let _ = self.wake.lock().unwrap_or_else(|p| p.into_inner()).send(());
    }

    /// The fan's setting: off stops the clip being read (it is read again
    /// when reading is back on).
    pub fn set_on(&self, on: bool) {
        self.paused.store(!on, Ordering::Relaxed);
        if on {
            self.wake();
        }
    }

    /// Why clips are not read, if the reader stopped for good.
    pub fn off_because(&self) -> Option<String> {
        self.off.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// A sender that wakes the reader, for the importer.
    pub fn waker(&self) -> Sender<()> {
        self.wake.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The reader's news as the window's events.
struct WindowSink {
    app: AppHandle,
    off: Arc<Mutex<Option<String>>>,
}

impl ReadSink for WindowSink {
    fn reading(&mut self, now: Option<&ReadProgress>) {
        let progress = match now {
            Some(now) => ImportProgress {
                phase: ImportPhase::Reading,
                done: now.number as i64 - 1,
                total: Some(now.total as i64),
                current: Some(now.title.clone()),
            },
            None => ImportProgress { phase: ImportPhase::Idle, done: 0, total: None, current: None },
        };
        if let Err(error) = self.app.emit(READING_PROGRESS, progress) {
            tracing::warn!("cannot send reading progress: {error}");
        }
    }

    fn read(&mut self, _clip_id: i64, lines: usize) {
        if lines == 0 {
            return;
        }
        if let Err(error) = self.app.emit(LIBRARY_CHANGED, LibraryChanged { clip_ids: Vec::new() }) {
            tracing::warn!("cannot send library-changed: {error}");
        }
    }

    fn off(&mut self, reason: &str) {
        tracing::warn!("on-screen text is not read: {reason}");
        *self.off.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.to_string());
    }
}
