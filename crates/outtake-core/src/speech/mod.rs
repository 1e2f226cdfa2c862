//! What is said in a clip, heard with whisper.cpp and kept as timed lines of
//! source `speech` (migration 0015), beside those read off the picture.
//!
//! The fan brings the model (a whisper.cpp `ggml-*.bin`; Outtake downloads
//! nothing): `model` walks the file before whisper.cpp sees it; `audio`
//! streams a clip's sound from one ffmpeg in one-second blocks; `vad` finds
//! the stretches that may be speech, skipping silence and music-like sound;
//! `whisper` hears each stretch; `store` keeps the lines like `screen_text` keeps its own (a rerun
//! replaces only machine-made lines the fan has not edited); `background` is
//! the window's listener to every clip not heard yet.

mod audio;
mod background;
mod model;
mod store;
mod vad;
mod whisper;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

pub use background::listen_in_background;
pub use model::{ModelFile, check_model};
pub use whisper::SpeechModel;

use crate::screen_text::ScreenLine;

/// What stops a clip (or a whole run) from being heard.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SpeechError {
    /// The model file is missing, damaged or not whisper's: one line naming it.
    #[error("the speech model {} {why}", path.display())]
    Model { path: PathBuf, why: String },
    /// No model is chosen: speech is off.
    #[error(
        "no speech model is chosen (a whisper.cpp ggml-*.bin file: --model, or speech_model in the settings)"
    )]
    NoModel,
    #[error("{program} is not installed (on Debian or Ubuntu: apt install {packages})")]
    Missing { program: &'static str, packages: &'static str },
    #[error("cannot read the sound of {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("whisper: {0}")]
    Whisper(String),
    #[error("stopped")]
    Cancelled,
    #[error(transparent)]
    Library(#[from] std::sync::Arc<crate::error::Error>),
}

impl From<crate::error::Error> for SpeechError {
    fn from(error: crate::error::Error) -> SpeechError {
        SpeechError::Library(std::sync::Arc::new(error))
    }
}

impl crate::screen_text::RunError for SpeechError {
    fn cancelled(&self) -> bool {
        matches!(self, SpeechError::Cancelled)
    }

    fn stops_the_run(&self) -> bool {
        SpeechError::stops_the_run(self)
    }
}

impl SpeechError {
    /// Whether the whole run must stop (no model, no ffmpeg, the library
    /// failed, cancelled) rather than this clip be recorded as a problem.
    pub fn stops_the_run(&self) -> bool {
        match self {
            SpeechError::Model { .. } | SpeechError::NoModel | SpeechError::Missing { .. } => true,
            SpeechError::Cancelled => true,
            SpeechError::Library(error) => error.is_library_wide(),
            SpeechError::Unreadable { .. } | SpeechError::Whisper(_) => false,
        }
    }
}

/// The language a run listens for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Spoken {
    /// whisper tells, for each stretch of speech.
    #[default]
    Auto,
    Korean,
    English,
}

impl Spoken {
    /// whisper's code for it.
    pub fn code(self) -> &'static str {
        match self {
            Spoken::Auto => "auto",
            Spoken::Korean => "ko",
            Spoken::English => "en",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Spoken::Auto => "every language",
            Spoken::Korean => "Korean",
            Spoken::English => "English",
        }
    }
}

impl std::str::FromStr for Spoken {
    type Err = String;

    fn from_str(text: &str) -> Result<Spoken, String> {
        match text {
            "auto" => Ok(Spoken::Auto),
            "ko" => Ok(Spoken::Korean),
            "en" => Ok(Spoken::English),
            other => Err(format!("\"{other}\" is not ko, en or auto")),
        }
    }
}

/// How to listen: the language, and how many of the machine's cores whisper uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listening {
    pub spoken: Spoken,
    pub threads: usize,
}

impl Listening {
    /// Every core: a run the fan asked for.
    pub fn all_cores(spoken: Spoken) -> Listening {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Listening { spoken, threads: cores.min(8) }
    }

    /// Half the cores: in the background, so the window stays quick.
    pub fn in_background(spoken: Spoken) -> Listening {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Listening { spoken, threads: (cores / 2).clamp(1, 4) }
    }
}

/// What hearing one clip found, and where the time went.
#[derive(Debug, Clone, Default)]
pub struct ClipSpeech {
    pub lines: Vec<ScreenLine>,
    /// The language whisper heard (its code), when it heard any speech.
    pub language: Option<&'static str>,
    /// The clip's sound, and the part of it whisper heard (the rest was
    /// silence or music-like, skipped).
    pub sound: Duration,
    pub voiced: Duration,
    /// whisper's time.
    pub listening: Duration,
    pub total: Duration,
}

/// Hears the speech of the clip at `path` (only read, by ffmpeg). `cancel`
/// stops it between blocks of sound and inside whisper.
pub fn transcribe_video(
    path: &Path,
    model: &SpeechModel,
    listening: Listening,
    cancel: &AtomicBool,
) -> Result<ClipSpeech, SpeechError> {
    let started = Instant::now();
    model.check_language(listening.spoken)?;
    let mut sound = audio::Sound::open(path)?;
    let mut detector = vad::Detector::new();
    let mut heard = ClipSpeech::default();
    // Each stretch is heard by itself: whisper's times are then counted
    // from where the stretch starts, and the language is told per stretch.
    let hear = |stretch: vad::Stretch, heard: &mut ClipSpeech| -> Result<(), SpeechError> {
        let began = Instant::now();
        let said = whisper::hear(model, &stretch, listening.spoken, listening.threads, cancel)?;
        heard.listening += began.elapsed();
        heard.lines.extend(said.lines);
        heard.language = heard.language.or(said.language);
        Ok(())
    };
    while let Some(block) = sound.next(cancel)? {
        for stretch in detector.push(&block) {
            hear(stretch, &mut heard)?;
        }
    }
    if let Some(stretch) = detector.finish() {
        hear(stretch, &mut heard)?;
    }
    let seconds = |samples: u64| Duration::from_secs_f64(samples as f64 / audio::RATE as f64);
    heard.sound = seconds(detector.heard);
    heard.voiced = seconds(detector.voiced);
    heard.total = started.elapsed();
    Ok(heard)
}
