//! One moment cut to share: an MP4 (H.264/AAC), an animated WebP or a GIF
//! (palette made from the moment itself), at a size preset, optionally with
//! the clip's subtitle line burned in, in a font that has Hangul. The clip is
//! only read; the file is written under a temporary name in the target's
//! folder and renamed when whole (`ffmpeg.rs`).

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use serde::{Deserialize, Serialize};

use super::DEFAULT_CONTEXT_MS;
use super::ffmpeg::{Output, ffmpeg, io_error};
use super::file_name::NameParts;
use crate::error::{Error, Result};
use crate::library::Library;
use crate::time::format_time;

/// Debian's `fonts-noto-cjk`: Noto Sans CJK has Hangul, kana and Han.
pub const SUBTITLE_FONT_DIR: &str = "/usr/share/fonts/opentype/noto";
const SUBTITLE_FONT: &str = "Noto Sans CJK KR";
/// An animated picture holds at most this much (a minute of GIF is tens of MB).
pub const MAX_ANIMATED_MS: i64 = 60_000;

/// What a cut is saved as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CutFormat {
    Mp4,
    Webp,
    Gif,
}

impl CutFormat {
    /// By the target's extension.
    pub fn from_path(path: &Path) -> Result<CutFormat> {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        match extension.as_str() {
            "mp4" => Ok(CutFormat::Mp4),
            "webp" => Ok(CutFormat::Webp),
            "gif" => Ok(CutFormat::Gif),
            _ => Err(Error::invalid("output", format!("{}: a cut is .mp4, .webp or .gif", path.display()))),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            CutFormat::Mp4 => "mp4",
            CutFormat::Webp => "webp",
            CutFormat::Gif => "gif",
        }
    }

    /// The size a fan gets unless they choose: 720p video, 360p pictures.
    pub fn default_size(self) -> CutSize {
        match self {
            CutFormat::Mp4 => CutSize::P720,
            CutFormat::Webp | CutFormat::Gif => CutSize::P360,
        }
    }

    /// Frames per second of a picture unless chosen (a video keeps the clip's).
    pub fn default_fps(self) -> u32 {
        match self {
            CutFormat::Mp4 => 0,
            CutFormat::Webp => 15,
            CutFormat::Gif => 12,
        }
    }
}

/// Height presets; a smaller clip is never enlarged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CutSize {
    P240,
    P360,
    P480,
    P720,
    Original,
}

impl CutSize {
    /// `240p`, `360p`, `480p`, `720p`, `original`.
    pub fn parse(text: &str) -> Result<CutSize> {
        match text.trim().to_ascii_lowercase().as_str() {
            "240p" | "240" => Ok(CutSize::P240),
            "360p" | "360" => Ok(CutSize::P360),
            "480p" | "480" => Ok(CutSize::P480),
            "720p" | "720" => Ok(CutSize::P720),
            "original" | "orig" => Ok(CutSize::Original),
            other => Err(Error::invalid(
                "size",
                format!("\"{other}\" is not a size; use 240p, 360p, 480p, 720p or original"),
            )),
        }
    }

    fn height(self) -> Option<u32> {
        match self {
            CutSize::P240 => Some(240),
            CutSize::P360 => Some(360),
            CutSize::P480 => Some(480),
            CutSize::P720 => Some(720),
            CutSize::Original => None,
        }
    }
}

/// The frame rates an animated picture is offered at.
pub const FPS_PRESETS: &[u32] = &[8, 10, 12, 15, 20, 24, 30];

/// A subtitle line to burn in, in the clip's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CueLine {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

/// Which stretch of which clip a cut is made from, and its suggested name.
#[derive(Debug, Clone, PartialEq)]
pub struct CutPlan {
    pub clip_id: i64,
    pub marker_id: Option<i64>,
    pub source: PathBuf,
    pub start_ms: i64,
    pub end_ms: i64,
    pub name: NameParts,
}

/// Everything a cut needs, read from the library first (so the library is
/// not held while ffmpeg works).
#[derive(Debug, Clone, PartialEq)]
pub struct CutRequest {
    pub source: PathBuf,
    pub start_ms: i64,
    pub end_ms: i64,
    pub format: CutFormat,
    pub size: CutSize,
    /// Frames per second of a picture; one of [`FPS_PRESETS`]. Ignored for MP4.
    pub fps: u32,
    /// Lines to burn in (empty: none).
    pub subtitles: Vec<CueLine>,
}

/// What a cut made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CutReport {
    pub path: String,
    pub format: CutFormat,
    pub duration_ms: i64,
}

