//! File names that are not UTF-8 (CP949 and Shift-JIS bytes from Windows
//! archives, a name mixing UTF-8 with CP949) and macOS NFD Hangul, with real
//! bytes on disk: each imports with a title the fan can read, is found by a
//! word of its name, survives a move and an export → import byte-exactly,
//! and the files stay as they were. Failures of any kind are listed until fixed.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use outtake_core::{Library, ShowInput};
use unicode_normalization::UnicodeNormalization;

use crate::scan::{age, make_clip, snapshot};

fn cp949(text: &str) -> Vec<u8> {
    encoding_rs::EUC_KR.encode(text).0.into_owned()
}

fn sjis(text: &str) -> Vec<u8> {
    encoding_rs::SHIFT_JIS.encode(text).0.into_owned()
}

fn join(dir: &Path, name: &[u8]) -> PathBuf {
    dir.join(OsStr::from_bytes(name))
}

/// One file: its name's bytes, the title it must get, the encoding its path
/// is shown decoded from, and a word of its name that must find it.
struct Named {
    bytes: Vec<u8>,
    title: &'static str,
    encoding: Option<&'static str>,
    word: &'static str,
}

fn names() -> Vec<Named> {
    let nfd: String = "안효섭 비하인드".nfd().collect();
    vec![
        Named {
            bytes: [cp949("홍천기 3화 메이킹 말 타는 장면"), b".mp4".to_vec()].concat(),
            title: "홍천기 3화 메이킹 말 타는 장면",
            encoding: Some("EUC-KR"),
            word: "말 타는",
        },
        Named {
            bytes: [sjis("メイキング映像 撮影現場"), b".mp4".to_vec()].concat(),
            title: "メイキング映像 撮影現場",
            encoding: Some("Shift_JIS"),
            word: "撮影現場",
        },
        Named {
            bytes: [sjis("ひらがな かくれんぼ"), b".webm".to_vec()].concat(),
            title: "ひらがな かくれんぼ",
            encoding: Some("Shift_JIS"),
            word: "かくれんぼ",
        },
        Named {
            bytes: ["김유정_".as_bytes().to_vec(), cp949("눈물 장면"), b".mp4".to_vec()].concat(),
            title: "김유정_눈물 장면",
            encoding: Some("EUC-KR"),
            word: "눈물",
        },
        Named {
            bytes: format!("{nfd}.mp4").into_bytes(),
            title: "안효섭 비하인드",
            encoding: None,
            word: "비하인드",
        },
    ]
}

/// The clip whose present copy is exactly this path.
fn clip_at(library: &Library, path: &Path) -> i64 {
    let ids = library.clips().unwrap().into_iter().map(|c| c.id);
    let mut found = ids.filter(|id| library.playable_path(*id).unwrap().as_deref() == Some(path));
    found.next().unwrap_or_else(|| panic!("no clip at {}", path.display()))
}

