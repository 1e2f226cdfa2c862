//! `cargo xtask bench bigimport`: the CLI's peak memory over a first import of
//! 10,000 real short clips with posters (issue 18: under 100 MB). Run only
//! when asked by name: making the posters of 10,000 clips takes minutes.
//!
//! The clips: one second of 64×36 H.264/AAC made by ffmpeg once, then copied
//! 10,000 times, each copy with a `free` box of its own appended (a box every
//! MP4 reader skips), so every file has its own fingerprint — ten thousand
//! ffmpeg runs would take longer than the import they feed. Peak memory is
//! the process's high-water mark (`VmHWM` in `/proc/PID/status`), read every
//! 50 ms while `outtake scan` runs; ffmpeg's own memory (it runs as a child
//! per poster) is not the CLI's and is not counted.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

const CLIPS: usize = 10_000;

pub fn bigimport(root: &Path, outtake: &Path) -> Result<()> {
    let corpus = corpus(root)?;
    eprintln!("== big import benchmark: a first import of {CLIPS} clips with posters");
    let library = root.join("target/bench/bigimport-library.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", library.display()));
    }
    let thumbs = root.join("target/bench/bigimport-library.db.thumbs");
    let _ = std::fs::remove_dir_all(&thumbs);
    let started = Instant::now();
    let mut child = Command::new(outtake)
        .arg("--library")
        .arg(&library)
        .args(["--create", "scan", "--json"])
        .arg(&corpus)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("could not start outtake")?;
    let status = format!("/proc/{}/status", child.id());
    let (mut peak_kb, mut last_rss_kb) = (0u64, 0u64);
    let mut after_scan_kb = None;
    let mut stdout = child.stdout.take().context("no stdout")?;
    // The summary is printed when the scan ends, before the posters: read it
    // beside the polling, so the memory at that point is known too.
    let scanned = Arc::new(AtomicBool::new(false));
    let said = Arc::clone(&scanned);
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let mut chunk = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut chunk) {
            if n == 0 {
                break;
            }
            said.store(true, Ordering::Relaxed);
            text.extend_from_slice(&chunk[..n]);
        }
        String::from_utf8_lossy(&text).into_owned()
    });
    loop {
        if let Ok(text) = std::fs::read_to_string(&status) {
            peak_kb = peak_kb.max(field_kb(&text, "VmHWM:"));
            last_rss_kb = field_kb(&text, "VmRSS:");
        }
        if after_scan_kb.is_none() && scanned.load(Ordering::Relaxed) {
            after_scan_kb = Some(peak_kb);
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = started.elapsed();
    if !child.wait()?.success() {
        bail!("outtake scan failed");
    }
    let summary = reader.join().unwrap_or_default();
    if !summary.contains(&format!("\"added\": {CLIPS}")) {
        bail!("outtake scan did not add every clip:\n{summary}");
    }
    let posters = jpegs(&thumbs);
    if posters < CLIPS {
        bail!("only {posters} posters were made for {CLIPS} clips");
    }
    println!("| first import of {CLIPS} clips with posters (`outtake scan`) | value |");
    println!("|---|---:|");
    println!("| time | {:.0} s |", took.as_secs_f64());
    println!("| peak memory (VmHWM) | {:.1} MB |", peak_kb as f64 / 1024.0);
    if let Some(kb) = after_scan_kb {
        println!("| … by the end of the scan, before the posters | {:.1} MB |", kb as f64 / 1024.0);
    }
    println!("| memory at the last reading (VmRSS) | {:.1} MB |", last_rss_kb as f64 / 1024.0);
    println!("| posters made | {posters} |");
    Ok(())
}

/// How many JPEGs are under `dir`, at any depth.
fn jpegs(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                jpegs(&path)
            } else {
                usize::from(path.extension().is_some_and(|e| e == "jpg"))
            }
        })
        .sum()
}

fn field_kb(status: &str, name: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The seed clip, then its 10,000 copies (kept between runs).
/// The 10,000 clips, made first when they are not there yet; their folder.
pub fn corpus(root: &Path) -> Result<std::path::PathBuf> {
    let corpus = root.join("target/bench/bigimport-corpus");
    make_corpus(&corpus)?;
    Ok(corpus)
}

fn make_corpus(dir: &Path) -> Result<()> {
    let count = || std::fs::read_dir(dir).map(|d| d.flatten().count()).unwrap_or(0);
    if count() == CLIPS {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let seed = dir.with_file_name("bigimport-seed.mp4");
    if !seed.exists() {
        let status = Command::new("ffmpeg")
            .args([
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=64x36:rate=25:duration=1",
            ])
            .args(["-f", "lavfi", "-i", "sine=frequency=440:duration=1"])
            .args(["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"])
            .arg(&seed)
            .status()
            .context("could not start ffmpeg")?;
        if !status.success() {
            bail!("ffmpeg could not make the seed clip");
        }
    }
    let bytes = std::fs::read(&seed)?;
    eprintln!("== making {CLIPS} clips for the big import benchmark (once; kept in target/bench)");
    // Old enough that the scan does not wait to see whether they still grow.
    let old = std::time::SystemTime::now() - Duration::from_secs(60);
    for i in 0..CLIPS {
        let mut clip = bytes.clone();
        let payload = format!("outtake bench clip {i:05}");
        clip.extend_from_slice(&(8 + payload.len() as u32).to_be_bytes());
        clip.extend_from_slice(b"free");
        clip.extend_from_slice(payload.as_bytes());
        let path = dir.join(format!("clip {i:05}.mp4"));
        std::fs::write(&path, &clip)?;
        std::fs::File::options().write(true).open(&path)?.set_modified(old)?;
    }
    Ok(())
}
