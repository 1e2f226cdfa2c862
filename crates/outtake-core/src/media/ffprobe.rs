//! The fallback reader: ffprobe, for containers the built-in readers do not
//! read (MPEG-TS, AVI, FLV…). Each run costs a process start (60–100 ms), so at
//! most two run at once, each with a time limit.

use std::path::Path;
use std::process::Command;
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde_json::Value;

use super::{Container, Probe, ProbeError, ProbeSource, SubtitleStream, blank, round_fps};
use crate::process::{self, RunError};

const MAX_RUNNING: usize = 2;
/// ffprobe's JSON about a real file is a few KiB; its tags are as long as the
/// file makes them, so more than this is not read.
const MAX_JSON: usize = 4 * 1024 * 1024;
static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A slot among the ffprobe processes allowed to run; freed on drop.
struct Slot;

impl Slot {
    fn take() -> Slot {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= MAX_RUNNING {
            running = FREED.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        *running -= 1;
        FREED.notify_one();
    }
}

/// Runs ffprobe on a file, killing it after `timeout`.
pub fn probe_ffprobe(path: &Path, timeout: Duration) -> Result<Probe, ProbeError> {
    let _slot = Slot::take();
    let mut command = Command::new("ffprobe");
    command.args(["-v", "error", "-print_format", "json", "-show_format", "-show_streams", "--"]).arg(path);
    let finished = match process::run(&mut command, timeout, MAX_JSON) {
        Ok(finished) => finished,
        Err(RunError::Missing) => return Err(ProbeError::FfprobeMissing),
        Err(RunError::TimedOut) => {
            return Err(ProbeError::Timeout { path: path.to_path_buf(), seconds: timeout.as_secs() });
        }
        Err(RunError::Io(source)) => return Err(ProbeError::Io { path: path.to_path_buf(), source }),
        Err(RunError::TooMuchOutput(limit)) => {
            let why = format!("it says more than {} MiB about the file", limit >> 20);
            return Err(ProbeError::FfprobeFailed { path: path.to_path_buf(), why });
        }
    };
    if !finished.success {
        return Err(ProbeError::FfprobeFailed { path: path.to_path_buf(), why: finished.reason() });
    }
    parse_ffprobe_json(&finished.stdout)
        .map_err(|why| ProbeError::FfprobeFailed { path: path.to_path_buf(), why })
}

fn container(format_name: &str) -> Container {
    let names: Vec<&str> = format_name.split(',').collect();
    let has = |n: &str| names.contains(&n);
    if has("mov") || has("mp4") {
        Container::Mp4
    } else if has("webm") && !has("matroska") {
        Container::WebM
    } else if has("matroska") {
        Container::Matroska
    } else if has("mpegts") {
        Container::MpegTs
    } else if has("avi") {
        Container::Avi
    } else if has("flv") {
        Container::Flv
    } else if has("asf") {
        Container::Asf
    } else if has("ogg") {
        Container::Ogg
    } else {
        Container::MpegPs
    }
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64().or_else(|| value.as_str()?.trim().parse().ok()).filter(|n: &f64| n.is_finite())
}

/// "30000/1001" → 29.97.
fn rate(value: &Value) -> Option<f64> {
    let (num, den) = value.as_str()?.split_once('/')?;
    let (num, den): (f64, f64) = (num.parse().ok()?, den.parse().ok()?);
    (den > 0.0 && num > 0.0).then(|| num / den).and_then(round_fps)
}

/// Clockwise rotation: the `rotate` tag, or minus the display matrix's angle.
fn stream_rotation(stream: &Value) -> i64 {
    let tag = stream.pointer("/tags/rotate").and_then(number);
    let matrix = stream
        .get("side_data_list")
        .and_then(Value::as_array)
        .and_then(|list| list.iter().find_map(|s| s.get("rotation").and_then(number)))
        .map(|r| -r);
    let degrees = tag.or(matrix).unwrap_or(0.0).round() as i64;
    (degrees.rem_euclid(360) + 45) / 90 * 90 % 360
}

/// Reads ffprobe's `-print_format json -show_format -show_streams` output.
pub fn parse_ffprobe_json(json: &[u8]) -> Result<Probe, String> {
    let root: Value = serde_json::from_slice(json).map_err(|e| format!("unreadable ffprobe output: {e}"))?;
    // Some recorded outputs carry streams only.
    let empty = Value::Object(serde_json::Map::new());
    let format = root.get("format").unwrap_or(&empty);
    let streams = root.get("streams").and_then(Value::as_array).cloned().unwrap_or_default();
    let kind = |s: &&Value, k: &str| s.get("codec_type").and_then(Value::as_str) == Some(k);
    let cover = |s: &&Value| s.pointer("/disposition/attached_pic").and_then(Value::as_i64) == Some(1);
    let video = streams.iter().find(|s| kind(s, "video") && !cover(s));
    let audio = streams.iter().find(|s| kind(s, "audio"));
    if video.is_none() && audio.is_none() {
        return Err("no audio or video stream".into());
    }
    let container = container(format.get("format_name").and_then(Value::as_str).unwrap_or(""));
    let mut probe = Probe { source: ProbeSource::Ffprobe, ..blank(container) };
    let duration = format
        .get("duration")
        .and_then(number)
        .or_else(|| streams.iter().filter_map(|s| s.get("duration").and_then(number)).reduce(f64::max));
    probe.duration_ms = duration.filter(|d| *d >= 0.0).map(|d| (d * 1000.0).round() as i64);
    if let Some(video) = video {
        probe.video_codec = video.get("codec_name").and_then(Value::as_str).map(str::to_string);
        probe.rotation = stream_rotation(video);
        let (w, h) =
            (video.get("width").and_then(Value::as_i64), video.get("height").and_then(Value::as_i64));
        (probe.width, probe.height) = if probe.rotation % 180 == 90 { (h, w) } else { (w, h) };
        probe.fps =
            video.get("avg_frame_rate").and_then(rate).or_else(|| video.get("r_frame_rate").and_then(rate));
    }
    probe.audio_codec = audio.and_then(|a| a.get("codec_name")).and_then(Value::as_str).map(str::to_string);
    let subtitles = streams.iter().filter(|s| kind(s, "subtitle"));
    probe.subtitles = subtitles
        .enumerate()
        .filter(|(_, s)| {
            let codec = s.get("codec_name").and_then(Value::as_str).unwrap_or("");
            matches!(codec, "subrip" | "ass" | "ssa" | "webvtt" | "mov_text" | "text")
        })
        .map(|(index, s)| SubtitleStream {
            index,
            lang: s.pointer("/tags/language").and_then(Value::as_str).and_then(super::short_lang),
            ass: matches!(s.get("codec_name").and_then(Value::as_str), Some("ass" | "ssa")),
        })
        .collect();
    probe.created = format.pointer("/tags/creation_time").and_then(Value::as_str).and_then(normalise_time);
    Ok(probe)
}

/// `2021-09-14T03:04:05.000000Z` → `2021-09-14T03:04:05Z`; unset clocks (1904, 1970) → None.
fn normalise_time(text: &str) -> Option<String> {
    let head = text.get(..19)?;
    let year: i64 = head.get(..4)?.parse().ok()?;
    (year > 1971 && head.as_bytes().get(10) == Some(&b'T')).then(|| format!("{head}Z"))
}
