//! What a fan's disk, downloads and typing did to the library in the
//! hardening probe (issue 14), each as a test that failed before its fix:
//! badly named files, a deleted watched folder, edits during a scan, export
//! over the library, read-only libraries, mistyped `--library`, unbounded
//! reads, imports that bypassed validation, and another program's database.
//!
//! Long because each fault is its own test with the setup that reproduces it
//! (a tmpfs, a FIFO, a path past PATH_MAX, another user); they share helpers.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use outtake_core::import::ScanSummary;
use outtake_core::watch::{FolderWatcher, WatchMessage, WatchMode};
use outtake_core::{ClipInput, Error, FileStatus, Library};
use serde_json::Value;

use crate::cli::binary;
use crate::scan::{age, make_clip, snapshot};

/// `outtake --library LIBRARY ARGS...`: (exit code, stdout, stderr).
fn outtake(library: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary())
        .env_remove("OUTTAKE_LIBRARY")
        .arg("--library")
        .arg(library)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("outtake runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

/// Distinct small clips (each its own fingerprint), aged past the settle time.
fn clips(dir: &Path, names: &[&str]) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    for (i, name) in names.iter().enumerate() {
        let path = dir.join(name);
        let seconds = 0.4 + 0.1 * i as f32;
        if !make_clip(&path, seconds, &["-s", "64x48"]) {
            eprintln!("ffmpeg is not installed: skipping");
            return false;
        }
        age(&path);
    }
    true
}

