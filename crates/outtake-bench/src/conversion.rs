//! `outtake-bench --conversion`: how fast the media server's conversion (a
//! clip the window cannot decode, played as H.264/AAC) runs on this machine,
//! as a multiple of real time, for AV1 sources at 720p and 1080p — and how
//! long the first bytes take, against plain decoding of the same file as the
//! baseline. Uses exactly the server's ffmpeg arguments.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Seconds of each source clip.
const SECONDS: f64 = 20.0;

pub fn conversion(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    println!("| source | decode only | conversion | × real time | first 256 KiB after |");
    println!("|---|---:|---:|---:|---:|");
    for (name, size) in [("720p", "1280x720"), ("1080p", "1920x1080")] {
        let source = dir.join(format!("av1-{name}-{SECONDS}s.mkv"));
        if !source.exists() {
            make_source(&source, size)?;
        }
        let decode = timed(
            Command::new("ffmpeg")
                .args(["-nostdin", "-v", "error", "-i"])
                .arg(&source)
                .args(["-f", "null", "-"]),
        )?;
        let (whole, first) = convert(&source)?;
        println!(
            "| AV1 {name}, {SECONDS} s | {:.2} s | {:.2} s | {:.1}× | {:.0} ms |",
            decode.as_secs_f64(),
            whole.as_secs_f64(),
            SECONDS / whole.as_secs_f64(),
            first.as_secs_f64() * 1000.0
        );
    }
    Ok(())
}

/// A 20 s AV1 clip (moving test picture, a tone) made once with SVT-AV1.
fn make_source(out: &Path, size: &str) -> Result<()> {
    eprintln!("making {} (once)", out.display());
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size={size}:rate=30:duration={SECONDS}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={SECONDS}"))
        .args(["-c:v", "libsvtav1", "-preset", "12", "-c:a", "libopus"])
        .env("SVT_LOG", "1")
        .arg(out)
        .status()
        .context("running ffmpeg")?;
    if !status.success() {
        bail!("ffmpeg could not make {}", out.display());
    }
    Ok(())
}

/// The conversion of the whole clip as the server runs it: total time, and
/// the time until the first 256 KiB came out (what a player waits before it
/// can show a frame).
fn convert(source: &Path) -> Result<(Duration, Duration)> {
    let started = Instant::now();
    let mut child = Command::new("ffmpeg")
        .args(outtake_serve::conversion_arguments(source, 0.0))
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .context("running ffmpeg")?;
    let mut out = child.stdout.take().context("no pipe")?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0usize;
    let mut first = None;
    loop {
        let read = out.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        total += read;
        if first.is_none() && total >= 256 * 1024 {
            first = Some(started.elapsed());
        }
    }
    if !child.wait()?.success() {
        bail!("the conversion of {} failed", source.display());
    }
    Ok((started.elapsed(), first.unwrap_or_else(|| started.elapsed())))
}

fn timed(command: &mut Command) -> Result<Duration> {
    let started = Instant::now();
    if !command.status().context("running ffmpeg")?.success() {
        bail!("{command:?} failed");
    }
    Ok(started.elapsed())
}
