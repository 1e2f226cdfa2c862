//! The library file's schema: the embedded migrations validate, a library
//! written by the first schema is brought up to date with its data intact, a
//! newer one is refused untouched, and every connection uses WAL and foreign keys.

use std::path::Path;

use outtake_core::{CueInput, Error, FileStatus, Library, ShowInput};
use rusqlite::Connection;

fn user_version(path: &Path) -> i64 {
    Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn migrations_validate_and_all_are_embedded() {
    outtake_core::migrations().validate().expect("the migrations validate");
    // A new file in migrations/ that db.rs forgot would never run.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let files = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
        .count();
    assert_eq!(outtake_core::schema_version(), files as i64);
}

/// A library as the first schema (0001_catalogue.sql, user_version 1) left it,
/// keys computed the way names.rs computes them.
const FIRST_VERSION_DATA: &str = "
    INSERT INTO show (id, title, title_key, native_title, native_key, network, year)
        VALUES (1, 'Lovers of the Red Sky', 'loversoftheredsky', '홍천기', '홍천기', 'SBS', 2021);
    INSERT INTO show_alias (show_id, alias, key) VALUES (1, 'Red Sky', 'redsky');
    INSERT INTO episode (id, show_id, number, title, air_date) VALUES (1, 1, 16, 'Finale', '2021-10-26');
    INSERT INTO scene (id, show_id, episode_id, title, title_key) VALUES (1, 1, 1, 'Tearful farewell', 'tearfulfarewell');
    INSERT INTO person (id, name, name_key, native_name, native_key) VALUES (1, 'Kim Yoo Jung', 'kimyoojung', '김유정', '김유정');
    INSERT INTO person_alias (person_id, alias, key) VALUES (1, 'Kim You-jung', 'kimyoujung');
    INSERT INTO role (id, person_id, show_id, character, character_key, native_character, native_key)
        VALUES (1, 1, 1, 'Hong Chun Gi', 'hongchungi', '홍천기', '홍천기');
    INSERT INTO tag (id, namespace, name, key, name_key) VALUES (1, 'mood', 'emotional', 'mood:emotional', 'emotional');
    INSERT INTO tag (id, namespace, name, key, name_key) VALUES (2, NULL, 'finale', 'finale', 'finale');
    INSERT INTO tag_alias (tag_id, alias, key) VALUES (1, 'feels', 'feels');
    INSERT INTO tag_parent (tag_id, parent_id) VALUES (1, 2);
    INSERT INTO clip (id, title, title_key, duration_ms, added_at, show_id, episode_id)
        VALUES (1, 'Finale making-of', 'finalemakingof', 900000, '2021-11-01T09:00:00Z', 1, 1);
    INSERT INTO file (id, clip_id, path, size, oshash, status)
        VALUES (1, 1, '/videos/finale.mp4', 734003200, '8f3b2c1d0e9a7b65', 'offline');
    INSERT INTO clip_scene (clip_id, scene_id) VALUES (1, 1);
    INSERT INTO clip_tag (clip_id, tag_id) VALUES (1, 1);
    INSERT INTO credit (clip_id, person_id, role_id) VALUES (1, 1, 1);
    INSERT INTO marker (id, clip_id, start_ms, end_ms, title, scene_id, quote, created_at)
        VALUES (1, 1, 610000, 640000, 'Tearful farewell', 1, 'I''m okay.', '2021-11-01T09:05:00Z');
    INSERT INTO marker_person (marker_id, person_id, role_id) VALUES (1, 1, 1);
    INSERT INTO marker_tag (marker_id, tag_id) VALUES (1, 1);
";

#[test]
fn a_first_version_library_is_brought_up_to_date_intact() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../../migrations/0001_catalogue.sql")).unwrap();
        conn.execute_batch(FIRST_VERSION_DATA).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
    }
    let mut lib = Library::open(&path).unwrap();
    assert_eq!(user_version(&path), outtake_core::schema_version());

    let show = lib.show(lib.find_show("red sky").unwrap()).unwrap();
    assert_eq!(
        (show.title.as_str(), show.year, show.aliases.clone()),
        ("Lovers of the Red Sky", Some(2021), vec!["Red Sky".to_string()])
    );
    let kim = lib.find_person("kim you-jung").unwrap();
    assert_eq!(lib.find_person("김유정").unwrap(), kim);
    assert_eq!(lib.roles_of(kim).unwrap()[0].character, "Hong Chun Gi");
    assert_eq!(lib.tag(lib.find_tag("feels").unwrap()).unwrap().parents, vec!["finale".to_string()]);

    let clip = lib.clip(lib.find_clip("/videos/finale.mp4").unwrap()).unwrap();
    assert_eq!(
        (clip.show.as_deref(), clip.episode, clip.status),
        (Some("Lovers of the Red Sky"), Some(16), FileStatus::Offline)
    );
    assert_eq!(
        (clip.oshash.as_deref(), clip.added_at.as_str()),
        (Some("8f3b2c1d0e9a7b65"), "2021-11-01T09:00:00Z")
    );
    assert_eq!(
        (clip.scenes.clone(), clip.tags.clone()),
        (vec!["Tearful farewell".to_string()], vec!["mood:emotional".to_string()])
    );
    assert_eq!(
        (clip.cast[0].person.as_str(), clip.cast[0].character.as_deref()),
        ("Kim Yoo Jung", Some("Hong Chun Gi"))
    );
    // Columns later migrations added read as their defaults.
    assert_eq!((clip.show_guessed, clip.created.as_deref(), clip.source_id.as_deref()), (false, None, None));
    let marker = &clip.markers[0];
    assert_eq!(
        (marker.quote.as_deref(), marker.scene.as_deref(), marker.tags.clone()),
        (Some("I'm okay."), Some("Tearful farewell"), vec!["mood:emotional".to_string()])
    );
    assert_eq!(marker.cast[0].character.as_deref(), Some("Hong Chun Gi"));

    // The tables later migrations added work, and what was there is searchable.
    let cue = CueInput::new(610_500, 612_000, "괜찮아요.");
    lib.replace_cues(clip.id, "ko", &[cue]).unwrap();
    lib.add_folder(dir.path()).unwrap();
    assert_eq!(lib.search("farewell", 10).unwrap()[0].clip_id, clip.id);
    let export = lib.export_json().unwrap();
    drop(lib);
    // Opening it again migrates nothing more and loses nothing.
    let mut again = Library::open(&path).unwrap();
    assert_eq!(again.export_json().unwrap(), export);
    assert_eq!(user_version(&path), outtake_core::schema_version());
}

