//! Running ffmpeg and ffprobe: a time limit, output read on threads so a full
//! pipe never blocks the child, and "not installed" told apart from failure.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    Io(std::io::Error),
}

/// Runs `command` (stdin closed) and waits at most `timeout` for it.
pub(crate) fn run(command: &mut Command, timeout: Duration) -> Result<Finished, RunError> {
    let spawned = command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(RunError::Missing),
        Err(error) => return Err(RunError::Io(error)),
    };
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
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
    Ok(Finished {
        success: status.success(),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    })
}

impl Finished {
    /// The first line ffmpeg or ffprobe printed about what went wrong.
    pub fn reason(&self) -> String {
        let line = self.stderr.lines().next().unwrap_or("it exited with an error").trim();
        line.rsplit_once(": ").map_or(line, |(_, reason)| reason).to_string()
    }
}
