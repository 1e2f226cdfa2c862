//! `outtake-bench --storyboards`: how fast storyboards are made from 1080p
//! H.264 (the core's own `make_storyboard`, one ffmpeg pass per clip)
//! against the obvious way, one `ffmpeg -ss` seek per tile, on the same
//! clips in the same run. The seeks use the poster recipe (`-noaccurate_seek`,
//! the keyframe before the time: the same accuracy as keyframe tiles) and,
//! for the sparse clip, accurate seeks (the same accuracy as its full decode).
//! Both run under `nice -n 10`, as the storyboards do in the app.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use outtake_core::import::boards::{StoryboardJob, interval_for, make_storyboard};

/// The clips: name, keyframe options, seconds. A 20 s piece is encoded once
/// and copied end to end to the length (cheap, and the bitstream is real).
const CLIPS: &[(&str, &[&str], u32)] = &[
    ("gop2s", &["-g", "60", "-sc_threshold", "0"], 180),
    ("x264default", &[], 180),
    ("gop12s", &["-g", "360", "-keyint_min", "360", "-sc_threshold", "0"], 180),
];

pub fn storyboards(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    println!(
        "| 1080p30 H.264 clip | length | tiles | storyboard (one pass) | one seek per tile | faster | video minutes per minute |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let (mut ours_total, mut seeks_total, mut video_total) = (Duration::ZERO, Duration::ZERO, 0.0);
    for (name, keyframes, seconds) in CLIPS {
        let clip = source(dir, name, keyframes, *seconds)?;
        let duration_ms = i64::from(*seconds) * 1000;
        let output = dir.join(format!("board-{name}"));
        let job = StoryboardJob {
            clip_id: 0,
            oshash: name.to_string(),
            video: clip.clone(),
            duration_ms: Some(duration_ms),
            output: output.clone(),
        };
        let started = Instant::now();
        let made = make_storyboard(&job).with_context(|| format!("storyboard of {}", clip.display()))?;
        let ours = started.elapsed();
        let board = made.storyboard;
        let accurate = !board.keyframes_only;
        let interval = interval_for(Some(duration_ms));
        let started = Instant::now();
        for tile in 0..board.tiles {
            seek(&clip, i64::from(tile) * interval, &dir.join("seek.jpg"), accurate)?;
        }
        let seeks = started.elapsed();
        let how = if board.keyframes_only { "keyframes" } else { "all but B-frames" };
        let seek_kind = if accurate { "accurate" } else { "keyframe" };
        println!(
            "| {name} ({how}) | {seconds} s | {} | {:.2} s | {:.2} s ({seek_kind}) | {:.1}× | {:.0} |",
            board.tiles,
            ours.as_secs_f64(),
            seeks.as_secs_f64(),
            seeks.as_secs_f64() / ours.as_secs_f64(),
            f64::from(*seconds) / ours.as_secs_f64()
        );
        ours_total += ours;
        seeks_total += seeks;
        video_total += f64::from(*seconds);
    }
    println!(
        "| all | {video_total:.0} s | | {:.2} s | {:.2} s | {:.1}× | {:.0} |",
        ours_total.as_secs_f64(),
        seeks_total.as_secs_f64(),
        seeks_total.as_secs_f64() / ours_total.as_secs_f64(),
        video_total / ours_total.as_secs_f64()
    );
    Ok(())
}

/// A 1080p30 H.264 clip of `seconds`, made once.
fn source(dir: &Path, name: &str, keyframes: &[&str], seconds: u32) -> Result<PathBuf> {
    let clip = dir.join(format!("{name}-{seconds}s.mp4"));
    if clip.exists() {
        return Ok(clip);
    }
    eprintln!("making {} (once)", clip.display());
    let piece = dir.join(format!("{name}-piece.mp4"));
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg("testsrc2=size=1920x1080:rate=30:duration=20,hue=H=2*PI*t/8")
        .args(["-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast"])
        .args(keyframes)
        .arg(&piece))?;
    run(Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-stream_loop", &(seconds / 20 - 1).to_string(), "-i"])
        .arg(&piece)
        .args(["-c", "copy"])
        .arg(&clip))?;
    Ok(clip)
}

/// One tile the obvious way: a process that seeks and writes one small frame.
fn seek(clip: &Path, at_ms: i64, out: &Path, accurate: bool) -> Result<()> {
    // At the storyboard's own priority, so a busy machine weighs on both alike.
    let mut command = Command::new("nice");
    command.args(["-n", outtake_core::import::boards::NICENESS, "ffmpeg", "-nostdin", "-v", "error", "-y"]);
    if !accurate {
        command.arg("-noaccurate_seek");
    }
    command
        .arg("-ss")
        .arg(format!("{:.3}", at_ms as f64 / 1000.0))
        .arg("-i")
        .arg(clip)
        .args(["-an", "-frames:v", "1", "-vf", "scale=160:-2", "-f", "mjpeg"])
        .arg(out);
    run(&mut command)
}

fn run(command: &mut Command) -> Result<()> {
    let status = command.status().context("running ffmpeg")?;
    if !status.success() {
        bail!("ffmpeg failed: {command:?}");
    }
    Ok(())
}
