//! Recognising video files by their content and reading what their containers
//! say (duration, size, codecs, frame rate, rotation, creation time, and what
//! the uploader embedded: title, description, chapters, cover art) — in
//! process for MP4/MOV/3GP and Matroska/WebM, with ffprobe as the fallback.

mod boxes;
mod bytes;
mod ebml;
pub mod ffprobe;
mod matroska;
mod matroska_meta;
mod mp4;
mod mp4_chapters;
mod mp4_meta;

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use ffprobe::{parse_ffprobe_json, probe_ffprobe};

/// The container formats Outtake recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Mp4,
    Mov,
    ThreeGp,
    Matroska,
    WebM,
    MpegTs,
    Avi,
    Flv,
    MpegPs,
    Asf,
    Ogg,
}

impl Container {
    pub fn as_str(self) -> &'static str {
        match self {
            Container::Mp4 => "mp4",
            Container::Mov => "mov",
            Container::ThreeGp => "3gp",
            Container::Matroska => "matroska",
            Container::WebM => "webm",
            Container::MpegTs => "mpegts",
            Container::Avi => "avi",
            Container::Flv => "flv",
            Container::MpegPs => "mpeg",
            Container::Asf => "asf",
            Container::Ogg => "ogg",
        }
    }
}

/// Who read the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeSource {
    Fast,
    Ffprobe,
}

/// What a container says about its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub container: Container,
    pub duration_ms: Option<i64>,
    /// Display size, after rotation.
    pub width: Option<i64>,
    pub height: Option<i64>,
    /// Short names as ffprobe gives them: h264, hevc, vp9, aac, opus…
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub fps: Option<f64>,
    /// Clockwise degrees to turn the picture for display: 0, 90, 180 or 270.
    pub rotation: i64,
    /// The container's creation time, RFC 3339 UTC.
    pub created: Option<String>,
    /// The container describes more data than the file holds (an interrupted download).
    pub truncated: bool,
    /// Text subtitle tracks inside the file (ffmpeg can extract them).
    pub subtitles: Vec<SubtitleStream>,
    /// What the uploader (yt-dlp's `--embed-metadata`, a tagger) wrote into the container.
    pub metadata: Metadata,
    /// Chapters the container holds, in time order.
    pub chapters: Vec<Chapter>,
    /// Where the embedded cover art lies in the file, when there is one.
    pub cover: Option<Cover>,
    /// Metadata the reader found damaged and left out (the video itself is sound).
    pub damaged: Vec<String>,
    pub source: ProbeSource,
}

/// The container's descriptive tags, as written (bounded in length, not cleaned).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    /// The artist tag: yt-dlp writes the uploader there.
    pub artist: Option<String>,
    /// The date tag as written (`20210914`, `2021-09-14`, `2021-09-14T10:00:00Z`).
    pub date: Option<String>,
    pub description: Option<String>,
    pub comment: Option<String>,
    /// The page the video came from (`purl`, or a comment that is only a URL).
    pub url: Option<String>,
    pub show: Option<String>,
    pub season: Option<i64>,
    pub episode: Option<i64>,
}

/// One chapter a container marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Chapter {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub title: String,
}

/// Cover art stored inside a video file: its bytes are `len` bytes at `offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cover {
    pub offset: u64,
    pub len: u64,
}

/// The longest tag value kept from a container (a description is the longest real one).
pub(crate) const MAX_TAG_BYTES: usize = 256 * 1024;
/// At most this many chapters are read from a container.
pub(crate) const MAX_CHAPTERS: usize = 500;

