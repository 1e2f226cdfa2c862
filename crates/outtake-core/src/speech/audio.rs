//! A clip's sound for listening: one ffmpeg per clip, at low priority,
//! sending 16 kHz mono f32 samples (what whisper takes) through a pipe in
//! blocks, so a two-hour clip is never in memory at once.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use super::SpeechError;
use crate::process::low_priority;
use crate::screen_text::ffmpeg_reason;

/// Samples per second.
pub(crate) const RATE: usize = 16_000;
/// Samples per block read: a second.
const BLOCK: usize = RATE;
/// How much of ffmpeg's complaints is kept for the error.
const STDERR_KEPT: u64 = 2048;

/// The samples of one clip's first sound track, in blocks.
pub(crate) struct Sound {
    child: Child,
    stdout: ChildStdout,
    stderr: Option<std::thread::JoinHandle<String>>,
    samples: u64,
    path: PathBuf,
}

impl Sound {
    /// Starts ffmpeg on `path` (opened read-only; nothing is written).
    pub(crate) fn open(path: &Path) -> Result<Sound, SpeechError> {
        let mut command = low_priority("ffmpeg");
        command
            .args(["-nostdin", "-v", "error", "-i"])
            .arg(path)
            .args(["-vn", "-sn", "-dn", "-map", "0:a:0", "-ac", "1", "-ar", "16000", "-f", "f32le", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => SpeechError::Missing { program: "ffmpeg", packages: "ffmpeg" },
            _ => SpeechError::Unreadable { path: path.to_path_buf(), reason: error.to_string() },
        })?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let stderr = crate::process::keep_stderr(stderr, STDERR_KEPT);
        Ok(Sound { child, stdout, stderr: Some(stderr), samples: 0, path: path.to_path_buf() })
    }

    /// The next block (a second or less); `None` at the end. Stops ffmpeg
    /// and says so when `cancel` is set.
    pub(crate) fn next(&mut self, cancel: &AtomicBool) -> Result<Option<Vec<f32>>, SpeechError> {
        if cancel.load(Ordering::Relaxed) {
            let _ = self.child.kill();
            return Err(SpeechError::Cancelled);
        }
        let mut bytes = vec![0u8; BLOCK * 4];
        let mut filled = 0;
        while filled < bytes.len() {
            match self.stdout.read(&mut bytes[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(self.unreadable(error.to_string())),
            }
        }
        let samples: Vec<f32> = bytes[..filled - filled % 4]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .map(|s| if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 })
            .collect();
        if samples.is_empty() {
            return self.finish().map(|()| None);
        }
        self.samples += samples.len() as u64;
        Ok(Some(samples))
    }

    /// Waits for ffmpeg: a clip that gave no sound and failed is unreadable;
    /// one without a sound track has simply nothing to hear.
    fn finish(&mut self) -> Result<(), SpeechError> {
        let status = self.child.wait().map_err(|error| self.unreadable(error.to_string()))?;
        let stderr = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        // `nice` says 127 when it cannot find the program it was to run.
        if status.code() == Some(127) && self.samples == 0 {
            return Err(SpeechError::Missing { program: "ffmpeg", packages: "ffmpeg" });
        }
        if !status.success() && self.samples == 0 {
            let line = stderr.lines().next().unwrap_or("ffmpeg could not decode it");
            let reason = ffmpeg_reason(line);
            if reason.contains("matches no streams") {
                return Ok(());
            }
            return Err(self.unreadable(reason));
        }
        Ok(())
    }

    fn unreadable(&self, reason: String) -> SpeechError {
        SpeechError::Unreadable { path: self.path.clone(), reason }
    }
}

impl Drop for Sound {
    fn drop(&mut self) {
        // Listening stopped early: ffmpeg must not stay blocked on a full pipe.
        if self.stderr.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
