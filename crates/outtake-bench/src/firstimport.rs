//! `outtake-bench --firstimport`: the whole first import of 200 real-length
//! clips (2–10 min, 720p and 1080p H.264 with AAC sound) through the app's own
//! import worker (`import::worker::run`: scan, posters, storyboards, then
//! content keys), against ffmpeg's own decode time of the same video.
//!
//! The corpus is made cheaply and kept in `DIR/corpus` (about 7 GB): five
//! distinct 30 s sources (different sizes, rates, pictures and keyframe
//! spacings, one with keyframes 12 s apart), each copied end to end to 2, 4,
//! 6, 8 and 10 minutes (`-stream_loop`, `-c copy`), then 200 files remuxed
//! from those with a title of their own, so each is a clip of its own (its
//! own oshash) while only five pictures were ever encoded. The baseline
//! decodes each 30 s source once (`ffmpeg -i F -f null -`, sound too) and
//! multiplies its time by the number of copies of it in the corpus.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use outtake_core::Library;
use outtake_core::import::worker::{
    self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink, ImportWork,
};

/// The distinct sources: name, lavfi picture, keyframe options, video bit rate.
const SOURCES: &[(&str, &str, &[&str], &str)] = &[
    (
        "1080p30-gop2s",
        "testsrc2=size=1920x1080:rate=30,hue=H=2*PI*t/8",
        &["-g", "60", "-sc_threshold", "0"],
        "1000k",
    ),
    (
        "1080p25-gop5s",
        "smptehdbars=size=1920x1080:rate=25,noise=alls=12:allf=t",
        &["-g", "125", "-sc_threshold", "0"],
        "800k",
    ),
    ("720p30-x264default", "testsrc2=size=1280x720:rate=30", &[], "500k"),
    (
        "720p24-gop12s",
        "mandelbrot=size=1280x720:rate=24:maxiter=100",
        &["-g", "288", "-keyint_min", "288", "-sc_threshold", "0"],
        "500k",
    ),
    ("1080p24-gop3s", "testsrc=size=1920x1080:rate=24", &["-g", "72"], "1000k"),
];
/// Seconds of each source as encoded.
const PIECE_SECONDS: u32 = 30;
/// The lengths the sources are copied to, in minutes.
const MINUTES: [u32; 5] = [2, 4, 6, 8, 10];
const FILES: usize = 200;

pub fn first_import(dir: &Path) -> Result<()> {
    let corpus = dir.join("corpus");
    let copies = make_corpus(dir, &corpus)?;
    let video_seconds: u64 =
        copies.iter().map(|(_, pieces)| u64::from(*pieces) * u64::from(PIECE_SECONDS)).sum();

    eprintln!("== the baseline: ffmpeg decodes each 30 s source once");
    let mut decode_wall = Duration::ZERO;
    let mut decode_cpu = Duration::ZERO;
    for (name, pieces) in &copies {
        let before = cpu_of_children();
        let started = Instant::now();
        run(Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-i"])
            .arg(piece(dir, name))
            .args(["-f", "null", "-"]))?;
        let wall = started.elapsed();
        let cpu = cpu_of_children() - before;
        eprintln!("{name}: {:.2} s ({:.2} s CPU) × {pieces} copies", wall.as_secs_f64(), cpu.as_secs_f64());
        decode_wall += wall * *pieces;
        decode_cpu += cpu * *pieces;
    }

    eprintln!("== the first import: {FILES} files, {:.0} minutes of video", video_seconds as f64 / 60.0);
    let library = dir.join("library");
    if library.exists() {
        std::fs::remove_dir_all(&library)?;
    }
    std::fs::create_dir_all(&library)?;
    let phases = import(&library.join("library.db"), &corpus)?;

    let minutes = video_seconds as f64 / 60.0;
    println!(
        "| step ({FILES} clips, {minutes:.0} min of 720p/1080p H.264) | wall | CPU | video minutes per minute |"
    );
    println!("|---|---:|---:|---:|");
    let row = |what: &str, wall: Duration, cpu: Duration| {
        println!(
            "| {what} | {:.1} s | {:.1} s | {:.0} |",
            wall.as_secs_f64(),
            cpu.as_secs_f64(),
            minutes / (wall.as_secs_f64() / 60.0)
        );
    };
    let mut first = (Duration::ZERO, Duration::ZERO);
    for (phase, wall, cpu) in &phases {
        row(phase, *wall, *cpu);
        if *phase != "content keys" {
            first.0 += *wall;
            first.1 += *cpu;
        }
    }
    row("first import (scan, posters, storyboards)", first.0, first.1);
    let all = phases.iter().fold((Duration::ZERO, Duration::ZERO), |sum, p| (sum.0 + p.1, sum.1 + p.2));
    row("with content keys", all.0, all.1);
    row("ffmpeg decodes the same video (`-f null`, per source × copies)", decode_wall, decode_cpu);
    println!();
    println!(
        "first import / ffmpeg decode: {:.3} of the wall time, {:.3} of the CPU; with content keys {:.3} and {:.3}",
        first.0.as_secs_f64() / decode_wall.as_secs_f64(),
        first.1.as_secs_f64() / decode_cpu.as_secs_f64(),
        all.0.as_secs_f64() / decode_wall.as_secs_f64(),
        all.1.as_secs_f64() / decode_cpu.as_secs_f64(),
    );
    Ok(())
}

