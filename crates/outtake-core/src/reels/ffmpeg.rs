//! What exports and cuts share: the output file (a temporary name in the
//! target folder, renamed over the target only when whole), ffmpeg run with
//! its progress read as it goes and stopped when the caller cancels, and the
//! few ffprobe questions they ask (streams, keyframes, durations).
//!
//! The output's folder is the fan's choice; nothing is written anywhere else
//! (not beside the clips, not in /tmp), and a target that is one of the clips
//! read is refused even with `force`.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::process::{RunError, run};

/// How much of ffmpeg's complaints is kept for the error message.
const STDERR_KEPT: u64 = 16 * 1024;

/// A file being made: written under a temporary name beside its target and
/// renamed at the end, so a failure (a full disk, a cancel, a crash of
/// ffmpeg) never leaves a half file under the target's name. Dropped before
/// [`Output::finish`], it removes what it wrote.
pub(crate) struct Output {
    pub target: PathBuf,
    /// The file being written.
    pub partial: PathBuf,
    /// A folder for the pieces a video is made of, made on first use.
    work: Option<PathBuf>,
    done: bool,
}

/// Tells the temporary names of concurrent jobs in one process apart.
static SERIAL: AtomicU64 = AtomicU64::new(0);

impl Output {
    /// Checks the target and picks the temporary name. An existing target is
    /// refused unless `force`; one of `sources` is refused always.
    pub fn new(target: &Path, force: bool, sources: &[&Path]) -> Result<Output> {
        let name = target
            .file_name()
            .ok_or_else(|| Error::invalid("output", format!("{} does not name a file", target.display())))?;
        let folder = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if !folder.is_dir() {
            return Err(Error::invalid("output", format!("the folder {} does not exist", folder.display())));
        }
        let same_file = |source: &Path| match (std::fs::canonicalize(source), std::fs::canonicalize(target)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
        if sources.iter().any(|source| same_file(source)) {
            return Err(Error::invalid(
                "output",
                format!("{} is one of the clips it is made from; clips are never written", target.display()),
            ));
        }
        match std::fs::symlink_metadata(target) {
            Ok(meta) if meta.is_dir() => {
                return Err(Error::invalid("output", format!("{} is a folder", target.display())));
            }
            Ok(_) if !force => return Err(Error::OutputExists { path: target.to_path_buf() }),
            _ => {}
        }
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let mut partial_name = OsString::from(".");
        partial_name.push(name);
        partial_name.push(format!(".outtake-{}-{serial}.part", std::process::id()));
        Ok(Output {
            target: target.to_path_buf(),
            partial: folder.join(partial_name),
            work: None,
            done: false,
        })
    }

    /// A folder for intermediate pieces, beside the target (hidden, removed at the end).
    pub fn work_dir(&mut self) -> Result<PathBuf> {
        if let Some(work) = &self.work {
            return Ok(work.clone());
        }
        let mut name = self.partial.file_name().unwrap_or_default().to_os_string();
        name.push(".d");
        let work = self.partial.with_file_name(name);
        std::fs::create_dir(&work).map_err(|source| io_error(&work, source))?;
        self.work = Some(work.clone());
        Ok(work)
    }

    /// Writes bytes to the temporary file (flushed to disk).
    pub fn write_all(&self, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let written = (|| {
            let mut file = std::fs::File::create_new(&self.partial)?;
            file.write_all(bytes)?;
            file.sync_all()
        })();
        written.map_err(|source| io_error(&self.target, source))
    }

    /// Renames the finished file over the target.
    pub fn finish(mut self) -> Result<PathBuf> {
        std::fs::rename(&self.partial, &self.target).map_err(|source| io_error(&self.target, source))?;
        self.done = true;
        Ok(self.target.clone())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Some(work) = &self.work {
            let _ = std::fs::remove_dir_all(work);
        }
        if !self.done {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

/// An I/O error on the output: a full disk named as such.
pub(crate) fn io_error(path: &Path, source: std::io::Error) -> Error {
    if source.raw_os_error() == Some(28) {
        return Error::OutputDiskFull { path: path.to_path_buf() };
    }
    Error::Io { path: path.to_path_buf(), source }
}

/// Runs ffmpeg with `args` (after `-nostdin -y -progress`), calling
/// `on_time` with how far into its output it is (ms), and stopping it as soon
/// as `cancel` is set. `target` names the file in errors.
pub(crate) fn ffmpeg(
    args: &[OsString],
    cwd: Option<&Path>,
    target: &Path,
    cancel: &AtomicBool,
    on_time: &mut dyn FnMut(i64),
) -> Result<()> {
    let mut command = Command::new("ffmpeg");
    command.args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-nostats", "-progress", "pipe:1"]);
    command.args(args);
    if let Some(cwd) = cwd {
        command.current_dir(cwd);
    }
    let spawned = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::ToolMissing { tool: "ffmpeg" });
        }
        Err(source) => return Err(Error::Io { path: "ffmpeg".into(), source }),
    };
    let (times, heard) = mpsc::channel::<i64>();
    let stdout = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(std::io::Result::ok) {
            if let Some(us) = line.strip_prefix("out_time_us=").and_then(|v| v.trim().parse::<i64>().ok()) {
                let _ = times.send(us / 1000);
            }
        }
    });
    let stderr = child.stderr.take().expect("piped");
    let complaints = crate::process::keep_stderr(stderr, STDERR_KEPT);
    let status = loop {
        while let Ok(ms) = heard.try_recv() {
            on_time(ms);
        }
        if cancel.load(Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::Cancelled { path: target.to_path_buf() });
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(source) => return Err(Error::Io { path: "ffmpeg".into(), source }),
        }
    };
    let _ = reader.join();
    while let Ok(ms) = heard.try_recv() {
        on_time(ms);
    }
    let stderr = complaints.join().unwrap_or_default();
    // Ctrl-C reaches ffmpeg too, which then ends its file early and may
    // exit as if done: a file finished after a cancel is not a whole one.
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Cancelled { path: target.to_path_buf() });
    }
    if status.success() {
        return Ok(());
    }
    if stderr.contains("No space left on device") {
        return Err(Error::OutputDiskFull { path: target.to_path_buf() });
    }
    let reason = stderr.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("it exited with an error");
    Err(Error::ToolFailed { tool: "ffmpeg", path: target.to_path_buf(), reason: reason.to_string() })
}

