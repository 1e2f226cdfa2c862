//! whisper.cpp, through the `whisper-rs` binding: the model loaded once per
//! run, and stretches of sound packed into whisper's 30-second window and
//! heard, CPU only. whisper.cpp's own log goes to `tracing`.

use std::ffi::c_void;
use std::path::Path;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use whisper_rs::{FullParams, SamplingStrategy, WhisperContext, WhisperContextParameters};

use super::audio::RATE;
use super::model::{ModelFile, check_model};
use super::vad::Stretch;
use super::{SpeechError, Spoken};
use crate::screen_text::ScreenLine;

/// Silence put between two stretches in one window, so whisper hears them apart.
const BETWEEN: usize = RATE / 2;
/// Sound in one window: whisper hears 30 s, kept a little short of it.
pub(crate) const WINDOW: usize = 28 * RATE;

/// A speech model loaded and ready.
pub struct SpeechModel {
    file: ModelFile,
    context: WhisperContext,
}

impl std::fmt::Debug for SpeechModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpeechModel").field("file", &self.file).finish_non_exhaustive()
    }
}

impl SpeechModel {
    /// Checks the model file at `path` (see `model`) and loads it. Any
    /// fault is one line naming the file.
    pub fn load(path: &Path) -> Result<SpeechModel, SpeechError> {
        static HOOKS: Once = Once::new();
        HOOKS.call_once(whisper_rs::install_logging_hooks);
        let file = check_model(path)?;
        let mut parameters = WhisperContextParameters::default();
        parameters.use_gpu(false);
        let context =
            WhisperContext::new_with_params(path, parameters).map_err(|error| SpeechError::Model {
                path: path.to_path_buf(),
                why: format!("could not be loaded by whisper.cpp ({error})"),
            })?;
        Ok(SpeechModel { file, context })
    }

    /// What the check of the file found.
    pub fn file(&self) -> &ModelFile {
        &self.file
    }

    /// Refuses a language the model does not know (an English-only model
    /// asked for Korean), naming the file.
    pub fn check_language(&self, spoken: Spoken) -> Result<(), SpeechError> {
        if !self.file.multilingual() && spoken != Spoken::English {
            let why = format!("knows only English, not {}", spoken.name());
            return Err(SpeechError::Model { path: self.file.path.clone(), why });
        }
        Ok(())
    }
}

/// Stretches gathered into one window, with where each came from.
#[derive(Default)]
pub(crate) struct Window {
    samples: Vec<f32>,
    /// (where in the window, where in the clip, how long), in samples.
    pieces: Vec<(usize, u64, usize)>,
}

impl Window {
    pub(crate) fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Whether `stretch` still fits after what is in.
    pub(crate) fn fits(&self, stretch: &Stretch) -> bool {
        self.samples.len() + BETWEEN + stretch.samples.len() <= WINDOW
    }

    pub(crate) fn add(&mut self, stretch: Stretch) {
        if !self.samples.is_empty() {
            self.samples.extend(std::iter::repeat_n(0.0, BETWEEN));
        }
        self.pieces.push((self.samples.len(), stretch.start, stretch.samples.len()));
        self.samples.extend(stretch.samples);
    }

    /// A time in the window (ms) as a time in the clip (ms); a time in the
    /// silence between two pieces is the start of the next.
    fn clip_ms(&self, window_ms: i64) -> i64 {
        let at = (window_ms.max(0) as u64 * RATE as u64 / 1000) as usize;
        let (piece_at, clip_at, length) = self
            .pieces
            .iter()
            .rev()
            .find(|(piece_at, ..)| *piece_at <= at)
            .copied()
            .unwrap_or(self.pieces[0]);
        let clip = if at <= piece_at + length {
            clip_at + (at - piece_at) as u64
        } else {
            let next = self.pieces.iter().find(|(p, ..)| *p > at);
            next.map_or(clip_at + length as u64, |(_, clip, _)| *clip)
        };
        (clip * 1000 / RATE as u64) as i64
    }
}

