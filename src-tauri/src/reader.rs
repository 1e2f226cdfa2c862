//! The app's readers of words nobody typed: the core's background reader of
//! on-screen text (`outtake_core::screen_text::read_in_background`) and its
//! listener to speech (`outtake_core::speech::listen_in_background`), each on
//! a thread of its own with its own connection, so an import never waits
//! behind a long clip. They read at start (a stopped run goes on), after each
//! import that brought clips, and when the fan turns them back on. The
//! listener loads the fan's model once, so a new model or language in the
//! settings starts a new listener. Their progress is the `reading-progress`
//! and `listening-progress` events (the status bar shows them while the
//! importer is idle); each clip with
//! lines is a `library-changed` naming no clip (a named clip would have its
//! poster fetched again, and lines are not posters); why one is off (no
//! Tesseract, no speech model) is kept for the settings.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use outtake_core::Library;
use outtake_core::import::worker::{ImportPhase, ImportProgress};
use outtake_core::screen_text::{ReadProgress, ReadSink, read_in_background};
use outtake_core::settings::Settings;
use outtake_core::speech::{Spoken, listen_in_background};
use tauri::{AppHandle, Emitter};

use crate::commands::{LIBRARY_CHANGED, LISTENING_PROGRESS, LibraryChanged, READING_PROGRESS};

/// The readers start this long after the window: nothing that can wait is
/// computed while the first grid is made (a library with clips offline asks
/// the disk about each of them).
const START_AFTER: std::time::Duration = std::time::Duration::from_secs(3);

/// Both readers, as the app holds them.
pub struct Readers {
    library: PathBuf,
    app: AppHandle,
    screen: Background,
    speech: Mutex<Background>,
}

impl Readers {
    pub fn start(library: PathBuf, app: AppHandle, settings: &Settings) -> Readers {
        let screen = Background::start(
            &library,
            &app,
            (ImportPhase::Reading, READING_PROGRESS),
            settings.reads_screen_text(),
            read_in_background,
        );
        let speech = Mutex::new(listener(&library, &app, settings));
        Readers { library, app, screen, speech }
    }

    /// There may be clips to read (an import brought some).
    pub fn wake(&self) {
        self.screen.wake();
        self.speech().wake();
    }

    /// The fan's settings changed: reading on or off, and a new model or
    /// language starts a new listener (the old one leaves its clip unheard).
    pub fn apply(&self, before: &Settings, settings: &Settings) {
        self.screen.set_on(settings.reads_screen_text());
        if (&before.speech_model, &before.speech_language)
            != (&settings.speech_model, &settings.speech_language)
        {
            let mut speech = self.speech();
            speech.stop();
            *speech = listener(&self.library, &self.app, settings);
        }
    }

    /// Why on-screen text is not read, and why speech is not heard, if so.
    pub fn off_because(&self) -> (Option<String>, Option<String>) {
        (self.screen.off_because(), self.speech().off_because())
    }

    fn speech(&self) -> std::sync::MutexGuard<'_, Background> {
        self.speech.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The listener for `settings`' model and language.
fn listener(library: &Path, app: &AppHandle, settings: &Settings) -> Background {
    let model = settings.speech_model.clone().map(PathBuf::from);
    let spoken: Spoken = settings.speech_language.as_deref().and_then(|l| l.parse().ok()).unwrap_or_default();
    Background::start(
        library,
        app,
        (ImportPhase::Listening, LISTENING_PROGRESS),
        true,
        move |library, wake, paused, sink| {
            listen_in_background(library, model.as_deref(), spoken, wake, paused, sink)
        },
    )
}

/// One reader's thread, as seen from the app.
struct Background {
    wake: Sender<()>,
    /// Set while the fan has turned it off, or when it is stopped for good.
    paused: Arc<AtomicBool>,
    off: Arc<Mutex<Option<String>>>,
}

impl Background {
    fn start(
        library: &Path,
        app: &AppHandle,
        (phase, event): (ImportPhase, &'static str),
        on: bool,
        work: impl FnOnce(&mut Library, &Receiver<()>, &AtomicBool, &mut dyn ReadSink) + Send + 'static,
    ) -> Background {
        let (wake, woken) = channel();
        let paused = Arc::new(AtomicBool::new(!on));
        let off = Arc::new(Mutex::new(None));
        let mut sink = WindowSink {
            app: app.clone(),
            phase,
            event,
            off: Arc::clone(&off),
            paced: crate::importer::Paced::default(),
        };
        let (library, thread_paused) = (library.to_path_buf(), Arc::clone(&paused));
        let spawned =
            std::thread::Builder::new().name(format!("{phase:?}").to_lowercase()).spawn(move || {
                below_the_window();
                // Wakes meanwhile wait in the channel.
                std::thread::sleep(START_AFTER);
                match Library::open(&library) {
                    Ok(mut library) => work(&mut library, &woken, &thread_paused, &mut sink),
                    Err(error) => sink.off(&format!("cannot open the library: {error}")),
                }
            });
        if let Err(error) = spawned {
            tracing::error!("cannot start a background reader: {error}");
        }
        Background { wake, paused, off }
    }

    fn wake(&self) {
        // A reader that is gone has said why (`off`).
        let _ = self.wake.send(());
    }

    /// Off stops the clip being read (it is read again when back on).
    fn set_on(&self, on: bool) {
        self.paused.store(!on, Ordering::Relaxed);
        if on {
            self.wake();
        }
    }

    /// Stops the thread: its clip is left, and with its channel gone it ends.
    fn stop(&self) {
        self.paused.store(true, Ordering::Relaxed);
    }

    fn off_because(&self) -> Option<String> {
        self.off.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// Lowers this thread's priority (whisper hears in this process; the threads
/// it starts inherit it), like the readers' ffmpeg and Tesseract children: the
/// window goes first. On Linux a nice value is the calling thread's own.
fn below_the_window() {
    #[cfg(unix)]
    // SAFETY: setpriority only reads its arguments; `0` is the calling thread.
    unsafe {
        if libc::setpriority(libc::PRIO_PROCESS, 0, 10) != 0 {
            tracing::info!("cannot lower a background reader's priority");
        }
    }
}

/// A reader's news as the window's events.
struct WindowSink {
    app: AppHandle,
    phase: ImportPhase,
    /// Its own progress event: one reader's "done" is not the other's.
    event: &'static str,
    off: Arc<Mutex<Option<String>>>,
    paced: crate::importer::Paced,
}

impl ReadSink for WindowSink {
    fn reading(&mut self, now: Option<&ReadProgress>) {
        let progress = match now {
            Some(now) => ImportProgress {
                phase: self.phase,
                done: now.number as i64 - 1,
                total: Some(now.total as i64),
                current: Some(now.title.clone()),
            },
            None => ImportProgress { phase: ImportPhase::Idle, done: 0, total: None, current: None },
        };
        if !self.paced.due(progress.phase) {
            return;
        }
        if let Err(error) = self.app.emit(self.event, progress) {
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
        tracing::info!("{:?} is off: {reason}", self.phase);
        *self.off.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.to_string());
    }
}
