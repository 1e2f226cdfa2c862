//! Packs between two libraries holding the same videos under other names
//! and paths, some re-encoded, cut or with an intro: what matches, where the
//! markers land, that an import is one edit undone as a whole and a second
//! import changes nothing, and that a malformed pack is refused whole,
//! naming the place. The videos are `keys.rs`'s (made once by ffmpeg).

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use outtake_core::keys::{How, KeysWhich};
use outtake_core::{
    CastInput, ClipPatch, Library, MarkerInput, PersonInput, RoleInput, SceneInput, ShowInput,
};

use crate::keys::{cut, original, reencoded, with_intro};

/// Markers the first fan made, at these times (ms) of the original.
const MOMENTS: [(i64, Option<i64>, &str); 3] =
    [(2_000, None, "slate"), (8_000, Some(10_500), "the horse bolts"), (15_250, None, "farewell")];

/// A library of `videos` (copied in under `names`), scanned and keyed.
fn library_of(root: &Path, name: &str, videos: &[(&Path, &str)]) -> Library {
    let folder = root.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    for (video, file_name) in videos {
        std::fs::copy(video, folder.join(file_name)).unwrap();
        crate::import_edges::age(&folder.join(file_name));
    }
    let mut library = Library::open(&root.join(format!("{name}.db"))).unwrap();
    library.scan(&[folder], &mut |_| {}).unwrap();
    let never = AtomicBool::new(false);
    library.make_content_keys(&KeysWhich::Missing, &never, &mut |_| {}).unwrap();
    library
}

/// The first fan's curation of clip #1: show, person, role, scene, credit,
/// tags and markers.
fn curate(library: &mut Library) {
    let show = library
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            aliases: vec!["Hong Chun-gi".into()],
            ..Default::default()
        })
        .unwrap();
    let person = library
        .add_person(&PersonInput {
            name: "Kim Yoo-jung".into(),
            native_name: Some("김유정".into()),
            aliases: vec!["Kim You Jung".into()],
        })
        .unwrap();
    library
        .add_role(
            person,
            show,
            &RoleInput { character: "Hong Chun Gi".into(), native_character: Some("홍천기".into()) },
        )
        .unwrap();
    let scene =
        library.add_scene(show, &SceneInput { title: "Horse ride".into(), ..Default::default() }).unwrap();
    library
        .update_clip(
            1,
            &ClipPatch {
                show_id: Some(Some(show)),
                episode: Some(Some(3)),
                note: Some(Some("mine".into())),
                ..Default::default()
            },
        )
        .unwrap();
    library.credit(1, person, Some("Hong Chun Gi")).unwrap();
    library.tag_clip(1, &["type:behind".into()]).unwrap();
    for (start_ms, end_ms, title) in MOMENTS {
        library
            .add_marker(
                1,
                &MarkerInput {
                    start_ms,
                    end_ms,
                    title: Some(title.into()),
                    scene_id: (title == "the horse bolts").then_some(scene),
                    cast: vec![CastInput { person_id: person, character: Some("Hong Chun Gi".into()) }],
                    tags: vec!["mood:funny".into()],
                    note: Some("a private note".into()),
                    quote: Some("I'm okay.".into()),
                },
            )
            .unwrap();
    }
}

/// A marker as compared: (start, end, title, cast, tags).
type Landed = (i64, Option<i64>, String, Vec<String>, Vec<String>);

/// Clip #`clip`'s markers.
fn markers(library: &Library, clip: i64) -> Vec<Landed> {
    library
        .markers(clip)
        .unwrap()
        .into_iter()
        .map(|m| {
            let cast = m.cast.iter().map(|c| format!("{} as {:?}", c.person, c.character)).collect();
            (m.start_ms, m.end_ms, m.title.unwrap_or_default(), cast, m.tags)
        })
        .collect()
}

fn pack_of(library: &mut Library, root: &Path) -> PathBuf {
    let path = root.join("red-sky.outtake-pack.json");
    let summary = library.export_pack_to(1, &path, false).unwrap();
    assert_eq!((summary.clips, summary.markers, summary.without_keys), (1, 3, 0));
    path
}

fn media() -> Option<PathBuf> {
    if std::process::Command::new("fpcalc").arg("-version").output().is_err() {
        eprintln!("fpcalc is not installed (apt install libchromaprint-tools): skipped");
        return None;
    }
    original(0, 1)
}

