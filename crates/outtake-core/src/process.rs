//! Running ffmpeg and ffprobe: a time limit, output read on threads so a full
//! pipe never blocks the child, a bound on what is kept of that output, and
//! "not installed" told apart from failure. Background work (posters,
//! storyboards, reading, content keys) runs its children at low priority
//! through [`low_priority`].

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How much of stderr is kept: the first lines say what went wrong; the rest
/// (a damaged file can make ffmpeg print a line per packet) is read and dropped.
const STDERR_KEPT: u64 = 64 * 1024;

/// The niceness of background children: below the window, above nothing.
pub const NICENESS: &str = "10";

/// A command that runs `program` niced, so background work never slows the
/// fan's: `nice` is in every Linux and macOS base system; elsewhere the
/// program runs at normal priority. [`run`] tells a program `nice` could not
/// find from one that failed.
pub(crate) fn low_priority(program: &str) -> Command {
    if Path::new("/usr/bin/nice").exists() {
        let mut command = Command::new("/usr/bin/nice");
        command.args(["-n", NICENESS, program]);
        command
    } else {
        Command::new(program)
    }
}

/// What a finished tool run left behind.
pub(crate) struct Finished {
    pub success: bool,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

pub(crate) enum RunError {
    /// The program is not on this machine.
    Missing,
    /// It ran past the time limit and was killed.
    TimedOut,
    /// It printed more than the caller takes (this many bytes) and was killed.
    TooMuchOutput(usize),
    Io(std::io::Error),
}

/// Runs `command` (stdin closed) and waits at most `timeout` for it. At most
/// `max_stdout` bytes of its output are held, and a tool that prints more is
/// stopped: what ffmpeg prints is as big as the file it reads makes it (a 1 GB
/// video can carry a 1 GB subtitle track), and collected whole it all came
/// into the app's memory.
pub(crate) fn run(command: &mut Command, timeout: Duration, max_stdout: usize) -> Result<Finished, RunError> {
    let spawned = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(RunError::Missing),
        Err(error) => return Err(RunError::Io(error)),
    };
    let stdout = child.stdout.take().expect("piped");
    let stderr = child.stderr.take().expect("piped");
    let overflowed = Arc::new(AtomicBool::new(false));
    let overflow = Arc::clone(&overflowed);
    let out = std::thread::spawn(move || {
        let bytes = read_at_most(stdout, max_stdout);
        if bytes.len() > max_stdout {
            overflow.store(true, Ordering::Relaxed);
        }
        bytes
    });
    let err = keep_stderr(stderr, STDERR_KEPT);
    let started = Instant::now();
    let status = loop {
        if overflowed.load(Ordering::Relaxed) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TooMuchOutput(max_stdout));
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(error) => return Err(RunError::Io(error)),
        }
    };
    let stdout = out.join().unwrap_or_default();
    if stdout.len() > max_stdout {
        return Err(RunError::TooMuchOutput(max_stdout));
    }
    let stderr = err.join().unwrap_or_default();
    // `nice` exits 127 and says so (`/usr/bin/nice: ‘ffmpeg’: No such file…`)
    // when it cannot find the program it was to run.
    if status.code() == Some(127) && stderr.split(':').next().is_some_and(|name| name.ends_with("nice")) {
        return Err(RunError::Missing);
    }
    Ok(Finished { success: status.success(), stdout, stderr })
}

/// Reads up to `limit` bytes and one more, which says there was more. The
/// buffer doubles as it fills but never past that (`read_to_end` would double
/// a 16 MiB buffer to 32 MiB for the one byte that says "too much").
/// Reads a child's standard error on a thread: its first `kept` bytes as
/// text, the rest drained so the child never blocks on a full pipe.
pub(crate) fn keep_stderr(
    mut stderr: std::process::ChildStderr,
    kept: u64,
) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut first = Vec::new();
        let _ = (&mut stderr).take(kept).read_to_end(&mut first);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        String::from_utf8_lossy(&first).into_owned()
    })
}

fn read_at_most(mut reader: impl Read, limit: usize) -> Vec<u8> {
    let most = limit.saturating_add(1);
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    while bytes.len() < most {
        let room = (most - bytes.len()).min(chunk.len());
        let n = match reader.read(&mut chunk[..room]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if bytes.len() + n > bytes.capacity() {
            let grown = (bytes.capacity() * 2).max(bytes.len() + n).min(most);
            bytes.reserve_exact(grown - bytes.len());
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    bytes
}

impl Finished {
    /// The first line ffmpeg or ffprobe printed about what went wrong.
    pub fn reason(&self) -> String {
        let line = self.stderr.lines().next().unwrap_or("it exited with an error").trim();
        line.rsplit_once(": ").map_or(line, |(_, reason)| reason).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_program_nice_cannot_find_is_missing() {
        let mut command = low_priority("outtake-no-such-program");
        assert!(matches!(run(&mut command, Duration::from_secs(30), 1024), Err(RunError::Missing)));
    }

    #[test]
    fn output_past_the_limit_stops_the_tool() {
        // `yes` never ends by itself: only the limit stops it, long before the timeout.
        match run(&mut sh("yes outtake"), Duration::from_secs(60), 1 << 20) {
            Err(RunError::TooMuchOutput(limit)) => assert_eq!(limit, 1 << 20),
            Err(RunError::Missing) => eprintln!("no sh: skipped"),
            Ok(finished) => panic!("kept {} bytes of a 1 MiB limit", finished.stdout.len()),
            Err(_) => panic!("stopped for another reason than its output"),
        }
    }

    #[test]
    fn reading_stops_one_byte_past_the_limit_with_no_room_to_spare() {
        let endless = std::io::repeat(7);
        let bytes = read_at_most(endless, 1_000_000);
        assert_eq!(bytes.len(), 1_000_001);
        assert_eq!(bytes.capacity(), 1_000_001);
        assert_eq!(read_at_most(&b"short"[..], 1_000_000), b"short");
    }

    #[test]
    fn output_up_to_the_limit_is_kept_whole() {
        let Ok(finished) = run(&mut sh("head -c 4096 /dev/zero"), Duration::from_secs(60), 4096) else {
            panic!("4096 bytes fit a 4096-byte limit");
        };
        assert!(finished.success);
        assert_eq!(finished.stdout.len(), 4096);
    }

    #[test]
    fn stderr_keeps_its_first_lines_and_drains_the_rest() {
        // 1 MiB of complaints: read to the end (the tool never blocks on a full
        // pipe) but only the start is held.
        let script =
            "echo 'x.mkv: first complaint' >&2; head -c 1048576 /dev/zero | tr '\\0' 'e' >&2; exit 3";
        let Ok(finished) = run(&mut sh(script), Duration::from_secs(60), 1024) else {
            panic!("a tool that fails is still a finished run");
        };
        assert!(!finished.success);
        assert_eq!(finished.stderr.len() as u64, STDERR_KEPT);
        assert_eq!(finished.reason(), "first complaint");
    }
}