/// Subtitles a library held before the search index (and before facets)
/// are indexed on upgrade with their clip's facets: a cast filter finds a
/// word said only in them, and the clip's later edits keep them in step.
#[test]
fn subtitles_from_before_the_index_are_found_with_their_clips_facets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        outtake_core::migrations().to_version(&mut conn, 3).unwrap();
        conn.execute_batch(FIRST_VERSION_DATA).unwrap();
        conn.execute_batch(
            "INSERT INTO cue (clip_id, lang, start_ms, end_ms, text) VALUES (1, 'ko', 610500, 612000, '괜찮아요, 눈물이 나네요');",
        )
        .unwrap();
    }
    let mut lib = Library::open(&path).unwrap();
    assert_eq!(user_version(&path), outtake_core::schema_version());
    let clip = lib.find_clip("/videos/finale.mp4").unwrap();
    let found = |lib: &Library, query: &str| -> Vec<(i64, String)> {
        lib.search(query, 10).unwrap().into_iter().map(|h| (h.clip_id, h.kind.to_string())).collect()
    };
    assert_eq!(found(&lib, "cast:김유정 눈물"), [(clip, "cue".to_string())]);
    assert_eq!(found(&lib, "show:\"Red Sky\" 눈물"), [(clip, "cue".to_string())]);
    let kim = lib.find_person("김유정").unwrap();
    lib.uncredit(clip, kim).unwrap();
    // Still credited through the marker: the clip keeps her facet.
    assert_eq!(found(&lib, "cast:김유정 눈물"), [(clip, "cue".to_string())]);
    lib.delete_clip(clip).unwrap();
    assert!(found(&lib, "눈물").is_empty(), "no ghost subtitle after the clip is deleted");
}

