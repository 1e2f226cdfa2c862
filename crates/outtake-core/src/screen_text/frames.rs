//! Sampling a clip's frames for reading: one ffmpeg per clip, at low
//! priority, sending small raw RGB frames at a fixed rate through a pipe, so
//! nothing is written to disk and only one frame is held at a time.

use std::io::Read;
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use super::ReadError;
use super::regions::Frame;
use crate::process::low_priority;

/// Frames are read at this size: 720 lines keep a caption's glyphs 20–60
/// pixels tall (what Tesseract reads best) and cost a third of 1080p's
/// pixels. Other shapes are fitted inside and padded with black.
pub(crate) const WIDTH: usize = 1280;
pub(crate) const HEIGHT: usize = 720;

/// Frames sampled per second: a caption shown for a second or more is seen
/// twice, and a start time is off by at most half a second.
pub(crate) const PER_SECOND: u32 = 2;

/// How much of ffmpeg's complaints is kept for the error.
const STDERR_KEPT: u64 = 2048;

/// The frames of one clip, in order, with their times.
pub(crate) struct Frames {
    child: Child,
    stdout: ChildStdout,
    stderr: Option<std::thread::JoinHandle<String>>,
    index: u64,
    path: std::path::PathBuf,
}

impl Frames {
    /// Starts ffmpeg on `path` (opened read-only by ffmpeg; nothing is written).
    pub(crate) fn open(path: &Path) -> Result<Frames, ReadError> {
        let filter = format!(
            "fps={PER_SECOND},scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,\
             pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2"
        );
        let mut command = low_priority("ffmpeg");
        command
            .args(["-nostdin", "-v", "error", "-skip_frame", "noref", "-i"])
            .arg(path)
            .args(["-an", "-sn", "-dn", "-vf", &filter, "-pix_fmt", "rgb24", "-f", "rawvideo", "pipe:1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => ReadError::Missing { program: "ffmpeg", packages: "ffmpeg" },
            _ => ReadError::Unreadable { path: path.to_path_buf(), reason: error.to_string() },
        })?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let stderr = crate::process::keep_stderr(stderr, STDERR_KEPT);
        Ok(Frames { child, stdout, stderr: Some(stderr), index: 0, path: path.to_path_buf() })
    }

    /// The next frame and its time in milliseconds; `None` at the end.
    /// Stops ffmpeg and says so when `cancel` is set.
    pub(crate) fn next(&mut self, cancel: &AtomicBool) -> Result<Option<(i64, Frame)>, ReadError> {
        if cancel.load(Ordering::Relaxed) {
            let _ = self.child.kill();
            return Err(ReadError::Cancelled);
        }
        let mut rgb = vec![0u8; WIDTH * HEIGHT * 3];
        let mut filled = 0;
        while filled < rgb.len() {
            match self.stdout.read(&mut rgb[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(error) => return Err(self.unreadable(error.to_string())),
            }
        }
        if filled < rgb.len() {
            return self.finish().map(|()| None);
        }
        let at = self.index as i64 * 1000 / i64::from(PER_SECOND);
        self.index += 1;
        Ok(Some((at, Frame { width: WIDTH, height: HEIGHT, rgb })))
    }

    /// Waits for ffmpeg: a clip that gave no frame and failed is unreadable.
    fn finish(&mut self) -> Result<(), ReadError> {
        let status = self.child.wait().map_err(|error| self.unreadable(error.to_string()))?;
        let stderr = self.stderr.take().and_then(|t| t.join().ok()).unwrap_or_default();
        // `nice` says 127 when it cannot find the program it was to run.
        if status.code() == Some(127) && self.index == 0 {
            return Err(ReadError::Missing { program: "ffmpeg", packages: "ffmpeg" });
        }
        if !status.success() && self.index == 0 {
            let line = stderr.lines().next().unwrap_or("ffmpeg could not decode it");
            return Err(self.unreadable(ffmpeg_reason(line)));
        }
        Ok(())
    }

    fn unreadable(&self, reason: String) -> ReadError {
        ReadError::Unreadable { path: self.path.clone(), reason }
    }
}

/// What went wrong, from ffmpeg's first complaint: without the path it
/// names and the `[demuxer @ 0x…]` it speaks as.
pub(crate) fn ffmpeg_reason(line: &str) -> String {
    let mut line = line.trim();
    while let Some(rest) = line.strip_prefix('[').and_then(|l| l.split_once("] ")).map(|(_, rest)| rest) {
        line = rest.trim_start();
    }
    line.rsplit_once(": ").map_or(line, |(_, reason)| reason).to_string()
}

impl Drop for Frames {
    fn drop(&mut self) {
        // Reading stopped early (cancelled, or an error): ffmpeg must not
        // stay behind blocked on a full pipe.
        if self.stderr.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ffmpeg_complaints_are_cut_to_their_reason() {
        let rows = [
            ("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x555fdc9899c0] moov atom not found", "moov atom not found"),
            (
                "/videos/a.mp4: Invalid data found when processing input",
                "Invalid data found when processing input",
            ),
            ("[h264 @ 0x1] [Eval @ 0x2] Undefined constant", "Undefined constant"),
            ("", ""),
        ];
        for (line, reason) in rows {
            assert_eq!(super::ffmpeg_reason(line), reason, "{line}");
        }
    }
}
