//! Storyboards: for every clip, sprite sheets of small frames at a fixed
//! interval plus an index, so the window can show the inside of a clip
//! without opening it (issue 13). One ffmpeg process per clip makes all of
//! them; never one process per frame.
//!
//! The recipe: `-skip_frame nokey` (only keyframes are decoded; `-discard
//! nokey` lets the demuxer skip the other packets), then
//! `fps=1/INTERVAL:round=up`, `scale=160:-2`, `tile=10x10` into JPEG sheets
//! (only the frames kept are scaled).
//! ffmpeg turns rotated clips upright before the filters. With `round=up`
//! the fps filter gives tile `i` the last decoded frame at or before
//! `i × INTERVAL` (its default, `near`, gave the frame up to half an interval
//! *after*: measured, tile 0 of a 2 s board showed 0.96 s). So a tile is
//! within one keyframe interval of its time. Where keyframes are sparse — any stretch
//! of [`SPARSE_KEYFRAMES_MS`] (or one interval, if longer) without one,
//! counting the start and the end of the clip — that is not good enough and
//! the clip is decoded again, every frame but B-frames (`-skip_frame bidir`:
//! half the work of decoding all of them, measured on 1080p H.264, and a
//! tile then at most a few frames before its time; codecs without B-frames
//! decode everything). To know, the same process writes the times of the
//! frames it decoded (`framecrc` of a 2×2 crop of each) and the tiles it made.
//!
//! A file ffmpeg can read only in part (a download cut short) yields the
//! tiles it could make, marked `partial`, and a problem saying how far it got.
//! The child runs at low priority (`nice -n 10`), so the window stays
//! responsive while storyboards are made. The video is only read.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::process::{self, RunError, low_priority};

/// Tiles are this wide; their height keeps the clip's shape.
pub const TILE_WIDTH: u32 = 160;
/// A sheet holds this many columns and rows of tiles.
pub const COLUMNS: u32 = 10;
pub const ROWS: u32 = 10;
/// A tile every 2 s up to 10 min; longer clips get a wider interval so that
/// there are never more than [`MAX_TILES`].
pub const MIN_INTERVAL_MS: i64 = 2_000;
pub const MAX_TILES: i64 = 300;
/// Keyframes further apart than this (or than one interval, if longer) make
/// keyframe-only tiles too far off: the clip is decoded whole instead.
pub const SPARSE_KEYFRAMES_MS: i64 = 10_000;
/// The index's own format; a different one is made again.
pub const INDEX_VERSION: u32 = 1;
/// The index file in a storyboard's folder.
pub const INDEX_FILE: &str = "index.json";

/// A storyboard's index: where the tile for any moment of the clip is.
///
/// Tile `i` shows the clip at `i × interval_ms` (within one keyframe
/// interval when `keyframes_only`); the tile for a time `t` is
/// `min(t / interval_ms, tiles - 1)`. Tile `i` is on sheet
/// `i / (columns × rows)`, at column `k % columns` and row `k / columns`
/// where `k = i % (columns × rows)`, that is at pixel
/// (`column × tile_width`, `row × tile_height`) of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Storyboard {
    pub version: u32,
    pub interval_ms: i64,
    pub tile_width: u32,
    pub tile_height: u32,
    pub columns: u32,
    pub rows: u32,
    /// How many tiles there are, over all sheets.
    pub tiles: u32,
    /// How many sheets (`0.jpg`, `1.jpg`, …).
    pub sheets: u32,
    /// The clip's length as the library knows it (`None`: unknown).
    pub duration_ms: Option<i64>,
    /// Made from keyframes only (see the module's rule), else from every
    /// frame but B-frames.
    pub keyframes_only: bool,
    /// The file could be read only in part: the tiles stop more than
    /// [`SPARSE_KEYFRAMES_MS`] (or one interval) before the clip's end.
    pub partial: bool,
}

/// Where one tile is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TilePlace {
    pub sheet: u32,
    pub x: u32,
    pub y: u32,
}

impl Storyboard {
    /// The tile that shows the moment `at_ms`.
    pub fn tile_at(&self, at_ms: i64) -> u32 {
        let index = (at_ms.max(0) / self.interval_ms.max(1)).min(i64::from(u32::MAX)) as u32;
        index.min(self.tiles.saturating_sub(1))
    }

    /// The moment tile `tile` shows.
    pub fn time_of(&self, tile: u32) -> i64 {
        i64::from(tile) * self.interval_ms
    }

