//! The JSON export/import of a whole library: lossless (export → import →
//! export is byte-identical), idempotent (importing again duplicates nothing),
//! merging (a second file adds only what is new), and all-or-nothing (a bad
//! file is refused with the line or record at fault, the library untouched).

use std::path::Path;

use outtake_core::{
    CastInput, ClipInput, CueInput, Error, FileInput, ImportReport, Library, LibrarySummary, MarkerInput,
    PersonInput, RoleInput, SceneInput, ShowInput,
};
use serde_json::{Value, json};

const HASH: &str = "8f3b2c1d0e9a7b65";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn person(lib: &mut Library, name: &str, native: &str, aliases: &[&str]) -> i64 {
    let input =
        PersonInput { name: name.into(), native_name: Some(native.into()), aliases: strings(aliases) };
    lib.add_person(&input).unwrap()
}

fn role(lib: &mut Library, who: i64, show: i64, character: &str, native: Option<&str>) -> i64 {
    let input = RoleInput { character: character.into(), native_character: native.map(Into::into) };
    lib.add_role(who, show, &input).unwrap()
}

fn file(path: &str, oshash: Option<&str>) -> FileInput {
    FileInput {
        path: path.into(),
        size: 734_003_200,
        mtime_ms: Some(1_630_000_000_000),
        oshash: oshash.map(Into::into),
        status: None,
    }
}

