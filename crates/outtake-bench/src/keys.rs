//! Content keys: how long the picture hash and the sound fingerprint take per
//! minute of video (a 720p H.264 clip made by ffmpeg, kept in the bench
//! folder), and how long matching a 5,000-clip pack against a 100,000-clip
//! library takes (`keys::Candidates`, keys generated in memory: 30 s of sound
//! per clip; a pack of clips found by source, oshash, picture and sound, and
//! some not at all).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};
use outtake_core::keys::{Candidates, ClipKeys, How, fingerprint_of, phash_of};

/// Clips in the library and the pack.
const LIBRARY: usize = 100_000;
const PACK: usize = 5_000;
/// Words of sound per library clip: 30 s.
const WORDS: usize = 242;

pub fn keys(dir: &Path) -> Result<()> {
    per_minute(dir)?;
    matching();
    Ok(())
}

fn per_minute(dir: &Path) -> Result<()> {
    let video = dir.join("minute-720p.mp4");
    if !video.exists() {
        let sound = "aevalsrc='0.4*sin(2*PI*t*(250+500*mod(abs(sin(floor(t*5)*12.9898)*43758.5453),1)))':s=44100:d=60";
        let status = Command::new("ffmpeg")
            .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=1280x720:r=30:d=60"])
            .args(["-f", "lavfi", "-i", sound, "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac"])
            .arg(&video)
            .status()?;
        if !status.success() {
            bail!("ffmpeg could not make {}", video.display());
        }
    }
    let runs = 3;
    let started = Instant::now();
    for _ in 0..runs {
        phash_of(&video, 60_000).map_err(|e| anyhow::anyhow!("phash: {e}"))?;
    }
    let phash = started.elapsed().as_secs_f64() / f64::from(runs);
    let started = Instant::now();
    for _ in 0..runs {
        fingerprint_of(&video).map_err(|e| anyhow::anyhow!("fingerprint: {e}"))?;
    }
    let sound = started.elapsed().as_secs_f64() / f64::from(runs);
    println!("content keys of one minute of 720p H.264 (mean of {runs}):");
    println!(
        "  picture hash (16 seeking ffmpeg inputs)   {:>6.2} s  ({:.0} min of video per minute)",
        phash,
        60.0 / phash
    );
    println!(
        "  sound fingerprint (fpcalc, whole clip)     {:>6.2} s  ({:.0} min of video per minute)",
        sound,
        60.0 / sound
    );
    println!("  both                                       {:>6.2} s", phash + sound);
    Ok(())
}

/// A small fast generator, so the figures repeat run to run.
struct Words(u64);

impl Words {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn matching() {
    let mut random = Words(20_261_201);
    let started = Instant::now();
    let library: Vec<ClipKeys> = (0..LIBRARY as i64)
        .map(|id| ClipKeys {
            clip_id: id,
            title: String::new(),
            duration_ms: Some(30_000 + (random.next() % 600_000) as i64),
            source: Some(format!("youtube.com:{id:011}")),
            oshashes: vec![format!("{:016x}", random.next())],
            phash: Some(random.next()),
            audio: Some((0..WORDS).map(|_| random.next() as u32).collect()),
        })
        .collect();
    let made = started.elapsed();
    // The pack: a fifth each by source, oshash, picture, sound, and not there.
    let pack: Vec<ClipKeys> = (0..PACK)
        .map(|i| {
            let there = &library[(random.next() % LIBRARY as u64) as usize];
            let mut clip = ClipKeys { clip_id: -1, duration_ms: there.duration_ms, ..ClipKeys::default() };
            match i % 5 {
                0 => clip.source = there.source.clone(),
                1 => clip.oshashes = there.oshashes.clone(),
                2 => {
                    clip.phash = there.phash.map(|h| h ^ 0b1010_0100);
                    clip.audio = there.audio.clone();
                }
                3 => clip.audio = there.audio.as_ref().map(|a| a[40..].iter().map(|w| w ^ 0x11).collect()),
                _ => {
                    clip.phash = Some(random.next());
                    clip.audio = Some((0..WORDS).map(|_| random.next() as u32).collect());
                }
            }
            clip
        })
        .collect();
    let started = Instant::now();
    let candidates = Candidates::new(&library);
    let indexed = started.elapsed();
    let started = Instant::now();
    let found: Vec<_> = pack.iter().map(|clip| candidates.find(clip, &|_| false)).collect();
    let matched = started.elapsed();
    let count = |how: fn(&How) -> bool| found.iter().flatten().filter(|f| how(&f.how)).count();
    println!(
        "matching a {PACK}-clip pack against a {LIBRARY}-clip library (30 s of sound each, generated in {:.1} s):",
        made.as_secs_f64()
    );
    println!("  index the library (sources, oshashes, lengths, sound)  {:>6.2} s", indexed.as_secs_f64());
    println!("  match the pack                                       {:>6.2} s", matched.as_secs_f64());
    println!(
        "  total                                                {:>6.2} s",
        (indexed + matched).as_secs_f64()
    );
    println!(
        "  found: {} by source, {} by oshash, {} by picture, {} by sound, {} not found (of {} expected)",
        count(|h| matches!(h, How::Source)),
        count(|h| matches!(h, How::Oshash)),
        count(|h| matches!(h, How::Reencode { .. })),
        count(|h| matches!(h, How::Sound { .. })),
        found.iter().filter(|f| f.is_none()).count(),
        PACK / 5
    );
}
