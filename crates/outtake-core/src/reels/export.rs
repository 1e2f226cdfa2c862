//! A reel on disk, made without touching a clip: an M3U8 playlist, an mpv
//! EDL, or one video file with a chapter per moment.
//!
//! - **M3U8**: `#EXTINF` (length, "clip — moment"), then
//!   `#EXTVLCOPT:start-time=S` and `#EXTVLCOPT:stop-time=E` (seconds), then
//!   the clip. VLC plays each entry's range; Debian 12's mpv (0.35) reads the
//!   list but ignores `#EXTVLCOPT` and plays each clip whole (use the EDL for
//!   mpv). The file is UTF-8: a clip whose path is UTF-8 (and has no line
//!   break) is written as its path; any other is written as a `file://` URL
//!   with every byte outside ASCII letters, digits and `/-._~` percent-encoded,
//!   so the URL carries the path's exact bytes (a decoded name would name no
//!   file) and both players open it.
//! - **EDL** (`# mpv EDL v0`): one line per moment, `%N%PATH,START,LENGTH,title=%M%TITLE`;
//!   `%N%` is the path's length in bytes, so the path is written as its exact
//!   bytes, commas and all. mpv shows the titles as chapters. A path with a
//!   line break cannot be written (mpv reads the file by lines) and is refused.
//! - **Video** (`.mp4`, `.mkv`): each moment is cut into a piece, then the
//!   pieces are joined with a chapter per moment. **The copy rule**: the
//!   streams are copied (fast, no quality lost) only when every clip has the
//!   same video codec, frame size and audio codec (joined copies must share
//!   them) and every moment's in-point is at most [`KEYFRAME_SLACK_MS`] after
//!   the keyframe before it (a copy must start on a keyframe, so it starts
//!   that much early). Otherwise every moment is re-encoded to H.264/AAC at the
//!   first clip's size and frame rate, starting on the exact frame. The
//!   progress says which.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::Moment;
use super::ffmpeg::{Output, Streams, ffmpeg, keyframe_before, streams};
use crate::error::{Error, Result};
use crate::library::Library;

/// A copied moment may start this much before its in-point (the keyframe
/// before it); one further from its keyframe makes the reel re-encoded.
pub const KEYFRAME_SLACK_MS: i64 = 1000;

/// A moment and the clip file it plays from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReelEntry {
    pub moment: Moment,
    /// The clip's first present copy, exactly as the disk names it.
    pub path: PathBuf,
}

/// A reel's moments with their files; those whose clip has no copy on a
/// reachable disk are set apart, to be named, never silently dropped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReelFiles {
    pub entries: Vec<ReelEntry>,
    pub offline: Vec<Moment>,
}

/// The playlist formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum PlaylistFormat {
    M3u8,
    Edl,
}

/// How a reel video is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum VideoMode {
    /// Streams copied: fast, lossless, each moment may start up to a second early.
    Copy,
    /// Re-encoded to H.264/AAC, frame-exact.
    Reencode,
}

impl VideoMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VideoMode::Copy => "stream copy",
            VideoMode::Reencode => "re-encoding",
        }
    }
}

/// How far a reel video is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportProgress {
    /// The moment being cut, from 0; equal to `moments` while they are joined.
    pub moment: usize,
    pub moments: usize,
    pub mode: VideoMode,
    /// Of the whole job, 0 to 1.
    pub fraction: f64,
}

/// What an export made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportReport {
    /// The file written (its name as text).
    pub path: String,
    pub moments: usize,
    /// The moments' summed length.
    pub duration_ms: i64,
    /// For a video: copied or re-encoded.
    pub mode: Option<VideoMode>,
}

impl Library {
    /// The file each moment plays from.
    pub fn reel_files(&self, moments: &[Moment]) -> Result<ReelFiles> {
        let mut paths: HashMap<i64, Option<PathBuf>> = HashMap::new();
        let mut files = ReelFiles::default();
        for moment in moments {
            let path = match paths.entry(moment.clip_id) {
                std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                std::collections::hash_map::Entry::Vacant(new) => {
                    new.insert(self.playable_path(moment.clip_id)?)
                }
            };
            match path {
                Some(path) => files.entries.push(ReelEntry { moment: moment.clone(), path: path.clone() }),
                None => files.offline.push(moment.clone()),
            }
        }
        Ok(files)
    }
}