/// The worked example: Lovers of the Red Sky, its cast, a making-of clip with
/// two copies, tags with parents, credits, four markers, Korean and English
/// subtitles, a fan-cam without a show, and a watched folder.
fn rich(folder: &Path) -> Library {
    let mut lib = Library::open_in_memory().unwrap();
    let show = lib
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            aliases: strings(&["Hong Chun-gi", "Red Sky"]),
            network: Some("SBS".into()),
            year: Some(2021),
        })
        .unwrap();
    lib.add_episode(show, 1, Some("The sealing"), Some("2021-08-30")).unwrap();
    lib.add_episode(show, 2, None, Some("2021-08-31")).unwrap();
    let scene = |lib: &mut Library, episode, title: &str| {
        let input = SceneInput { episode: Some(episode), title: title.into(), description: None };
        lib.add_scene(show, &input).unwrap()
    };
    let sealing = scene(&mut lib, 1, "Sealing ceremony");
    let horse = scene(&mut lib, 2, "Horse ride");
    let pulse = scene(&mut lib, 2, "Pulse scene");
    // Two different scenes may share a title in different episodes.
    scene(&mut lib, 3, "Rooftop talk");
    scene(&mut lib, 9, "Rooftop talk");
    let kim = person(&mut lib, "Kim Yoo Jung", "김유정", &["Kim You-jung"]);
    let ahn = person(&mut lib, "Ahn Hyo Seop", "안효섭", &["Ahn Hyo-sub"]);
    let choi = person(&mut lib, "Choi Kwang Il", "최광일", &[]);
    role(&mut lib, kim, show, "Hong Chun Gi", Some("홍천기"));
    role(&mut lib, ahn, show, "Ha Ram", Some("하람"));
    role(&mut lib, choi, show, "Hong Eun O", None);

    let funny = lib.add_tag("funny").unwrap();
    let sageuk = lib.add_tag("genre:sageuk").unwrap();
    let emotional = lib.add_tag("mood:emotional").unwrap();
    lib.add_tag_alias(emotional, "feels").unwrap();
    let blooper = lib.add_tag("type:blooper").unwrap();
    lib.add_tag_alias(blooper, "NG").unwrap();
    let action = lib.add_tag("type:action").unwrap();
    lib.add_tag_parent(blooper, funny).unwrap();
    lib.add_tag_parent(action, sageuk).unwrap();

    let clip = lib
        .add_clip(&ClipInput {
            title: "Lovers of the Red Sky making-of: sealing ceremony & horse ride".into(),
            description: Some("SBS official behind the scenes".into()),
            note: Some("best BTS of the show".into()),
            source_url: Some("https://www.youtube.com/watch?v=redsky0001".into()),
            uploader: Some("SBS Drama".into()),
            published: Some("2021-09-14".into()),
            duration_ms: Some(900_000),
            width: Some(1920),
            height: Some(1080),
            video_codec: Some("h264".into()),
            audio_codec: Some("aac".into()),
            fps: Some(29.97),
            rotation: Some(0),
            show_id: Some(show),
            episode: Some(2),
            files: vec![
                file("/videos/Red Sky/making-of.mp4", Some(HASH)),
                file("/backup/making-of.mp4", Some(HASH)),
            ],
        })
        .unwrap();
    lib.add_clip_scene(clip, sealing).unwrap();
    lib.add_clip_scene(clip, horse).unwrap();
    lib.tag_clip(clip, &strings(&["mood:emotional", "type:blooper", "type:action"])).unwrap();
    for who in [kim, ahn, choi] {
        lib.credit(clip, who, None).unwrap();
    }
    let cast = |people: &[i64]| people.iter().map(|p| CastInput { person_id: *p, character: None }).collect();
    let markers = [
        MarkerInput {
            start_ms: 65_000,
            end_ms: Some(92_500),
            title: Some("Sealing-ceremony action".into()),
            scene_id: Some(sealing),
            cast: cast(&[kim, ahn]),
            tags: strings(&["type:action"]),
            ..Default::default()
        },
        MarkerInput {
            start_ms: 180_000,
            end_ms: Some(215_000),
            title: Some("Horse ride".into()),
            scene_id: Some(horse),
            cast: cast(&[ahn]),
            tags: strings(&["type:action"]),
            note: Some("stunt double in the wide shot".into()),
            ..Default::default()
        },
        MarkerInput {
            start_ms: 300_000,
            title: Some("Pulse scene".into()),
            scene_id: Some(pulse),
            cast: cast(&[kim, ahn]),
            tags: strings(&["mood:emotional", "NG"]),
            ..Default::default()
        },
        MarkerInput {
            start_ms: 610_000,
            end_ms: Some(640_000),
            title: Some("Tearful farewell".into()),
            cast: vec![CastInput { person_id: kim, character: Some("Hong Chun Gi".into()) }],
            tags: strings(&["feels"]),
            quote: Some("I'm okay.".into()),
            ..Default::default()
        },
    ];
    for marker in &markers {
        lib.add_marker(clip, marker).unwrap();
    }
    let cue = |start: i64, text: &str| CueInput::new(start, start + 1_800, text);
    lib.replace_cues(clip, "ko", &[cue(610_500, "괜찮아요."), cue(613_000, "가지 마세요.\n제발.")]).unwrap();
    lib.replace_cues(clip, "en", &[cue(610_500, "I'm okay."), cue(613_000, "Please don't go.")]).unwrap();

    // A fan-cam: no show, so the character is kept as text.
    let fancam = lib
        .add_clip(&ClipInput {
            title: "[fancam] 김유정 press conference".into(),
            files: vec![file("/videos/fancam.mkv", Some("00112233445566ff"))],
            ..Default::default()
        })
        .unwrap();
    lib.credit(fancam, kim, Some("herself")).unwrap();
    let wave = MarkerInput {
        start_ms: 5_000,
        cast: vec![CastInput { person_id: kim, character: Some("herself".into()) }],
        ..Default::default()
    };
    lib.add_marker(fancam, &wave).unwrap();
    // Words read off its picture: one as read, one the fan corrected.
    let screen = |start_ms: i64, text: &str| outtake_core::screen_text::ScreenLine {
        start_ms,
        end_ms: start_ms + 2_000,
        text: text.into(),
    };
    lib.store_screen_lines(fancam, &[screen(1_000, "김유정 기자회견"), screen(4_000, "감사합니다")]).unwrap();
    let read = lib.cues(fancam, None).unwrap();
    let thanks = read.iter().find(|c| c.text == "감사합니다").unwrap().id;
    lib.edit_cue(thanks, "감사합니다!", None).unwrap();
    // A clip whose last copy was forgotten: nothing left to match it by but itself.
    let teaser = ClipInput {
        title: "Teaser (deleted upload)".into(),
        files: vec![file("/tmp/teaser.mp4", None)],
        ..Default::default()
    };
    let teaser = lib.add_clip(&teaser).unwrap();
    let copy = lib.clip(teaser).unwrap().files[0].id;
    lib.remove_file(copy).unwrap();
    lib.add_folder(folder).unwrap();
    lib
}

