//! Posters for clips and frames for markers, made with ffmpeg after import and
//! cached on disk beside the library. A clip's poster is the picture its
//! uploader chose (yt-dlp's thumbnail beside it, or the cover art inside it)
//! when there is one, else a frame; a frame the fan picks ("use this frame")
//! wins over both and is kept in the library, so rescans keep it. Without
//! ffmpeg there are simply none.

use std::ffi::OsString;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use super::sidecars::PICTURE_EXTENSIONS;
use crate::db::id_array;
use crate::error::{EntityKind, Error, Result};
use crate::library::Library;
use crate::process::{self, RunError};

/// One poster or frame to make into `output`: the uploader's picture when the
/// job names one (beside the video, then inside it), else `video` at `at_ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct ThumbJob {
    pub video: PathBuf,
    pub at_ms: i64,
    pub output: PathBuf,
    /// A picture beside the video (`NAME.jpg|png|webp`), tried first.
    pub picture: Option<PathBuf>,
    /// Look for cover art inside the video before taking a frame.
    pub cover: bool,
}

/// Cover art larger than this is no thumbnail (and is not read into memory).
const MAX_COVER_BYTES: u64 = 16 << 20;

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
    /// Where thumbnails and storyboards of this library live: the folder the
    /// fan chose (`Library::set_cache_dir`), else beside the library
    /// (`library.db` → `library.db.thumbs/`); `None` for an in-memory library.
    pub fn thumbnail_dir(&self) -> Option<PathBuf> {
        if let Ok(Some(chosen)) = self.cache_dir() {
            return Some(chosen);
        }
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

    /// The cached frame the fan chose as a clip's poster.
    pub fn clip_frame_poster(&self, oshash: &str, at_ms: i64) -> Option<PathBuf> {
        Some(self.thumbnail_dir()?.join(format!("clip-{oshash}-at-{at_ms}.jpg")))
    }

    /// Where a clip's poster is cached: the frame the fan chose when there is
    /// one, else the uploader's picture or the default frame; `None` when the
    /// clip has no fingerprinted copy or the library is in memory.
    pub(crate) fn poster_path(&self, clip_id: i64, oshash: &str) -> Result<Option<PathBuf>> {
        let chosen: Option<i64> =
            self.conn.query_row("SELECT poster_ms FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))?;
        Ok(match chosen {
            Some(at_ms) => self.clip_frame_poster(oshash, at_ms),
            None => self.clip_thumbnail(oshash),
        })
    }

    /// Makes a frame of the clip, at `at_ms`, its poster: the fan's choice,
    /// kept through rescans, undone like any edit. The frame is made by the
    /// thumbnail work that follows (`pending_thumbnails`).
    pub fn use_frame_as_poster(&mut self, clip_id: i64, at_ms: i64) -> Result<()> {
        let duration: Option<Option<i64>> = self
            .conn
            .query_row("SELECT duration_ms FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))
            .optional()?;
        let Some(duration) = duration else {
            return Err(Error::NotFound { kind: EntityKind::Clip, name: format!("#{clip_id}") });
        };
        if at_ms < 0 || duration.is_some_and(|d| at_ms > d) {
            let time = crate::time::format_time(at_ms.max(0));
            return Err(Error::invalid("time", format!("{time} is not within the clip")));
        }
        self.edit(
            format!("use the frame at {} as clip #{clip_id}'s poster", crate::time::format_time(at_ms)),
            |tx| {
                tx.execute("UPDATE clip SET poster_ms = ?2 WHERE id = ?1", params![clip_id, at_ms])?;
                Ok(())
            },
        )
    }

    /// Gives the clip its default poster back: the uploader's picture, or a frame a fifth of the way in.
    pub fn use_default_poster(&mut self, clip_id: i64) -> Result<()> {
        self.edit(format!("give clip #{clip_id} its own poster back"), |tx| {
            if tx.execute("UPDATE clip SET poster_ms = NULL WHERE id = ?1", [clip_id])? == 0 {
                return Err(Error::NotFound { kind: EntityKind::Clip, name: format!("#{clip_id}") });
            }
            Ok(())
        })
    }

    /// Drops a clip's cached default poster, so it is made again (its picture changed).
    pub(super) fn forget_poster(&self, clip_id: i64) -> Result<()> {
        let mut statement =
            self.conn.prepare_cached("SELECT oshash FROM file WHERE clip_id = ?1 AND oshash IS NOT NULL")?;
        let hashes: Vec<String> =
            statement.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for oshash in hashes {
            if let Some(poster) = self.clip_thumbnail(&oshash) {
                let _ = std::fs::remove_file(poster);
            }
        }
        Ok(())
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
        let ids = only.map(|ids| id_array(ids.iter().copied()));
        let within = if ids.is_some() { "AND c.id IN rarray(?1)" } else { "" };
        let mut clips = self.conn.prepare(&format!(
            "SELECT c.id, f.path, f.path_hex, f.oshash, c.duration_ms, c.poster_ms FROM clip c JOIN file f ON f.id =
                (SELECT id FROM file WHERE clip_id = c.id AND status = 'present' AND oshash IS NOT NULL ORDER BY id LIMIT 1)
             WHERE c.video_codec IS NOT NULL {within} ORDER BY c.id"
        ))?;
        // The video is opened by its exact bytes (a CP949 name stays CP949).
        type Row = (i64, PathBuf, String, Option<i64>, Option<i64>);
        let rows: Vec<Row> = clips
            .query_map(rusqlite::params_from_iter(ids.iter()), |r| {
                Ok((
                    r.get(0)?,
                    crate::paths::from_row(r, 1, 2)?.to_path_buf(),
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut markers = self
            .conn
            .prepare_cached("SELECT DISTINCT start_ms FROM marker WHERE clip_id = ?1 ORDER BY start_ms")?;
        for (clip_id, video, oshash, duration, chosen) in rows {
            let poster = match chosen {
                Some(at_ms) => {
                    let output = self.clip_frame_poster(&oshash, at_ms).expect("file-backed library");
                    ThumbJob { video: video.clone(), at_ms, output, picture: None, cover: false }
                }
                None => ThumbJob {
                    video: video.clone(),
                    at_ms: poster_time(duration),
                    output: self.clip_thumbnail(&oshash).expect("file-backed library"),
                    picture: self.picture_of(clip_id)?,
                    cover: true,
                },
            };
            if !poster.output.exists() {
                jobs.push(poster);
            }
            let starts: Vec<i64> =
                markers.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            for start in starts {
                let output = self.marker_thumbnail(&oshash, start).expect("file-backed library");
                if !output.exists() {
                    jobs.push(ThumbJob {
                        video: video.clone(),
                        at_ms: start,
                        output,
                        picture: None,
                        cover: false,
                    });
                }
            }
        }
        Ok(jobs)
    }

    /// The thumbnail picture yt-dlp left beside the clip, as the importer recorded it.
    fn picture_of(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT path FROM sidecar WHERE clip_id = ?1 AND error IS NULL ORDER BY path")?;
        let paths: Vec<String> =
            statement.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(paths
            .into_iter()
            .map(PathBuf::from)
            .find(|path| PICTURE_EXTENSIONS.contains(&super::walk::extension(path).as_str())))
    }
}

/// A fifth of the way in (past title cards), at most a minute, at least the start.
pub fn poster_time(duration_ms: Option<i64>) -> i64 {
    duration_ms.map_or(0, |d| (d / 5).min(60_000)).max(0)
}

/// Makes one poster or frame. The uploader's picture comes first (scaled, and
/// WebP decoded, by one ffmpeg run); a picture that cannot be read falls back
/// to a frame (the fast recipe from DESIGN.md). ffmpeg can exit 0 without
/// writing a frame past the real end: then earlier times are tried.
pub fn make_thumbnail(job: &ThumbJob) -> Result<(), ThumbError> {
    if let Some(dir) = job.output.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ThumbError::Io { path: dir.to_path_buf(), source })?;
    }
    if let Some(picture) = &job.picture
        && scale_picture(picture, &job.output)?
    {
        return Ok(());
    }
    if job.cover && from_cover(&job.video, &job.output)? {
        return Ok(());
    }
    let mut last = String::new();
    for at_ms in [job.at_ms, job.at_ms / 2, 0] {
        let seek = ["-noaccurate_seek", "-ss", &format!("{:.3}", at_ms as f64 / 1000.0)].map(OsString::from);
        match run_ffmpeg(&seek, &job.video, &job.output)? {
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

/// A picture scaled into `output`; false when ffmpeg could not read it.
fn scale_picture(picture: &Path, output: &Path) -> Result<bool, ThumbError> {
    let made = run_ffmpeg(&[], picture, output)?.is_none();
    Ok(made && output.metadata().is_ok_and(|m| m.len() > 0))
}

/// The cover art inside `video`, when its container has one, scaled into
/// `output`. Its bytes are copied out beside the output first (ffmpeg reads a
/// picture file, not a byte range of a video); the copy is removed after.
fn from_cover(video: &Path, output: &Path) -> Result<bool, ThumbError> {
    let Ok(Some(probe)) = crate::media::probe_fast(video) else { return Ok(false) };
    let Some(cover) = probe.cover.filter(|c| c.len <= MAX_COVER_BYTES) else { return Ok(false) };
    let io = |source| ThumbError::Io { path: video.to_path_buf(), source };
    let mut file = std::fs::File::open(video).map_err(io)?;
    file.seek(SeekFrom::Start(cover.offset)).map_err(io)?;
    let mut bytes = Vec::with_capacity(cover.len as usize);
    file.take(cover.len).read_to_end(&mut bytes).map_err(io)?;
    let copy = output.with_extension("cover");
    std::fs::write(&copy, &bytes).map_err(|source| ThumbError::Io { path: copy.clone(), source })?;
    let made = scale_picture(&copy, output);
    let _ = std::fs::remove_file(&copy);
    made
}

/// Runs ffmpeg once on `input` (after `before_input`, e.g. a seek); `Some(reason)` when it failed.
fn run_ffmpeg(before_input: &[OsString], input: &Path, output: &Path) -> Result<Option<String>, ThumbError> {
    // Written beside the target and renamed, so a half-written JPEG is never shown.
    let partial = output.with_extension("partial.jpg");
    // Posters are made in the background after an import: at low priority.
    let mut command = process::low_priority("ffmpeg");
    command
        .args(["-nostdin", "-v", "error", "-y"])
        .args(before_input)
        .arg("-i")
        .arg(input)
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
            return Err(ThumbError::Timeout { video: input.to_path_buf(), seconds: TIMEOUT.as_secs() });
        }
        Err(RunError::Io(source)) => return Err(ThumbError::Io { path: input.to_path_buf(), source }),
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