fn report(target: &Path, entries: &[ReelEntry], mode: Option<VideoMode>) -> ExportReport {
    ExportReport {
        path: target.display().to_string(),
        moments: entries.len(),
        duration_ms: entries.iter().map(|e| e.moment.duration_ms()).sum(),
        mode,
    }
}

fn require_moments(entries: &[ReelEntry]) -> Result<()> {
    if entries.is_empty() {
        return Err(Error::invalid("reel", "it has no moment whose clip is on a reachable disk"));
    }
    Ok(())
}

fn sources(entries: &[ReelEntry]) -> Vec<&Path> {
    entries.iter().map(|e| e.path.as_path()).collect()
}

/// Writes a playlist of the entries. An existing `target` is refused unless `force`.
pub fn write_playlist(
    entries: &[ReelEntry],
    format: PlaylistFormat,
    target: &Path,
    force: bool,
) -> Result<ExportReport> {
    require_moments(entries)?;
    let output = Output::new(target, force, &sources(entries))?;
    let bytes = match format {
        PlaylistFormat::M3u8 => m3u8(entries)?,
        PlaylistFormat::Edl => edl(entries)?,
    };
    output.write_all(&bytes)?;
    output.finish()?;
    Ok(report(target, entries, None))
}

fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// A title on one line: "clip — moment".
fn entry_title(moment: &Moment) -> String {
    let title = if moment.label.is_empty() || moment.label == moment.clip_title {
        moment.clip_title.clone()
    } else {
        format!("{} — {}", moment.clip_title, moment.label)
    };
    title.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The playlist's M3U8 text (UTF-8; see the module's notes on paths).
pub fn m3u8(entries: &[ReelEntry]) -> Result<Vec<u8>> {
    let mut text = String::from("#EXTM3U\n");
    for entry in entries {
        let moment = &entry.moment;
        let length = (moment.duration_ms() + 999) / 1000;
        let _ = writeln!(text, "#EXTINF:{length},{}", entry_title(moment));
        let _ = writeln!(text, "#EXTVLCOPT:start-time={}", seconds(moment.start_ms));
        let _ = writeln!(text, "#EXTVLCOPT:stop-time={}", seconds(moment.end_ms));
        text.push_str(&location(&absolute(&entry.path)?));
        text.push('\n');
    }
    Ok(text.into_bytes())
}

/// A path as an M3U8 line: itself when it is plain UTF-8, else a `file://` URL of its bytes.
fn location(path: &Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(char::is_control) => text.to_string(),
        _ => {
            let mut url = String::from("file://");
            for &byte in bytes {
                if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
                    url.push(byte as char);
                } else {
                    let _ = write!(url, "%{byte:02X}");
                }
            }
            url
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })
}

/// The playlist's mpv EDL bytes (paths as their exact bytes).
pub fn edl(entries: &[ReelEntry]) -> Result<Vec<u8>> {
    let mut bytes = b"# mpv EDL v0\n".to_vec();
    for entry in entries {
        let path = absolute(&entry.path)?;
        let raw = path.as_os_str().as_encoded_bytes();
        if raw.iter().any(|b| *b == b'\n' || *b == b'\r') {
            return Err(Error::invalid(
                "edl",
                format!("the clip {} has a line break in its name, which an EDL cannot hold", path.display()),
            ));
        }
        let moment = &entry.moment;
        let title = entry_title(moment);
        bytes.extend_from_slice(format!("%{}%", raw.len()).as_bytes());
        bytes.extend_from_slice(raw);
        let rest = format!(
            ",{},{},title=%{}%{title}\n",
            seconds(moment.start_ms),
            seconds(moment.duration_ms()),
            title.len()
        );
        bytes.extend_from_slice(rest.as_bytes());
    }
    Ok(bytes)
}

/// The container a reel video is written in, by the target's extension.
fn container(target: &Path) -> Result<&'static str> {
    let extension = target.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match extension.as_str() {
        "mp4" | "m4v" => Ok("mp4"),
        "mkv" => Ok("matroska"),
        _ => Err(Error::invalid("output", format!("{}: a reel video is .mp4 or .mkv", target.display()))),
    }
}

