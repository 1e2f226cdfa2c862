//! `outtake-bench --cuts`: how long cutting a 30 s moment out of a 1080p
//! H.264 clip takes by stream copy (a reel video of that one moment, whose
//! in-point is on a keyframe) against re-encoding it (an MP4 cut at the
//! original size, and at 720p), in the same run, through the core's own code.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use outtake_core::Moment;
use outtake_core::reels::cut::{CutFormat, CutRequest, CutSize, cut};
use outtake_core::reels::export::{ReelEntry, VideoMode, write_video};

/// The source: 60 s of 1080p at 30 fps, a keyframe every 2 s (as YouTube's are).
const SOURCE_SECONDS: u32 = 60;
/// The moment: 30 s from 12 s in, which is a keyframe.
const START_MS: i64 = 12_000;
const END_MS: i64 = 42_000;

pub fn cuts(dir: &Path) -> Result<()> {
    let source = dir.join("h264-1080p-60s.mp4");
    if !source.exists() {
        make_source(&source)?;
    }
    let out = dir.join("out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    let moment = Moment {
        clip_id: 1,
        clip_title: "bench".into(),
        marker_id: None,
        cue_id: None,
        start_ms: START_MS,
        end_ms: END_MS,
        label: "30 s".into(),
    };
    let entry = ReelEntry { moment, path: source.clone() };
    let never = AtomicBool::new(false);
    let started = Instant::now();
    let report = write_video(std::slice::from_ref(&entry), &out.join("copy.mp4"), true, &never, &mut |_| {})?;
    let copy = started.elapsed();
    if report.mode != Some(VideoMode::Copy) {
        bail!("the moment was not stream-copied: {:?}", report.mode);
    }
    let encode = |size: CutSize, name: &str| -> Result<Duration> {
        let request = CutRequest {
            source: source.clone(),
            start_ms: START_MS,
            end_ms: END_MS,
            format: CutFormat::Mp4,
            size,
            fps: 0,
            subtitles: Vec::new(),
        };
        let started = Instant::now();
        cut(&request, &out.join(name), true, &never, &mut |_| {})?;
        Ok(started.elapsed())
    };
    let original = encode(CutSize::Original, "reencode-1080p.mp4")?;
    let small = encode(CutSize::P720, "reencode-720p.mp4")?;
    println!("| 30 s moment of a 1080p H.264 clip | time | × stream copy |");
    println!("|---|---:|---:|");
    println!("| stream copy (reel video, in-point on a keyframe) | {:.2} s | 1× |", copy.as_secs_f64());
    for (what, took) in [("re-encode, original size (H.264/AAC)", original), ("re-encode to 720p", small)] {
        println!(
            "| {what} | {:.2} s | {:.0}× |",
            took.as_secs_f64(),
            took.as_secs_f64() / copy.as_secs_f64()
        );
    }
    Ok(())
}

fn make_source(out: &Path) -> Result<()> {
    eprintln!("making {} (once)", out.display());
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=1920x1080:rate=30:duration={SOURCE_SECONDS}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={SOURCE_SECONDS}"))
        .args([
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-g",
            "60",
            "-keyint_min",
            "60",
            "-sc_threshold",
            "0",
        ])
        .args(["-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"])
        .arg(out)
        .status()
        .context("running ffmpeg")?;
    if !status.success() {
        bail!("ffmpeg could not make {}", out.display());
    }
    Ok(())
}
