//! Subtitle files (SRT, WebVTT, SAMI, ASS/SSA) in any encoding fans meet — UTF-8 with or
//! without BOM, UTF-16, CP949/EUC-KR — turned into timed cues. Pure functions:
//! bytes in, cues out; no database, no file system.

mod ass;
mod decode;
mod sami;
mod srt;
mod text;
mod timing;
mod vtt;

use std::fmt;

pub(crate) use decode::guess_legacy;
pub use decode::{Decoded, decode};

use crate::cues::CueInput;

/// The most subtitle text one track may bring in, in a file beside the video
/// or inside it. A feature film's subtitles are well under 1 MiB, a YouTube
/// livestream's auto-captions a few MiB; a track is held about three times
/// over while it becomes cues (bytes, decoded text, cues), so a 200 MiB track
/// once took 700 MB of the app's memory, most of which it kept.
pub const MAX_SUBTITLE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubtitleFormat {
    Srt,
    Vtt,
    Sami,
    /// ASS and SSA (SubStation Alpha), one reader for both.
    Ass,
}

impl SubtitleFormat {
    /// `srt`, `vtt`, `smi`/`sami`, `ass`/`ssa`, any case, with or without the dot.
    pub fn from_extension(ext: &str) -> Option<SubtitleFormat> {
        let ext = ext.strip_prefix('.').unwrap_or(ext);
        match ext.to_ascii_lowercase().as_str() {
            "srt" => Some(SubtitleFormat::Srt),
            "vtt" => Some(SubtitleFormat::Vtt),
            "smi" | "sami" => Some(SubtitleFormat::Sami),
            "ass" | "ssa" => Some(SubtitleFormat::Ass),
            _ => None,
        }
    }

    /// The name people know the format by, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SubtitleFormat::Srt => "SRT",
            SubtitleFormat::Vtt => "WebVTT",
            SubtitleFormat::Sami => "SAMI",
            SubtitleFormat::Ass => "ASS",
        }
    }

    /// A well-formed timing in this format, shown in errors so the reader knows what was expected.
    fn example(self) -> &'static str {
        match self {
            SubtitleFormat::Srt => "00:01:02,500 --> 00:01:04,000",
            SubtitleFormat::Vtt => "00:01:02.500 --> 00:01:04.000",
            SubtitleFormat::Sami => "<SYNC Start=62500>",
            SubtitleFormat::Ass => "Dialogue: 0,0:01:02.50,0:01:04.00,Default,,0,0,0,,…",
        }
    }
}

impl fmt::Display for SubtitleFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The cues of one language (a SAMI file may hold several).
#[derive(Debug, Clone, PartialEq)]
pub struct SubtitleTrack {
    /// From the file itself (SAMI's STYLE block), as a primary language
    /// subtag (`ko`); `None` when the file does not say — the caller may then
    /// use [`lang_from_file_name`].
    pub lang: Option<String>,
    /// Sorted by start (stably); every cue has text and `start_ms >= 0`.
    /// SRT and SAMI mend an end before its start; WebVTT and ASS keep it as
    /// written, as their players do (such a cue never shows). Empty only for
    /// a WebVTT file that is valid with no cue (a header, notes, styles).
    pub cues: Vec<CueInput>,
}

/// Why a whole file gave no cue. Lines are counted from 1 in the decoded
/// text; `found` is the offending line, shortened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubtitleError {
    #[error("line {line}: the {format} file is empty")]
    Empty { line: usize, format: SubtitleFormat },
    #[error("line {line}: {found:?} is not a timing line (expected one like {example})")]
    BadTiming { line: usize, found: String, example: &'static str },
    #[error("line {line}: {found:?} — this is not {format}: no timing like {example} anywhere in the file")]
    NoTimings { line: usize, found: String, format: SubtitleFormat, example: &'static str },
    #[error("line {line}: {found:?} — a WebVTT file must start with WEBVTT")]
    NotVtt { line: usize, found: String },
    #[error("line {line}: the {format} file ends here, without a single cue")]
    NoCues { line: usize, format: SubtitleFormat },
    #[error("line {line}: all {count} {format} cues are empty once tags are removed")]
    EmptyCues { line: usize, count: usize, format: SubtitleFormat },
}

/// Reads a subtitle file into tracks of cues. Bad cues are dropped one by
/// one; only a file without a single usable cue is an error.
pub fn read_subtitles(bytes: &[u8], format: SubtitleFormat) -> Result<Vec<SubtitleTrack>, SubtitleError> {
    let text = decode(bytes).text;
    match format {
        SubtitleFormat::Srt => Ok(vec![SubtitleTrack { lang: None, cues: srt::parse(&text)? }]),
        SubtitleFormat::Vtt => Ok(vec![SubtitleTrack { lang: None, cues: vtt::parse(&text)? }]),
        SubtitleFormat::Sami => sami::parse(&text),
        SubtitleFormat::Ass => Ok(vec![SubtitleTrack { lang: None, cues: ass::parse(&text)? }]),
    }
}

/// The language in a subtitle's file name beside its video, as yt-dlp writes
/// it: `Title [id]` + `Title [id].ko.vtt` → `ko`, `….en-US.srt` → `en-US`.
/// `None` for a name without one (`Title [id].srt`), for other sidecars
/// (`Title [id].live_chat.json`) and for names of other videos.
pub fn lang_from_file_name(video_stem: &str, subtitle_file_name: &str) -> Option<String> {
    let rest = subtitle_file_name.strip_prefix(video_stem)?.strip_prefix('.')?;
    let (lang, ext) = rest.rsplit_once('.')?;
    SubtitleFormat::from_extension(ext)?;
    is_language_tag(lang).then(|| lang.replace('_', "-"))
}

/// A BCP 47-shaped tag: 2–3 letters, then subtags of 1–8 letters or digits
/// (`ko`, `en-US`, `zh-Hans`, `en-orig`). Keeps words like `forced` or a
/// title's tail out.
fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split(['-', '_']);
    let primary = parts.next().unwrap_or("");
    let primary_ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    let rest: Vec<&str> = parts.collect();
    primary_ok
        && rest.len() <= 3
        && rest.iter().all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests;