#[test]
fn legacy_and_nfd_names_import_read_travel_and_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("clips");
    // A folder inside the watched one with a CP949 name.
    let sub = join(&root, &cp949("촬영장"));
    std::fs::create_dir_all(&sub).unwrap();
    let mut paths = Vec::new();
    for (i, named) in names().iter().enumerate() {
        let path = join(if i == 1 { &sub } else { &root }, &named.bytes);
        if !make_clip(&path, 1.0 + i as f32 * 0.2, &[]) {
            eprintln!("ffmpeg is not installed: skipped");
            return;
        }
        age(&path);
        paths.push(path);
    }
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let show = library
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            ..Default::default()
        })
        .unwrap();
    let before = snapshot(&root);
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (paths.len(), 0), "{summary:?}");
    assert_eq!(snapshot(&root), before, "the fan's files were changed");
    assert!(library.import_problems().unwrap().is_empty());

    for (named, path) in names().iter().zip(&paths) {
        let id = clip_at(&library, path);
        let clip = library.clip(id).unwrap();
        assert_eq!(clip.title, named.title);
        assert_eq!(clip.path_encoding.as_deref(), named.encoding, "{}", clip.title);
        let shown: String = clip.path.clone().unwrap().nfc().collect();
        assert!(shown.contains(named.title), "{shown} is shown for {}", named.title);
        let found = library.search_results(named.word, 20).unwrap();
        assert!(found.clips.iter().any(|c| c.clip.id == id), "{} did not find {}", named.word, clip.title);
    }
    // `홍천기 3화` in CP949 finds the show like its UTF-8 twin would.
    let horse = library.clip(clip_at(&library, &paths[0])).unwrap();
    assert_eq!((horse.show_id, horse.episode), (Some(show), Some(3)));
    let in_folder = library.clip(clip_at(&library, &paths[1])).unwrap();
    assert!(in_folder.path.unwrap().contains("/촬영장/"));

    // A move to another legacy name in another legacy folder is a move, not a new clip.
    let moved_id = clip_at(&library, &paths[0]);
    let elsewhere = join(&root, &cp949("옮긴 곳"));
    std::fs::create_dir(&elsewhere).unwrap();
    let new_path = join(&elsewhere, &[cp949("홍천기 말 타기"), b".mp4".to_vec()].concat());
    std::fs::rename(&paths[0], &new_path).unwrap();
    paths[0] = new_path.clone();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.moved, summary.added, summary.missing), (1, 0, 0), "{summary:?}");
    assert_eq!(library.playable_path(moved_id).unwrap(), Some(new_path.clone()));
    let after_move = snapshot(&root);

    // Export and import into a new library: every path comes back as the same bytes.
    let export = dir.path().join("export.json");
    library.export_to(&export).unwrap();
    let text = std::fs::read_to_string(&export).unwrap();
    assert!(text.contains("\"path_bytes\""), "the export keeps the exact bytes");
    let mut restored = Library::open(&dir.path().join("restored.db")).unwrap();
    restored.import_from(&export).unwrap();
    for path in &paths {
        clip_at(&restored, path);
    }
    // Importing it again into the first library matches every clip by its bytes.
    let report = library.import_from(&export).unwrap();
    assert_eq!(library.clips().unwrap().len(), paths.len(), "{report:?}");
    assert_eq!(snapshot(&root), after_move, "the fan's files were changed");
}

#[test]
fn every_failed_file_is_listed_until_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let broken = join(&root, &[cp949("깨진 파일"), b".mp4".to_vec()].concat());
    std::fs::write(&broken, b"not a video at all").unwrap();
    age(&broken);
    let mut library = Library::open(&root.join("library.db")).unwrap();
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    let problems = library.import_problems().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, root.join("깨진 파일.mp4").to_str().unwrap());
    assert_eq!(problems[0].path_encoding.as_deref(), Some("EUC-KR"));
    assert_eq!(problems[0].exact, broken);
    // Still listed on the next scan, unchanged.
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(library.import_problems().unwrap().len(), 1);
    // Fixed: a real video now; it imports and leaves the list.
    if !make_clip(&broken, 1.0, &[]) {
        eprintln!("ffmpeg is not installed: skipped");
        return;
    }
    age(&broken);
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(summary.added, 1, "{summary:?}");
    assert!(library.import_problems().unwrap().is_empty());
    // Gone: a problem whose file is deleted leaves the list too.
    let other = root.join("other.mkv");
    std::fs::write(&other, b"junk").unwrap();
    age(&other);
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(library.import_problems().unwrap().len(), 1);
    std::fs::remove_file(&other).unwrap();
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert!(library.import_problems().unwrap().is_empty());

    // A sidecar that cannot be read is listed (decoded) until it is gone.
    let info = join(&root, &[cp949("깨진 파일"), b".info.json".to_vec()].concat());
    std::fs::write(&info, b"{ not json").unwrap();
    age(&info);
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    let problems = library.import_problems().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with("/깨진 파일.info.json"), "{problems:?}");
    // The window's folder view counts what the list holds.
    library.add_folder(&root).unwrap();
    assert_eq!(library.facets().unwrap().folders[0].problems, 1);
    std::fs::remove_file(&info).unwrap();
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert!(library.import_problems().unwrap().is_empty());

    // A "folder" to scan that is a file is listed, and leaves the list when it goes.
    let not_folder = root.join("notes.txt");
    std::fs::write(&not_folder, b"a file").unwrap();
    library.scan(std::slice::from_ref(&not_folder), &mut |_| {}).unwrap();
    assert_eq!(library.import_problems().unwrap()[0].error, "is not a folder");
    std::fs::remove_file(&not_folder).unwrap();
    library.scan(std::slice::from_ref(&not_folder), &mut |_| {}).unwrap();
    assert!(library.import_problems().unwrap().is_empty());
}

