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
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use outtake_core::Library;
use outtake_core::subtitles::MAX_SUBTITLE_BYTES;

mod worker;

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

fn sized(kind: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut bytes = ((8 + payload.len()) as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(kind);
    bytes.extend_from_slice(payload);
    bytes
}

fn words(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// `ftyp` and `moov` of an MP4 with one video track of 640x360, 10 s long,
/// and `trex` (the defaults of a fragmented track) boxes for track 1 and
/// `extra_trex` more.
fn mp4_header(extra_trex: usize) -> Vec<u8> {
    let mvhd = sized(b"mvhd", &[words(&[0, 0, 0, 1000, 10_000]), vec![0; 80]].concat());
    let mut tkhd_body = words(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    tkhd_body.extend(words(&[0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x4000_0000, 640 << 16, 360 << 16]));
    let tkhd = sized(b"tkhd", &tkhd_body);
    let mdhd = sized(b"mdhd", &words(&[0, 0, 0, 25, 250, 0x55c4_0000]));
    let hdlr = sized(b"hdlr", &[&[0; 8][..], b"vide", &[0; 13]].concat());
    let avc1 =
        sized(b"avc1", &[&[0; 24][..], &640u16.to_be_bytes(), &360u16.to_be_bytes(), &[0; 50]].concat());
    let stsd = sized(b"stsd", &[words(&[0, 1]), avc1].concat());
    let stbl = sized(b"stbl", &[stsd, sized(b"stts", &words(&[0, 0]))].concat());
    let mdia = sized(b"mdia", &[mdhd, hdlr, sized(b"minf", &stbl)].concat());
    let trak = sized(b"trak", &[tkhd, mdia].concat());
    let trex = (0..=extra_trex).flat_map(|n| sized(b"trex", &words(&[0, n as u32 + 1, 1, 40, 0, 0])));
    let mvex = sized(b"mvex", &trex.collect::<Vec<u8>>());
    let moov = sized(b"moov", &[mvhd, mvex, trak].concat());
    [sized(b"ftyp", b"isom\0\0\0\0isomiso6"), moov].concat()
}

/// Writes an MP4 of `len` bytes made of movie fragments of 8 MiB (the most
/// the reader takes in one), sparse: each fragment's padding is zeros the
/// disk never stores.
fn fragmented_mp4(path: &Path, len: u64) {
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(&mp4_header(0)).unwrap();
    // moof { traf { tfhd, trun of 250 samples of the default duration } }, padded with zeros.
    let moof_len = 8 * MIB as u32;
    let head = [
        words(&[moof_len]),
        b"moof".to_vec(),
        words(&[moof_len - 8]),
        b"traf".to_vec(),
        sized(b"tfhd", &words(&[0, 1])),
        words(&[moof_len - 32]),
        b"trun".to_vec(),
        words(&[0, 250]),
    ]
    .concat();
    let mut at = file.stream_position().unwrap();
    while at + u64::from(moof_len) <= len {
        file.write_all(&head).unwrap();
        at += u64::from(moof_len);
        file.seek(SeekFrom::Start(at)).unwrap();
    }
    file.set_len(at).unwrap();
}

#[test]
fn movie_fragments_are_read_one_at_a_time() {
    let _turn = my_turn();
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("fragments.mp4");
    fragmented_mp4(&mp4, 1 << 30);
    let (probe, peak) = peak_during(|| outtake_core::media::probe_fast(&mp4).unwrap());
    let probe = probe.expect("a video track this reader knows");
    assert_eq!((probe.duration_ms, probe.width), (Some(10_000), Some(640)));
    // One fragment of 8 MiB at a time (and where the others are), not 1 GiB of them.
    eprintln!("probing 1 GiB of movie fragments held {} MiB at most", peak / MIB);
    assert!(peak < 9 * MIB, "probing held {} MiB at most", peak / MIB);
}

#[test]
fn an_mp4_header_keeps_a_few_tracks_whatever_it_lists() {
    let _turn = my_turn();
    let dir = tempfile::tempdir().unwrap();
    let mp4 = dir.path().join("tracks.mp4");
    // 8 MiB of track defaults: 262,144 tracks, when a real file has a few.
    std::fs::write(&mp4, mp4_header(8 * MIB / 32)).unwrap();
    let (probe, peak) = peak_during(|| outtake_core::media::probe_fast(&mp4).unwrap());
    eprintln!("probing an MP4 header of 262,144 tracks held {} MiB at most", peak / MIB);
    assert_eq!(probe.expect("the one real track").width, Some(640));
    // The header itself (8 MiB), not a record per track it lists (40 MiB more).
    assert!(peak < 9 * MIB, "probing held {} MiB at most", peak / MIB);
}

/// An EBML element: id, an 8-byte size, payload.
fn element(id: &[u8], payload: &[u8]) -> Vec<u8> {
    [id, &[1], &(payload.len() as u64).to_be_bytes()[1..], payload].concat()
}

#[test]
fn a_matroska_header_keeps_a_few_tracks_whatever_it_lists() {
    let _turn = my_turn();
    let dir = tempfile::tempdir().unwrap();
    let webm = dir.path().join("tracks.webm");
    // 20 Tracks elements of 100,000 empty TrackEntries each (two bytes apiece):
    // 4 MB of file that listed two million tracks.
    let tracks = element(&[0x16, 0x54, 0xAE, 0x6B], &[0xAE, 0x80].repeat(100_000));
    let mut bytes = element(&[0x1A, 0x45, 0xDF, 0xA3], &element(&[0x42, 0x82], b"webm"));
    bytes.extend_from_slice(&[0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    bytes.extend(tracks.repeat(20));
    std::fs::write(&webm, bytes).unwrap();
    let (probe, peak) = peak_during(|| outtake_core::media::probe_fast(&webm));
    eprintln!("probing a WebM header of 2,000,000 tracks held {} MiB at most", peak / MIB);
    // No duration and no codec: the built-in reader leaves it to ffprobe.
    assert!(matches!(probe, Ok(None)), "{probe:?}");
    // One Tracks element at a time (200 KB, and its list of at most 100,000
    // children: 3 MiB), not a record per track (over 200 MiB).
    assert!(peak < 8 * MIB, "probing held {} MiB at most", peak / MIB);
}