    /// Where tile `tile` is on its sheet.
    pub fn place(&self, tile: u32) -> TilePlace {
        let per_sheet = (self.columns * self.rows).max(1);
        let k = tile % per_sheet;
        TilePlace {
            sheet: tile / per_sheet,
            x: (k % self.columns.max(1)) * self.tile_width,
            y: (k / self.columns.max(1)) * self.tile_height,
        }
    }
}

/// The interval between tiles for a clip this long.
pub fn interval_for(duration_ms: Option<i64>) -> i64 {
    let duration = duration_ms.unwrap_or(0).max(0);
    // Whole seconds, so tile times read well.
    let wide = (duration + MAX_TILES - 1) / MAX_TILES;
    MIN_INTERVAL_MS.max((wide + 999) / 1000 * 1000)
}

/// One storyboard to make: of `video`, into the folder `output`.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryboardJob {
    pub clip_id: i64,
    pub oshash: String,
    pub video: PathBuf,
    pub duration_ms: Option<i64>,
    pub output: PathBuf,
}

/// A storyboard made, whole or in part.
#[derive(Debug, Clone, PartialEq)]
pub struct Made {
    pub storyboard: Storyboard,
    /// The bytes of its sheets and index.
    pub bytes: u64,
    /// What went wrong: the file could be read only in part (the
    /// storyboard is `partial`), or ffmpeg read past damage.
    pub problem: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("ffmpeg is not installed, so there are no storyboards")]
    FfmpegMissing,
    #[error("{video}: ffmpeg made no storyboard ({why})")]
    NoFrame { video: PathBuf, why: String },
    #[error("{video}: ffmpeg took longer than {seconds} s for the storyboard")]
    Timeout { video: PathBuf, seconds: u64 },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// ffmpeg writes files, not stdout.
const MAX_STDOUT: usize = 64 * 1024;
/// The niceness of the child (the bench runs its baseline at the same).
pub use crate::process::NICENESS;
/// What one decoding pass left.
struct Pass {
    /// ffmpeg's complaint, when it failed or printed errors.
    complaint: Option<String>,
    /// The times of the frames it decoded, in ms, in order.
    frames: Vec<i64>,
    tiles: u32,
}

/// Makes the storyboard of `job` (see the module's rule), replacing any old one.
pub fn make_storyboard(job: &StoryboardJob) -> Result<Made, BoardError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BoardError::Io { path, source }
    };
    // Made in a folder beside the target and renamed: never half a storyboard.
    let partial = job.output.with_extension("partial");
    let interval = interval_for(job.duration_ms);
    let mut keyframes_only = true;
    let mut pass = run_pass(job, &partial, interval, "nokey")?;
    if sparse(&pass.frames, job.duration_ms, interval) {
        keyframes_only = false;
        pass = run_pass(job, &partial, interval, "bidir")?;
    }
    let reached = pass.frames.last().copied().unwrap_or(0);
    let allowance = SPARSE_KEYFRAMES_MS.max(interval);
    let short = job.duration_ms.is_some_and(|d| reached + allowance < d);
    if pass.tiles == 0 {
        let _ = std::fs::remove_dir_all(&partial);
        let why = pass.complaint.unwrap_or_else(|| "no frame decoded".into());
        return Err(BoardError::NoFrame { video: job.video.clone(), why });
    }
    // A file damaged in the middle is read past (ffmpeg complains, the tiles
    // reach the end): a problem, but not a partial storyboard.
    let problem = match (&pass.complaint, short) {
        (None, false) => None,
        (Some(complaint), false) => {
            Some(format!("{}: ffmpeg read past damage ({complaint})", job.video.display()))
        }
        (complaint, true) => Some(format!(
            "{}: the storyboard stops at {} of {}{}",
            job.video.display(),
            crate::time::format_time(reached),
            job.duration_ms.map_or_else(|| "?".into(), crate::time::format_time),
            complaint.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
        )),
    };
    let tile_height = tile_height(&partial.join("0.jpg")).unwrap_or(TILE_WIDTH * 9 / 16);
    let storyboard = Storyboard {
        version: INDEX_VERSION,
        interval_ms: interval,
        tile_width: TILE_WIDTH,
        tile_height,
        columns: COLUMNS,
        rows: ROWS,
        tiles: pass.tiles,
        sheets: pass.tiles.div_ceil(COLUMNS * ROWS),
        duration_ms: job.duration_ms,
        keyframes_only,
        partial: short,
    };
    for list in ["frames.crc", "tiles.crc"] {
        let _ = std::fs::remove_file(partial.join(list));
    }
    let index = serde_json::to_vec_pretty(&storyboard).expect("plain data");
    std::fs::write(partial.join(INDEX_FILE), index).map_err(io(&partial))?;
    if job.output.exists() {
        std::fs::remove_dir_all(&job.output).map_err(io(&job.output))?;
    }
    std::fs::rename(&partial, &job.output).map_err(io(&job.output))?;
    let bytes = folder_bytes(&job.output);
    Ok(Made { storyboard, bytes, problem })
}

