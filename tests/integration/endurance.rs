//! Crash safety and concurrency as tests: an import killed with SIGKILL at
//! random moments, again and again, and a scan, the watcher and a stream of
//! the fan's edits at once. Short in `cargo xtask test`; at full length with
//! `OUTTAKE_ENDURANCE=full` (`cargo xtask endurance`), whose figures are in SECURITY.md.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use outtake_core::Library;
use rusqlite::Connection;

use crate::cli::binary;
use crate::import_edges::copies;
use crate::scan::age;

fn full_length() -> bool {
    std::env::var("OUTTAKE_ENDURANCE").is_ok_and(|v| v == "full")
}

/// A small deterministic generator (xorshift), so a failing run can be repeated.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn spawn_outtake(library: &Path, args: &[&str]) -> Child {
    Command::new(binary())
        .env_remove("OUTTAKE_LIBRARY")
        .arg("--library")
        .arg(library)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("outtake starts")
}

/// SQLite's own checks, on a connection of its own (what any later open sees).
fn assert_sound(library: &Path, after: &str) {
    let conn = Connection::open(library).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok", "{after}");
    let broken: i64 =
        conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
    assert_eq!(broken, 0, "{after}: dangling references");
    let twice: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT path FROM file GROUP BY path HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(twice, 0, "{after}: a file is in the library twice");
    let clips_twice: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT oshash FROM file GROUP BY oshash, size HAVING count(DISTINCT clip_id) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(clips_twice, 0, "{after}: one video became two clips");
}

/// Every video gets new subtitles and a new mtime, so each scan has work to be killed in.
fn change_everything(root: &Path, round: usize) {
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "mp4") {
            let vtt = path.with_extension("ko.vtt");
            std::fs::write(&vtt, format!("WEBVTT\n\n00:00.000 --> 00:00.500\n눈물 round{round}\n")).unwrap();
            age(&vtt);
            let old = std::time::SystemTime::now() - Duration::from_secs(60 + round as u64);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        }
    }
}

#[test]
fn imports_killed_at_random_moments_lose_nothing() {
    let (kills, clips) = if full_length() { (20, 400) } else { (6, 120) };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("clips");
    std::fs::create_dir(&root).unwrap();
    if !copies(&root, clips) {
        eprintln!("ffmpeg is not installed: skipping");
        return;
    }
    change_everything(&root, 0);
    let library = dir.path().join("library.db");
    Library::open(&library).unwrap();
    let mut dice = Dice(0x005e_ed0f_c1a5);
    let mut fan_tags: Vec<(String, String)> = Vec::new();
    let (mut killed_running, mut finished) = (0, 0);
    // How long a whole scan takes here, to kill inside one.
    let started = Instant::now();
    let status =
        spawn_outtake(&library, &["scan", "--no-thumbnails", root.to_str().unwrap()]).wait().unwrap();
    assert!(status.success());
    let mut whole = started.elapsed();
    // Rounds go on until `kills` scans were killed while running (at most four
    // times as many rounds): on a machine whose load swings, a scan can
    // finish before the moment aimed at, and a round then teaches nothing.
    let mut round = 0;
    while killed_running < kills && round < kills * 4 {
        round += 1;
        change_everything(&root, round);
        let mut child = spawn_outtake(&library, &["scan", "--no-thumbnails", root.to_str().unwrap()]);
        let at = whole.mul_f64((dice.below(90) + 5) as f64 / 100.0);
        std::thread::sleep(at);
        match child.try_wait().unwrap() {
            None => {
                child.kill().unwrap();
                killed_running += 1;
            }
            // It took less than `at` (updates are quicker than the first scan,
            // and the machine may have been busy then): aim within that next time.
            Some(_) => {
                finished += 1;
                whole = at.mul_f64(0.7);
            }
        }
        child.wait().unwrap();
        assert_sound(&library, &format!("kill {round} at {at:?}"));
        // The fan tags a clip between crashes; it must survive every later one.
        let mut lib = Library::open(&library).unwrap();
        let listed = lib.clips().unwrap();
        let clip = &listed[dice.below(listed.len() as u64) as usize];
        let tag = format!("fan:{round}");
        lib.tag_clip(clip.id, std::slice::from_ref(&tag)).unwrap();
        fan_tags.push((clip.path.clone().unwrap(), tag));
    }
    let mut lib = Library::open(&library).unwrap();
    let summary = lib.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_sound(&library, "the last scan");
    assert_eq!(lib.clips().unwrap().len(), clips, "exactly one clip per video");
    for (path, tag) in &fan_tags {
        let clip = lib.find_clip(path).unwrap();
        assert!(lib.clip(clip).unwrap().tags.contains(tag), "{tag} on {path} was lost");
    }
    let cues: i64 = lib.summary().unwrap().cues;
    assert_eq!(cues, clips as i64, "every clip has its one subtitle line, once");
    let found = lib.search_page(&format!("round{round}"), 1000).unwrap();
    let mut found_clips: Vec<i64> = found.hits.iter().map(|h| h.clip_id).collect();
    found_clips.dedup();
    assert_eq!(found_clips.len(), clips, "the index holds every clip's latest line");
    assert!(killed_running > 0, "no scan was killed while it ran ({finished} finished first)");
    eprintln!(
        "endurance: {killed_running} kills mid-import and {finished} finished scans of {clips} clips; all sound"
    );
}