/// Every earlier schema, as a library an older Outtake left: it opens with its
/// data intact, and a backup of it as it was is kept beside it.
#[test]
fn libraries_of_every_earlier_schema_open_intact_with_a_backup() {
    for version in 1..outtake_core::schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            outtake_core::migrations().to_version(&mut conn, version as usize).unwrap();
            conn.execute_batch(FIRST_VERSION_DATA).unwrap();
            // From schema 4 on, cue triggers call the core's SQL functions, which
            // a raw connection lacks; schemas 2 and 3 carry subtitles here.
            if (2..4).contains(&version) {
                conn.execute_batch(
                    "INSERT INTO cue (clip_id, lang, start_ms, end_ms, text) VALUES (1, 'ko', 610500, 612000, '괜찮아요, 눈물이 나네요');",
                )
                .unwrap();
            }
        }
        let lib = Library::open(&path).unwrap();
        assert_eq!(user_version(&path), outtake_core::schema_version(), "from schema {version}");
        let clip = lib.clip(lib.find_clip("/videos/finale.mp4").unwrap()).unwrap();
        assert_eq!(
            (clip.title.as_str(), clip.tags.clone(), clip.markers.len(), clip.cast.len()),
            ("Finale making-of", vec!["mood:emotional".to_string()], 1, 1),
            "from schema {version}"
        );
        assert_eq!(lib.search("farewell", 10).unwrap()[0].clip_id, clip.id, "from schema {version}");
        if (2..4).contains(&version) {
            assert_eq!(lib.search("눈물", 10).unwrap().len(), 1, "from schema {version}");
        }
        // The sidebar's counts, kept since schema 17, are right from the start.
        let facets = lib.facets().unwrap();
        let counts =
            |names: Vec<(&str, i64)>| names.into_iter().map(|(n, c)| (n.to_string(), c)).collect::<Vec<_>>();
        assert_eq!(
            facets.people.iter().map(|p| (p.name.clone(), p.clips)).collect::<Vec<_>>(),
            counts(vec![("Kim Yoo Jung", 1)]),
            "from schema {version}"
        );
        assert_eq!(
            facets.tags.iter().map(|t| (t.name.clone(), t.clips)).collect::<Vec<_>>(),
            counts(vec![("finale", 0), ("mood:emotional", 1)]),
            "from schema {version}"
        );
        assert_eq!((facets.untagged, facets.missing), (0, 0), "from schema {version}");
        let backup = dir.path().join(format!("library.db.schema-{version}.bak"));
        assert_eq!(user_version(&backup), version, "the backup is the library as it was");
        let clips: i64 = Connection::open(&backup)
            .unwrap()
            .query_row("SELECT count(*) FROM clip", [], |r| r.get(0))
            .unwrap();
        assert_eq!(clips, 1);
        drop(lib);
        // Up to date now: opening again makes no second backup.
        Library::open(&path).unwrap();
        let backups = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".bak"))
            .count();
        assert_eq!(backups, 1, "from schema {version}");
    }
}

#[test]
fn a_library_from_a_newer_outtake_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    let mut lib = Library::open(&path).unwrap();
    lib.add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() }).unwrap();
    drop(lib);
    let newer = outtake_core::schema_version() + 1;
    Connection::open(&path).unwrap().pragma_update(None, "user_version", newer).unwrap();
    match Library::open(&path) {
        Err(Error::TooNew { path: at, found, known }) => {
            assert_eq!((at, found, known), (path.clone(), newer, outtake_core::schema_version()));
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a library from a newer Outtake was opened"),
    }
    assert_eq!(user_version(&path), newer, "the refused file keeps its version");
    let shows: i64 =
        Connection::open(&path).unwrap().query_row("SELECT count(*) FROM show", [], |r| r.get(0)).unwrap();
    assert_eq!(shows, 1, "and its data");
}

#[test]
fn library_connections_use_wal_and_enforce_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    let mut lib = Library::open(&path).unwrap();
    let show = lib.add_show(&ShowInput { title: "Cascade".into(), ..Default::default() }).unwrap();
    lib.add_episode(show, 1, None, None).unwrap();

    // WAL is a property of the file: any connection sees it.
    let raw = Connection::open(&path).unwrap();
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    assert!(dir.path().join("library.db-wal").exists(), "writes go through the WAL file");

    // foreign_keys is per connection (and SQLite builds differ in the default):
    // on a connection with it off, deleting a show orphans its episode...
    raw.pragma_update(None, "foreign_keys", false).unwrap();
    raw.execute_batch(
        "INSERT INTO show (id, title, title_key) VALUES (100, 'Raw', 'raw');
                       INSERT INTO episode (show_id, number) VALUES (100, 1);
                       DELETE FROM show WHERE id = 100;",
    )
    .unwrap();
    let episodes = |show: i64| -> i64 {
        raw.query_row("SELECT count(*) FROM episode WHERE show_id = ?1", [show], |r| r.get(0)).unwrap()
    };
    assert_eq!(episodes(100), 1, "without foreign keys nothing cascades");
    // ...while the library's own connection has them on, so its delete cascades.
    lib.delete_show(show).unwrap();
    assert_eq!(episodes(show), 0, "the library's connection enforces foreign keys");
}
