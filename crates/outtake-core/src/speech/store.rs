//! Keeping what was heard: a clip's lines become machine-made cues of
//! source `speech`, kept the way `screen_text` keeps its lines (replacing
//! only machine-made lines the fan has not edited; `machine_read` remembers
//! the clip was heard, so a stopped run goes on). A run is one entry in the
//! history.

use std::sync::atomic::AtomicBool;

use super::{Listening, SpeechError, SpeechModel, transcribe_video};
use crate::error::Result;
use crate::library::Library;
use crate::screen_text::{ReadProblem, ReadProgress, ReadSummary, ScreenLine, Which, store_machine_lines};

impl Library {
    /// Hears the speech of `which` clips with `model` and keeps it as
    /// `speech` lines. One clip's failure is recorded and the run goes on;
    /// a missing ffmpeg, a failing library or `cancel` stop it (a cancelled
    /// run keeps every clip finished before).
    pub fn transcribe(
        &mut self,
        which: &Which,
        model: &SpeechModel,
        listening: Listening,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&ReadProgress),
    ) -> Result<ReadSummary, SpeechError> {
        model.check_language(listening.spoken)?;
        let clips = self.clips_to_read(which, "speech")?;
        let description = format!("transcribe the speech of {} clips", clips.len());
        self.record_across(description, |library| {
            Ok(library.hear_clips(&clips, model, listening, cancel, progress))
        })?
    }

    fn hear_clips(
        &mut self,
        clips: &[(i64, String)],
        model: &SpeechModel,
        listening: Listening,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&ReadProgress),
    ) -> Result<ReadSummary, SpeechError> {
        let mut summary = ReadSummary::default();
        for (i, (clip_id, title)) in clips.iter().enumerate() {
            let number = i + 1;
            progress(&ReadProgress { clip_id: *clip_id, title: title.clone(), number, total: clips.len() });
            let Some(path) = self.reachable_path(*clip_id)? else {
                summary.offline += 1;
                continue;
            };
            match transcribe_video(&path, model, listening, cancel) {
                Ok(heard) => {
                    summary.lines += self.store_speech_lines(*clip_id, &heard.lines)?;
                    summary.clips_read += 1;
                }
                Err(SpeechError::Cancelled) => {
                    summary.stopped = true;
                    break;
                }
                Err(error) if error.stops_the_run() => return Err(error),
                Err(error) => {
                    tracing::warn!("clip #{clip_id}: {error}");
                    summary.problems.push(ReadProblem { clip_id: *clip_id, error: error.to_string() });
                }
            }
        }
        Ok(summary)
    }

    /// Keeps `lines` as the clip's machine-made speech lines, in place of
    /// those heard before; a line the fan edited stays, and a new hearing of
    /// the same time is then dropped. Returns how many were stored.
    pub fn store_speech_lines(&mut self, clip_id: i64, lines: &[ScreenLine]) -> Result<usize> {
        self.write(|tx| store_machine_lines(tx, clip_id, "speech", lines))
    }
}