/// What the worker said, with when and the CPU used so far.
struct Heard {
    progress: ImportProgress,
    at: Instant,
    cpu: Duration,
}

struct ChannelSink(mpsc::Sender<Heard>);

impl ImportSink for ChannelSink {
    fn progress(&mut self, progress: ImportProgress) {
        let _ = self.0.send(Heard { progress, at: Instant::now(), cpu: cpu_of_all() });
    }
    fn changed(&mut self, _clip_ids: Vec<i64>) {}
    fn problem(&mut self, message: &str) {
        eprintln!("problem: {message}");
    }
}

/// Runs the import worker on a new library over `corpus` until its content
/// keys are made; each phase's wall time and CPU (this process and its children).
fn import(library: &Path, corpus: &Path) -> Result<Vec<(&'static str, Duration, Duration)>> {
    let (news, heard) = mpsc::channel();
    let (work, jobs) = mpsc::channel::<ImportWork>();
    let library = library.to_path_buf();
    let corpus = corpus.to_path_buf();
    let started = Instant::now();
    let cpu_at_start = cpu_of_all();
    // The worker runs until its senders are gone: the bench stops listening instead.
    std::thread::spawn(move || {
        let mut library = Library::open(&library).expect("a new library");
        let mut sink = ChannelSink(news);
        let _ = worker::run(
            &mut library,
            Followed::These(vec![corpus]),
            &mut sink,
            FolderStates::default(),
            work,
            jobs,
        );
    });
    let name = |phase: ImportPhase| match phase {
        ImportPhase::Scanning => "scan",
        ImportPhase::Thumbnails => "posters",
        ImportPhase::Storyboards => "storyboards",
        ImportPhase::Keys => "content keys",
        ImportPhase::Reading => "on-screen text",
        ImportPhase::Listening => "speech",
        ImportPhase::Idle => "idle",
    };
    // Each phase lasts from its first word to the first word of the next.
    let mut phases: Vec<(&'static str, Duration, Duration)> = Vec::new();
    let (mut phase, mut since, mut cpu_since) = ("scan", started, cpu_at_start);
    let mut last_shown = Instant::now();
    let mut keys_seen = false;
    loop {
        let news =
            heard.recv_timeout(Duration::from_secs(3600)).context("the worker went quiet for an hour")?;
        let now = name(news.progress.phase);
        keys_seen |= news.progress.phase == ImportPhase::Keys;
        if now != phase && now != "idle" {
            phases.push((phase, news.at - since, news.cpu.saturating_sub(cpu_since)));
            eprintln!("{phase}: {:.1} s", (news.at - since).as_secs_f64());
            (phase, since, cpu_since) = (now, news.at, news.cpu);
        }
        if keys_seen && news.progress.phase == ImportPhase::Idle {
            phases.push((phase, news.at - since, news.cpu.saturating_sub(cpu_since)));
            break;
        }
        if last_shown.elapsed() > Duration::from_secs(30) {
            last_shown = Instant::now();
            eprintln!("{now}: {} of {:?}", news.progress.done, news.progress.total);
        }
    }
    Ok(phases)
}

/// CPU time of this process and of its children that have ended (ffmpeg,
/// fpcalc, each waited for), from `/proc/self/stat`.
fn cpu_of_all() -> Duration {
    ticks(&stat_fields(), &[14, 15, 16, 17])
}

/// CPU time of the children that have ended.
fn cpu_of_children() -> Duration {
    ticks(&stat_fields(), &[16, 17])
}

fn stat_fields() -> Vec<String> {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The command name is in parentheses and may hold spaces: count after it.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after.split_whitespace().map(str::to_owned).collect()
}

/// The sum of these fields of proc(5) (numbered from 1: utime 14, stime 15,
/// cutime 16, cstime 17), in clock ticks of 1/100 s (Linux's USER_HZ).
fn ticks(fields: &[String], which: &[usize]) -> Duration {
    // What follows the command name starts at field 3.
    let sum: u64 = which.iter().filter_map(|&n| fields.get(n - 3)?.parse::<u64>().ok()).sum();
    Duration::from_millis(sum * 10)
}

fn piece(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("source-{name}.mp4"))
}