fn import(lib: &mut Library, text: &str) -> outtake_core::Result<ImportReport> {
    lib.import_json(text.as_bytes(), Path::new("library.json"))
}

fn counts(summary: &LibrarySummary) -> [i64; 6] {
    [summary.shows, summary.people, summary.clips, summary.markers, summary.tags, summary.cues]
}

#[test]
fn export_import_export_is_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let mut original = rich(dir.path());
    let first = original.export_json().unwrap();
    assert!(first.ends_with("}\n") && first.contains("\"format\": \"outtake-library\""));
    let mut copy = Library::open_in_memory().unwrap();
    let report = import(&mut copy, &first).unwrap();
    let expected = ImportReport {
        shows_added: 1,
        people_added: 3,
        tags_added: 5,
        clips_added: 3,
        markers_added: 5,
        cues_added: 6,
        ..Default::default()
    };
    assert_eq!(report, expected);
    assert_eq!(copy.summary().unwrap(), original.summary().unwrap());
    // Words read off the picture stay machine-made; the one the fan corrected is the fan's.
    let read = copy.search("기자회견", 5).unwrap();
    assert!(read.first().is_some_and(|hit| hit.machine), "{read:?}");
    let corrected = copy.search("감사합니다", 5).unwrap();
    assert!(corrected.first().is_some_and(|hit| !hit.machine), "{corrected:?}");
    let second = copy.export_json().unwrap();
    assert!(first == second, "export after import differs:\n{}", first_difference(&first, &second));
    // What came back reads back through the API, not just as the same bytes.
    let clip = copy.find_clip("/backup/making-of.mp4").unwrap();
    let detail = copy.clip(clip).unwrap();
    assert_eq!(detail.markers[3].quote.as_deref(), Some("I'm okay."));
    assert_eq!(detail.markers[3].tags, strings(&["mood:emotional"]));
    assert_eq!(copy.tag(copy.find_tag("NG").unwrap()).unwrap().parents, strings(&["funny"]));
    assert_eq!(copy.folders().unwrap()[0].path, dir.path().canonicalize().unwrap().to_str().unwrap());
    assert_eq!(copy.scenes(copy.find_show("홍천기").unwrap()).unwrap().len(), 5);
}

/// A version 1 file (before `chapters_taken`) still imports, to the same library.
#[test]
fn a_version_1_file_still_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut original = rich(dir.path());
    let mut file: Value = serde_json::from_str(&original.export_json().unwrap()).unwrap();
    assert_eq!(file["version"], json!(4));
    file["version"] = json!(1);
    for clip in file["clips"].as_array_mut().unwrap() {
        clip.as_object_mut().unwrap().remove("chapters_taken");
    }
    let mut copy = Library::open_in_memory().unwrap();
    import(&mut copy, &file.to_string()).unwrap();
    assert_eq!(copy.summary().unwrap(), original.summary().unwrap());
}

/// The first line where two exports part, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(a.lines().count().min(b.lines().count()));
    format!("line {}: {:?} vs {:?}", at + 1, a.lines().nth(at), b.lines().nth(at))
}

