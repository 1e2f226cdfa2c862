//! Importing real files: clips made with ffmpeg (yt-dlp style names with
//! `.info.json` and `.ko.vtt` beside them), broken and non-video files, moves,
//! deletions, copies and late sidecars — and the user's files never written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use outtake_core::import::ScanSummary;
use outtake_core::{ClipPatch, Library, MarkerInput, ShowInput};

/// Makes a small real clip with ffmpeg; false when ffmpeg is not installed.
pub(crate) fn make_clip(path: &Path, seconds: f32, extra: &[&str]) -> bool {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=size=320x240:rate=25:duration={seconds}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("sine=frequency=440:duration={seconds}"))
        .args(extra)
        .arg(path)
        .status();
    match status {
        Ok(status) => {
            assert!(status.success(), "ffmpeg failed to make {}", path.display());
            true
        }
        Err(_) => false,
    }
}

pub(crate) fn age(path: &Path) {
    // Files younger than the settle time are treated as still being copied.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(30);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(old).unwrap();
}

/// Every file under `dir` with its bytes and mtime: the user's files, as they must stay.
pub(crate) fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = std::fs::metadata(&path).unwrap();
                files.insert(path.clone(), (std::fs::read(&path).unwrap(), meta.modified().unwrap()));
            }
        }
    }
    files
}

const INFO_JSON: &str = r#"{
  "id": "abc123def45",
  "title": "[Making] Lovers of the Red Sky EP.3 — horse ride",
  "description": "Kim Yoo Jung and Ahn Hyo Seop on set",
  "uploader": "SBS Drama",
  "upload_date": "20210914",
  "webpage_url": "https://www.youtube.com/watch?v=abc123def45",
  "tags": ["김유정", "Kim Yoo Jung"],
  "duration": 2,
  "chapters": [{"start_time": 0, "end_time": 1, "title": "Horse ride"}, {"start_time": 1, "end_time": 2, "title": "I'm okay"}]
}"#;

const KO_VTT: &str = "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n말을 타는 장면이에요\n\n00:00:01.000 --> 00:00:02.000\n괜찮아요, 눈물이 나네요\n";

struct Folder {
    _dir: tempfile::TempDir,
    root: PathBuf,
    library: Library,
}

fn scan(folder: &mut Folder) -> ScanSummary {
    let root = folder.root.clone();
    folder.library.scan(&[root], &mut |_| {}).expect("scan runs")
}

/// A folder like a fan's downloads; None when ffmpeg is missing (said on stderr).
fn downloads() -> Option<Folder> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let yt = root.join("[Making] Lovers of the Red Sky EP.3 [abc123def45].mp4");
    if !make_clip(
        &yt,
        2.0,
        &["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"],
    ) {
        eprintln!("ffmpeg is not installed: scan tests skipped");
        return None;
    }
    std::fs::write(root.join("[Making] Lovers of the Red Sky EP.3 [abc123def45].info.json"), INFO_JSON)
        .unwrap();
    std::fs::write(root.join("[Making] Lovers of the Red Sky EP.3 [abc123def45].ko.vtt"), KO_VTT).unwrap();
    std::fs::create_dir(root.join("phone")).unwrap();
    make_clip(
        &root.join("phone/홍천기 비하인드.webm"),
        1.0,
        &["-c:v", "libvpx-vp9", "-b:v", "200k", "-c:a", "libopus"],
    );
    make_clip(&root.join("rip.ts"), 1.0, &["-c:v", "mpeg2video", "-c:a", "mp2"]);
    // Not videos, whatever their names say.
    Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=64x64",
            "-frames:v",
            "1",
            "-f",
            "mjpeg",
        ])
        .arg(root.join("poster.mkv"))
        .status()
        .unwrap();
    std::fs::write(root.join("empty.mp4"), b"").unwrap();
    std::fs::write(
        root.join("garbage.mp4"),
        (0..5000u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<_>>(),
    )
    .unwrap();
    std::fs::write(root.join("notes.md"), b"# my notes").unwrap();
    // A download in progress.
    std::fs::write(root.join("next [zzz999zzz99].mp4.part"), b"partial").unwrap();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { age(&path) }
        }
    }
    let mut library = Library::open_in_memory().unwrap();
    library
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            ..ShowInput::default()
        })
        .unwrap();
    Some(Folder { _dir: dir, root, library })
}

