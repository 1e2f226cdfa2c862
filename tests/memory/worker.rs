//! The whole import worker on one large clip, as the app runs it: its scan
//! (sniff, fingerprint, container header, embedded metadata), poster,
//! storyboard and content keys on a clip of hundreds of megabytes keep both
//! the bytes Rust holds and the process's resident peak within a bound. The
//! clip is a few seconds of real video made by ffmpeg with a sparse tail, so
//! every reader sees a big file that costs neither disk nor time; a reader
//! that held the whole file, or the whole of what a tool printed about it,
//! would hold the tail too.
//!
//! The resident peak is the process's high-water mark (`VmHWM`), reset before
//! the work (`/proc/self/clear_refs`): it counts SQLite's memory too, which
//! the counting allocator does not. ffmpeg and fpcalc run as children and are
//! counted by neither.

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use outtake_core::Library;
use outtake_core::import::worker::{
    self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink, ImportWork,
};

/// The sparse tail after the clip's real bytes.
const TAIL: u64 = 512 << 20;
/// What the worker may add to the process's resident peak for the whole
/// clip: measured, 3–6 MB (a release CLI does a 1 GB clip in 9 MB in
/// all); far below the tail, so holding the file fails it.
const BOUND_KB: u64 = 64 * 1024;
/// What Rust code may hold at most beside what it held before: measured, about 0.1 MiB.
const BOUND_HELD: usize = 16 * crate::MIB;

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(field))?;
    line[field.len()..].trim().trim_end_matches("kB").trim().parse().ok()
}

struct Sink(mpsc::Sender<ImportProgress>);

impl ImportSink for Sink {
    fn progress(&mut self, progress: ImportProgress) {
        let _ = self.0.send(progress);
    }
    fn changed(&mut self, _clip_ids: Vec<i64>) {}
    fn problem(&mut self, message: &str) {
        eprintln!("the worker said: {message}");
    }
}

/// A real clip (4 s, H.264/AAC, the movie header at the end) followed by
/// `TAIL` bytes of nothing: a box that runs to the end of the file, which
/// every MP4 reader skips.
fn large_clip(path: &Path) -> bool {
    let made = Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=4",
        ])
        .args(["-f", "lavfi", "-i", "sine=frequency=440:duration=4"])
        .args(["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
        .arg(path)
        .status();
    match made {
        Ok(status) => assert!(status.success(), "ffmpeg could not make the clip"),
        Err(_) => {
            eprintln!("ffmpeg is not installed: skipped");
            return false;
        }
    }
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_len(file.metadata().unwrap().len() + TAIL).unwrap();
    // Old enough that the scan does not wait to see whether it still grows.
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(60)).unwrap();
    true
}

#[test]
fn the_worker_imports_a_large_clip_in_bounded_memory() {
    let _turn = crate::my_turn();
    if !std::fs::exists("/proc/self/clear_refs").unwrap_or(false) {
        eprintln!("no /proc/self/clear_refs here: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let videos = dir.path().join("videos");
    std::fs::create_dir(&videos).unwrap();
    let clip = videos.join("large.mp4");
    if !large_clip(&clip) {
        return;
    }
    let library_path = dir.path().join("library.db");
    drop(Library::open(&library_path).unwrap());

    // 5 resets the high-water mark to what is resident now.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_kb("VmHWM:").unwrap();
    let ((), held) = crate::peak_during(|| {
        let (news, heard) = mpsc::channel();
        let (work, jobs) = mpsc::channel::<ImportWork>();
        let feed = work.clone();
        let path = library_path.clone();
        // The worker runs until its senders are gone; the test stops listening instead.
        std::thread::spawn(move || {
            let mut library = Library::open(&path).unwrap();
            let _ = worker::run(
                &mut library,
                Followed::These(vec![videos]),
                &mut Sink(news),
                FolderStates::default(),
                feed,
                jobs,
            );
            drop(work);
        });
        // Done when it has made the keys (the last of its steps) and gone idle.
        let deadline = Instant::now() + Duration::from_secs(300);
        let mut keys = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let progress = heard.recv_timeout(left).expect("the worker did not finish the clip in 5 minutes");
            keys |= progress.phase == ImportPhase::Keys;
            if keys && progress.phase == ImportPhase::Idle {
                break;
            }
        }
    });
    let peak = status_kb("VmHWM:").unwrap();

    let library = Library::open(&library_path).unwrap();
    let ids = library.clip_ids(outtake_core::ClipSort::Added).unwrap();
    assert_eq!(ids.len(), 1, "the clip was imported");
    let id = ids[0];
    assert_eq!(library.clip(id).unwrap().duration_ms.map(|ms| ms / 1000), Some(4), "the header was read");
    assert!(library.clip_poster(id).unwrap().is_some(), "a poster was made");
    assert!(library.storyboard(id).unwrap().is_some(), "a storyboard was made");
    assert_eq!(library.content_key_counts().unwrap(), (1, 0), "its content keys were made");
    let grown = peak.saturating_sub(before);
    eprintln!("peak memory grew by {} kB for a {} MB clip", grown, (TAIL >> 20) + 1);
    assert!(
        grown < BOUND_KB,
        "the worker's peak memory grew by {grown} kB for one clip (bound {BOUND_KB} kB)"
    );
    eprintln!("Rust code held at most {} kB more", held / 1024);
    assert!(held < BOUND_HELD, "Rust code held {held} bytes more for one clip (bound {BOUND_HELD})");
}
