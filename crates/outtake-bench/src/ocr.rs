//! `outtake-bench --ocr`: how fast captions burned into the picture are read
//! (`outtake_core::screen_text`), in seconds per minute of 1080p H.264 video
//! at 30 fps, split into decoding (waiting for ffmpeg's sampled frames),
//! finding caption lines, and Tesseract's reading — against ffmpeg decoding
//! the same file alone as the baseline. Also what one Tesseract process costs
//! before it reads anything (the language models loading), which is why
//! crops go to it in batches.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const SECONDS: u32 = 60;
const FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";
const CAPTIONS: [&str; 10] = [
    "말 타는 장면 촬영 중",
    "오늘의 비하인드",
    "배우들이 대본을 읽고 있어요",
    "감독님의 컷 사인",
    "쉬는 시간에도 연습",
    "비 오는 날의 야외 촬영",
    "모두 수고하셨습니다",
    "웃음이 터진 순간",
    "현장 스태프와 함께",
    "다음 주에 만나요",
];

pub fn ocr(dir: &Path) -> Result<()> {
    outtake_core::screen_text::check_tesseract()?;
    std::fs::create_dir_all(dir)?;
    let source = dir.join(format!("captions-1080p30-{SECONDS}s.mp4"));
    if !source.exists() {
        make_source(dir, &source)?;
    }
    let started = Instant::now();
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(&source)
        .args(["-an", "-f", "null", "-"])
        .status()?;
    if !status.success() {
        bail!("ffmpeg could not decode {}", source.display());
    }
    let decode_only = started.elapsed();
    let text = outtake_core::screen_text::read_video(&source, &AtomicBool::new(false))?;
    let per_minute = |d: Duration| d.as_secs_f64() * 60.0 / f64::from(SECONDS);
    println!("| 1080p30 H.264, {SECONDS} s, {} captions | s per minute of video |", CAPTIONS.len());
    println!("|---|---:|");
    println!("| ffmpeg decoding every frame (baseline) | {:.1} |", per_minute(decode_only));
    println!("| reading the captions, in all | {:.1} |", per_minute(text.total));
    println!("| … waiting for sampled frames (decoding) | {:.1} |", per_minute(text.decoding));
    println!("| … finding caption lines ({} frames) | {:.1} |", text.frames, per_minute(text.finding));
    println!(
        "| … Tesseract ({} crops, beside decoding) | {:.1} |",
        text.crops_read,
        per_minute(text.recognising)
    );
    println!("| × real time | {:.1}× |", f64::from(SECONDS) / text.total.as_secs_f64());
    println!("| lines read / written | {} / {} |", text.lines.len(), CAPTIONS.len());
    println!(
        "\none Tesseract process reading nothing (loading kor+eng): {:.2} s",
        tesseract_start(dir)?.as_secs_f64()
    );
    Ok(())
}

/// A minute of moving colourful pictures at 1080p30 with a caption every 6 s,
/// white outlined at the bottom or white on a box at the top.
fn make_source(dir: &Path, out: &Path) -> Result<()> {
    eprintln!("making {} (once)", out.display());
    let mut filters =
        vec!["[1:v]scale=960:1080:flags=neighbor[m];[0:v][m]hstack=inputs=2,format=yuv420p".to_string()];
    for (i, caption) in CAPTIONS.iter().enumerate() {
        let file = dir.join(format!("caption{i}.txt"));
        std::fs::write(&file, caption)?;
        let (start, end) = (i as f64 * 6.0 + 1.0, i as f64 * 6.0 + 5.0);
        let look = if i % 2 == 0 {
            "fontsize=78:fontcolor=white:borderw=5:bordercolor=black:x=(w-tw)/2:y=h-170"
        } else {
            "fontsize=52:fontcolor=white:box=1:boxcolor=0x1a3a8a@0.9:boxborderw=14:x=90:y=75"
        };
        filters.push(format!(
            "drawtext=fontfile={FONT}:textfile={}:{look}:enable='between(t,{start},{end})'",
            file.display()
        ));
    }
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=s=960x1080:r=30:d={SECONDS}"))
        .args(["-f", "lavfi", "-i", "mandelbrot=s=480x540:r=30"])
        .args(["-filter_complex", &filters.join(","), "-t", &SECONDS.to_string()])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
        .arg(out)
        .status()
        .context("running ffmpeg")?;
    if !status.success() {
        bail!("ffmpeg could not make {}", out.display());
    }
    Ok(())
}

/// The time Tesseract takes on a tiny blank image: what a process costs
/// before it reads a line.
fn tesseract_start(dir: &Path) -> Result<Duration> {
    let blank = dir.join("blank.pgm");
    let mut bytes = b"P5\n16 16\n255\n".to_vec();
    bytes.extend([255u8; 256]);
    std::fs::write(&blank, bytes)?;
    let started = Instant::now();
    let output = Command::new("tesseract")
        .arg(&blank)
        .args(["stdout", "-l", "kor+eng", "--psm", "7", "tsv"])
        .env("OMP_THREAD_LIMIT", "1")
        .output()?;
    if !output.status.success() {
        bail!("tesseract failed on a blank image");
    }
    Ok(started.elapsed())
}