/// Makes one video of the entries, a chapter per moment (module notes: the copy rule).
pub fn write_video(
    entries: &[ReelEntry],
    target: &Path,
    force: bool,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(&ExportProgress),
) -> Result<ExportReport> {
    require_moments(entries)?;
    let format = container(target)?;
    let mut output = Output::new(target, force, &sources(entries))?;
    let mut probed: HashMap<&Path, Streams> = HashMap::new();
    for entry in entries {
        if !probed.contains_key(entry.path.as_path()) {
            probed.insert(&entry.path, streams(&entry.path)?);
        }
    }
    let mode = choose_mode(entries, &probed)?;
    let first = &probed[entries[0].path.as_path()];
    let work = output.work_dir()?;
    let total = entries.len();
    let mut lengths = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let piece = work.join(format!("piece{i:05}.mkv"));
        let args = piece_args(entry, &probed[entry.path.as_path()], first, mode, &piece)?;
        let length = entry.moment.duration_ms().max(1);
        progress(&ExportProgress {
            moment: i,
            moments: total,
            mode,
            fraction: i as f64 / (total + 1) as f64,
        });
        ffmpeg(&args, None, target, cancel, &mut |ms| {
            let within = (ms as f64 / length as f64).clamp(0.0, 1.0);
            progress(&ExportProgress {
                moment: i,
                moments: total,
                mode,
                fraction: (i as f64 + within) / (total + 1) as f64,
            });
        })?;
        // A re-encoded piece's sound runs up to an AAC frame (21 ms) past its
        // picture: it is placed at its moment's exact length, so no gap grows
        // between pieces. A copied piece is as long as it came out.
        lengths.push(match mode {
            VideoMode::Reencode => length,
            VideoMode::Copy => streams(&piece)?.duration_ms.unwrap_or(length),
        });
    }
    progress(&ExportProgress {
        moment: total,
        moments: total,
        mode,
        fraction: total as f64 / (total + 1) as f64,
    });
    std::fs::write(work.join("pieces.txt"), concat_list(&lengths))
        .map_err(|e| super::ffmpeg::io_error(&work, e))?;
    std::fs::write(work.join("chapters.txt"), chapters(entries, &lengths))
        .map_err(|e| super::ffmpeg::io_error(&work, e))?;
    let mut args: Vec<OsString> = ["-f", "concat", "-safe", "0", "-i", "pieces.txt", "-i", "chapters.txt"]
        .into_iter()
        .map(OsString::from)
        .collect();
    args.extend(["-map", "0", "-map_metadata", "1", "-map_chapters", "1", "-c", "copy"].map(OsString::from));
    if format == "mp4" {
        args.extend(["-movflags", "+faststart"].map(OsString::from));
    }
    args.extend(["-f", format].map(OsString::from));
    args.push(absolute(&output.partial)?.into_os_string());
    ffmpeg(&args, Some(&work), target, cancel, &mut |_| {})?;
    output.finish()?;
    progress(&ExportProgress { moment: total, moments: total, mode, fraction: 1.0 });
    Ok(report(target, entries, Some(mode)))
}

/// The copy rule (module notes).
fn choose_mode(entries: &[ReelEntry], probed: &HashMap<&Path, Streams>) -> Result<VideoMode> {
    let first = &probed[entries[0].path.as_path()];
    let alike = probed.values().all(|s| {
        s.video_codec.is_some()
            && s.video_codec == first.video_codec
            && (s.width, s.height) == (first.width, first.height)
            && s.audio_codec == first.audio_codec
    });
    if !alike {
        return Ok(VideoMode::Reencode);
    }
    for entry in entries {
        let start = entry.moment.start_ms;
        match keyframe_before(&entry.path, start)? {
            Some(keyframe) if start - keyframe <= KEYFRAME_SLACK_MS => {}
            _ => return Ok(VideoMode::Reencode),
        }
    }
    Ok(VideoMode::Copy)
}