/// What one window said, and the language it was heard in.
pub(crate) struct Heard {
    pub lines: Vec<ScreenLine>,
    pub language: Option<&'static str>,
}

/// Hears one window: its lines with their times in the clip. `cancel`
/// stops whisper between its steps.
pub(crate) fn hear(
    model: &SpeechModel,
    window: &Window,
    spoken: Spoken,
    threads: usize,
    cancel: &AtomicBool,
) -> Result<Heard, SpeechError> {
    let failed = |what: String| SpeechError::Whisper(what);
    let mut state = model.context.create_state().map_err(|e| failed(format!("no room to listen: {e}")))?;
    let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(threads as i32);
    params.set_language(Some(spoken.code()));
    params.set_no_context(true);
    params.set_suppress_nst(true);
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    // SAFETY: `stop` reads the flag through the pointer; `cancel` outlives
    // `state.full`, the only call that runs the callback.
    unsafe {
        params.set_abort_callback(Some(stop));
        params.set_abort_callback_user_data(cancel as *const AtomicBool as *mut c_void);
    }
    if let Err(error) = state.full(params, &window.samples) {
        if cancel.load(Ordering::Relaxed) {
            return Err(SpeechError::Cancelled);
        }
        return Err(failed(format!("it could not listen ({error})")));
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(SpeechError::Cancelled);
    }
    let language = whisper_rs::get_lang_str(state.full_lang_id_from_state());
    let mut lines = Vec::new();
    for segment in state.as_iter() {
        let text = segment.to_str_lossy().map(|t| t.trim().to_string()).unwrap_or_default();
        if !worth_keeping(&text) {
            continue;
        }
        // whisper's times are hundredths of a second.
        let start_ms = window.clip_ms(segment.start_timestamp() * 10);
        let end_ms = window.clip_ms(segment.end_timestamp() * 10).max(start_ms);
        lines.push(ScreenLine { start_ms, end_ms, text });
    }
    Ok(Heard { lines, language })
}

/// whisper.cpp's abort callback: whether the run was cancelled.
unsafe extern "C" fn stop(cancel: *mut c_void) -> bool {
    // SAFETY: the pointer is the `&AtomicBool` given in `hear`, alive for the call.
    let cancel = unsafe { &*(cancel as *const AtomicBool) };
    cancel.load(Ordering::Relaxed)
}

/// Whether whisper's line says something: not empty, not only marks, and
/// not a sound described in brackets (`[Music]`, `(박수)`, `♪`).
fn worth_keeping(text: &str) -> bool {
    let bracketed = |open: char, close: char| text.starts_with(open) && text.ends_with(close);
    text.chars().any(char::is_alphanumeric)
        && !bracketed('[', ']')
        && !bracketed('(', ')')
        && !text.contains('♪')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_times_are_clip_times() {
        let mut window = Window::default();
        window.add(Stretch { start: 2 * RATE as u64, samples: vec![0.1; RATE] });
        assert!(window.fits(&Stretch { start: 0, samples: vec![0.1; 20 * RATE] }));
        window.add(Stretch { start: 10 * RATE as u64, samples: vec![0.1; 2 * RATE] });
        // The first piece is 0–1 s of the window, the second 1.5–3.5 s.
        for (window_ms, clip_ms) in [
            (0, 2000),
            (500, 2500),
            (1000, 3000),
            (1200, 10_000),
            (1500, 10_000),
            (2500, 11_000),
            (9000, 12_000),
        ] {
            assert_eq!(window.clip_ms(window_ms), clip_ms, "{window_ms}");
        }
        assert!(!window.fits(&Stretch { start: 0, samples: vec![0.1; 25 * RATE] }));
    }

    #[test]
    fn sounds_and_marks_are_not_lines() {
        for (text, kept) in [
            ("안녕하세요", true),
            ("Hello.", true),
            ("[Music]", false),
            ("(박수)", false),
            ("♪ ♪", false),
            ("...", false),
            ("", false),
        ] {
            assert_eq!(worth_keeping(text), kept, "{text}");
        }
    }
}