#[test]
fn a_pack_round_trips_to_a_library_with_the_same_video_under_another_name() {
    let Some(video) = media() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut a = library_of(&root, "a", &[(&video, "Horse ride making-of [x].mp4")]);
    curate(&mut a);
    let pack = pack_of(&mut a, &root);
    let text = std::fs::read_to_string(&pack).unwrap();
    assert!(!text.contains(root.to_str().unwrap()) && !text.contains("making-of [x].mp4"), "a path went in");
    assert!(!text.contains("private note") && !text.contains("\"mine\""), "a note went in");

    // B: the same video under another name, a fan who knows her as 김유정 only.
    let mut b = library_of(&root, "b", &[(&video, "behind the scenes 01.mp4")]);
    b.add_person(&PersonInput { name: "김유정".into(), ..Default::default() }).unwrap();
    let before = b.export_json().unwrap();
    let edits = b.history(100).unwrap().len();
    let preview = b.import_pack(&pack, true).unwrap();
    assert_eq!(b.export_json().unwrap(), before, "a dry run wrote");
    assert_eq!((preview.matched, preview.markers_added), (1, 3));
    let report = b.import_pack(&pack, false).unwrap();
    assert_eq!(report.clips[0].how, Some(How::Oshash));
    assert_eq!((report.people_added, report.people_merged), (0, 1), "김유정 is found by her native name");
    assert_eq!(b.history(100).unwrap().len(), edits + 1, "one edit");
    // B has what A has: markers, credits, roles (names as B knows them).
    let a_markers = markers(&a, 1);
    let b_markers = markers(&b, 1);
    assert_eq!(b_markers.len(), 3);
    for (x, y) in a_markers.iter().zip(&b_markers) {
        assert_eq!((x.0, x.1, &x.2, &x.4), (y.0, y.1, &y.2, &y.4));
        assert_eq!(y.3, vec!["김유정 as Some(\"Hong Chun Gi\")".to_string()]);
    }
    let clip = b.clip(1).unwrap();
    assert_eq!((clip.show.as_deref(), clip.episode), (Some("Lovers of the Red Sky"), Some(3)));
    assert_eq!(clip.tags, vec!["type:behind".to_string()]);
    assert_eq!(
        clip.cast.iter().map(|c| c.character.clone()).collect::<Vec<_>>(),
        vec![Some("Hong Chun Gi".into())]
    );
    let roles = b.cast_of(clip.show_id.unwrap()).unwrap();
    assert_eq!(
        roles.iter().map(|r| (r.person.as_str(), r.character.as_str())).collect::<Vec<_>>(),
        [("김유정", "Hong Chun Gi")]
    );
    assert_eq!(clip.note, None, "no note came");

    // A second import changes nothing, and leaves no edit.
    let after = b.export_json().unwrap();
    let again = b.import_pack(&pack, false).unwrap();
    assert_eq!((again.markers_added, again.credits_added, again.people_added), (0, 0, 0));
    assert_eq!(b.export_json().unwrap(), after);
    assert_eq!(b.history(100).unwrap().len(), edits + 1);
    // Undo takes all of it out.
    b.undo(None).unwrap();
    assert_eq!(b.export_json().unwrap(), before);
}

#[test]
fn markers_land_on_a_cut_copy_a_copy_with_an_intro_and_a_reencode() {
    let Some(video) = media() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut a = library_of(&root, "a", &[(&video, "original.mp4")]);
    curate(&mut a);
    let pack = pack_of(&mut a, &root);
    // Each copy in a library of its own: a pack clip lands on one clip.
    let copies = [
        (cut(&video, 4.0).unwrap(), -4000, "cut"),
        (with_intro(&video, 3).unwrap(), 3000, "intro"),
        (reencoded(&video).unwrap(), 0, "re-encode"),
    ];
    for (copy, shift, name) in copies {
        let mut b = library_of(&root, name, &[(&copy, "copy.mp4")]);
        let report = b.import_pack(&pack, false).unwrap();
        let found = &report.clips[0];
        eprintln!("{name}: {} ({} ms)", found.how_in_words(), found.shift_ms);
        assert_eq!(found.clip_id, Some(1), "{name}: {report:?}");
        match name {
            "re-encode" => assert!(matches!(found.how, Some(How::Reencode { .. })), "{found:?}"),
            _ => assert!(matches!(found.how, Some(How::Sound { .. })), "{found:?}"),
        }
        let landed = markers(&b, 1);
        // On the cut copy the slate at 2 s was cut off.
        let expected: Vec<_> = MOMENTS.iter().filter(|(start, ..)| start + shift >= 0).collect();
        assert_eq!(landed.len(), expected.len(), "{name}: {landed:?}");
        assert_eq!(report.markers_outside, MOMENTS.len() - expected.len());
        for ((start, _, title), got) in expected.iter().zip(&landed) {
            assert_eq!(&got.2, title);
            let off = (got.0 - (start + shift)).abs();
            assert!(off <= 200, "{name}: {title} landed {off} ms from where it is");
        }
    }
}

#[test]
fn a_pack_finds_nothing_in_a_library_of_other_videos_of_the_same_length() {
    let Some(video) = media() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut a = library_of(&root, "a", &[(&video, "original.mp4")]);
    curate(&mut a);
    let pack = pack_of(&mut a, &root);
    let others: Vec<PathBuf> = (1..4).map(|i| original(i, 50 + i as u32).unwrap()).collect();
    let named: Vec<(&Path, String)> =
        others.iter().enumerate().map(|(i, p)| (p.as_path(), format!("{i}.mp4"))).collect();
    let named: Vec<(&Path, &str)> = named.iter().map(|(p, n)| (*p, n.as_str())).collect();
    let mut b = library_of(&root, "b", &named);
    let before = b.export_json().unwrap();
    let report = b.import_pack(&pack, false).unwrap();
    assert_eq!((report.matched, report.unmatched, report.markers_added), (0, 1, 0), "{report:?}");
    assert_eq!(report.clips[0].how_in_words(), "not in this library");
    // The show, people and tags still come: the fan may get the videos later.
    assert_ne!(b.export_json().unwrap(), before);
}

