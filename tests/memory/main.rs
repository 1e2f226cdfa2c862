//! What an import holds in memory, counted by this binary's allocator: each
//! test takes in a hostile file the size of a real clip and bounds the peak of
//! bytes held while it does. (The app's importer thread runs this same code;
//! `docs/memory.md` has the app's own figures.)
//!
//! A binary of its own because the counting allocator sees every thread of
//! the process: its tests take turns (one lock), and no other test runs
//! beside them. Only Rust's allocations are counted: SQLite allocates on its
//! own and bounds itself (`cache_size` in `db.rs`); ffmpeg is another process.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use outtake_core::Library;
use outtake_core::subtitles::MAX_SUBTITLE_BYTES;

/// The system allocator, counting the bytes held now and the most held since
/// the last [`peak_during`] began.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = HELD.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call goes to `System` unchanged; the counters only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            grew(layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc_zeroed(layout) };
        if !block.is_null() {
            grew(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        unsafe { System.dealloc(block, layout) };
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(block, layout, size) };
        if !moved.is_null() {
            // Counted as the new block arriving before the old one leaves:
            // for a moment both may be held.
            grew(size);
            HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Held for the whole of a test: another test's setup would count in its peak.
fn my_turn() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Runs `work` and says how many bytes above what was held before it held at most.
fn peak_during<T>(work: impl FnOnce() -> T) -> (T, usize) {
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = work();
    (result, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

const MIB: usize = 1024 * 1024;

fn ffmpeg(args: &[&str]) -> bool {
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

/// Old enough for a scan to take at once (not a file still being written).
fn age(path: &Path) {
    let old = std::time::SystemTime::now() - Duration::from_secs(30);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
}

/// SRT text of about `bytes` bytes: one long Korean line every 100 ms.
fn srt_of(bytes: usize) -> String {
    let line = "말 타는 장면 촬영 중 ".repeat(12);
    let mut srt = String::with_capacity(bytes + 1024);
    let time = |ms: usize| {
        format!("{:02}:{:02}:{:02},{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
    };
    let mut n = 0;
    while srt.len() < bytes {
        n += 1;
        srt += &format!("{n}\n{} --> {}\n{line}{n}\n\n", time(n * 100), time(n * 100 + 90));
    }
    srt
}

#[test]
fn an_embedded_subtitle_track_is_read_only_up_to_its_bound() {
    let _turn = my_turn();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let folder = root.join("clips");
    std::fs::create_dir(&folder).unwrap();
    // A track of 2.5 times the bound: read whole, it was held three times over
    // (ffmpeg's output, the decoded text, the cues), over 150 MiB here.
    let srt = root.join("track.srt");
    std::fs::write(&srt, srt_of(MAX_SUBTITLE_BYTES * 5 / 2)).unwrap();
    let mkv = folder.join("hostile.mkv");
    let video = ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2"];
    let (s, m) = (srt.to_str().unwrap(), mkv.to_str().unwrap());
    if !ffmpeg(
        &[&video[..], &["-i", s, "-map", "0:v", "-map", "1:s", "-c:v", "mpeg4", "-c:s", "srt", m]].concat(),
    ) {
        return;
    }
    age(&mkv);
    let mut library = Library::open(&root.join("library.db")).unwrap();
    let (summary, peak) = peak_during(|| library.scan(&[folder], &mut |_| {}).unwrap());
    eprintln!(
        "importing a {} MiB subtitle track held {} MiB at most",
        MAX_SUBTITLE_BYTES * 5 / 2 / MIB,
        peak / MIB
    );
    // ffmpeg's output is held up to the bound, in a buffer that doubles as it
    // fills (for a moment 1.5 times the bound, while it moves to a bigger one).
    assert!(peak < 2 * MAX_SUBTITLE_BYTES, "the import held {} MiB at most", peak / MIB);
    assert_eq!(summary.added, 1, "{summary:?}");
    let problem = summary.failed.iter().find(|f| f.error.contains("more than 16 MiB of text"));
    assert!(problem.is_some(), "{:?}", summary.failed);
    let clip = library.clips().unwrap()[0].id;
    assert!(library.cues(clip, None).unwrap().is_empty());
}
