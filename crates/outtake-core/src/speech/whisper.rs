//! whisper.cpp, through the `whisper-rs` binding: the model loaded once per
//! run, and each stretch of sound heard, CPU only. whisper.cpp's own log goes to `tracing`.

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

/// What one stretch said, and the language it was heard in.
pub(crate) struct Heard {
    pub lines: Vec<ScreenLine>,
    pub language: Option<&'static str>,
}

/// Hears one stretch: its lines with their times in the clip. `cancel`
/// stops whisper between its steps.
pub(crate) fn hear(
    model: &SpeechModel,
    stretch: &Stretch,
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
    // One decoding per stretch: no retries at higher temperatures, which
    // on unclear speech cost several times the time for little gain.
    params.set_temperature_inc(0.0);
    params.set_suppress_nst(true);
    params.set_print_special(false);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_timestamps(false);
    // whisper's encoder hears 30 s (1500 steps); a shorter stretch is heard
    // with as many steps as it needs (and some), which is faster by as much.
    let steps = stretch.samples.len() / (RATE / 50) + 128;
    params.set_audio_ctx(steps.min(1500) as i32);
    // SAFETY: `stop` reads the flag through the pointer; `cancel` outlives
    // `state.full`, the only call that runs the callback.
    unsafe {
        params.set_abort_callback(Some(stop));
        params.set_abort_callback_user_data(cancel as *const AtomicBool as *mut c_void);
    }
    if let Err(error) = state.full(params, &stretch.samples) {
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
        let start_ms = clip_ms(stretch, segment.start_timestamp() * 10);
        let end_ms = clip_ms(stretch, segment.end_timestamp() * 10).max(start_ms);
        lines.push(ScreenLine { start_ms, end_ms, text });
    }
    Ok(Heard { lines, language })
}

/// A time in the stretch (ms) as a time in the clip (ms), within the stretch.
fn clip_ms(stretch: &Stretch, stretch_ms: i64) -> i64 {
    let length_ms = (stretch.samples.len() * 1000 / RATE) as i64;
    (stretch.start * 1000 / RATE as u64) as i64 + stretch_ms.clamp(0, length_ms)
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
    fn stretch_times_are_clip_times() {
        let stretch = Stretch { start: 2 * RATE as u64, samples: vec![0.1; 3 * RATE] };
        for (stretch_ms, clip_ms) in [(0, 2000), (-40, 2000), (1500, 3500), (3000, 5000), (9000, 5000)] {
            assert_eq!(super::clip_ms(&stretch, stretch_ms), clip_ms, "{stretch_ms}");
        }
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