/// A scan, the watcher and the fan's edits at once, each its own `outtake`
/// process as on a fan's machine: no edit fails, nothing is lost.
#[test]
fn edits_never_fail_during_a_scan_and_the_watcher() {
    let (edits, clips) = if full_length() { (600, 300) } else { (40, 60) };
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let (scanned, watched, incoming) = (base.join("scanned"), base.join("watched"), base.join("incoming"));
    for folder in [&scanned, &watched, &incoming] {
        std::fs::create_dir(folder).unwrap();
    }
    if !copies(&incoming, clips * 2) {
        eprintln!("ffmpeg is not installed: skipping");
        return;
    }
    // Half the videos are scanned, half land in the watched folder while it is watched.
    let mut names: Vec<PathBuf> = std::fs::read_dir(&incoming).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    for path in &names[..clips] {
        std::fs::rename(path, scanned.join(path.file_name().unwrap())).unwrap();
    }
    let library = dir.path().join("library.db");
    {
        let mut lib = Library::open(&library).unwrap();
        lib.add_clip(&outtake_core::ClipInput { title: "The fan's own clip".into(), ..Default::default() })
            .unwrap();
    }
    let mut watcher = spawn_outtake(&library, &["watch", watched.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(500));
    let mut scan = spawn_outtake(&library, &["scan", "--no-thumbnails", scanned.to_str().unwrap()]);
    let mut failures = Vec::new();
    let mut landed = names[clips..].iter();
    for i in 0..edits {
        // Arrivals come faster than edits: every video has landed by the last edit.
        for path in landed.by_ref().take(clips.div_ceil(edits)) {
            std::fs::rename(path, watched.join(path.file_name().unwrap())).unwrap();
        }
        let args: Vec<String> = if i % 5 == 4 {
            vec![
                "marker".into(),
                "add".into(),
                "1".into(),
                "0".into(),
                "--title".into(),
                format!("moment {i}"),
            ]
        } else {
            vec!["tag".into(), "1".into(), format!("edit:{i}")]
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = spawn_outtake(&library, &args).wait_with_output().unwrap();
        if !output.status.success() {
            failures.push(format!("{args:?}: {}", String::from_utf8_lossy(&output.stderr).trim()));
        }
    }
    assert!(scan.wait().unwrap().success(), "the scan failed");
    // Let the watcher take the last arrivals, then stop it.
    let deadline = Instant::now() + Duration::from_secs(60);
    let expected = clips * 2 + 1;
    let mut imported = 0;
    while Instant::now() < deadline {
        imported = Library::open_read_only(&library).unwrap().summary().unwrap().clips as usize;
        if imported == expected {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = watcher.kill();
    let watch_output = watcher.wait_with_output().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {edits} edits failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert_eq!(imported, expected, "watcher: {}", String::from_utf8_lossy(&watch_output.stderr));
    let lib = Library::open(&library).unwrap();
    let clip = lib.clip(1).unwrap();
    assert_eq!(clip.tags.len(), edits - edits / 5);
    assert_eq!(clip.markers.len(), edits / 5);
    assert_sound(&library, "the edits");
    eprintln!(
        "endurance: {edits} edits during a scan of {clips} clips and {clips} arrivals watched; none failed"
    );
}