#[test]
fn imports_a_downloads_folder() {
    let Some(mut folder) = downloads() else { return };
    let before = snapshot(&folder.root);
    let summary = scan(&mut folder);
    assert_eq!(snapshot(&folder.root), before, "the scan wrote to the user's files");
    assert_eq!(summary.added, 3, "{summary:#?}");
    let failed: BTreeMap<String, String> = summary
        .failed
        .iter()
        .map(|f| (Path::new(&f.path).file_name().unwrap().to_string_lossy().to_string(), f.error.clone()))
        .collect();
    assert_eq!(failed.keys().collect::<Vec<_>>(), ["empty.mp4", "garbage.mp4", "poster.mkv"], "{summary:#?}");
    assert!(failed["poster.mkv"].contains("JPEG"), "{failed:?}");
    assert!(failed["empty.mp4"].contains("empty"), "{failed:?}");
    assert!(summary.skipped >= 2, "the .part and notes.md are skipped: {summary:#?}");

    let clips = folder.library.clips().unwrap();
    let yt = clips.iter().find(|c| c.title.contains("horse ride")).expect("the yt-dlp clip");
    let detail = folder.library.clip(yt.id).unwrap();
    assert_eq!(detail.title, "[Making] Lovers of the Red Sky EP.3 — horse ride");
    assert_eq!(detail.source.uploader.as_deref(), Some("SBS Drama"));
    assert_eq!(detail.source.published.as_deref(), Some("2021-09-14"));
    assert_eq!(detail.source.url.as_deref(), Some("https://www.youtube.com/watch?v=abc123def45"));
    assert_eq!(detail.source_id.as_deref(), Some("abc123def45"));
    assert!(detail.tags.contains(&"yt:김유정".to_string()), "{:?}", detail.tags);
    assert_eq!((detail.width, detail.height), (Some(320), Some(240)));
    assert_eq!(detail.video_codec.as_deref(), Some("h264"));
    assert_eq!(detail.audio_codec.as_deref(), Some("aac"));
    assert!((1950..=2100).contains(&detail.duration_ms.unwrap()), "{:?}", detail.duration_ms);
    assert_eq!(detail.oshash.as_ref().map(String::len), Some(16));
    // The file name says which show and episode: a guess, marked as one.
    assert_eq!(
        (detail.show.as_deref(), detail.episode, detail.show_guessed),
        (Some("Lovers of the Red Sky"), Some(3), true)
    );
    let chapters: Vec<_> = detail.markers.iter().map(|m| (m.start_ms, m.title.clone().unwrap())).collect();
    assert_eq!(chapters, [(0, "Horse ride".to_string()), (1000, "I'm okay".to_string())]);
    let cues = folder.library.cues(yt.id, Some("ko")).unwrap();
    assert_eq!(cues.len(), 2);
    assert_eq!(cues[1].text, "괜찮아요, 눈물이 나네요");

    let phone = clips.iter().find(|c| c.title == "홍천기 비하인드").expect("the Korean-named webm");
    let phone = folder.library.clip(phone.id).unwrap();
    assert_eq!((phone.video_codec.as_deref(), phone.audio_codec.as_deref()), (Some("vp9"), Some("opus")));
    assert_eq!((phone.show.as_deref(), phone.episode), (Some("Lovers of the Red Sky"), None));
    assert!(clips.iter().any(|c| c.title == "rip"), "the mpeg-ts rip is imported (ffprobe fallback)");
}

#[test]
fn rescans_touch_nothing_unchanged() {
    let Some(mut folder) = downloads() else { return };
    let first = scan(&mut folder);
    let again = scan(&mut folder);
    assert_eq!((again.added, again.updated, again.moved, again.missing), (0, 0, 0, 0), "{again:#?}");
    // Files that failed before are reported again from the library, not re-read.
    assert_eq!(again.failed.len(), first.failed.len());
    assert_eq!(folder.library.clips().unwrap().len(), 3);
}

#[test]
fn chapters_the_fan_renamed_or_deleted_stay_so_after_a_new_info_json() {
    let Some(mut folder) = downloads() else { return };
    scan(&mut folder);
    let clips = folder.library.clips().unwrap();
    let clip = clips.iter().find(|c| c.title.contains("horse ride")).expect("the yt-dlp clip").id;
    let markers = folder.library.markers(clip).unwrap();
    assert_eq!(markers.len(), 2);
    folder.library.delete_marker(markers[0].id).unwrap();
    let kept = MarkerInput {
        start_ms: markers[1].start_ms,
        end_ms: markers[1].end_ms,
        title: Some("The farewell".into()),
        tags: markers[1].tags.clone(),
        ..MarkerInput::default()
    };
    folder.library.update_marker(markers[1].id, &kept).unwrap();
    // The library moves through an export: which chapters were taken goes along.
    let json = folder.library.export_json().unwrap();
    let mut moved = Library::open(&folder._dir.path().join("moved.db")).unwrap();
    moved.import_json(json.as_bytes(), Path::new("export.json")).unwrap();
    folder.library = moved;

    // A re-download writes the sidecar again, with one chapter more.
    let info = folder.root.join("[Making] Lovers of the Red Sky EP.3 [abc123def45].info.json");
    let newer = INFO_JSON.replace(
        r#"{"start_time": 1, "end_time": 2, "title": "I'm okay"}"#,
        r#"{"start_time": 1, "end_time": 2, "title": "I'm okay"}, {"start_time": 1.5, "title": "Bow"}"#,
    );
    assert_ne!(newer, INFO_JSON);
    std::fs::write(&info, newer).unwrap();
    age(&info);
    scan(&mut folder);

    let titles: Vec<_> =
        folder.library.markers(clip).unwrap().into_iter().map(|m| (m.start_ms, m.title.unwrap())).collect();
    assert_eq!(titles, [(1000, "The farewell".to_string()), (1500, "Bow".to_string())]);
}

