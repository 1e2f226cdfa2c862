//! Keeping what was heard: a clip's lines become machine-made cues of
//! source `speech`, kept the way `screen_text` keeps its lines (replacing
//! only machine-made lines the fan has not edited; `machine_read` remembers
//! the clip was heard, so a stopped run goes on). A run is one entry in the
//! history.

use std::sync::atomic::AtomicBool;

use super::{Listening, SpeechError, SpeechModel, transcribe_video};
use crate::error::Result;
use crate::library::Library;
use crate::screen_text::{ReadProgress, ReadSummary, ScreenLine, Which, read_each, store_machine_lines};

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
            Ok(read_each(library, &clips, progress, |library, clip_id, path| {
                let heard = transcribe_video(path, model, listening, cancel)?;
                Ok(library.store_speech_lines(clip_id, &heard.lines)?)
            }))
        })?
    }

    /// Keeps `lines` as the clip's machine-made speech lines, in place of
    /// those heard before; a line the fan edited stays, and a new hearing of
    /// the same time is then dropped. Returns how many were stored.
    pub fn store_speech_lines(&mut self, clip_id: i64, lines: &[ScreenLine]) -> Result<usize> {
        self.write(|tx| store_machine_lines(tx, clip_id, "speech", lines))
    }
}