impl Library {
    /// The stretch a marker plays (a point marker with the reel's context,
    /// clamped to the clip), from its clip's first reachable copy.
    pub fn cut_marker(&self, marker_id: i64) -> Result<CutPlan> {
        let marker = self.marker(marker_id)?;
        let duration = self.clip_duration(marker.clip_id)?;
        let (start_ms, end_ms) = match marker.end_ms.filter(|end| *end > marker.start_ms) {
            Some(end) => (marker.start_ms, end),
            None => {
                let start = (marker.start_ms - DEFAULT_CONTEXT_MS).max(0);
                let end = marker.start_ms + DEFAULT_CONTEXT_MS;
                (start, duration.map_or(end, |d| end.min(d)))
            }
        };
        let cast = marker.cast.iter().map(|c| c.person.clone()).collect();
        let mut plan = self.cut_range(marker.clip_id, start_ms, end_ms)?;
        plan.marker_id = Some(marker_id);
        plan.name.cast = cast;
        plan.name.title = marker.title;
        Ok(plan)
    }

    /// A stretch of a clip chosen by hand (on the timeline, or `CLIP@IN-OUT`).
    pub fn cut_range(&self, clip_id: i64, start_ms: i64, end_ms: i64) -> Result<CutPlan> {
        let clip = self.clip(clip_id)?;
        if start_ms < 0 {
            return Err(Error::invalid("start", "is before the clip begins"));
        }
        if end_ms <= start_ms {
            return Err(Error::invalid(
                "end",
                format!("{} is not after the start {}", format_time(end_ms), format_time(start_ms)),
            ));
        }
        if let Some(duration) = clip.duration_ms.filter(|d| end_ms > *d) {
            return Err(Error::invalid(
                "end",
                format!("{} is past the end of the clip ({})", format_time(end_ms), format_time(duration)),
            ));
        }
        let source = self.playable_path(clip_id)?.ok_or_else(|| {
            Error::invalid("clip", format!("no copy of clip #{clip_id} is on a reachable disk"))
        })?;
        let name = NameParts {
            show: clip.show.clone(),
            episode: clip.episode,
            cast: clip.cast.iter().map(|c| c.person.clone()).collect(),
            title: None,
            clip_title: clip.title.clone(),
        };
        Ok(CutPlan { clip_id, marker_id: None, source, start_ms, end_ms, name })
    }

