//! The live watcher with real files in a temp dir: a yt-dlp `.part` renamed when
//! done, a slow copy, a move between folders, a delete and a late sidecar —
//! each reaches the library through `FolderWatcher` → `Library::import_changes`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use outtake_core::watch::{FolderWatcher, WatchMessage, WatchMode};
use outtake_core::{FileStatus, Library};

struct Watched {
    _dir: tempfile::TempDir,
    root: PathBuf,
    library: Library,
    receiver: Receiver<WatchMessage>,
    _watcher: FolderWatcher,
}

/// Bytes of a small real mp4, made once per test by ffmpeg; None without ffmpeg.
fn clip_bytes(dir: &Path, name: &str, seconds: f32) -> Option<Vec<u8>> {
    let path = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=160x120:rate=25:duration={seconds}"))
        .args(["-c:v", "libx264", "-pix_fmt", "yuv420p"])
        .arg(&path)
        .status()
        .ok()?;
    assert!(status.success());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    Some(bytes)
}

fn start() -> Watched {
    start_with(FolderWatcher::new)
}

fn start_with(
    make: impl FnOnce(mpsc::Sender<WatchMessage>) -> Result<FolderWatcher, outtake_core::watch::WatchError>,
) -> Watched {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("downloads");
    std::fs::create_dir(&root).unwrap();
    let (sender, receiver) = mpsc::channel();
    let mut watcher = make(sender).unwrap();
    let mode = watcher.watch(&root).unwrap().clone();
    assert!(matches!(mode, WatchMode::Native | WatchMode::Polling(_)), "{mode:?}");
    let library = Library::open(&dir.path().join("library.db")).unwrap();
    Watched { _dir: dir, root, library, receiver, _watcher: watcher }
}

impl Watched {
    /// Imports every batch the watcher sends until `done` holds; fails after 15 s.
    fn until(&mut self, what: &str, done: impl Fn(&Library) -> bool) -> Duration {
        let started = Instant::now();
        let roots = [self.root.clone()];
        while !done(&self.library) {
            let left = Duration::from_secs(15).saturating_sub(started.elapsed());
            match self.receiver.recv_timeout(left) {
                Ok(WatchMessage::Changed(paths)) => {
                    self.library.import_changes(&roots, &paths, &mut |_| {}).unwrap();
                }
                Ok(WatchMessage::Problem(problem)) => panic!("watcher problem: {problem}"),
                Err(_) => panic!("timed out waiting for: {what}"),
            }
        }
        started.elapsed()
    }

    fn clip_at(&self, path: &Path) -> Option<i64> {
        self.library.find_clip(path.to_str().unwrap()).ok()
    }
}

#[test]
fn a_finished_download_arrives_and_moves_keep_tags() {
    let mut w = start();
    let Some(bytes) = clip_bytes(w.root.parent().unwrap(), "make.mp4", 1.0) else { return };
    // yt-dlp writes NAME.mp4.part, then renames it.
    let part = w.root.join("Horse ride [abc123def45].mp4.part");
    std::fs::write(&part, &bytes).unwrap();
    let done = w.root.join("Horse ride [abc123def45].mp4");
    std::fs::rename(&part, &done).unwrap();
    let took = w.until("the renamed download", |lib| lib.find_clip(done.to_str().unwrap()).is_ok());
    eprintln!("download → library: {took:?}");
    let clip = w.clip_at(&done).unwrap();
    assert_eq!(w.library.clip(clip).unwrap().title, "Horse ride");
    w.library.tag_clip(clip, &["mood:fun".into()]).unwrap();

    // A sidecar arriving after the video is picked up.
    let info = w.root.join("Horse ride [abc123def45].info.json");
    std::fs::write(&info, r#"{"title": "Horse ride (making-of)", "uploader": "SBS"}"#).unwrap();
    w.until("the late info.json", |lib| lib.clip(clip).unwrap().title == "Horse ride (making-of)");

    // Moved to another folder: same clip, tags kept.
    let sorted = w.root.join("sorted");
    std::fs::create_dir(&sorted).unwrap();
    let moved = sorted.join("horse.mp4");
    std::fs::rename(&done, &moved).unwrap();
    w.until("the move", |lib| lib.clip(clip).unwrap().path.as_deref() == moved.to_str());
    let detail = w.library.clip(clip).unwrap();
    assert_eq!((detail.tags.clone(), detail.files.len()), (vec!["mood:fun".to_string()], 1));
    assert_eq!(w.library.clips().unwrap().len(), 1, "a move never makes a second clip");

    // Deleted: missing, not forgotten.
    std::fs::remove_file(&moved).unwrap();
    w.until("the delete", |lib| lib.clip(clip).unwrap().status == FileStatus::Missing);
    assert_eq!(w.library.clip(clip).unwrap().tags, ["mood:fun"]);
}

#[test]
fn a_slow_copy_is_imported_once_whole() {
    let mut w = start();
    let Some(bytes) = clip_bytes(w.root.parent().unwrap(), "make.mp4", 2.0) else { return };
    let target = w.root.join("slow copy.mp4");
    let size = bytes.len() as i64;
    let writer = {
        let target = target.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(&target).unwrap();
            for chunk in bytes.chunks(bytes.len() / 8 + 1) {
                file.write_all(chunk).unwrap();
                file.flush().unwrap();
                std::thread::sleep(Duration::from_millis(150));
            }
        })
    };
    // Whatever arrives while the copy runs is imported as it comes; the clip
    // must end up with the whole file.
    w.until("the finished copy", |lib| {
        lib.find_clip(target.to_str().unwrap()).is_ok_and(|id| lib.clip(id).unwrap().files[0].size == size)
    });
    writer.join().unwrap();
    let clip = w.clip_at(&target).unwrap();
    let detail = w.library.clip(clip).unwrap();
    assert_eq!(detail.files[0].size, size);
    assert!((1900..=2100).contains(&detail.duration_ms.unwrap()), "{:?}", detail.duration_ms);
    assert_eq!(w.library.clips().unwrap().len(), 1);
}

#[test]
fn polling_finds_new_files_where_native_events_do_not_come() {
    let mut w = start_with(FolderWatcher::polling);
    assert!(matches!(w._watcher.modes()[0].1, WatchMode::Polling(_)));
    let Some(bytes) = clip_bytes(w.root.parent().unwrap(), "make.mp4", 1.0) else { return };
    let target = w.root.join("from the share.mp4");
    std::fs::write(&target, &bytes).unwrap();
    w.until("the polled file", |lib| lib.find_clip(target.to_str().unwrap()).is_ok());
}
