//! Text subtitle tracks inside a video (MKV's SRT/ASS, MP4's mov_text),
//! extracted with ffmpeg and read like a subtitle file beside it: ASS tracks
//! copied out as ASS (their times exact, their signs and songs marked), the
//! others converted to SRT.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rusqlite::params;

use super::sidecars::storable;
use crate::cues::insert_cues;
use crate::error::Result;
use crate::library::Library;
use crate::media::SubtitleStream;
use crate::paths::StoredPath;
use crate::process::{self, RunError};
use crate::subtitles::{self, MAX_SUBTITLE_BYTES, SubtitleFormat};

/// ffmpeg reads the whole file to collect subtitle packets; a long film takes a while.
const TIMEOUT: Duration = Duration::from_secs(120);

impl Library {
    /// Imports a video's embedded text subtitles; a track that cannot be read
    /// is recorded (as `VIDEO#subtitles:N`) and skipped.
    pub(super) fn import_embedded(
        &mut self,
        clip_id: i64,
        video: &Path,
        streams: &[SubtitleStream],
    ) -> Result<Vec<(PathBuf, String)>> {
        let mut errors = Vec::new();
        for stream in streams {
            let lang = stream.lang.clone().unwrap_or_default();
            let label = super::store::track_label(video, stream.index);
            let format = if stream.ass { SubtitleFormat::Ass } else { SubtitleFormat::Srt };
            let outcome = extract(video, stream.index, format)
                .and_then(|bytes| subtitles::read_subtitles(&bytes, format).map_err(|e| e.to_string()));
            let error = match outcome {
                Ok(tracks) => {
                    self.write(|tx| {
                        tx.execute(
                            "DELETE FROM cue WHERE clip_id = ?1 AND lang = ?2 AND source = 'file'",
                            params![clip_id, lang],
                        )?;
                        for track in tracks {
                            insert_cues(tx, clip_id, &lang, &storable(track.cues))?;
                        }
                        Ok(())
                    })?;
                    None
                }
                // ffmpeg missing: embedded subtitles simply wait for a machine that has it.
                Err(error) if error.contains("not installed") => continue,
                Err(error) => Some(format!("embedded subtitles: {error}")),
            };
            let stored = StoredPath::from_path(&label);
            self.write(|tx| super::sidecars::record(tx, &stored, clip_id, (0, 0), error.as_deref()))?;
            errors.extend(error.map(|e| (label, e)));
        }
        Ok(errors)
    }
}

/// The `index`-th subtitle stream of `video` as bytes of `format`: an ASS
/// track copied as it is stored (converting it would round its times and
/// drop its styles), any other converted to SRT.
fn extract(video: &Path, index: usize, format: SubtitleFormat) -> Result<Vec<u8>, String> {
    let mut command = Command::new("ffmpeg");
    command.args(["-nostdin", "-v", "error", "-i"]).arg(video).args(["-map", &format!("0:s:{index}")]);
    match format {
        SubtitleFormat::Ass => command.args(["-c:s", "copy", "-f", "ass", "-"]),
        _ => command.args(["-f", "srt", "-"]),
    };
    // The track is read only up to the bound every subtitle file has: a
    // video's size says nothing about how much text it carries.
    match process::run(&mut command, TIMEOUT, MAX_SUBTITLE_BYTES) {
        Ok(finished) if finished.success => Ok(finished.stdout),
        Ok(finished) => Err(finished.reason()),
        Err(RunError::Missing) => Err("ffmpeg is not installed".into()),
        Err(RunError::TimedOut) => Err(format!("ffmpeg took longer than {} s", TIMEOUT.as_secs())),
        Err(RunError::TooMuchOutput(limit)) => {
            Err(format!("the track holds more than {} MiB of text, more than subtitles do", limit >> 20))
        }
        Err(RunError::Io(error)) => Err(error.to_string()),
    }
}