/// What ffprobe says about a clip's first video and audio streams.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Streams {
    pub video_codec: Option<String>,
    pub width: i64,
    pub height: i64,
    /// Frames per second (the stream's average), 25 when unknown.
    pub fps: f64,
    pub audio_codec: Option<String>,
    pub duration_ms: Option<i64>,
}

fn ffprobe(path: &Path, args: &[&str]) -> Result<String> {
    let mut command = Command::new("ffprobe");
    command.args(["-v", "error"]).args(args).arg("-i").arg(path);
    match run(&mut command, Duration::from_secs(120), 16 << 20) {
        Ok(finished) if finished.success => Ok(String::from_utf8_lossy(&finished.stdout).into_owned()),
        Ok(finished) => {
            Err(Error::ToolFailed { tool: "ffprobe", path: path.to_path_buf(), reason: finished.reason() })
        }
        Err(RunError::Missing) => Err(Error::ToolMissing { tool: "ffprobe" }),
        Err(RunError::TimedOut) => Err(Error::ToolFailed {
            tool: "ffprobe",
            path: path.to_path_buf(),
            reason: "it took longer than 2 minutes".into(),
        }),
        Err(RunError::TooMuchOutput(_)) => Err(Error::ToolFailed {
            tool: "ffprobe",
            path: path.to_path_buf(),
            reason: "it printed more than expected".into(),
        }),
        Err(RunError::Io(source)) => Err(Error::Io { path: path.to_path_buf(), source }),
    }
}

pub(crate) fn streams(path: &Path) -> Result<Streams> {
    let json = ffprobe(
        path,
        &[
            "-show_entries",
            "stream=codec_type,codec_name,width,height,avg_frame_rate:format=duration",
            "-of",
            "json",
        ],
    )?;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let list = value["streams"].as_array().cloned().unwrap_or_default();
    let first = |kind: &str| list.iter().find(|s| s["codec_type"] == kind).cloned();
    let video = first("video");
    let audio = first("audio");
    let fps = video
        .as_ref()
        .and_then(|v| v["avg_frame_rate"].as_str().map(str::to_string))
        .and_then(|rate| {
            let (n, d) = rate.split_once('/')?;
            let (n, d) = (n.parse::<f64>().ok()?, d.parse::<f64>().ok()?);
            (n > 0.0 && d > 0.0).then_some(n / d)
        })
        .unwrap_or(25.0);
    Ok(Streams {
        video_codec: video.as_ref().and_then(|v| v["codec_name"].as_str().map(str::to_string)),
        width: video.as_ref().and_then(|v| v["width"].as_i64()).unwrap_or(0),
        height: video.as_ref().and_then(|v| v["height"].as_i64()).unwrap_or(0),
        fps,
        audio_codec: audio.and_then(|a| a["codec_name"].as_str().map(str::to_string)),
        duration_ms: value["format"]["duration"]
            .as_str()
            .and_then(|d| d.parse::<f64>().ok())
            .map(|s| (s * 1000.0).round() as i64),
    })
}

/// The last video keyframe at or before `at_ms` (looking back at most 30 s),
/// read from packet flags, so nothing is decoded.
pub(crate) fn keyframe_before(path: &Path, at_ms: i64) -> Result<Option<i64>> {
    let from = (at_ms - 30_000).max(0) as f64 / 1000.0;
    let to = (at_ms + 1) as f64 / 1000.0;
    let interval = format!("{from:.3}%{to:.3}");
    let csv = ffprobe(
        path,
        &[
            "-select_streams",
            "v:0",
            "-read_intervals",
            &interval,
            "-show_entries",
            "packet=pts_time,flags",
            "-of",
            "csv=p=0",
        ],
    )?;
    let keyframes = csv.lines().filter_map(|line| {
        let (time, flags) = line.split_once(',')?;
        let ms = (time.parse::<f64>().ok()? * 1000.0).round() as i64;
        flags.starts_with('K').then_some(ms)
    });
    Ok(keyframes.filter(|ms| *ms <= at_ms).max())
}
