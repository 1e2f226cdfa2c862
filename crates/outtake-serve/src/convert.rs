//! Clips the web view cannot decode, converted as they play:
//! `/clip/{id}/converted?t=SECONDS` answers with ffmpeg's H.264/AAC
//! fragmented MP4 of the clip from that time on, streamed as ffmpeg writes it.
//!
//! WebKitGTK plays what GStreamer can decode; a machine without an AV1
//! decoder (or a clip in a legacy codec) would leave the player frozen at 0:00.
//! The page asks for a conversion when the window says it cannot play the
//! clip's codecs, and seeks by asking again from the new time (the stream
//! itself cannot seek: it has no length, so a Range from byte 0 gets the whole
//! stream and a Range from anywhere else is refused, 416).
//!
//! Each response owns its ffmpeg, which stops when the response is dropped —
//! the player left, or the page asked for another time — so a second ask for
//! the same stream (a media player may ask again, with `Range: bytes=0-`, say,
//! while it still reads the first) never cuts the first short. At most
//! [`MAX_CONVERSIONS`] run at once: one more stops the oldest, so a player
//! that leaks requests cannot fill the machine with encoders. A stopped or
//! failed conversion ends its response with an error, not a clean end, so the
//! player sees a cut stream rather than a short one. The fan's file is only
//! read, by ffmpeg.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{ExitStatus, Stdio};
use std::sync::Mutex;
use std::task::{Context, Poll, ready};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::oneshot;
use tokio_util::io::ReaderStream;
use tokio_util::sync::{CancellationToken, DropGuard};

/// The picture is scaled down to this height at most: 720p keeps up in real
/// time on a two-core laptop (figures in BENCHMARKS.md) and is sharp in the
/// window's player.
const MAX_HEIGHT: u32 = 720;

/// How many conversions run at once at most: the stream playing and a second
/// ask for it (or the next one) while the player lets go of the first. Each
/// takes about a core.
const MAX_CONVERSIONS: usize = 2;

/// The conversions that may still run, oldest first: the token that stops each.
#[derive(Default)]
pub(crate) struct Conversions {
    running: Mutex<VecDeque<CancellationToken>>,
}

impl Conversions {
    /// Starts ffmpeg on `file` from `start` seconds, stopping the oldest
    /// conversion if [`MAX_CONVERSIONS`] already run.
    fn start(&self, file: &Path, start: f64) -> std::io::Result<Stopping> {
        let mut child = Command::new("ffmpeg")
            .args(arguments(file, start))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let stdout =
            child.stdout.take().ok_or_else(|| std::io::Error::other("ffmpeg gave no output pipe"))?;
        let stop = CancellationToken::new();
        {
            let mut running = self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            // A dropped response has already stopped its conversion.
            running.retain(|token| !token.is_cancelled());
            while running.len() >= MAX_CONVERSIONS {
                if let Some(oldest) = running.pop_front() {
                    oldest.cancel();
                }
            }
            running.push_back(stop.clone());
        }
        let (ended, end) = oneshot::channel();
        tokio::spawn(watch(child, stop.clone(), ended));
        Ok(Stopping {
            stream: ReaderStream::with_capacity(stdout, 64 * 1024),
            end,
            done: false,
            _stop: stop.drop_guard(),
        })
    }
}

/// How a conversion ended.
#[derive(Debug)]
enum Ended {
    /// ffmpeg wrote the whole stream and exited.
    Finished,
    /// A newer conversion, or the response's drop, stopped it.
    Stopped,
    /// ffmpeg failed, or could not be waited for.
    Failed(String),
}

/// Waits for ffmpeg to exit, or kills it when `stop` is cancelled, and says
/// how it ended.
async fn watch(mut child: Child, stop: CancellationToken, ended: oneshot::Sender<Ended>) {
    let how = tokio::select! {
        status = child.wait() => exited(status),
        () = stop.cancelled() => {
            // kill() also waits, so no zombie is left behind.
            let _ = child.kill().await;
            Ended::Stopped
        }
    };
    let _ = ended.send(how);
}

fn exited(status: std::io::Result<ExitStatus>) -> Ended {
    match status {
        Ok(status) if status.success() => Ended::Finished,
        Ok(status) => Ended::Failed(format!("ffmpeg {status}")),
        Err(error) => Ended::Failed(format!("cannot wait for ffmpeg: {error}")),
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

/// Whether a `Range` header asks for bytes the stream cannot give: a bytes
/// range none of whose parts starts at byte 0. A range from 0 (`bytes=0-`,
/// or a probe like `bytes=0-1`) is answered with the whole stream, as HTTP
/// lets a server that ignores Range do; so is a header that is no bytes range.
fn past_the_start(range: Option<&HeaderValue>) -> bool {
    let Some(specs) = range.and_then(|r| r.to_str().ok()).and_then(|r| r.trim().strip_prefix("bytes="))
    else {
        return false;
    };
    !specs.split(',').any(|spec| spec.trim().split_once('-').is_some_and(|(first, _)| first.trim() == "0"))
}

/// The response to `request` for a conversion of `file` from `start`: its
/// body is ffmpeg's output, and dropping it stops ffmpeg.
pub(crate) fn respond(conversions: &Conversions, file: PathBuf, start: f64, request: &Request) -> Response {
    if past_the_start(request.headers().get(header::RANGE)) {
        let mut refused =
            (StatusCode::RANGE_NOT_SATISFIABLE, "a converted stream is only served from its start")
                .into_response();
        refused.headers_mut().insert(header::ACCEPT_RANGES, HeaderValue::from_static("none"));
        return refused;
    }
    let mut response = if request.method() == Method::HEAD {
        Response::new(Body::empty())
    } else {
        match conversions.start(&file, start) {
            Ok(stream) => Response::new(Body::from_stream(stream)),
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

/// ffmpeg's output as a body: it ends cleanly only when ffmpeg finished, and
/// dropping it stops ffmpeg.
struct Stopping {
    stream: ReaderStream<ChildStdout>,
    /// How ffmpeg ended, told once its output has ended.
    end: oneshot::Receiver<Ended>,
    done: bool,
    _stop: DropGuard,
}

impl futures_core::Stream for Stopping {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        if let Some(bytes) = ready!(Pin::new(&mut self.stream).poll_next(cx)) {
            return Poll::Ready(Some(bytes));
        }
        let ended = ready!(Pin::new(&mut self.end).poll(cx));
        self.done = true;
        // An error, not an end: the player must not take a cut stream for the whole.
        Poll::Ready(match ended {
            Ok(Ended::Finished) => None,
            Ok(Ended::Stopped) => Some(Err(std::io::Error::other("a newer conversion stopped this one"))),
            Ok(Ended::Failed(why)) => {
                tracing::warn!("media server: a conversion failed: {why}");
                Some(Err(std::io::Error::other(why)))
            }
            Err(_) => Some(Err(std::io::Error::other("the conversion's watcher is gone"))),
        })
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
    fn a_range_from_byte_0_gets_the_stream_and_any_other_is_refused() {
        for (range, refused) in [
            (None, false),
            (Some("bytes=0-"), false),
            (Some("bytes=0-1"), false),
            (Some(" bytes= 0 -99, 200-"), false),
            (Some("bytes=1000-"), true),
            (Some("bytes=-500"), true),
            (Some("bytes=10-20,30-"), true),
            (Some("items=5-"), false),
            (Some("nonsense"), false),
        ] {
            let header = range.map(|r| HeaderValue::from_str(r).unwrap());
            assert_eq!(past_the_start(header.as_ref()), refused, "{range:?}");
        }
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
