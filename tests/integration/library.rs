//! The library file itself: migrations (validated, and an old library brought
//! up to date), connection settings, and the lossless JSON export/import.

use std::path::Path;

use outtake_core::{ClipInput, CueInput, Error, FileInput, Library, MarkerInput, ShowInput};
use rusqlite::Connection;

#[test]
fn migrations_are_valid() {
    outtake_core::migrations().validate().expect("migrations validate");
}

#[test]
fn a_first_version_library_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        // A library as the first schema wrote it, with data in it.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_catalogue.sql")).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO show (id, title, title_key, native_title, native_key) VALUES (1, 'Lovers of the Red Sky', 'loversoftheredsky', '홍천기', '홍천기');
             INSERT INTO person (id, name, name_key, native_name, native_key) VALUES (1, 'Kim Yoo Jung', 'kimyoojung', '김유정', '김유정');
             INSERT INTO clip (id, title, title_key, added_at, show_id) VALUES (1, 'Horse ride making-of', 'horseridemakingof', '2025-01-01T00:00:00Z', 1);
             INSERT INTO file (clip_id, path, size, oshash) VALUES (1, '/v/horse.mp4', 100, '0123456789abcdef');
             INSERT INTO credit (clip_id, person_id) VALUES (1, 1);
             INSERT INTO marker (clip_id, start_ms, title, created_at) VALUES (1, 5000, 'Tearful farewell', '2025-01-01T00:00:00Z');",
        )
        .unwrap();
    }
    let library = Library::open(&path).unwrap();
    let version: i64 =
        Connection::open(&path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, outtake_core::schema_version());
    let clip = library.clip(1).unwrap();
    assert_eq!(
        (clip.title.as_str(), clip.show.as_deref()),
        ("Horse ride making-of", Some("Lovers of the Red Sky"))
    );
    assert_eq!(clip.cast[0].person, "Kim Yoo Jung");
    assert_eq!(clip.markers[0].title.as_deref(), Some("Tearful farewell"));
    // What was there before the search index existed is searchable after the upgrade.
    assert_eq!(library.search("김유정", 10).unwrap()[0].clip_id, 1);
    assert_eq!(library.search("farewell", 10).unwrap()[0].kind, outtake_core::HitKind::Marker);
}

#[test]
fn a_library_from_a_newer_outtake_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    Library::open(&path).unwrap();
    Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 999").unwrap();
    match Library::open(&path) {
        Err(Error::TooNew { found: 999, .. }) => {}
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer library was opened"),
    }
}

#[test]
fn connections_use_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    let mut library = Library::open(&path).unwrap();
    let show = library.add_show(&ShowInput { title: "Cascade".into(), ..Default::default() }).unwrap();
    library.add_episode(show, 1, None, None).unwrap();
    library.delete_show(show).unwrap();
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let episodes: i64 = conn.query_row("SELECT count(*) FROM episode", [], |r| r.get(0)).unwrap();
    assert_eq!(episodes, 0, "foreign keys cascaded the delete");
}