#[test]
fn an_export_with_bad_path_bytes_is_refused_naming_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let path = outtake_core::StoredPath::from_path(&join(dir.path(), &cp949("홍천기.mp4")));
    let file = outtake_core::FileInput { path, size: 1, ..Default::default() };
    library
        .add_clip(&outtake_core::ClipInput {
            title: "홍천기".into(),
            files: vec![file],
            ..Default::default()
        })
        .unwrap();
    let export = dir.path().join("export.json");
    library.export_to(&export).unwrap();
    let good = std::fs::read_to_string(&export).unwrap();
    let hex: String = cp949("홍천기").iter().map(|b| format!("{b:02x}")).collect();
    assert!(good.contains(&hex), "the exact bytes are exported");
    // Replace the whole value of path_bytes with a bad one.
    let mut json: serde_json::Value = serde_json::from_str(&good).unwrap();
    for bad in ["zz", "2f6162", "2f00ff"] {
        json["clips"][0]["files"][0]["path_bytes"] = serde_json::json!(bad);
        std::fs::write(&export, json.to_string()).unwrap();
        let mut other = Library::open(&dir.path().join(format!("other-{bad}.db"))).unwrap();
        let error = other.import_from(&export).unwrap_err().to_string();
        assert!(error.contains("clips[0]") && error.contains("path_bytes"), "{bad}: {error}");
    }
}

#[test]
fn the_watchers_batches_take_legacy_names_and_their_moves() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("clips");
    std::fs::create_dir(&root).unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let roots = std::slice::from_ref(&root);
    library.scan(roots, &mut |_| {}).unwrap();
    let video = join(&root, &[sjis("撮影現場"), b".mp4".to_vec()].concat());
    if !make_clip(&video, 1.0, &[]) {
        eprintln!("ffmpeg is not installed: skipped");
        return;
    }
    age(&video);
    let summary = library.import_changes(roots, std::slice::from_ref(&video), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (1, 0), "{summary:?}");
    let id = clip_at(&library, &video);
    // The import is undone and redone with the exact bytes (the history keeps `path_hex`).
    library.undo(None).unwrap();
    assert!(library.clips().unwrap().is_empty());
    library.redo().unwrap();
    assert_eq!(clip_at(&library, &video), id);
    let folder = join(&root, &cp949("촬영장"));
    std::fs::create_dir(&folder).unwrap();
    let moved = join(&folder, &[sjis("撮影現場 2"), b".mp4".to_vec()].concat());
    std::fs::rename(&video, &moved).unwrap();
    let summary = library.import_changes(roots, &[video.clone(), moved.clone()], &mut |_| {}).unwrap();
    assert_eq!((summary.moved, summary.added, summary.missing), (1, 0, 0), "{summary:?}");
    assert_eq!(library.playable_path(id).unwrap(), Some(moved.clone()));
    // Its poster is made from the exact bytes.
    let jobs = library.pending_thumbnails().unwrap();
    assert_eq!(jobs.iter().map(|j| &j.video).collect::<Vec<_>>(), [&moved]);
    outtake_core::import::thumbs::make_thumbnail(&jobs[0]).unwrap();
    assert!(library.clip_poster(id).unwrap().is_some());
}

#[test]
fn a_watched_folder_with_a_legacy_name_is_refused_saying_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let folder = join(dir.path(), &cp949("메이킹"));
    std::fs::create_dir(&folder).unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let error = library.add_folder(&folder).unwrap_err().to_string();
    assert!(error.contains("메이킹") && error.contains("watch the folder that holds it"), "{error}");
    library.add_folder(dir.path()).unwrap();
}