/// Whether keyframes leave a stretch too long without one.
fn sparse(frames: &[i64], duration_ms: Option<i64>, interval: i64) -> bool {
    let limit = SPARSE_KEYFRAMES_MS.max(interval);
    let Some(&first) = frames.first() else { return true };
    let end = duration_ms.unwrap_or(0);
    first >= limit
        || frames.windows(2).any(|w| w[1] - w[0] >= limit)
        || frames.last().is_some_and(|&last| end - last >= limit)
}

/// Runs ffmpeg once into a fresh `folder`: sheets, and the lists of frames and tiles.
/// `skip`: the frames the decoder leaves out (`-skip_frame`).
fn run_pass(job: &StoryboardJob, folder: &Path, interval: i64, skip: &str) -> Result<Pass, BoardError> {
    if folder.exists() {
        std::fs::remove_dir_all(folder).map_err(|source| BoardError::Io { path: folder.into(), source })?;
    }
    std::fs::create_dir_all(folder).map_err(|source| BoardError::Io { path: folder.into(), source })?;
    // Only the frames the tiles keep are scaled (scaling every decoded
    // 1080p frame cost a third of a full pass); the list of decoded frames
    // is made of a 2×2 crop of each, which costs nothing.
    let graph = format!(
        "[0:v:0]split[f][t];[f]crop=2:2:0:0[frames];[t]fps=fps=1000/{interval}:start_time=0:round=up,scale={TILE_WIDTH}:-2,split[s][tiles];[s]tile={COLUMNS}x{ROWS}[sheets]"
    );
    let mut command = low_priority("ffmpeg");
    command.args(["-nostdin", "-v", "error", "-y", "-skip_frame", skip]);
    if skip == "nokey" {
        // The demuxer drops the other packets unread where it can.
        command.args(["-discard", "nokey"]);
    }
    command
        .arg("-i")
        .arg(&job.video)
        .args(["-an", "-sn", "-dn", "-filter_complex", &graph])
        .args([
            "-map",
            "[sheets]",
            "-fps_mode",
            "passthrough",
            "-q:v",
            "5",
            "-start_number",
            "0",
            "-f",
            "image2",
        ])
        .arg(folder.join("%d.jpg"))
        .args(["-map", "[frames]", "-f", "framecrc"])
        .arg(folder.join("frames.crc"))
        .args(["-map", "[tiles]", "-f", "framecrc"])
        .arg(folder.join("tiles.crc"));
    // A full decode runs at least as fast as playback on any machine that plays it.
    let timeout = Duration::from_secs(60) + Duration::from_millis(job.duration_ms.unwrap_or(0).max(0) as u64);
    let finished = match process::run(&mut command, timeout, MAX_STDOUT) {
        Ok(finished) => finished,
        Err(RunError::Missing) => return Err(BoardError::FfmpegMissing),
        Err(RunError::TimedOut) => {
            let _ = std::fs::remove_dir_all(folder);
            return Err(BoardError::Timeout { video: job.video.clone(), seconds: timeout.as_secs() });
        }
        Err(RunError::Io(source)) => return Err(BoardError::Io { path: job.video.clone(), source }),
        Err(RunError::TooMuchOutput(_)) => {
            let _ = std::fs::remove_dir_all(folder);
            return Err(BoardError::NoFrame {
                video: job.video.clone(),
                why: "ffmpeg printed output".into(),
            });
        }
    };
    let complaint = (!finished.success || !finished.stderr.trim().is_empty())
        .then(|| finished.stderr.lines().next().map_or_else(|| finished.reason(), str::to_owned));
    let frames = frame_times(&std::fs::read_to_string(folder.join("frames.crc")).unwrap_or_default());
    let tiles =
        frame_times(&std::fs::read_to_string(folder.join("tiles.crc")).unwrap_or_default()).len() as u32;
    Ok(Pass { complaint, frames, tiles })
}