/// A tag's text: UTF-8 (damaged bytes replaced), cut at [`MAX_TAG_BYTES`], trailing NULs
/// gone; `None` when blank.
pub(crate) fn tag_text(bytes: &[u8]) -> Option<String> {
    let bytes = &bytes[..bytes.len().min(MAX_TAG_BYTES)];
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_end_matches('\0').trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// Fills in the ends of chapters that give none (the next chapter's start,
/// the last one's the video's end), and puts them in time order.
pub(crate) fn settle_chapters(chapters: &mut [Chapter], duration_ms: Option<i64>) {
    chapters.sort_by_key(|c| c.start_ms);
    let starts: Vec<i64> = chapters.iter().map(|c| c.start_ms).skip(1).collect();
    for (i, chapter) in chapters.iter_mut().enumerate() {
        if chapter.end_ms.is_none() {
            chapter.end_ms = starts.get(i).copied().or(duration_ms).filter(|end| *end > chapter.start_ms);
        }
    }
}

/// A text subtitle track inside a video file.
#[derive(Debug, Clone, PartialEq)]
pub struct SubtitleStream {
    /// Its position among the file's subtitle streams (ffmpeg's `0:s:N`).
    pub index: usize,
    /// Language, two letters where one is known (`ko`, `en`).
    pub lang: Option<String>,
    /// An ASS/SSA track: read as it is stored, by the ASS reader, not converted.
    pub ass: bool,
}

/// ISO 639-2 codes (what containers store) to the two-letter codes file names use.
pub(crate) fn short_lang(code: &str) -> Option<String> {
    // No language code is longer (`und`, `kor`, `en`, `zh-Hans`'s `zh`); a
    // header can make this as long as an element, and it would be kept.
    if code.trim().len() > 8 {
        return None;
    }
    let code = code.trim().to_ascii_lowercase();
    let short = match code.as_str() {
        "" | "und" | "zxx" | "mis" | "mul" => return None,
        "kor" => "ko",
        "eng" => "en",
        "jpn" => "ja",
        "zho" | "chi" => "zh",
        "spa" => "es",
        "fre" | "fra" => "fr",
        "ger" | "deu" => "de",
        "por" => "pt",
        "ita" => "it",
        "rus" => "ru",
        "tha" => "th",
        "vie" => "vi",
        "ind" => "id",
        other => other,
    };
    short.chars().all(|c| c.is_ascii_alphanumeric() || c == '-').then(|| short.to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a video container Outtake knows")]
    NotVideo { path: PathBuf },
    #[error("{path}: the {container} headers are damaged: {why}")]
    Malformed { path: PathBuf, container: &'static str, why: String },
    #[error(
        "{path}: the built-in reader cannot read this {container} file and ffprobe (from ffmpeg) is not installed"
    )]
    Unreadable { path: PathBuf, container: &'static str },
    #[error("ffprobe is not installed")]
    FfprobeMissing,
    #[error("{path}: ffprobe could not read it: {why}")]
    FfprobeFailed { path: PathBuf, why: String },
    #[error("{path}: ffprobe took longer than {seconds} s")]
    Timeout { path: PathBuf, seconds: u64 },
}

/// The container a file's first bytes (up to 4 KiB) announce, if it is one.
pub fn sniff(header: &[u8]) -> Option<Container> {
    let at = |i: usize| header.get(i).copied();
    let tag = |i: usize| header.get(i..i + 4);
    if let Some(kind) = tag(4) {
        const BOXES: [&[u8]; 8] = [b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"];
        let size = u32::from_be_bytes(header[..4].try_into().ok()?);
        if BOXES.contains(&kind) && (size == 0 || size == 1 || size >= 8) {
            if kind != b"ftyp" {
                return Some(Container::Mov);
            }
            return Some(match tag(8) {
                Some(b"qt  ") => Container::Mov,
                Some(brand) if brand.starts_with(b"3g") => Container::ThreeGp,
                _ => Container::Mp4,
            });
        }
    }
    match header {
        [0x1A, 0x45, 0xDF, 0xA3, ..] => {
            let head = &header[..header.len().min(64)];
            let webm = head.windows(4).any(|w| w == b"webm");
            return Some(if webm { Container::WebM } else { Container::Matroska });
        }
        [b'R', b'I', b'F', b'F', _, _, _, _, b'A', b'V', b'I', b' ', ..] => return Some(Container::Avi),
        [b'F', b'L', b'V', 1, ..] => return Some(Container::Flv),
        [0, 0, 1, 0xBA, ..] => return Some(Container::MpegPs),
        [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, ..] => return Some(Container::Asf),
        [b'O', b'g', b'g', b'S', ..] => return Some(Container::Ogg),
        _ => {}
    }
    let ts = |offset: usize, stride: usize| (0..3).all(|k| at(offset + k * stride) == Some(0x47));
    if ts(0, 188) || ts(4, 192) {
        return Some(Container::MpegTs);
    }
    None
}

/// Reads the container in process. `Ok(None)`: this reader cannot fully read
/// it (another container, or fields missing) and ffprobe should.
pub fn probe_fast(path: &Path) -> Result<Option<Probe>, ProbeError> {
    let io = |source| ProbeError::Io { path: path.to_path_buf(), source };
    let file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    probe_fast_from(BufReader::with_capacity(16 * 1024, file), len, path)
}

/// [`probe_fast`] of a file's bytes already in memory; `path` only names it
/// in errors. The fuzz harness (`crates/outtake-fuzz`) feeds it millions of
/// damaged headers without a file system round trip for each.
pub fn probe_fast_bytes(bytes: &[u8], path: &Path) -> Result<Option<Probe>, ProbeError> {
    probe_fast_from(Cursor::new(bytes), bytes.len() as u64, path)
}

fn probe_fast_from(mut reader: impl Read + Seek, len: u64, path: &Path) -> Result<Option<Probe>, ProbeError> {
    let io = |source| ProbeError::Io { path: path.to_path_buf(), source };
    let mut header = Vec::with_capacity(4096);
    (&mut reader).take(4096).read_to_end(&mut header).map_err(io)?;
    let Some(container) = sniff(&header) else {
        return Err(ProbeError::NotVideo { path: path.to_path_buf() });
    };
    let malformed =
        |why: String| ProbeError::Malformed { path: path.to_path_buf(), container: container.as_str(), why };
    let probe = match container {
        Container::Mp4 | Container::Mov | Container::ThreeGp => {
            mp4::probe(&mut reader, len).map_err(malformed)?
        }
        Container::Matroska | Container::WebM => matroska::probe(&mut reader, len).map_err(malformed)?,
        _ => None,
    };
    Ok(probe.map(|probe| Probe { container, ..probe }))
}

/// How long ffprobe may take on one file.
pub const FFPROBE_TIMEOUT: Duration = Duration::from_secs(20);

/// The fast reader first, ffprobe for what it cannot read.
pub fn probe(path: &Path) -> Result<Probe, ProbeError> {
    if let Some(probe) = probe_fast(path)? {
        return Ok(probe);
    }
    match probe_ffprobe(path, FFPROBE_TIMEOUT) {
        Err(ProbeError::FfprobeMissing) => {
            let mut header = Vec::new();
            let _ = File::open(path).and_then(|f| f.take(4096).read_to_end(&mut header));
            let container = sniff(&header).map_or("video", Container::as_str);
            Err(ProbeError::Unreadable { path: path.to_path_buf(), container })
        }
        other => other,
    }
}

/// An empty probe of a container, filled in by the readers.
pub(crate) fn blank(container: Container) -> Probe {
    Probe {
        container,
        duration_ms: None,
        width: None,
        height: None,
        video_codec: None,
        audio_codec: None,
        fps: None,
        rotation: 0,
        created: None,
        truncated: false,
        subtitles: Vec::new(),
        metadata: Metadata::default(),
        chapters: Vec::new(),
        cover: None,
        damaged: Vec::new(),
        source: ProbeSource::Fast,
    }
}

/// Frames per second rounded to what players show (29.97, 23.976, 25); None
/// for no rate, including one that rounds to 0 (a frame every few hours).
pub(crate) fn round_fps(fps: f64) -> Option<f64> {
    (fps.is_finite() && fps > 0.0 && fps < 1000.0)
        .then(|| (fps * 1000.0).round() / 1000.0)
        .filter(|rounded| *rounded > 0.0)
}

/// Seconds since the Unix epoch as RFC 3339 UTC; None before 1971 (unset clocks).
pub(crate) fn rfc3339(unix_seconds: i64) -> Option<String> {
    if !(31_536_000..=32_503_680_000).contains(&unix_seconds) {
        return None;
    }
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    ))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod meta_tests;