/// The corpus (made once): the files, and for each source how many 30 s
/// copies of it the corpus holds.
fn make_corpus(dir: &Path, corpus: &Path) -> Result<Vec<(&'static str, u32)>> {
    std::fs::create_dir_all(corpus)?;
    for (index, (name, picture, keyframes, rate)) in SOURCES.iter().enumerate() {
        let source = piece(dir, name);
        if source.exists() {
            continue;
        }
        eprintln!("making {} (once)", source.display());
        let sound = format!("sine=frequency={}:beep_factor=4:sample_rate=48000", 300 + 110 * index);
        let seconds = PIECE_SECONDS.to_string();
        run(Command::new("ffmpeg")
            .args([
                "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", &sound,
            ])
            .args(["-t", &seconds, "-pix_fmt", "yuv420p", "-c:v", "libx264", "-preset", "veryfast"])
            .args(["-b:v", rate])
            .args(*keyframes)
            .args(["-c:a", "aac", "-b:a", "64k"])
            .arg(&source))?;
    }
    let mut copies = vec![0u32; SOURCES.len()];
    for i in 0..FILES {
        let source = i % SOURCES.len();
        let minutes = MINUTES[(i / SOURCES.len()) % MINUTES.len()];
        let loops = minutes * 60 / PIECE_SECONDS;
        copies[source] += loops;
        let (name, ..) = SOURCES[source];
        let long = dir.join(format!("long-{name}-{minutes}min.mp4"));
        if !long.exists() {
            eprintln!("making {} (once)", long.display());
            run(Command::new("ffmpeg")
                .args(["-nostdin", "-v", "error", "-y", "-stream_loop", &(loops - 1).to_string(), "-i"])
                .arg(piece(dir, name))
                .args(["-c", "copy"])
                .arg(&long))?;
        }
        let file = corpus.join(format!("Making of {name} part {i:03}.mp4"));
        if file.exists() {
            continue;
        }
        let partial = corpus.with_file_name("making.mp4");
        run(Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-y", "-i"])
            .arg(&long)
            .args(["-map", "0", "-c", "copy", "-metadata", &format!("title=First import clip {i}")])
            .arg(&partial))?;
        std::fs::rename(&partial, &file)?;
    }
    // Old enough that the scan does not wait to see whether they still grow.
    let old = std::time::SystemTime::now() - Duration::from_secs(120);
    let mut count = 0;
    for entry in std::fs::read_dir(corpus)? {
        let path = entry?.path();
        std::fs::File::options().write(true).open(&path)?.set_modified(old)?;
        count += 1;
    }
    if count != FILES {
        bail!("{}: {count} files, not {FILES}", corpus.display());
    }
    Ok(SOURCES.iter().zip(copies).map(|((name, ..), copies)| (*name, copies)).collect())
}

fn run(command: &mut Command) -> Result<()> {
    let status = command.status().with_context(|| format!("could not start {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed");
    }
    Ok(())
}