fn rich(dir: &Path) -> Library {
    let mut library = Library::open(&dir.join("rich.db")).unwrap();
    let show = library
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            ..Default::default()
        })
        .unwrap();
    let clip = library
        .add_clip(&ClipInput {
            title: "Making-of".into(),
            duration_ms: Some(600_000),
            fps: Some(29.97),
            show_id: Some(show),
            episode: Some(2),
            files: vec![FileInput {
                path: "/v/a.mp4".into(),
                size: 9,
                oshash: Some("00000000000000aa".into()),
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap();
    library
        .add_marker(
            clip,
            &MarkerInput {
                start_ms: 1000,
                quote: Some("I'm okay.".into()),
                tags: vec!["mood:emotional".into()],
                ..Default::default()
            },
        )
        .unwrap();
    let cue = |start, text: &str| CueInput::new(start, start + 1000, text);
    library.replace_cues(clip, "ko", &[cue(0, "괜찮아요"), cue(2000, "눈물이 나요")]).unwrap();
    library.add_folder(dir).unwrap();
    library.save_search("Tearful", "tag:mood:emotional 눈물").unwrap();
    library.save_search("Horse", "horse in:markers").unwrap();
    library
}

#[test]
fn export_import_export_is_byte_identical_and_merging_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = rich(dir.path()).export_json().unwrap();
    let mut empty = Library::open_in_memory().unwrap();
    empty.import_json(first.as_bytes(), Path::new("first.json")).unwrap();
    assert_eq!(empty.export_json().unwrap(), first);
    let before = empty.summary().unwrap();
    let report = empty.import_json(first.as_bytes(), Path::new("first.json")).unwrap();
    assert_eq!(
        (report.clips_added, report.clips_merged, report.cues_added, report.markers_added),
        (0, 1, 0, 0)
    );
    assert_eq!(empty.summary().unwrap(), before);
    assert_eq!(empty.search("눈물", 5).unwrap().len(), 1, "imported cues are searchable");
    let saved: Vec<String> = empty.saved_searches().unwrap().into_iter().map(|s| s.query).collect();
    assert_eq!(
        saved,
        ["horse in:markers", "tag:mood:emotional 눈물"],
        "saved searches travel with the library"
    );
}

#[test]
fn a_bad_export_is_rejected_whole_with_the_place_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let good = rich(dir.path()).export_json().unwrap();
    let value: serde_json::Value = serde_json::from_str(&good).unwrap();
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut copy = value.clone();
        edit(&mut copy);
        serde_json::to_string_pretty(&copy).unwrap()
    };
    let rows: Vec<(&str, String, &str)> = vec![
        ("truncated", good[..good.len() / 2].to_string(), "truncated"),
        (
            "wrong type",
            edited(&|v| v["clips"][0]["files"][0]["size"] = "big".into()),
            "clips[0].files[0].size",
        ),
        ("unknown field", edited(&|v| v["clips"][0]["colour"] = "red".into()), "colour"),
        (
            "dangling show",
            edited(&|v| v["clips"][0]["show"] = 99.into()),
            "clips[0].show: no show with id 99",
        ),
        (
            "bad status",
            edited(&|v| v["clips"][0]["files"][0]["status"] = "gone".into()),
            "clips[0].files[0].status",
        ),
        ("bad format", edited(&|v| v["format"] = "something-else".into()), "format"),
        ("bad version", edited(&|v| v["version"] = 7.into()), "version: 7"),
        ("late bad record", edited(&|v| v["clips"][0]["markers"][0]["start_ms"] = (-5).into()), "clips[0]"),
        ("empty title", edited(&|v| v["shows"][0]["title"] = "".into()), "shows[0]: title: may not be empty"),
        (
            "control character",
            edited(&|v| v["shows"][0]["episodes"][0]["title"] = "bad\u{7}title".into()),
            "shows[0]: episode title: contains the control character U+0007",
        ),
        (
            "bad saved search",
            edited(&|v| v["saved_searches"][0]["query"] = "ep:x".into()),
            "saved_searches[0]: search: ep:x",
        ),
    ];
    for (what, text, expected) in rows {
        let mut library = Library::open_in_memory().unwrap();
        library.add_show(&ShowInput { title: "Already here".into(), ..Default::default() }).unwrap();
        let before = library.export_json().unwrap();
        let error = library.import_json(text.as_bytes(), Path::new("bad.json")).unwrap_err().to_string();
        assert!(error.contains(expected), "{what}: {error}");
        assert!(error.contains("bad.json"), "{what}: the error names the file: {error}");
        assert_eq!(library.export_json().unwrap(), before, "{what}: the library changed");
    }
}

#[test]
fn a_full_width_colon_separates_a_tag_namespace() {
    let mut library = Library::open_in_memory().unwrap();
    let id = library.add_tag("mood:emotional").unwrap();
    assert_eq!(library.find_tag("ｍｏｏｄ：ｅｍｏｔｉｏｎａｌ").unwrap(), id);
    assert!(library.add_tag("mood：").is_err(), "a namespace needs a name after it");
}

#[test]
fn a_library_copies_to_a_new_file_whole_and_never_over_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let show = library
        .add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..ShowInput::default() })
        .unwrap();
    let to = dir.path().join("moved").join("library.db");
    let error = library.copy_to(&to).unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    std::fs::create_dir(dir.path().join("moved")).unwrap();
    library.copy_to(&to).unwrap();
    let copy = Library::open(&to).unwrap();
    assert_eq!(copy.show(show).unwrap().title, "Lovers of the Red Sky");
    let error = library.copy_to(&to).unwrap_err();
    assert!(error.to_string().contains("exists already"), "{error}");
    assert!(library.copy_to(std::path::Path::new("relative.db")).is_err());
    assert_eq!(library.show(show).unwrap().title, "Lovers of the Red Sky", "the original is untouched");
}

#[test]
fn the_cache_goes_where_the_fan_puts_it_for_every_connection() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    let mut library = Library::open(&path).unwrap();
    let beside = dir.path().join("library.db.thumbs");
    assert_eq!(library.thumbnail_dir(), Some(beside.clone()));
    let chosen = dir.path().join("big disk").join("outtake cache");
    library.set_cache_dir(Some(&chosen)).unwrap();
    assert!(chosen.is_dir(), "the folder is made");
    assert_eq!(library.thumbnail_dir(), Some(chosen.clone()));
    assert_eq!(
        library.storyboard_dir("0123456789abcdef"),
        Some(chosen.join("boards").join("0123456789abcdef"))
    );
    // Another connection (the media server's, the CLI's) finds the same place.
    assert_eq!(Library::open(&path).unwrap().thumbnail_dir(), Some(chosen));
    let error = library.set_cache_dir(Some(Path::new("relative/cache"))).unwrap_err();
    assert!(error.to_string().contains("full path"), "{error}");
    library.set_cache_dir(None).unwrap();
    assert_eq!(library.thumbnail_dir(), Some(beside));
}