#[test]
fn a_file_named_with_control_characters_imports_and_stops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("d");
    let names = ["a.mp4", "m\u{1}.mp4", "e\u{1b}[31m.mp4", "n\nl.mp4", "d\u{7f}.mp4", "x\u{85}.mp4", "z.mp4"];
    if !clips(&folder, &names) {
        return;
    }
    let library = dir.path().join("t.db");
    Library::open(&library).unwrap();
    let before = snapshot(&folder);
    let (code, stdout, stderr) =
        outtake(&library, &["scan", "--json", "--no-thumbnails", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let summary: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["added"], 7, "{summary}");
    assert_eq!(summary["failed"], Value::Array(Vec::new()), "{summary}");
    let (_, problems, _) = outtake(&library, &["problems", "--json"]);
    assert_eq!(serde_json::from_str::<Value>(&problems).unwrap(), Value::Array(Vec::new()));
    let (_, listed, _) = outtake(&library, &["clip", "list", "--json"]);
    let listed: Value = serde_json::from_str(&listed).unwrap();
    let titles: Vec<&str> = listed.as_array().unwrap().iter().map(|c| c["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 7);
    for title in &titles {
        assert!(!title.chars().any(char::is_control), "a title kept a control character: {title:?}");
    }
    assert!(titles.contains(&"m"), "{titles:?}");
    // A re-scan is as quiet.
    let (code, stdout, stderr) =
        outtake(&library, &["scan", "--json", "--no-thumbnails", folder.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()["failed"], Value::Array(Vec::new()));
    assert!(snapshot(&folder) == before, "the fan's files changed");
}

fn status_of(library: &Library, clip: i64) -> FileStatus {
    library.clip(clip).unwrap().files[0].status
}

#[test]
fn a_deleted_watched_folder_goes_offline_reads_nothing_outside_and_is_followed_back() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().canonicalize().unwrap().join("P");
    let watched = parent.join("W");
    if !clips(&watched, &["a.mp4"])
        || !clips(&parent, &["sib.mp4"])
        || !clips(&parent.join("other"), &["o.mp4"])
    {
        return;
    }
    let outside = snapshot(&parent.join("other"));
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let roots = vec![watched.clone()];
    assert_eq!(library.scan(&roots, &mut |_| {}).unwrap().added, 1);
    let clip = library.clips().unwrap()[0].id;

    let (sender, receiver) = mpsc::channel();
    let mut watcher = FolderWatcher::new(sender).unwrap();
    assert!(matches!(watcher.watch(&watched).unwrap(), WatchMode::Native | WatchMode::Polling(_)));
    std::fs::remove_dir_all(&watched).unwrap();
    // What the watcher reports for a removed root is the root itself.
    let summary: ScanSummary =
        library.import_changes(&roots, std::slice::from_ref(&watched), &mut |_| {}).unwrap();
    assert_eq!(summary.added, 0, "files outside the watched folder were imported: {summary:?}");
    assert_eq!(library.clips().unwrap().len(), 1);
    assert_eq!(status_of(&library, clip), FileStatus::Offline);

    let gone = watcher.check_folders();
    assert_eq!(gone.vanished, roots);
    assert_eq!(watcher.modes()[0].1, WatchMode::Absent);
    assert!(watcher.check_folders().is_empty(), "an absent folder is reported once");

    // It comes back (a drive plugged in again): watched again, and its clip is present.
    assert!(clips(&watched, &["a.mp4"]));
    let back = watcher.check_folders();
    assert_eq!(back.returned, roots);
    library.scan(&back.returned, &mut |_| {}).unwrap();
    assert_eq!(library.clips().unwrap().len(), 1);
    assert_eq!(status_of(&library, clip), FileStatus::Present);
    // And it is really followed again: a new file there is reported.
    while receiver.try_recv().is_ok() {}
    let new = watched.join("b.mp4");
    assert!(make_clip(&new, 0.3, &["-s", "64x48"]));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = false;
    while !seen && Instant::now() < deadline {
        if let Ok(WatchMessage::Changed(paths)) = receiver.recv_timeout(Duration::from_millis(500)) {
            seen = paths.iter().any(|p| p == &new);
        }
    }
    assert!(seen, "the folder that came back is not watched");
    assert!(snapshot(&parent.join("other")) == outside, "files outside the watched folder changed");
}

#[test]
fn edits_wait_for_a_scan_instead_of_failing() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("clips");
    if !clips(&folder, &["seed.mp4"]) {
        return;
    }
    // Many files, each its own transactions (copies, subtitles): a long stream of writes.
    for i in 0..60 {
        std::fs::copy(folder.join("seed.mp4"), folder.join(format!("copy {i}.mp4"))).unwrap();
        std::fs::write(folder.join(format!("copy {i}.ko.vtt")), "WEBVTT\n\n00:00.000 --> 00:00.300\n눈물\n")
            .unwrap();
        age(&folder.join(format!("copy {i}.mp4")));
    }
    let path = dir.path().join("library.db");
    let mut editor = Library::open(&path).unwrap();
    let clip =
        editor.add_clip(&ClipInput { title: "Edited during a scan".into(), ..ClipInput::default() }).unwrap();
    let scanner = {
        let path = path.clone();
        let folder = folder.clone();
        std::thread::spawn(move || {
            let mut library = Library::open(&path).unwrap();
            for _ in 0..3 {
                library.scan(std::slice::from_ref(&folder), &mut |_| {}).unwrap();
                // A rescan of unchanged files writes little: touch them all again.
                for entry in std::fs::read_dir(&folder).unwrap() {
                    let path = entry.unwrap().path();
                    let old = std::time::SystemTime::now() - Duration::from_secs(30 + rand_ish(&path));
                    std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
                }
            }
        })
    };
    let mut failures = Vec::new();
    let mut edits = 0;
    while !scanner.is_finished() || edits < 50 {
        let tag = format!("during:{edits}");
        if let Err(error) = editor.tag_clip(clip, &[tag]) {
            failures.push(error.to_string());
        }
        edits += 1;
        // A fan's edits come a few milliseconds apart at the very fastest (a
        // bulk edit is one transaction); back to back they would starve the scan.
        std::thread::sleep(Duration::from_millis(5));
    }
    scanner.join().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {edits} edits failed: {:?}",
        failures.len(),
        &failures[..failures.len().min(3)]
    );
    assert_eq!(editor.clip(clip).unwrap().tags.len(), edits);
}