#[test]
fn importing_the_same_file_again_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = rich(dir.path()).export_json().unwrap();
    let mut lib = Library::open_in_memory().unwrap();
    import(&mut lib, &text).unwrap();
    let before = lib.summary().unwrap();
    for round in 1..=2 {
        let report = import(&mut lib, &text).unwrap();
        let expected = ImportReport {
            shows_merged: 1,
            people_merged: 3,
            tags_merged: 5,
            clips_merged: 3,
            ..Default::default()
        };
        assert_eq!(report, expected, "round {round}");
        assert_eq!(counts(&lib.summary().unwrap()), counts(&before), "round {round}");
        assert!(lib.export_json().unwrap() == text, "round {round} changed the library");
    }
}

#[test]
fn a_second_file_sharing_a_clip_by_fingerprint_adds_only_new_markers() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = rich(dir.path());
    // Another fan's library: the same video under another name and path.
    let mut theirs = Library::open_in_memory().unwrap();
    let show = theirs.add_show(&ShowInput {
        title: "Lovers of the Red Sky".into(),
        year: Some(2021),
        ..Default::default()
    });
    let clip = theirs
        .add_clip(&ClipInput {
            title: "홍천기 메이킹".into(),
            show_id: Some(show.unwrap()),
            files: vec![file("/media/usb/홍천기 메이킹.mp4", Some(HASH))],
            ..Default::default()
        })
        .unwrap();
    let same = MarkerInput {
        start_ms: 610_000,
        end_ms: Some(640_000),
        title: Some("Tearful farewell".into()),
        ..Default::default()
    };
    let new =
        MarkerInput { start_ms: 700_000, title: Some("Rooftop confession".into()), ..Default::default() };
    theirs.add_marker(clip, &same).unwrap();
    theirs.add_marker(clip, &new).unwrap();
    let mut value: Value = serde_json::from_str(&theirs.export_json().unwrap()).unwrap();
    // A fingerprint written in capitals by another tool is the same fingerprint.
    value["clips"][0]["files"][0]["oshash"] = json!(HASH.to_uppercase());

    let before = lib.summary().unwrap();
    let report = import(&mut lib, &value.to_string()).unwrap();
    let expected = ImportReport { shows_merged: 1, clips_merged: 1, markers_added: 1, ..Default::default() };
    assert_eq!(report, expected);
    let after = lib.summary().unwrap();
    assert_eq!(
        counts(&after),
        [before.shows, before.people, before.clips, before.markers + 1, before.tags, before.cues]
    );
    let making_of = lib.find_clip("/videos/Red Sky/making-of.mp4").unwrap();
    let detail = lib.clip(making_of).unwrap();
    assert!(detail.title.starts_with("Lovers of the Red Sky making-of"), "the library keeps its title");
    let titles: Vec<_> = detail.markers.iter().map(|m| m.title.as_deref().unwrap_or("")).collect();
    assert_eq!(
        titles,
        ["Sealing-ceremony action", "Horse ride", "Pulse scene", "Tearful farewell", "Rooftop confession"]
    );
    // Their copy is known now too, as a third copy of the same clip.
    assert_eq!(lib.find_clip("/media/usb/홍천기 메이킹.mp4").unwrap(), making_of);
    assert_eq!(detail.files.len(), 3);
}

#[test]
fn a_bare_tag_beside_a_namespaced_one_of_the_same_name_survives() {
    let mut lib = Library::open_in_memory().unwrap();
    let bare = lib.add_tag("emotional").unwrap();
    lib.add_tag("mood:emotional").unwrap();
    let clip = lib.add_clip(&ClipInput { title: "a".into(), ..Default::default() }).unwrap();
    let input = MarkerInput {
        start_ms: 0,
        tags: vec![format!("#{bare}"), "mood:emotional".into()],
        ..Default::default()
    };
    lib.add_marker(clip, &input).unwrap();
    let text = lib.export_json().unwrap();
    let mut copy = Library::open_in_memory().unwrap();
    import(&mut copy, &text).unwrap();
    assert!(copy.export_json().unwrap() == text);
}

/// How a row spoils a good export.
enum Edit {
    Text(fn(&str) -> String),
    Json(fn(&mut Value)),
}