/// ffmpeg's arguments for one moment's piece.
fn piece_args(
    entry: &ReelEntry,
    own: &Streams,
    first: &Streams,
    mode: VideoMode,
    piece: &Path,
) -> Result<Vec<OsString>> {
    let moment = &entry.moment;
    let mut args: Vec<OsString> = vec!["-ss".into(), seconds(moment.start_ms).into(), "-i".into()];
    args.push(absolute(&entry.path)?.into_os_string());
    let silent = mode == VideoMode::Reencode && own.audio_codec.is_none();
    if silent {
        // A clip without sound gets silence, so every piece has the same streams.
        args.extend(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"].map(OsString::from));
    }
    args.extend([
        "-t".into(),
        seconds(moment.duration_ms()).into(),
        "-map".into(),
        "0:v:0".into(),
        "-map".into(),
    ]);
    args.push(if silent { "1:a:0" } else { "0:a:0?" }.into());
    match mode {
        VideoMode::Copy => args.extend(["-c", "copy", "-avoid_negative_ts", "make_zero"].map(OsString::from)),
        VideoMode::Reencode => {
            let (width, height) = (even(first.width), even(first.height));
            let filter = format!(
                "scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,fps={:.3}",
                first.fps
            );
            args.extend(
                [
                    "-vf", &filter, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt",
                    "yuv420p", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2",
                ]
                .map(OsString::from),
            );
        }
    }
    args.extend(["-sn", "-dn", "-map_chapters", "-1", "-f", "matroska"].map(OsString::from));
    args.push(piece.as_os_str().to_owned());
    Ok(args)
}

fn even(n: i64) -> i64 {
    (n.max(2) / 2) * 2
}

/// ffmpeg's concat list of the pieces (names of our own, relative to the
/// work folder), each placed after the one before by its length, and cut there.
fn concat_list(lengths: &[i64]) -> String {
    let mut text = String::from("ffconcat version 1.0\n");
    for (i, length) in lengths.iter().enumerate() {
        let _ = writeln!(text, "file piece{i:05}.mkv\nduration {0}\noutpoint {0}", seconds(*length));
    }
    text
}

/// An ffmetadata file with a chapter per piece, at the pieces' real lengths.
fn chapters(entries: &[ReelEntry], lengths: &[i64]) -> String {
    let mut text = String::from(";FFMETADATA1\n");
    let mut at = 0;
    for (entry, length) in entries.iter().zip(lengths) {
        let _ = write!(
            text,
            "[CHAPTER]\nTIMEBASE=1/1000\nSTART={at}\nEND={}\ntitle={}\n",
            at + length,
            metadata_escape(&entry_title(&entry.moment))
        );
        at += length;
    }
    text
}

/// ffmetadata escapes `=`, `;`, `#`, `\` and line breaks with a backslash.
fn metadata_escape(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "=;#\\\n".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &[u8], start_ms: i64, end_ms: i64, label: &str) -> ReelEntry {
        use std::os::unix::ffi::OsStrExt;
        ReelEntry {
            moment: Moment {
                clip_id: 1,
                clip_title: "making of".into(),
                marker_id: None,
                cue_id: None,
                start_ms,
                end_ms,
                label: label.into(),
            },
            path: PathBuf::from(std::ffi::OsStr::from_bytes(path)),
        }
    }

    #[test]
    fn m3u8_gives_each_entry_its_range_and_the_exact_bytes_of_its_path() {
        let entries = [
            entry(b"/v/horse ride.mp4", 2000, 5500, "horse"),
            entry(b"/v/b\xc7\xd1,x.mp4", 61_250, 63_000, ""),
        ];
        let text = String::from_utf8(m3u8(&entries).unwrap()).unwrap();
        assert_eq!(
            text,
            "#EXTM3U\n#EXTINF:4,making of — horse\n#EXTVLCOPT:start-time=2.000\n#EXTVLCOPT:stop-time=5.500\n/v/horse ride.mp4\n\
             #EXTINF:2,making of\n#EXTVLCOPT:start-time=61.250\n#EXTVLCOPT:stop-time=63.000\nfile:///v/b%C7%D1%2Cx.mp4\n"
        );
    }

    #[test]
    fn edl_counts_path_bytes_and_refuses_line_breaks() {
        let entries = [entry(b"/v/b\xc7\xd1,x.mp4", 1500, 4000, "a, b")];
        let bytes = edl(&entries).unwrap();
        let mut expected = b"# mpv EDL v0\n%12%/v/b\xc7\xd1,x.mp4".to_vec();
        expected.extend_from_slice(",1.500,2.500,title=%18%making of — a, b\n".as_bytes());
        assert_eq!(bytes, expected);
        let error = edl(&[entry(b"/v/two\nlines.mp4", 0, 1000, "")]).unwrap_err().to_string();
        assert!(error.contains("line break"), "{error}");
    }

    #[test]
    fn chapter_titles_are_escaped() {
        let entries = [entry(b"/a.mp4", 0, 1000, "a=b;c#d"), entry(b"/a.mp4", 5000, 7000, "")];
        assert_eq!(
            chapters(&entries, &[1000, 2040]),
            ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=making of — a\\=b\\;c\\#d\n\
             [CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=3040\ntitle=making of\n"
        );
    }
}