/// A different age for each file, so a touch always changes its mtime.
fn rand_ish(path: &Path) -> u64 {
    path.to_string_lossy().bytes().map(u64::from).sum::<u64>() % 50 + std::process::id() as u64 % 7
}

#[test]
fn export_never_writes_over_the_library_or_a_non_file() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib.db");
    Library::open(&library)
        .unwrap()
        .add_clip(&ClipInput { title: "Keep me".into(), ..ClipInput::default() })
        .unwrap();
    let wal = format!("{}-wal", library.display());
    let folder = dir.path().to_str().unwrap().to_string();
    let through_dots = format!("{}/../{}/lib.db", folder, dir.path().file_name().unwrap().to_str().unwrap());
    for target in [library.to_str().unwrap(), &wal, &through_dots, "/dev/null", &folder] {
        let (code, _, stderr) = outtake(&library, &["export", target]);
        assert_eq!(code, 1, "export to {target} was not refused");
        assert!(stderr.contains("export file:"), "{target}: {stderr}");
    }
    assert!(std::os::unix::fs::FileTypeExt::is_char_device(
        &Path::new("/dev/null").metadata().unwrap().file_type()
    ));
    let kept = Library::open_existing(&library).unwrap();
    assert_eq!(kept.clips().unwrap()[0].title, "Keep me");
    // A plain file is written whole, with no temporary left beside it.
    let out = dir.path().join("out.json");
    assert_eq!(outtake(&library, &["export", out.to_str().unwrap()]).0, 0);
    assert!(std::fs::read_to_string(&out).unwrap().contains("Keep me"));
    let strays: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains("outtake-export"))
        .collect();
    assert!(strays.is_empty(), "{strays:?}");
}

/// Runs the CLI as user `nobody`, who may read but not write the library
/// (what a read-only disk looks like to the CLI, even to root's tests).
fn as_nobody(exe: &Path, library: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(exe)
        .arg("--library")
        .arg(library)
        .args(args)
        .env_remove("OUTTAKE_LIBRARY")
        .env("HOME", "/nonexistent")
        .output()
        .expect("setpriv runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).to_string(),
        String::from_utf8_lossy(&output.stderr).to_string(),
    )
}