#[test]
fn a_bad_file_is_refused_whole_naming_the_place_at_fault() {
    let dir = tempfile::tempdir().unwrap();
    let good = rich(dir.path()).export_json().unwrap();
    // (what, edit, what the error must say, text whose line the error must name)
    let rows: Vec<(&str, Edit, &str, Option<&str>)> = vec![
        (
            "truncated",
            Edit::Text(|t| t[..t.find("\"markers\"").unwrap()].to_string()),
            "it is truncated",
            None,
        ),
        ("not JSON", Edit::Text(|_| "<html>".into()), "line 1, column 1", None),
        ("trailing text", Edit::Text(|t| format!("{t}# notes")), "trailing characters", Some("# notes")),
        (
            "wrong type",
            Edit::Json(|v| v["clips"][0]["files"][0]["size"] = json!("big")),
            "clips[0].files[0].size",
            Some("\"big\""),
        ),
        (
            "unknown field",
            Edit::Json(|v| v["clips"][0]["colour"] = json!("red")),
            "clips[0].colour",
            Some("\"colour\""),
        ),
        ("null list", Edit::Json(|v| v["shows"] = Value::Null), "shows", None),
        (
            "bad format",
            Edit::Json(|v| v["format"] = json!("vlc-playlist")),
            "format: \"vlc-playlist\" is not an Outtake library export",
            None,
        ),
        (
            "bad version",
            Edit::Json(|v| v["version"] = json!(7)),
            "version: 7 is not a version this Outtake reads",
            None,
        ),
        (
            "invalid status",
            Edit::Json(|v| v["clips"][0]["files"][1]["status"] = json!("gone")),
            "clips[0].files[1].status",
            Some("\"gone\""),
        ),
        (
            "no such show",
            Edit::Json(|v| v["clips"][0]["show"] = json!(99)),
            "clips[0].show: no show with id 99",
            None,
        ),
        (
            "no such tag",
            Edit::Json(|v| v["clips"][0]["markers"][2]["tags"][0] = json!(42)),
            "clips[0].markers[2].tags[0]: no tag with id 42",
            None,
        ),
        (
            "no such role",
            Edit::Json(|v| v["clips"][0]["credits"][0]["role"] = json!(77)),
            "clips[0].credits[0].role: no role with id 77",
            None,
        ),
        (
            "no such parent",
            Edit::Json(|v| v["tags"][3]["parents"][0] = json!(9)),
            "tags[3].parents[0]: no tag with id 9",
            None,
        ),
        (
            "id used twice",
            Edit::Json(|v| v["people"][1]["id"] = json!(1)),
            "people[1].id: person id 1 is used twice",
            None,
        ),
        (
            "empty title",
            Edit::Json(|v| v["shows"][0]["title"] = json!("")),
            "shows[0]: title: may not be empty",
            None,
        ),
        (
            "bad air date",
            Edit::Json(|v| v["shows"][0]["episodes"][0]["air_date"] = json!("30/08/2021")),
            "shows[0]: air_date",
            None,
        ),
        (
            "blank alias",
            Edit::Json(|v| v["people"][2]["aliases"] = json!(["  "])),
            "people[2]: alias: may not be empty",
            None,
        ),
        (
            "missing added_at",
            Edit::Json(|v| v["clips"][0]["added_at"] = json!("")),
            "clips[0]: added_at: is missing",
            None,
        ),
        (
            "bad fingerprint",
            Edit::Json(|v| v["clips"][0]["files"][1]["oshash"] = json!("zz")),
            "clips[0]: files[1]",
            None,
        ),
        (
            "marker past the end",
            Edit::Json(|v| v["clips"][0]["markers"][3]["end_ms"] = json!(999_999)),
            "clips[0]: markers[3]: end",
            None,
        ),
        (
            "cue runs backwards",
            Edit::Json(|v| v["clips"][0]["cues"][1]["end_ms"] = json!(0)),
            "clips[0]: cue 2",
            None,
        ),
        (
            "unknown line source",
            Edit::Json(|v| v["clips"][0]["cues"][0]["source"] = json!("radio")),
            "clips[0].cues[0].source: \"radio\" is not where a line comes from",
            None,
        ),
        (
            "bad language",
            Edit::Json(|v| v["clips"][0]["cues"][0]["lang"] = json!("한국어")),
            "clips[0]: language",
            None,
        ),
        // Everything before the last clip's marker would be written by then: only
        // one transaction around the whole import leaves nothing behind.
        (
            "late bad record",
            Edit::Json(|v| v["clips"][1]["markers"][0]["start_ms"] = json!(-5)),
            "clips[1]: markers[0]: start",
            None,
        ),
    ];
    let value: Value = serde_json::from_str(&good).unwrap();
    for (what, edit, expected, line_of) in rows {
        let text = match edit {
            Edit::Text(change) => change(&good),
            Edit::Json(change) => {
                let mut copy = value.clone();
                change(&mut copy);
                serde_json::to_string_pretty(&copy).unwrap()
            }
        };
        for mut lib in [Library::open_in_memory().unwrap(), bystander()] {
            let before = lib.export_json().unwrap();
            let error = match lib.import_json(text.as_bytes(), Path::new("bad.json")) {
                Err(error @ Error::BadImport { .. }) => error.to_string(),
                other => panic!("{what}: expected a bad-import error, got {other:?}"),
            };
            assert!(error.contains(expected), "{what}: {error}");
            assert!(error.contains("bad.json"), "{what}: the error names the file: {error}");
            if let Some(needle) = line_of {
                let line = text[..text.find(needle).unwrap()].matches('\n').count() + 1;
                assert!(error.contains(&format!("line {line},")), "{what}: should name line {line}: {error}");
            }
            assert!(lib.export_json().unwrap() == before, "{what}: the library changed");
        }
    }
}