#[test]
fn moves_keep_what_the_fan_added_and_deletions_become_missing() {
    let Some(mut folder) = downloads() else { return };
    scan(&mut folder);
    let clip = folder.library.find_clip("홍천기 비하인드").unwrap();
    folder.library.tag_clip(clip, &["mood:fun".into()]).unwrap();
    folder
        .library
        .update_clip(clip, &ClipPatch { note: Some(Some("her laugh".into())), ..ClipPatch::default() })
        .unwrap();
    let old = folder.root.join("phone/홍천기 비하인드.webm");
    std::fs::create_dir(folder.root.join("sorted")).unwrap();
    let new = folder.root.join("sorted/renamed.webm");
    std::fs::rename(&old, &new).unwrap();
    let summary = scan(&mut folder);
    assert_eq!((summary.moved, summary.added, summary.missing), (1, 0, 0), "{summary:#?}");
    let detail = folder.library.clip(clip).unwrap();
    assert_eq!(detail.path.as_deref(), new.to_str());
    assert_eq!(detail.tags, ["mood:fun"]);
    assert_eq!(detail.note.as_deref(), Some("her laugh"));

    // A second copy is the same clip with two files.
    let copy = folder.root.join("sorted/copy.webm");
    std::fs::copy(&new, &copy).unwrap();
    age(&copy);
    let summary = scan(&mut folder);
    assert_eq!((summary.updated, summary.added), (1, 0), "{summary:#?}");
    assert_eq!(folder.library.clip(clip).unwrap().files.len(), 2);

    std::fs::remove_file(&new).unwrap();
    std::fs::remove_file(&copy).unwrap();
    let summary = scan(&mut folder);
    assert_eq!(summary.missing, 2, "{summary:#?}");
    let detail = folder.library.clip(clip).unwrap();
    assert_eq!(detail.status, outtake_core::FileStatus::Missing);
    assert_eq!(detail.tags, ["mood:fun"], "a missing clip keeps everything");
}

#[test]
fn an_unreachable_folder_goes_offline_not_missing() {
    let Some(mut folder) = downloads() else { return };
    scan(&mut folder);
    let moved_away = folder.root.with_extension("unmounted");
    std::fs::rename(&folder.root, &moved_away).unwrap();
    let summary = scan(&mut folder);
    assert_eq!((summary.offline, summary.missing), (3, 0), "{summary:#?}");
    assert!(folder.library.clips().unwrap().iter().all(|c| c.status == outtake_core::FileStatus::Offline));
    std::fs::rename(&moved_away, &folder.root).unwrap();
    let summary = scan(&mut folder);
    assert_eq!(summary.updated, 3, "back online: {summary:#?}");
    assert!(folder.library.clips().unwrap().iter().all(|c| c.status == outtake_core::FileStatus::Present));
}

#[test]
fn late_sidecars_are_picked_up_but_never_override_the_fan() {
    let Some(mut folder) = downloads() else { return };
    let video = folder.root.join("phone/홍천기 비하인드.webm");
    let info = folder.root.join("phone/홍천기 비하인드.info.json");
    scan(&mut folder);
    std::fs::write(&info, r#"{"title": "Red Sky behind the scenes", "uploader": "Fan"}"#).unwrap();
    let summary = scan(&mut folder);
    assert!(summary.failed.iter().all(|f| !f.path.ends_with(".info.json")), "{summary:#?}");
    let clip = folder.library.find_clip(video.to_str().unwrap()).unwrap();
    assert_eq!(folder.library.clip(clip).unwrap().title, "Red Sky behind the scenes");
    folder
        .library
        .update_clip(clip, &ClipPatch { title: Some("My title".into()), ..ClipPatch::default() })
        .unwrap();
    std::fs::write(&info, r#"{"title": "Changed upstream", "uploader": "Fan"}"#).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options().write(true).open(&info).unwrap().set_modified(later).unwrap();
    scan(&mut folder);
    assert_eq!(folder.library.clip(clip).unwrap().title, "My title");
    // A malformed sidecar is reported, and the clip stays.
    let vtt = folder.root.join("phone/홍천기 비하인드.en.vtt");
    std::fs::write(&vtt, b"not subtitles at all").unwrap();
    let summary = scan(&mut folder);
    let failure =
        summary.failed.iter().find(|f| f.path.ends_with(".en.vtt")).expect("the bad vtt is reported");
    assert!(failure.error.contains("subtitles"), "{failure:?}");
    assert_eq!(folder.library.clip(clip).unwrap().title, "My title");
}