#[test]
fn a_malformed_pack_is_refused_whole_naming_the_place() {
    let Some(video) = media() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let mut a = library_of(&root, "a", &[(&video, "original.mp4")]);
    curate(&mut a);
    let pack = pack_of(&mut a, &root);
    let good: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&pack).unwrap()).unwrap();
    let mut b = library_of(&root, "b", &[(&video, "copy.mp4")]);
    let before = b.export_json().unwrap();
    type Change = fn(&mut serde_json::Value);
    let cases: [(Change, &str); 10] = [
        (|p| p["format"] = "outtake-library".into(), "format:"),
        (|p| p["version"] = 9.into(), "version: 9"),
        (
            |p| p["clips"][0]["markers"][1]["scene"] = 7.into(),
            "clips[0].markers[1].scene: no scene with id 7",
        ),
        (|p| p["clips"][0]["keys"]["phash"] = "xyz".into(), "clips[0].keys.phash"),
        (|p| p["clips"][0]["keys"]["audio"] = "!!".into(), "clips[0].keys.audio: is not base64"),
        (|p| p["clips"][0]["path"] = "/home/fan/a.mp4".into(), "clips[0].path"),
        (|p| p["clips"][0]["source_url"] = "file:///etc/passwd".into(), "clips[0].source_url"),
        (|p| p["clips"][0]["markers"][0]["start_ms"] = "soon".into(), "clips[0].markers[0].start_ms"),
        (|p| p["people"][0]["roles"][0]["show"] = 2.into(), "people[0].roles[0].show"),
        (|p| p["clips"][0]["credits"][0]["person"] = 5.into(), "clips[0].credits[0].person"),
    ];
    for (change, place) in cases {
        let mut bad = good.clone();
        change(&mut bad);
        let bytes = serde_json::to_vec(&bad).unwrap();
        let error = b.import_pack_json(&bytes, Path::new("bad.json"), false).unwrap_err().to_string();
        assert!(error.contains(place), "expected {place}, got: {error}");
    }
    let text = std::fs::read_to_string(&pack).unwrap();
    let error =
        b.import_pack_json(&text.as_bytes()[..text.len() / 2], Path::new("half.json"), false).unwrap_err();
    assert!(error.to_string().contains("truncated"), "{error}");
    assert_eq!(b.export_json().unwrap(), before, "a refused pack wrote");
}

#[test]
fn a_selections_pack_holds_only_those_clips_of_one_show() {
    let dir = tempfile::tempdir().unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let red_sky = library
        .add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..ShowInput::default() })
        .unwrap();
    let other =
        library.add_show(&ShowInput { title: "Business Proposal".into(), ..ShowInput::default() }).unwrap();
    let clip = |library: &mut Library, title: &str, show_id: Option<i64>| {
        library
            .add_clip(&outtake_core::ClipInput { title: title.into(), show_id, ..Default::default() })
            .unwrap()
    };
    let (one, two) = (clip(&mut library, "one", Some(red_sky)), clip(&mut library, "two", Some(red_sky)));
    let three = clip(&mut library, "three", Some(other));
    let loose = clip(&mut library, "loose", None);
    let pack = dir.path().join("selection.outtake-pack.json");
    let summary = library.export_pack_of_clips(&[two], &pack, false).unwrap();
    assert_eq!((summary.show.as_str(), summary.clips), ("Lovers of the Red Sky", 1));
    let text = std::fs::read_to_string(&pack).unwrap();
    assert!(text.contains("\"two\"") && !text.contains("\"one\""), "{text}");
    for (ids, why) in
        [(vec![one, three], "more than one show"), (vec![one, loose], "in no show"), (vec![], "empty")]
    {
        let error = library.export_pack_of_clips(&ids, &dir.path().join("refused.json"), false).unwrap_err();
        assert!(error.to_string().contains(why), "{error}");
    }
    assert!(!dir.path().join("refused.json").exists());
}

/// A pack past the size limit is refused before a byte of it is read: a
/// sparse file, so the test writes nothing near that size.
#[test]
fn a_pack_past_the_size_limit_is_refused_naming_the_limit_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let before = library.export_json().unwrap();
    let pack = dir.path().join("everything.outtake-pack.json");
    std::fs::File::create(&pack).unwrap().set_len(outtake_core::MAX_PACK_BYTES + 1).unwrap();
    for dry_run in [true, false] {
        let error = library.import_pack(&pack, dry_run).unwrap_err();
        assert_eq!(error.kind(), outtake_core::ErrorKind::BadImport);
        let error = error.to_string();
        assert!(
            error.contains(&pack.display().to_string())
                && error.contains(&format!("{} bytes", outtake_core::MAX_PACK_BYTES + 1))
                && error.contains("at most 256 MiB"),
            "{error}"
        );
    }
    assert_eq!(library.export_json().unwrap(), before, "a refused pack wrote");
}
