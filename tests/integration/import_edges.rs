//! Importing at the edges: embedded subtitles, odd names, every shared real
//! fixture, no ffprobe on the machine, thumbnails, and an import killed midway.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use outtake_core::Library;
use outtake_core::import::thumbs::make_thumbnail;

pub(crate) fn ffmpeg(args: &[&str]) -> bool {
    match Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).status() {
        Ok(status) => {
            assert!(status.success(), "ffmpeg {args:?} failed");
            true
        }
        Err(_) => {
            eprintln!("ffmpeg is not installed: skipped");
            false
        }
    }
}

pub(crate) fn age(path: &Path) {
    let old = std::time::SystemTime::now() - Duration::from_secs(30);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
}

pub(crate) fn tempdir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    (dir, root)
}

#[test]
fn embedded_subtitles_become_cues() {
    let (_dir, root) = tempdir();
    let srt = root.join("subs.srt");
    std::fs::write(
        &srt,
        "1\n00:00:00,500 --> 00:00:01,500\n눈물이 나요\n\n2\n00:00:01,500 --> 00:00:02,000\n괜찮아요\n",
    )
    .unwrap();
    let (s, r) = (srt.to_str().unwrap(), root.to_str().unwrap());
    let input = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2"];
    let mkv = format!("{r}/with subs.mkv");
    let mp4 = format!("{r}/with subs.mp4");
    if !ffmpeg(
        &[
            &input[..],
            &[
                "-i",
                s,
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                "-c:s",
                "srt",
                "-metadata:s:s:0",
                "language=kor",
                &mkv,
            ],
        ]
        .concat(),
    ) {
        return;
    }
    ffmpeg(
        &[
            &input[..],
            &[
                "-i",
                s,
                "-c:v",
                "libx264",
                "-pix_fmt",
                "yuv420p",
                "-c:s",
                "mov_text",
                "-metadata:s:s:0",
                "language=eng",
                &mp4,
            ],
        ]
        .concat(),
    );
    std::fs::remove_file(&srt).unwrap();
    age(Path::new(&mkv));
    age(Path::new(&mp4));
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (2, 0), "{summary:#?}");
    for (file, lang) in [(&mkv, "ko"), (&mp4, "en")] {
        let clip = library.find_clip(file).unwrap();
        let cues = library.cues(clip, None).unwrap();
        let texts: Vec<(&str, i64, &str)> =
            cues.iter().map(|c| (c.lang.as_str(), c.start_ms, c.text.as_str())).collect();
        assert_eq!(texts, [(lang, 500, "눈물이 나요"), (lang, 1500, "괜찮아요")], "{file}");
    }
}

#[test]
fn names_and_extensions_do_not_decide() {
    let (_dir, root) = tempdir();
    let webm = root.join("clip.dat");
    if !ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=25:duration=1",
        "-c:v",
        "libvpx",
        "-f",
        "webm",
        webm.to_str().unwrap(),
    ]) {
        return;
    }
    age(&webm);
    #[cfg(unix)]
    let bad_name = {
        use std::os::unix::ffi::OsStrExt;
        let path = root.join(std::ffi::OsStr::from_bytes(b"caf\xe9 making.mp4"));
        std::fs::copy(&webm, &path).unwrap();
        age(&path);
        path
    };
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(summary.added, 1, "a WebM named .dat is a clip: {summary:#?}");
    let clip = library.clip(library.clips().unwrap()[0].id).unwrap();
    assert!(clip.files.iter().any(|f| f.path.ends_with("/clip.dat")), "{:?}", clip.files);
    // A name that is not UTF-8 (Latin-1 `café`, read first) names the clip, decoded.
    #[cfg(unix)]
    {
        assert!(summary.failed.is_empty(), "{summary:#?}");
        assert_eq!(clip.title, "café making");
        assert!(bad_name.exists());
    }
}

#[test]
fn every_shared_real_fixture_is_imported_or_explained() {
    let real = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/fixtures/real"));
    if !real.is_dir() {
        eprintln!("shared/fixtures/real is absent: skipped");
        return;
    }
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(&[real.to_path_buf()], &mut |_| {}).unwrap();
    let media: Vec<PathBuf> = std::fs::read_dir(real.join("media"))
        .unwrap()
        .map(|e| e.unwrap().path().canonicalize().unwrap())
        .collect();
    let clips = library.clips().unwrap();
    for file in &media {
        let text = file.to_str().unwrap();
        // Identical files are one clip with two copies.
        let imported = library.find_clip(text).is_ok();
        let failure = summary.failed.iter().find(|f| f.path == text);
        // A DASH segment (.m4s) is a piece of a stream, not a clip: passed over quietly.
        let piece = file.extension().is_some_and(|e| e == "m4s");
        match (imported, failure) {
            (true, None) => {}
            (false, None) if piece => {}
            (false, Some(failure)) => assert!(!failure.error.is_empty(), "{failure:?}"),
            other => panic!("{text}: imported and explained should be exactly one: {other:?}"),
        }
    }
    assert!(
        clips.len() >= media.len() / 2,
        "only {} of {} real files imported: {summary:#?}",
        clips.len(),
        media.len()
    );
    for clip in &clips {
        let detail = library.clip(clip.id).unwrap();
        assert!(detail.video_codec.is_some() || detail.audio_codec.is_some(), "{detail:?}");
    }
}

