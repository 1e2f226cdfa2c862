//! Clips the web view cannot decode, converted as they play:
//! `/clip/{id}/converted?t=SECONDS` answers with ffmpeg's H.264/AAC
//! fragmented MP4 of the clip from that time on, streamed as ffmpeg writes it.
//!
//! WebKitGTK plays what GStreamer can decode; a machine without an AV1
//! decoder (or a clip in a legacy codec) would leave the player frozen at 0:00.
//! The page asks for a conversion when the window says it cannot play the
//! clip's codecs, and seeks by asking again from the new time (the stream
//! itself cannot seek: it has no length and no Range).
//!
//! At most one conversion runs at a time: a new one stops the one before
//! (one window, one player). A conversion also stops when its response is
//! dropped — the player left, or the page asked for another time. The fan's
//! file is only read, by ffmpeg.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::Stdio;
use std::sync::Mutex;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::process::{Child, Command};
use tokio_util::io::ReaderStream;

/// The picture is scaled down to this height at most: 720p keeps up in real
/// time on a two-core laptop (figures in BENCHMARKS.md) and is sharp in the
/// window's player.
const MAX_HEIGHT: u32 = 720;

/// The one conversion running, if any, and a count that names each one.
#[derive(Default)]
pub(crate) struct Conversions {
    running: Mutex<(u64, Option<Child>)>,
}

impl Conversions {
    /// Stops whatever runs and starts ffmpeg on `file` from `start` seconds.
    fn start(&self, file: &Path, start: f64) -> std::io::Result<(u64, tokio::process::ChildStdout)> {
        let mut running = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(mut previous) = running.1.take() {
            let _ = previous.start_kill();
        }
        let mut child = Command::new("ffmpeg")
            .args(arguments(file, start))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let stdout =
            child.stdout.take().ok_or_else(|| std::io::Error::other("ffmpeg gave no output pipe"))?;
        running.0 += 1;
        running.1 = Some(child);
        Ok((running.0, stdout))
    }

    /// Stops conversion `number` if it is still the one running.
    fn stop(&self, number: u64) {
        let mut running = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if running.0 == number
            && let Some(mut child) = running.1.take()
        {
            let _ = child.start_kill();
        }
    }
}

/// ffmpeg's arguments for a conversion of `file` from `start` seconds, written
/// to its standard output (public so the benchmark measures exactly these).
pub fn conversion_arguments(file: &Path, start: f64) -> Vec<OsString> {
    arguments(file, start)
}

/// ffmpeg's arguments: from `start` (a fast seek to the keyframe before it,
/// then decoded exactly to it), the first video and audio streams, H.264 at
/// most 720 pixels high (rotation applied) and stereo AAC, as fragments that
/// play as soon as each arrives.
fn arguments(file: &Path, start: f64) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["-nostdin", "-v", "error", "-ss"].map(OsString::from).to_vec();
    args.push(format!("{start:.3}").into());
    args.push("-i".into());
    args.push(file.as_os_str().to_owned());
    let rest = [
        "-map",
        "0:v:0?",
        "-map",
        "0:a:0?",
        "-sn",
        "-dn",
        "-vf",
        &format!("scale=-2:'min({MAX_HEIGHT},ih)',format=yuv420p"),
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-crf",
        "23",
        "-g",
        "50",
        "-c:a",
        "aac",
        "-b:a",
        "160k",
        "-ac",
        "2",
        "-f",
        "mp4",
        "-movflags",
        "frag_keyframe+empty_moov+default_base_moof",
        "pipe:1",
    ];
    args.extend(rest.iter().map(OsString::from));
    args
}

/// The time asked for in `?t=SECONDS` (0 when absent); `None` when it is not a
/// time at all.
pub(crate) fn start_time(query: Option<&str>) -> Option<f64> {
    let Some(query) = query else { return Some(0.0) };
    let mut start = 0.0;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        if let Some(value) = pair.strip_prefix("t=") {
            start = value.parse::<f64>().ok().filter(|t| t.is_finite() && *t >= 0.0)?;
        }
    }
    Some(start)
}

/// The response for a conversion of `file` from `start`: its body is ffmpeg's
/// output, and dropping it stops ffmpeg.
pub(crate) fn respond(
    shared: std::sync::Arc<crate::Shared>,
    file: PathBuf,
    start: f64,
    head_only: bool,
) -> Response {
    let mut response = if head_only {
        Response::new(Body::empty())
    } else {
        let started = shared.conversions.start(&file, start);
        match started {
            Ok((number, stdout)) => Response::new(Body::from_stream(Stopping {
                stream: ReaderStream::with_capacity(stdout, 64 * 1024),
                shared,
                number,
            })),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "ffmpeg is not installed: nothing can convert this clip",
                )
                    .into_response();
            }
            Err(error) => {
                tracing::warn!("media server: cannot start a conversion: {error}");
                return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("video/mp4"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("none"));
    response
}

/// ffmpeg's output as a body that stops its conversion when dropped.
struct Stopping {
    stream: ReaderStream<tokio::process::ChildStdout>,
    shared: std::sync::Arc<crate::Shared>,
    number: u64,
}

impl futures_core::Stream for Stopping {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.stream).poll_next(cx)
    }
}

impl Drop for Stopping {
    fn drop(&mut self) {
        self.shared.conversions.stop(self.number);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_time_is_read_from_the_query_or_refused() {
        assert_eq!(start_time(None), Some(0.0));
        assert_eq!(start_time(Some("t=12.5")), Some(12.5));
        assert_eq!(start_time(Some("x=1&t=3")), Some(3.0));
        assert_eq!(start_time(Some("")), Some(0.0));
        assert_eq!(start_time(Some("t=-1")), None);
        assert_eq!(start_time(Some("t=NaN")), None);
        assert_eq!(start_time(Some("t=inf")), None);
        assert_eq!(start_time(Some("t=abc")), None);
    }

    #[test]
    fn the_conversion_reads_the_file_from_the_time_and_writes_only_to_its_pipe() {
        let args: Vec<String> = arguments(Path::new("/clips/a b.webm"), 61.25)
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let at = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].as_str());
        assert_eq!(at("-ss"), Some("61.250"));
        assert_eq!(at("-i"), Some("/clips/a b.webm"));
        assert_eq!(at("-c:v"), Some("libx264"));
        assert_eq!(args.last().map(String::as_str), Some("pipe:1"));
        // -ss before -i: a fast seek, not decoding the whole clip up to it.
        assert!(args.iter().position(|a| a == "-ss") < args.iter().position(|a| a == "-i"));
        assert!(!args.iter().any(|a| a == "-y"), "ffmpeg never writes a file");
    }
}