    /// A clip's subtitle lines in one language that show during a stretch.
    pub fn cue_lines(&self, clip_id: i64, lang: &str, start_ms: i64, end_ms: i64) -> Result<Vec<CueLine>> {
        let langs = self.cue_languages(clip_id)?;
        if !langs.iter().any(|l| l == lang) {
            let has = if langs.is_empty() { "none".to_string() } else { langs.join(", ") };
            return Err(Error::invalid(
                "subtitles",
                format!("clip #{clip_id} has no \"{lang}\" subtitles (it has: {has})"),
            ));
        }
        let mut statement = self.conn.prepare_cached(
            "SELECT start_ms, end_ms, text FROM cue WHERE clip_id = ?1 AND lang = ?2 AND end_ms > ?3 AND start_ms < ?4
             ORDER BY start_ms, id",
        )?;
        let lines = statement
            .query_map(rusqlite::params![clip_id, lang, start_ms, end_ms], |r| {
                Ok(CueLine { start_ms: r.get(0)?, end_ms: r.get(1)?, text: r.get(2)? })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(lines)
    }

    fn clip_duration(&self, clip_id: i64) -> Result<Option<i64>> {
        Ok(self.conn.query_row("SELECT duration_ms FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))?)
    }
}

/// Makes the cut. `progress` hears the fraction done (0 to 1); setting
/// `cancel` stops ffmpeg and removes what it wrote.
pub fn cut(
    request: &CutRequest,
    target: &Path,
    force: bool,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f64),
) -> Result<CutReport> {
    let duration = request.end_ms - request.start_ms;
    if duration <= 0 {
        return Err(Error::invalid("end", "is not after the start"));
    }
    if request.format != CutFormat::Mp4 {
        if duration > MAX_ANIMATED_MS {
            return Err(Error::invalid(
                "range",
                format!(
                    "{} is longer than an animated picture takes ({}); cut an MP4",
                    format_time(duration),
                    format_time(MAX_ANIMATED_MS)
                ),
            ));
        }
        if !FPS_PRESETS.contains(&request.fps) {
            return Err(Error::invalid("fps", format!("{} is not one of {FPS_PRESETS:?}", request.fps)));
        }
    }
    let mut output = Output::new(target, force, &[request.source.as_path()])?;
    let work = output.work_dir()?;
    // The target is acceptable: say the job has begun.
    progress(0.0);
    let mut filters: Vec<String> = Vec::new();
    if request.format != CutFormat::Mp4 {
        filters.push(format!("fps={}", request.fps));
    }
    filters.push(match request.size.height() {
        Some(height) => format!("scale=-2:'min({height},ih)':flags=lanczos"),
        None => "scale=trunc(iw/2)*2:trunc(ih/2)*2".into(),
    });
    if !request.subtitles.is_empty() {
        std::fs::write(work.join("lines.srt"), srt(&request.subtitles, request.start_ms, request.end_ms))
            .map_err(|e| io_error(&work, e))?;
        let fonts = if Path::new(SUBTITLE_FONT_DIR).is_dir() {
            format!(":fontsdir={SUBTITLE_FONT_DIR}")
        } else {
            String::new()
        };
        filters.push(format!(
            "subtitles=lines.srt{fonts}:force_style='FontName={SUBTITLE_FONT},FontSize=22,Outline=2,MarginV=18'"
        ));
    }
    let mut chain = filters.join(",");
    let source = std::path::absolute(&request.source)
        .map_err(|e| Error::Io { path: request.source.clone(), source: e })?;
    let mut args: Vec<OsString> =
        vec!["-ss".into(), seconds(request.start_ms).into(), "-i".into(), source.into()];
    args.extend(["-t".into(), seconds(duration).into(), "-map".into(), "0:v:0".into()]);
    match request.format {
        CutFormat::Mp4 => {
            args.extend(["-map", "0:a:0?", "-vf", &chain].map(OsString::from));
            args.extend(
                [
                    "-c:v",
                    "libx264",
                    "-preset",
                    "veryfast",
                    "-crf",
                    "20",
                    "-pix_fmt",
                    "yuv420p",
                    "-c:a",
                    "aac",
                    "-b:a",
                    "160k",
                    "-movflags",
                    "+faststart",
                    "-sn",
                    "-dn",
                    "-map_chapters",
                    "-1",
                    "-f",
                    "mp4",
                ]
                .map(OsString::from),
            );
        }
        CutFormat::Gif => {
            chain.push_str(
                ",split[a][b];[a]palettegen=stats_mode=diff[p];[b][p]paletteuse=dither=bayer:bayer_scale=4",
            );
            args.extend(
                ["-an", "-sn", "-dn", "-filter_complex", &chain, "-loop", "0", "-f", "gif"]
                    .map(OsString::from),
            );
        }
        CutFormat::Webp => {
            args.extend(
                [
                    "-an",
                    "-sn",
                    "-dn",
                    "-vf",
                    &chain,
                    "-c:v",
                    "libwebp_anim",
                    "-quality",
                    "75",
                    "-loop",
                    "0",
                    "-f",
                    "webp",
                ]
                .map(OsString::from),
            );
        }
    }
    args.push(std::path::absolute(&output.partial).map_err(|e| io_error(target, e))?.into_os_string());
    ffmpeg(&args, Some(&work), target, cancel, &mut |ms| {
        progress((ms as f64 / duration as f64).clamp(0.0, 1.0))
    })?;
    if std::fs::metadata(&output.partial).map(|m| m.len()).unwrap_or(0) == 0 {
        return Err(Error::ToolFailed {
            tool: "ffmpeg",
            path: target.to_path_buf(),
            reason: "it wrote nothing".into(),
        });
    }
    output.finish()?;
    progress(1.0);
    Ok(CutReport { path: target.display().to_string(), format: request.format, duration_ms: duration })
}

fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// The lines as SRT in the cut's own time (it starts at 0).
fn srt(lines: &[CueLine], start_ms: i64, end_ms: i64) -> String {
    let stamp = |ms: i64| {
        let ms = ms.clamp(0, end_ms - start_ms);
        format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    };
    let mut text = String::new();
    for (i, line) in lines.iter().enumerate() {
        let words = line.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n");
        let _ = write!(
            text,
            "{}\n{} --> {}\n{words}\n\n",
            i + 1,
            stamp(line.start_ms - start_ms),
            stamp(line.end_ms - start_ms)
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_shifted_into_the_cuts_time_and_clamped_to_it() {
        let lines = [
            CueLine { start_ms: 9_000, end_ms: 11_500, text: "말 타는 장면\n 촬영 중 ".into() },
            CueLine { start_ms: 14_000, end_ms: 20_000, text: "I'm okay.".into() },
        ];
        assert_eq!(
            srt(&lines, 10_000, 15_000),
            "1\n00:00:00,000 --> 00:00:01,500\n말 타는 장면\n촬영 중\n\n2\n00:00:04,000 --> 00:00:05,000\nI'm okay.\n\n"
        );
    }

    #[test]
    fn sizes_and_formats_are_read_as_fans_write_them() {
        assert_eq!(CutSize::parse("720p").unwrap(), CutSize::P720);
        assert_eq!(CutSize::parse(" Original ").unwrap(), CutSize::Original);
        assert!(CutSize::parse("4k").unwrap_err().to_string().starts_with("size: "));
        assert_eq!(CutFormat::from_path(Path::new("a/b.GIF")).unwrap(), CutFormat::Gif);
        assert!(CutFormat::from_path(Path::new("b.avi")).is_err());
    }
}
