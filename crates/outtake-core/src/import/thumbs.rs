//! Poster frames for clips and markers, made with ffmpeg after import and
//! cached on disk beside the library. Without ffmpeg there are simply none.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;
use std::time::Duration;

use rusqlite::types::Value;

use crate::error::Result;
use crate::library::Library;
use crate::process::{self, RunError};

/// One frame to make: from `video` at `at_ms`, into `output`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThumbJob {
    pub video: PathBuf,
    pub at_ms: i64,
    pub output: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ThumbError {
    #[error("ffmpeg is not installed, so there are no thumbnails")]
    FfmpegMissing,
    #[error("{video}: ffmpeg made no frame ({why})")]
    NoFrame { video: PathBuf, why: String },
    #[error("{video}: ffmpeg took longer than {seconds} s")]
    Timeout { video: PathBuf, seconds: u64 },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

const TIMEOUT: Duration = Duration::from_secs(30);
/// ffmpeg writes the frame to a file and nothing to stdout.
const MAX_STDOUT: usize = 64 * 1024;

impl Library {
    /// Where thumbnails of this library live (`library.db` → `library.db.thumbs/`);
    /// `None` for an in-memory library.
    pub fn thumbnail_dir(&self) -> Option<PathBuf> {
        let path = self.path();
        (path != Path::new(":memory:")).then(|| {
            let mut name = path.file_name().unwrap_or_default().to_os_string();
            name.push(".thumbs");
            path.with_file_name(name)
        })
    }

    /// The cached poster of a clip, named by its fingerprint so it survives moves.
    pub fn clip_thumbnail(&self, oshash: &str) -> Option<PathBuf> {
        Some(self.thumbnail_dir()?.join(format!("clip-{oshash}.jpg")))
    }

    /// The cached frame of a marker.
    pub fn marker_thumbnail(&self, oshash: &str, start_ms: i64) -> Option<PathBuf> {
        Some(self.thumbnail_dir()?.join(format!("marker-{oshash}-{start_ms}.jpg")))
    }

    /// Frames not made yet: a poster for each clip with a present copy, and one per marker.
    pub fn pending_thumbnails(&self) -> Result<Vec<ThumbJob>> {
        self.pending_thumbnails_in(None)
    }

    /// The frames not made yet of these clips only: what an import just touched,
    /// without looking at every poster of a big library.
    pub fn pending_thumbnails_of(&self, clip_ids: &[i64]) -> Result<Vec<ThumbJob>> {
        self.pending_thumbnails_in(Some(clip_ids))
    }

    fn pending_thumbnails_in(&self, only: Option<&[i64]>) -> Result<Vec<ThumbJob>> {
        if self.thumbnail_dir().is_none() || only.is_some_and(|ids| ids.is_empty()) {
            return Ok(Vec::new());
        }
        let mut jobs = Vec::new();
        // The clip ids, when given, are bound as one array.
        let ids: Option<Rc<Vec<Value>>> =
            only.map(|ids| Rc::new(ids.iter().copied().map(Value::Integer).collect()));
        let within = if ids.is_some() { "AND c.id IN rarray(?1)" } else { "" };
        let mut clips = self.conn.prepare(&format!(
            "SELECT c.id, f.path, f.path_hex, f.oshash, c.duration_ms FROM clip c JOIN file f ON f.id =
                (SELECT id FROM file WHERE clip_id = c.id AND status = 'present' AND oshash IS NOT NULL ORDER BY id LIMIT 1)
             WHERE c.video_codec IS NOT NULL {within} ORDER BY c.id"
        ))?;
        // The video is opened by its exact bytes (a CP949 name stays CP949).
        let rows: Vec<(i64, PathBuf, String, Option<i64>)> = clips
            .query_map(rusqlite::params_from_iter(ids.iter()), |r| {
                Ok((r.get(0)?, crate::paths::from_row(r, 1, 2)?.to_path_buf(), r.get(3)?, r.get(4)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut markers = self
            .conn
            .prepare_cached("SELECT DISTINCT start_ms FROM marker WHERE clip_id = ?1 ORDER BY start_ms")?;
        for (clip_id, path, oshash, duration) in rows {
            let poster = self.clip_thumbnail(&oshash).expect("file-backed library");
            if !poster.exists() {
                jobs.push(ThumbJob { video: path.clone(), at_ms: poster_time(duration), output: poster });
            }
            let starts: Vec<i64> =
                markers.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for start in starts {
                let output = self.marker_thumbnail(&oshash, start).expect("file-backed library");
                if !output.exists() {
                    jobs.push(ThumbJob { video: path.clone(), at_ms: start, output });
                }
            }
        }
        Ok(jobs)
    }
}

/// A fifth of the way in (past title cards), at most a minute, at least the start.
pub fn poster_time(duration_ms: Option<i64>) -> i64 {
    duration_ms.map_or(0, |d| (d / 5).min(60_000)).max(0)
}

/// Makes one frame with ffmpeg (the fast recipe from DESIGN.md). ffmpeg can exit
/// 0 without writing a frame past the real end: then earlier times are tried.
pub fn make_thumbnail(job: &ThumbJob) -> Result<(), ThumbError> {
    if let Some(dir) = job.output.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ThumbError::Io { path: dir.to_path_buf(), source })?;
    }
    let mut last = String::new();
    for at_ms in [job.at_ms, job.at_ms / 2, 0] {
        match run_ffmpeg(&job.video, at_ms, &job.output)? {
            None if job.output.metadata().is_ok_and(|m| m.len() > 0) => return Ok(()),
            None => last = "no output file".into(),
            Some(why) => last = why,
        }
        if at_ms == 0 {
            break;
        }
    }
    Err(ThumbError::NoFrame { video: job.video.clone(), why: last })
}

/// Runs ffmpeg once; `Some(reason)` when it failed.
fn run_ffmpeg(video: &Path, at_ms: i64, output: &Path) -> Result<Option<String>, ThumbError> {
    // Written beside the target and renamed, so a half-written JPEG is never shown.
    let partial = output.with_extension("partial.jpg");
    let mut command = Command::new("ffmpeg");
    command
        .args(["-nostdin", "-v", "error", "-y", "-noaccurate_seek", "-ss"])
        .arg(format!("{:.3}", at_ms as f64 / 1000.0))
        .arg("-i")
        .arg(video)
        .args([
            "-an",
            "-sn",
            "-dn",
            "-frames:v",
            "1",
            "-fps_mode",
            "passthrough",
            "-vf",
            "scale=320:-2",
            "-f",
            "mjpeg",
        ])
        .arg(&partial);
    let finished = match process::run(&mut command, TIMEOUT, MAX_STDOUT) {
        Ok(finished) => finished,
        Err(RunError::Missing) => return Err(ThumbError::FfmpegMissing),
        Err(RunError::TimedOut) => {
            let _ = std::fs::remove_file(&partial);
            return Err(ThumbError::Timeout { video: video.to_path_buf(), seconds: TIMEOUT.as_secs() });
        }
        Err(RunError::Io(source)) => return Err(ThumbError::Io { path: video.to_path_buf(), source }),
        Err(RunError::TooMuchOutput(_)) => {
            let _ = std::fs::remove_file(&partial);
            return Ok(Some("ffmpeg printed output it should not".into()));
        }
    };
    if !finished.success {
        let _ = std::fs::remove_file(&partial);
        return Ok(Some(finished.reason()));
    }
    if partial.metadata().is_ok_and(|m| m.len() > 0) {
        std::fs::rename(&partial, output)
            .map_err(|source| ThumbError::Io { path: output.to_path_buf(), source })?;
    }
    Ok(None)
}