/// A library with something already in it, for imports to leave alone.
fn bystander() -> Library {
    let mut lib = Library::open_in_memory().unwrap();
    lib.add_show(&ShowInput { title: "Alchemy of Souls".into(), ..Default::default() }).unwrap();
    lib.add_person(&PersonInput { name: "Jung So Min".into(), ..Default::default() }).unwrap();
    lib
}

/// Found by the pack fuzzer: a second import of the same file added its
/// marker again when the title was stored cleaned (a decomposed "é", a
/// blank), and a merged show or person kept a blank network or native
/// name, which the next merge then tried as an alias and refused.
#[test]
fn the_same_file_imported_twice_changes_nothing() {
    let file = r#"{"format": "outtake-library", "version": 4,
        "shows": [{"id": 1, "title": "Lovers of the Red Sky", "native_title": " ", "network": " "}],
        "people": [{"id": 1, "name": "Kim Yoo-jung", "native_name": " "}],
        "clips": [{"id": 1, "title": "Making-of", "added_at": "2024-05-01T09:30:00Z", "show": 1,
            "files": [{"path": "/videos/a.mp4", "size": 1, "oshash": "8f3b2c1d0e9a7b65", "status": "present"}],
            "markers": [{"start_ms": 1000, "title": "e\u0301", "created_at": "2024-05-01T09:30:00Z"},
                        {"start_ms": 2000, "title": " ", "created_at": "2024-05-01T09:30:00Z"}]}]}"#;
    let mut library = Library::open_in_memory().unwrap();
    library.import_json(file.as_bytes(), Path::new("a.json")).unwrap();
    let once = library.export_json().unwrap();
    for _ in 0..2 {
        let report = library.import_json(file.as_bytes(), Path::new("a.json")).unwrap();
        assert_eq!(report.markers_added, 0);
        assert_eq!(library.export_json().unwrap(), once);
    }
    assert!(!once.contains("\"network\": \" \"") && !once.contains("\"native_name\": \" \""), "{once}");
}