#[test]
fn without_ffprobe_the_fast_path_still_imports() {
    let (dir, root) = tempdir();
    let (mp4, ts) = (root.join("a.mp4"), root.join("b.ts"));
    let input = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=25:duration=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
    ];
    if !ffmpeg(&[&input[..], &[mp4.to_str().unwrap()]].concat()) {
        return;
    }
    ffmpeg(&[&input[..], &[ts.to_str().unwrap()]].concat());
    age(&mp4);
    age(&ts);
    // An empty PATH: no ffprobe, no ffmpeg.
    let library = dir.path().join("library.db");
    let output = Command::new(crate::cli::binary())
        .env("PATH", dir.path().join("no-tools"))
        .arg("--library")
        .arg(&library)
        .args(["--create", "scan", "--json"])
        .arg(&root)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["added"], 1, "{summary}");
    let failure = &summary["failed"][0];
    assert!(failure["path"].as_str().unwrap().ends_with("b.ts"), "{summary}");
    assert!(
        failure["error"].as_str().unwrap().contains("ffprobe (from ffmpeg) is not installed"),
        "{summary}"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ffmpeg is not installed, so no thumbnails were made"), "{stderr}");
}

#[test]
fn thumbnails_for_clips_and_markers() {
    let (dir, root) = tempdir();
    let clip = root.join("poster.mp4");
    if !ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=3",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        clip.to_str().unwrap(),
    ]) {
        return;
    }
    age(&clip);
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    let id = library.find_clip("poster").unwrap();
    library.add_marker(id, &outtake_core::MarkerInput { start_ms: 2500, ..Default::default() }).unwrap();
    let jobs = library.pending_thumbnails().unwrap();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    for job in &jobs {
        make_thumbnail(job).unwrap();
        let bytes = std::fs::read(&job.output).unwrap();
        assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF], "{} is a JPEG", job.output.display());
    }
    assert!(jobs[0].output.starts_with(library.thumbnail_dir().unwrap()));
    assert!(library.pending_thumbnails().unwrap().is_empty(), "made once, cached");
    // Past the end ffmpeg writes nothing at first; earlier times are tried.
    let late = outtake_core::import::thumbs::ThumbJob {
        picture: None,
        cover: false,
        at_ms: 60_000,
        output: dir.path().join("late.jpg"),
        ..jobs[0].clone()
    };
    make_thumbnail(&late).unwrap();
    assert!(late.output.exists());
}

/// Distinct copies of one clip: a byte of media data changed in each, so each
/// has its own fingerprint and still plays.
pub(crate) fn copies(root: &Path, count: usize) -> bool {
    let seed = root.join("seed.mp4");
    if !ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=25:duration=1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-movflags",
        "+faststart",
        seed.to_str().unwrap(),
    ]) {
        return false;
    }
    let bytes = std::fs::read(&seed).unwrap();
    std::fs::remove_file(&seed).unwrap();
    let mdat = bytes.windows(4).position(|w| w == b"mdat").unwrap() + 64;
    for i in 0..count {
        let mut copy = bytes.clone();
        copy[mdat] = copy[mdat].wrapping_add((i as u8).wrapping_add(1));
        copy[mdat + 1] = copy[mdat + 1].wrapping_add((i / 256) as u8);
        let path = root.join(format!("clip {i:03}.mp4"));
        std::fs::write(&path, copy).unwrap();
        age(&path);
    }
    true
}

#[test]
fn an_import_killed_midway_is_finished_by_the_next() {
    let (dir, root) = tempdir();
    if !copies(&root, 150) {
        return;
    }
    let library = dir.path().join("library.db");
    let mut child = Command::new(crate::cli::binary())
        .arg("--library")
        .arg(&library)
        .args(["--create", "scan", "--no-thumbnails"])
        .arg(&root)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as some clips are in: wherever it is, the library must be sound.
    let mut seen = 0;
    for _ in 0..2000 {
        if let Ok(conn) = rusqlite::Connection::open(&library) {
            seen = conn.query_row("SELECT count(*) FROM clip", [], |r| r.get(0)).unwrap_or(0);
        }
        if seen >= 5 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut library = Library::open(&library).unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert!(summary.failed.is_empty(), "{summary:#?}");
    assert_eq!(library.clips().unwrap().len(), 150, "the second scan finished the job");
    let files: i64 = library.summary().unwrap().clips;
    assert_eq!(files, 150);
    let again = library.scan(&[root], &mut |_| {}).unwrap();
    assert_eq!((again.added, again.updated), (0, 0), "nothing left to do: {again:#?}");
    eprintln!("killed after {seen} clips");
}