/// The times (ms) of the frames a `framecrc` list names, from its time base.
pub fn frame_times(list: &str) -> Vec<i64> {
    let mut base = (1i64, 1000i64);
    let mut times = Vec::new();
    for line in list.lines() {
        if let Some(tb) = line.strip_prefix("#tb 0: ") {
            if let Some((num, den)) = tb.trim().split_once('/')
                && let (Ok(num), Ok(den)) = (num.parse::<i64>(), den.parse::<i64>())
                && num > 0
                && den > 0
            {
                base = (num, den);
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(',').map(str::trim);
        if let (Some("0"), Some(_dts), Some(pts)) = (fields.next(), fields.next(), fields.next())
            && let Ok(pts) = pts.parse::<i64>()
        {
            times.push(pts.saturating_mul(1000).saturating_mul(base.0) / base.1);
        }
    }
    times
}

/// A tile's height: the first sheet's height over the rows it has.
fn tile_height(sheet: &Path) -> Option<u32> {
    let bytes = std::fs::read(sheet).ok()?;
    let (_, height) = jpeg_size(&bytes)?;
    // The tile filter always makes a whole grid, padding the last sheet.
    Some(height / ROWS)
}

/// The width and height in a JPEG's first start-of-frame segment.
pub fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    while at + 9 < bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
            let height = u32::from(u16::from_be_bytes([bytes[at + 5], bytes[at + 6]]));
            let width = u32::from(u16::from_be_bytes([bytes[at + 7], bytes[at + 8]]));
            return Some((width, height));
        }
        at += 2 + length;
    }
    None
}

/// The bytes of the files in a folder (not below it).
pub fn folder_bytes(folder: &Path) -> u64 {
    std::fs::read_dir(folder)
        .map(|entries| entries.flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_widen_past_ten_minutes() {
        for (duration, interval) in [
            (None, 2_000),
            (Some(0), 2_000),
            (Some(30_000), 2_000),
            (Some(600_000), 2_000),
            (Some(600_001), 3_000),
            (Some(3_600_000), 12_000),
            (Some(36_000_000), 120_000),
        ] {
            assert_eq!(interval_for(duration), interval, "{duration:?}");
            assert!(duration.unwrap_or(0) / interval <= MAX_TILES);
        }
    }

    #[test]
    fn frame_lists_are_read_in_their_time_base() {
        let list =
            "#tb 0: 1001/30000\n#media_type 0: video\n0, 0, 0, 1, 21600, 0x1\n0, 60, 60, 1, 21600, 0x2\n";
        assert_eq!(frame_times(list), vec![0, 2002]);
        assert_eq!(frame_times("#tb 0: 1/2\n0, 3, 3, 1, 1, 0x0\n"), vec![1500]);
        assert!(frame_times("garbage\n1, 2, x\n").is_empty());
    }

    #[test]
    fn sparse_keyframes_are_seen_at_the_start_middle_and_end() {
        assert!(!sparse(&[0, 2_000, 4_000], Some(6_000), 2_000));
        assert!(sparse(&[0, 10_000], Some(12_000), 2_000));
        assert!(sparse(&[0, 2_000], Some(12_000), 2_000), "no keyframe in the last 10 s");
        assert!(sparse(&[10_000], Some(12_000), 2_000), "none in the first 10 s");
        assert!(sparse(&[], Some(1_000), 2_000));
        assert!(!sparse(&[0, 11_000], Some(20_000), 12_000), "a wide interval allows wider gaps");
    }

    #[test]
    fn tiles_are_found_by_time_and_placed_on_sheets() {
        let board = Storyboard {
            version: INDEX_VERSION,
            interval_ms: 2_000,
            tile_width: 160,
            tile_height: 90,
            columns: 10,
            rows: 10,
            tiles: 150,
            sheets: 2,
            duration_ms: Some(300_000),
            keyframes_only: true,
            partial: false,
        };
        assert_eq!(board.tile_at(0), 0);
        assert_eq!(board.tile_at(3_999), 1);
        assert_eq!(board.tile_at(-5), 0);
        assert_eq!(board.tile_at(10_000_000), 149);
        assert_eq!(board.time_of(7), 14_000);
        assert_eq!(board.place(0), TilePlace { sheet: 0, x: 0, y: 0 });
        assert_eq!(board.place(13), TilePlace { sheet: 0, x: 480, y: 90 });
        assert_eq!(board.place(123), TilePlace { sheet: 1, x: 480, y: 180 });
    }
}