#[test]
fn a_library_nobody_may_write_can_still_be_read() {
    use std::os::unix::fs::PermissionsExt;
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("setpriv is not installed: skipping");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // The binary where `nobody` can run it (the build folder may be private).
    let exe = dir.path().join("outtake");
    std::fs::copy(binary(), &exe).unwrap();
    let library = dir.path().join("library.db");
    {
        let mut lib = Library::open(&library).unwrap();
        lib.add_clip(&ClipInput { title: "Horse ride".into(), ..ClipInput::default() }).unwrap();
    }
    let before = std::fs::read(&library).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let export = out.join("export.json");

    let (code, stdout, stderr) = as_nobody(&exe, &library, &["clip", "list", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Horse ride"));
    let (code, stdout, stderr) = as_nobody(&exe, &library, &["search", "horse"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Horse ride"), "{stdout}");
    let (code, _, stderr) = as_nobody(&exe, &library, &["export", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(std::fs::read_to_string(&export).unwrap().contains("Horse ride"));
    // A change is refused in words a fan can act on.
    let (code, _, stderr) = as_nobody(&exe, &library, &["tag", "1", "x:y"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("read-only"), "{stderr}");
    assert_eq!(std::fs::read(&library).unwrap(), before, "a read changed the library");
}

#[test]
fn a_mistyped_library_path_makes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("Videoz/outtake/library.db");
    let (code, _, stderr) = outtake(&typo, &["show", "add", "Lovers of the Red Sky"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("there is no library at") && stderr.contains("--create"), "{stderr}");
    assert!(!dir.path().join("Videoz").exists(), "a folder was made for a mistyped library");
    let (code, _, stderr) = outtake(&typo, &["show", "list"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!dir.path().join("Videoz").exists());
    // Asked for, it is made.
    let (code, _, stderr) = outtake(&typo, &["--create", "show", "add", "Lovers of the Red Sky"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(Library::open_existing(&typo).unwrap().summary().unwrap().shows, 1);
}

/// Runs the CLI, killing it if it has not finished in `limit`: (exit code, stderr), or None on a hang.
fn bounded(library: &Path, args: &[&str], limit: Duration) -> Option<(i32, String)> {
    let mut child = Command::new(binary())
        .env_remove("OUTTAKE_LIBRARY")
        .arg("--library")
        .arg(library)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return Some((status.code().unwrap_or(-1), stderr));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn import_reads_only_bounded_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib.db");
    Library::open(&library).unwrap();
    let fifo = dir.path().join("pipe.json");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let huge = dir.path().join("huge.json");
    // Sparse: 5 GiB that take no disk, and must not be read.
    std::fs::File::create(&huge).unwrap().set_len(5 << 30).unwrap();
    let rows: &[(&str, &str)] = &[
        ("/dev/zero", "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
        (dir.path().to_str().unwrap(), "not a regular file"),
        (huge.to_str().unwrap(), "at most 4 GiB"),
    ];
    for (file, expected) in rows {
        // Generous: the point is that it ends at all (it grew to 9.6 GB, or hung).
        let (code, stderr) = bounded(&library, &["import", file], Duration::from_secs(60))
            .unwrap_or_else(|| panic!("outtake import {file} did not end"));
        assert_eq!(code, 1, "{file}: {stderr}");
        assert!(stderr.contains(expected), "{file}: {stderr}");
    }
}

#[test]
fn a_hostile_info_json_is_cut_to_size() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("clips");
    if !clips(&folder, &["Huge [abcdefghijk].mp4"]) {
        return;
    }
    let chapters: Vec<Value> = (0..50_000)
        .map(|i| serde_json::json!({"start_time": i as f64 * 0.00001, "end_time": 0.3, "title": format!("c{i}")}))
        .collect();
    let info = serde_json::json!({
        "id": "abcdefghijk",
        "title": format!("{}\u{1}", "말".repeat(10_000_000)),
        "duration": 0.4,
        "chapters": chapters,
    });
    std::fs::write(folder.join("Huge [abcdefghijk].info.json"), info.to_string()).unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let summary = library.scan(&[folder], &mut |_| {}).unwrap();
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    let clip = library.clip(library.clips().unwrap()[0].id).unwrap();
    assert_eq!(clip.title.chars().count(), 500);
    assert!(clip.markers.len() <= 500, "{} chapters became markers", clip.markers.len());
    assert!(!clip.markers.is_empty());
}

#[test]
fn a_sidecar_too_big_to_be_one_is_a_problem_not_a_read() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("clips");
    if !clips(&folder, &["a.mp4"]) {
        return;
    }
    std::fs::File::create(folder.join("a.ko.vtt")).unwrap().set_len(3 << 30).unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let summary = library.scan(&[folder], &mut |_| {}).unwrap();
    assert_eq!(summary.added, 1);
    assert_eq!(summary.failed.len(), 1, "{:?}", summary.failed);
    assert!(summary.failed[0].error.contains("at most 16 MiB"), "{:?}", summary.failed);
    assert!(library.import_problems().unwrap().iter().any(|p| p.path.ends_with("a.ko.vtt")));
}

/// A one-clip library's export, as JSON to edit.
fn export_of_one_clip() -> Value {
    let mut library = Library::open_in_memory().unwrap();
    library
        .add_show(&outtake_core::ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() })
        .unwrap();
    library.add_episode(1, 1, None, Some("2021-08-30")).unwrap();
    let clip = library.add_clip(&ClipInput { title: "Horse ride".into(), ..ClipInput::default() }).unwrap();
    library.tag_clip(clip, &["type:blooper".into(), "type:funny".into()]).unwrap();
    serde_json::from_str(&library.export_json().unwrap()).unwrap()
}

#[test]
fn an_import_is_held_to_the_rules_the_cli_keeps() {
    type Edit = fn(&mut Value);
    let rows: &[(&str, Edit, &str)] = &[
        (
            "added_at",
            |v| v["clips"][0]["added_at"] = "not a date".into(),
            "clips[0]: added_at: \"not a date\"",
        ),
        ("added_at day", |v| v["clips"][0]["added_at"] = "2021-02-30T00:00:00Z".into(), "clips[0]: added_at"),
        (
            "air date",
            |v| v["shows"][0]["episodes"][0]["air_date"] = "2021-02-30".into(),
            "\"2021-02-30\" is not a date",
        ),
        ("published", |v| v["clips"][0]["published"] = "2021-02-30".into(), "published"),
        ("created", |v| v["clips"][0]["created"] = "yesterday".into(), "created"),
        (
            "tag loop",
            |v| {
                let (a, b) = (v["tags"][0]["id"].clone(), v["tags"][1]["id"].clone());
                v["tags"][0]["parents"] = Value::Array(vec![b]);
                v["tags"][1]["parents"] = Value::Array(vec![a]);
            },
            "nest in a loop",
        ),
        (
            "empty folder",
            |v| v["watched_folders"] = serde_json::json!([{"path": "", "added_at": "2026-01-01T00:00:00Z"}]),
            "no folder given",
        ),
        (
            "relative folder",
            |v| {
                v["watched_folders"] =
                    serde_json::json!([{"path": "../x", "added_at": "2026-01-01T00:00:00Z"}])
            },
            "not an absolute path",
        ),
        (
            "root folder",
            |v| v["watched_folders"] = serde_json::json!([{"path": "/", "added_at": "2026-01-01T00:00:00Z"}]),
            "the whole disk",
        ),
        (
            "proc folder",
            |v| {
                v["watched_folders"] =
                    serde_json::json!([{"path": "/proc/self", "added_at": "2026-01-01T00:00:00Z"}])
            },
            "system folder",
        ),
        (
            "dotted folder",
            |v| {
                v["watched_folders"] =
                    serde_json::json!([{"path": "/home/fan/../x", "added_at": "2026-01-01T00:00:00Z"}])
            },
            "not written plainly",
        ),
        (
            "folder time",
            |v| v["watched_folders"] = serde_json::json!([{"path": "/home/fan/Videos", "added_at": "soon"}]),
            "added_at",
        ),
    ];
    for (what, edit, expected) in rows {
        let mut file = export_of_one_clip();
        edit(&mut file);
        let mut library = Library::open_in_memory().unwrap();
        let before = library.export_json().unwrap();
        let error = library.import_json(file.to_string().as_bytes(), Path::new("x.json")).unwrap_err();
        assert!(matches!(error, Error::BadImport { .. }), "{what}: {error:?}");
        assert!(error.to_string().contains(expected), "{what}: {error}");
        assert_eq!(library.export_json().unwrap(), before, "{what}: a refused import changed the library");
    }
    // A good file still imports, its times stored in UTC.
    let mut file = export_of_one_clip();
    file["clips"][0]["added_at"] = "2026-01-31T21:00:00+09:00".into();
    let mut library = Library::open_in_memory().unwrap();
    library.import_json(file.to_string().as_bytes(), Path::new("x.json")).unwrap();
    let clip = library.clips().unwrap()[0].id;
    assert_eq!(library.clip(clip).unwrap().added_at, "2026-01-31T12:00:00Z");
    // A parent order the library already has the other way is kept, and said.
    let mut nested = export_of_one_clip();
    let parent = nested["tags"][1]["id"].clone();
    nested["tags"][0]["parents"] = Value::Array(vec![parent]);
    let mut library = Library::open_in_memory().unwrap();
    let clip = library.add_clip(&ClipInput { title: "Other".into(), ..ClipInput::default() }).unwrap();
    library.tag_clip(clip, &["type:blooper".into(), "type:funny".into()]).unwrap();
    let (blooper, funny) =
        (library.find_tag("type:blooper").unwrap(), library.find_tag("type:funny").unwrap());
    library.add_tag_parent(funny, blooper).unwrap();
    let report = library.import_json(nested.to_string().as_bytes(), Path::new("x.json")).unwrap();
    assert_eq!(report.kept_as_is.len(), 1, "{report:?}");
}

#[test]
fn the_cli_refuses_dates_that_are_not_dates() {
    let dir = tempfile::tempdir().unwrap();
    let library = dir.path().join("lib.db");
    Library::open(&library).unwrap();
    assert_eq!(outtake(&library, &["show", "add", "홍천기"]).0, 0);
    let (code, _, stderr) = outtake(&library, &["episode", "add", "홍천기", "1", "--aired", "2021-02-30"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("\"2021-02-30\" is not a date"), "{stderr}");
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("photos.db");
    {
        let conn = rusqlite::Connection::open(&foreign).unwrap();
        conn.execute_batch("CREATE TABLE photo (id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photo (path) VALUES ('a.jpg');")
            .unwrap();
    }
    let versioned = dir.path().join("versioned.db");
    {
        let conn = rusqlite::Connection::open(&versioned).unwrap();
        conn.execute_batch("CREATE TABLE note (id INTEGER PRIMARY KEY); PRAGMA user_version = 3;").unwrap();
    }
    let text = dir.path().join("notes.db");
    std::fs::write(
        &text,
        "these are not the bytes of a database, but they are long enough to be read ".repeat(20),
    )
    .unwrap();
    for file in [&foreign, &versioned, &text] {
        let before = std::fs::read(file).unwrap();
        for opened in [
            Library::open(file).err(),
            Library::open_existing(file).err(),
            Library::open_read_only(file).err(),
        ] {
            let error = opened.expect("another program's file opened as a library");
            assert!(matches!(error, Error::NotALibrary { .. }), "{}: {error:?}", file.display());
        }
        let (code, _, stderr) = outtake(file, &["clip", "list"]);
        assert_eq!(code, 1);
        assert!(stderr.contains("is not an Outtake library"), "{stderr}");
        assert!(stderr.len() < 400, "a long error: {stderr}");
        let (code, _, _) = outtake(file, &["tag", "1", "x"]);
        assert_eq!(code, 1);
        assert_eq!(std::fs::read(file).unwrap(), before, "{} was changed", file.display());
        let siblings = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(siblings, 3, "files were made beside {}", file.display());
    }
}

#[test]
fn a_path_too_long_for_the_system_is_a_problem_listed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("clips");
    if !clips(&root, &["short.mp4"]) {
        return;
    }
    // A chain of folders past PATH_MAX (4,096 bytes), made one relative step at
    // a time (an absolute path that long cannot be used; shells' `cd` builds one),
    // with a clip at the bottom.
    let script = r#"my ($root, $step) = @ARGV; chdir $root or die "chdir: $!";
        for (1 .. 22) { mkdir $step or die "mkdir: $!"; chdir $step or die "chdir: $!"; }
        open(my $out, '>', 'deep.mp4') or die "open: $!"; print $out "x";"#;
    let made = Command::new("perl").args(["-e", script]).arg(&root).arg("d".repeat(200)).status().unwrap();
    assert!(made.success());
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let summary = library.scan(&[root], &mut |_| {}).unwrap();
    assert_eq!(summary.added, 1, "{summary:?}");
    assert!(
        summary.failed.iter().any(|f| f.error.contains("longer than the system allows")),
        "a too-long path went unreported: {:?}",
        summary.failed
    );
}

/// A small tmpfs of its own, unmounted when dropped; None where mounting is
/// not allowed (not root): the caller says so and skips.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(bytes: u64) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

#[test]
fn a_full_disk_is_said_and_the_next_small_edit_still_lands() {
    let Some(disk) = SmallDisk::mount(4 << 20) else {
        eprintln!("cannot mount a tmpfs here (not root?): skipping");
        return;
    };
    let path = disk.dir.path().join("library.db");
    let mut library = Library::open(&path).unwrap();
    let clip = library.add_clip(&ClipInput { title: "Horse ride".into(), ..ClipInput::default() }).unwrap();
    // The fan's other files fill the disk but for a little room.
    let filler = disk.dir.path().join("other files");
    {
        use std::io::Write;
        let mut file = std::fs::File::create(&filler).unwrap();
        while file.write_all(&[7u8; 64 * 1024]).is_ok() {}
    }
    let full = std::fs::metadata(&filler).unwrap().len();
    std::fs::File::options().write(true).open(&filler).unwrap().set_len(full - 160 * 1024).unwrap();
    // Edits until the disk is full: long notes, each in the WAL.
    let mut failed = None;
    for i in 0..1000 {
        let note = format!("{i} {}", "a long note about the horse ride ".repeat(100));
        let patch = outtake_core::ClipPatch { note: Some(Some(note)), ..Default::default() };
        if let Err(error) = library.update_clip(clip, &patch) {
            failed = Some(error);
            break;
        }
    }
    let error = failed.expect("the disk never filled");
    assert!(matches!(error, Error::DiskFull { .. }), "{error:?}");
    assert!(error.to_string().contains("is full") && error.to_string().contains("library.db"), "{error}");
    assert!(library.tag_clip(clip, &["during:full".into()]).unwrap_err().is_disk_full());
    // The fan makes room; the next small edit lands, and the WAL that filled
    // the disk is checkpointed and gives its space back.
    std::fs::File::options().write(true).open(&filler).unwrap().set_len(full / 2).unwrap();
    library.tag_clip(clip, &["after:full".into()]).unwrap();
    let wal = std::fs::metadata(disk.dir.path().join("library.db-wal")).map(|m| m.len()).unwrap_or(0);
    assert!(wal < 64 * 1024, "the WAL still holds {wal} bytes");
    drop(library);
    let reopened = Library::open_existing(&path).unwrap();
    assert!(reopened.clip(clip).unwrap().tags.contains(&"after:full".to_string()));
}

#[test]
fn every_failure_of_a_scan_is_listed_until_it_is_fixed() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("clips");
    if !clips(&root, &["good.mp4"]) {
        return;
    }
    // A broken "video" with a CP949 name (홍천기.mp4), which is not UTF-8, and another.
    let cp949 = root.join(std::ffi::OsStr::from_bytes(b"\xc8\xab\xc3\xb5\xb1\xe2.mp4"));
    std::fs::write(&cp949, b"\x1aE\xdf\xa3 a Matroska header and nothing after it").unwrap();
    std::fs::write(root.join("broken.mp4"), b"not a video at all, just text").unwrap();
    age(&cp949);
    age(&root.join("broken.mp4"));
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    let listed = |library: &Library| -> Vec<String> {
        library
            .import_problems()
            .unwrap()
            .into_iter()
            .map(|p| p.path.rsplit('/').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(summary.failed.len(), 2, "{:?}", summary.failed);
    let problems = listed(&library);
    assert_eq!(problems.len(), 2, "every failure the scan printed is listed: {problems:?}");
    assert!(problems.contains(&"broken.mp4".to_string()), "{problems:?}");
    assert!(problems.contains(&"홍천기.mp4".to_string()), "shown decoded: {problems:?}");
    // Listed again on the next scan, not doubled.
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(listed(&library).len(), 2);
    // Fixed (a whole video in its place, name unchanged) and gone: the list empties.
    std::fs::copy(root.join("good.mp4"), &cp949).unwrap();
    age(&cp949);
    std::fs::remove_file(root.join("broken.mp4")).unwrap();
    library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!(listed(&library), Vec::<String>::new());
}
