//! The edit history: every kind of edit, generated at random over a library
//! with shows, cast, markers, chapters and tags, undoes to the very bytes it
//! started from and redoes to the very bytes it made; undo survives a
//! restart; an undo of something changed since is refused whole.

use std::path::Path;

use outtake_core::{
    CastInput, ClipInput, ClipPatch, CueInput, FileInput, Library, MarkerInput, PersonInput, RoleInput,
    SceneInput, ShowInput,
};

/// A small deterministic generator (xorshift): a failure names its seed.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
}

/// The worked example, and a bit more: two shows, cast with roles, clips
/// with files, credits, tags (nested, aliased), markers with cast and tags,
/// chapters kept as markers, subtitles, a watched folder, a saved search.
fn world(folder: &Path) -> Library {
    let mut lib = Library::open_in_memory().unwrap();
    let red_sky = lib
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            aliases: vec!["Red Sky".into()],
            network: Some("SBS".into()),
            year: Some(2021),
        })
        .unwrap();
    let other =
        lib.add_show(&ShowInput { title: "Twenty-Five Twenty-One".into(), ..Default::default() }).unwrap();
    lib.add_episode(red_sky, 1, Some("The Painter"), Some("2021-08-30")).unwrap();
    lib.add_scene(red_sky, &SceneInput { episode: Some(1), title: "Horse ride".into(), description: None })
        .unwrap();
    let kim = lib
        .add_person(&PersonInput {
            name: "Kim Yoo Jung".into(),
            native_name: Some("김유정".into()),
            aliases: vec!["Kim Yoo-jung".into()],
        })
        .unwrap();
    let ahn = lib.add_person(&PersonInput { name: "Ahn Hyo Seop".into(), ..Default::default() }).unwrap();
    lib.add_role(kim, red_sky, &RoleInput { character: "Hong Chun Gi".into(), native_character: None })
        .unwrap();
    lib.add_role(ahn, red_sky, &RoleInput { character: "Ha Ram".into(), native_character: None }).unwrap();
    for (i, title) in ["Making of EP.1", "Bloopers", "Farewell"].iter().enumerate() {
        let clip = lib
            .add_clip(&ClipInput {
                title: (*title).into(),
                duration_ms: Some(600_000),
                fps: Some(29.970_029_970_029_97),
                show_id: Some(if i == 2 { other } else { red_sky }),
                files: vec![FileInput {
                    path: format!("/videos/{i}.mp4").into(),
                    size: 1000 + i as i64,
                    mtime_ms: Some(1),
                    oshash: Some(format!("{i:016x}")),
                    status: None,
                }],
                ..Default::default()
            })
            .unwrap();
        lib.credit(clip, kim, None).unwrap();
        lib.tag_clip(clip, &["type:blooper".into(), "mood:emotional".into()]).unwrap();
        lib.add_marker(
            clip,
            &MarkerInput {
                start_ms: 60_000,
                end_ms: Some(90_000),
                title: Some("Horse ride".into()),
                cast: vec![CastInput { person_id: ahn, character: None }],
                tags: vec!["type:action".into()],
                quote: Some("I'm okay.".into()),
                ..Default::default()
            },
        )
        .unwrap();
        lib.replace_cues(clip, "ko", &[CueInput::new(1000, 2000, "괜찮아요, 눈물이 나네요")]).unwrap();
    }
    let (blooper, funny) = (lib.find_tag("type:blooper").unwrap(), lib.add_tag("type:funny").unwrap());
    lib.add_tag_parent(blooper, funny).unwrap();
    lib.add_tag_alias(blooper, "NG").unwrap();
    lib.add_folder(folder).unwrap();
    lib.save_search("Tearful", "tag:mood:emotional 눈물").unwrap();
    lib
}

fn ids(lib: &Library, sql_kind: &str) -> Vec<i64> {
    match sql_kind {
        "clip" => lib.clips().unwrap().iter().map(|c| c.id).collect(),
        "show" => lib.shows().unwrap().iter().map(|s| s.id).collect(),
        "person" => lib.people().unwrap().iter().map(|p| p.id).collect(),
        "tag" => lib.tags().unwrap().iter().map(|t| t.id).collect(),
        _ => unreachable!(),
    }
}

/// One random edit of one of every kind a fan can make; Err when the library
/// refused it (a name taken, nothing to change): that is no edit to undo.
fn random_edit(lib: &mut Library, dice: &mut Dice, n: usize) -> Result<String, String> {
    let clips = ids(lib, "clip");
    let shows = ids(lib, "show");
    let people = ids(lib, "person");
    let tags = ids(lib, "tag");
    let clip = dice.pick(&clips).copied().unwrap_or(1);
    let show = dice.pick(&shows).copied().unwrap_or(1);
    let person = dice.pick(&people).copied().unwrap_or(1);
    let tag = dice.pick(&tags).copied().unwrap_or(1);
    let other_tag = dice.pick(&tags).copied().unwrap_or(1);
    let marker = lib.clip(clip).ok().and_then(|c| c.markers.first().map(|m| m.id));
    let role = lib.roles_of(person).ok().and_then(|r| r.first().map(|r| r.id));
    let e = |r: outtake_core::Result<()>| r.map_err(|e| e.to_string());
    let kind = dice.below(34);
    let result = match kind {
        0 => e(lib
            .add_show(&ShowInput { title: format!("Show {n}"), year: Some(2020), ..Default::default() })
            .map(drop)),
        1 => e(lib.update_show(
            show,
            &ShowInput {
                title: format!("Renamed {n}"),
                native_title: Some(format!("쇼 {n}")),
                ..Default::default()
            },
        )),
        2 => e(lib.delete_show(show)),
        3 => e(lib.add_show_aliases(show, &[format!("alias {n}")])),
        4 => e(lib.add_episode(show, 2 + n as i64, Some("Next"), Some("2021-09-01")).map(drop)),
        5 => e(lib
            .add_scene(
                show,
                &SceneInput {
                    episode: None,
                    title: format!("Scene {n}"),
                    description: Some("on set".into()),
                },
            )
            .map(drop)),
        6 => e(lib
            .add_person(&PersonInput {
                name: format!("Person {n}"),
                native_name: None,
                aliases: vec![format!("P{n}")],
            })
            .map(drop)),
        7 => e(lib.update_person(
            person,
            &PersonInput { name: format!("Renamed person {n}"), ..Default::default() },
        )),
        8 => e(lib.delete_person(person)),
        9 => e(lib.merge_people(person, dice.pick(&people).copied().unwrap_or(person))),
        10 => e(lib
            .add_role(
                person,
                show,
                &RoleInput { character: format!("Character {n}"), native_character: None },
            )
            .map(drop)),
        11 => e(role.map_or(Ok(()), |r| lib.delete_role(r))),
        12 => e(role.map_or(Ok(()), |r| {
            lib.update_role(r, &RoleInput { character: format!("Recast {n}"), native_character: None })
        })),
        13 => e(lib.credit(clip, person, Some(&format!("Extra {n}")))),
        14 => e(lib.uncredit(clip, person)),
        15 => e(lib.tag_clip(clip, &[format!("ns{n}:t{n}")]).map(drop)),
        16 => e(lib.untag_clip(clip, &[lib.tag(tag).map(|t| t.full_name).unwrap_or_default()])),
        17 => e(lib.tag_clips(&clips, &[format!("bulk:{n}")]).map(drop)),
        18 => e(lib.place_clips(&clips, lib.show(show).ok().map(|s| s.title).as_deref(), Some(1)).map(drop)),
        19 => e(lib.credit_clips(&clips, &format!("#{person}"), None).map(drop)),
        20 => e(lib
            .add_marker(
                clip,
                &MarkerInput {
                    start_ms: 1000 * n as i64 % 500_000,
                    title: Some(format!("Moment {n}")),
                    tags: vec!["mood:happy".into()],
                    ..Default::default()
                },
            )
            .map(drop)),
        21 => e(marker.map_or(Ok(()), |m| {
            lib.update_marker(
                m,
                &MarkerInput {
                    start_ms: 5000,
                    end_ms: Some(7000),
                    note: Some("moved".into()),
                    ..Default::default()
                },
            )
        })),
        22 => e(marker.map_or(Ok(()), |m| lib.delete_marker(m))),
        23 => e(lib.update_clip(
            clip,
            &ClipPatch {
                title: Some(format!("Title {n}")),
                note: Some(Some(format!("note {n}"))),
                ..Default::default()
            },
        )),
        24 => e(lib.delete_clip(clip)),
        25 => e(lib.rename_tag(tag, &format!("renamed:{n}"))),
        26 => e(lib.add_tag_alias(tag, &format!("alias{n}"))),
        27 => e(lib.add_tag_parent(tag, other_tag)),
        28 => e(lib.merge_tags(tag, other_tag)),
        29 => e(lib.delete_tag(tag)),
        30 => e(lib.save_search(&format!("Saved {n}"), "horse").map(drop)),
        31 => e(lib.replace_cues(clip, "en", &[CueInput::new(0, 500, format!("line {n}"))]).map(drop)),
        32 => {
            // A library export merged in (the JSON import is one edit too).
            let mut other = Library::open_in_memory().unwrap();
            other.add_show(&ShowInput { title: format!("Imported {n}"), ..Default::default() }).unwrap();
            let c = other
                .add_clip(&ClipInput { title: format!("Imported clip {n}"), ..Default::default() })
                .unwrap();
            other.tag_clip(c, &["type:blooper".into()]).unwrap();
            let json = other.export_json().unwrap();
            e(lib.import_json(json.as_bytes(), Path::new("other.json")).map(drop))
        }
        _ => e(lib
            .delete_episode(lib.episodes(show).ok().and_then(|eps| eps.first().map(|e| e.id)).unwrap_or(0))),
    };
    result.map(|()| format!("edit kind {kind}"))
}

#[test]
fn every_edit_undoes_to_the_same_bytes_and_redoes_to_the_same_bytes() {
    let folder = tempfile::tempdir().unwrap();
    let rounds = if std::env::var("OUTTAKE_ENDURANCE").is_ok_and(|v| v == "full") { 2000 } else { 300 };
    for seed in [0x5eed_u64, 0xc0ffee, 0x0dd5_eed5] {
        let mut lib = world(folder.path());
        let mut dice = Dice(seed);
        let mut kinds = std::collections::BTreeSet::new();
        for n in 0..rounds {
            let before = lib.export_json().unwrap();
            let Ok(what) = random_edit(&mut lib, &mut dice, n) else { continue };
            let after = lib.export_json().unwrap();
            if after == before {
                continue;
            }
            kinds.insert(what.clone());
            let undone =
                lib.undo(None).unwrap_or_else(|e| panic!("seed {seed:#x}, round {n}, {what}: undo: {e}"));
            assert!(undone.undone);
            assert_eq!(
                lib.export_json().unwrap(),
                before,
                "seed {seed:#x}, round {n}, {what}: undo is not exact"
            );
            lib.redo().unwrap_or_else(|e| panic!("seed {seed:#x}, round {n}, {what}: redo: {e}"));
            assert_eq!(
                lib.export_json().unwrap(),
                after,
                "seed {seed:#x}, round {n}, {what}: redo is not exact"
            );
        }
        assert!(kinds.len() >= 30, "seed {seed:#x}: only {} edit kinds were tried: {kinds:?}", kinds.len());
    }
}

#[test]
fn undoing_a_removed_role_links_its_credits_again() {
    let folder = tempfile::tempdir().unwrap();
    let mut lib = world(folder.path());
    let kim = lib.find_person("김유정").unwrap();
    let role = lib.roles_of(kim).unwrap()[0].id;
    let clip = lib.find_clip("/videos/0.mp4").unwrap();
    let linked = |lib: &Library| {
        let member = lib.clip(clip).unwrap().cast.into_iter().find(|m| m.person_id == kim).unwrap();
        (member.role_id, member.character)
    };
    let before = linked(&lib);
    assert_eq!(before, (Some(role), Some("Hong Chun Gi".to_string())));
    lib.delete_role(role).unwrap();
    assert_eq!(linked(&lib).0, None, "the credit keeps only the character's name");
    lib.undo(None).unwrap();
    assert_eq!(linked(&lib), before, "the credit is linked to the role again");
}

#[test]
fn an_undo_of_something_changed_since_is_refused_whole() {
    let folder = tempfile::tempdir().unwrap();
    let mut lib = world(folder.path());
    let clip = lib.find_clip("/videos/1.mp4").unwrap();
    lib.update_clip(clip, &ClipPatch { title: Some("First".into()), ..Default::default() }).unwrap();
    let first = lib.history(1).unwrap()[0].id;
    lib.tag_clip(clip, &["type:funny".into()]).unwrap();
    lib.update_clip(clip, &ClipPatch { title: Some("Second".into()), ..Default::default() }).unwrap();
    let before = lib.export_json().unwrap();
    let error = lib.undo(Some(first)).unwrap_err().to_string();
    assert!(error.contains(&format!("clip #{clip} was changed since")), "{error}");
    assert_eq!(lib.export_json().unwrap(), before, "a refused undo changed something");
    // Undone in order, each applies.
    for _ in 0..3 {
        lib.undo(None).unwrap();
    }
    assert_eq!(lib.clip(clip).unwrap().title, "Bloopers");
    assert!(!lib.clip(clip).unwrap().tags.contains(&"type:funny".to_string()));
}

#[test]
fn history_survives_a_restart_and_lists_what_was_done() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    {
        let mut lib = Library::open(&path).unwrap();
        let clip = lib.add_clip(&ClipInput { title: "Horse ride".into(), ..Default::default() }).unwrap();
        lib.tag_clip(clip, &["x:y".into()]).unwrap();
        lib.tag_clip(clip, &["x:y".into()]).unwrap(); // nothing new: no entry
    }
    let mut lib = Library::open(&path).unwrap();
    let history = lib.history(10).unwrap();
    let described: Vec<&str> = history.iter().map(|h| h.description.as_str()).collect();
    assert_eq!(described, ["tag clip #1: x:y", "add clip \"Horse ride\""]);
    lib.undo(None).unwrap();
    assert!(lib.clip(1).unwrap().tags.is_empty(), "exactly that tag is gone");
    assert_eq!(lib.tags().unwrap().len(), 0, "and the tag it made");
    assert!(lib.history(10).unwrap()[0].undone);
    lib.redo().unwrap();
    assert_eq!(lib.clip(1).unwrap().tags, ["x:y"]);
    // A new edit ends the redo branch.
    lib.undo(None).unwrap();
    lib.update_clip(1, &ClipPatch { note: Some(Some("new".into())), ..Default::default() }).unwrap();
    assert!(lib.redo().unwrap_err().to_string().contains("nothing to redo"));
}

/// Undo knows every column of every table a fan's edits change: a column a
/// later migration adds must be added to `TRACKED` too, or undo would lose it.
#[test]
fn undo_tracks_every_column_of_every_table_a_fan_changes() {
    let lib = Library::open_in_memory().unwrap();
    drop(lib);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.db");
    Library::open(&path).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let derived = [
        "sidecar",
        "import_problem",
        "edit",
        "edit_change",
        "search_doc",
        "search_dirty",
        "search_state",
        "search_facet",
        // A setting is not an edit.
        "setting",
        // What a video's container said, kept to rank it below a later .info.json.
        "clip_embedded",
        // The thumbnail cache's bookkeeping (sizes, views, problems): made, not edited.
        "storyboard",
        // Content keys (phash, audio fingerprint): made from the video, not edited.
        "content_key",
        // The sidebar's counts, kept by triggers from the rows above (migration 0017).
        "sidebar_count",
        "missing_clip",
    ];
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'fts_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    for table in tables.iter().filter(|t| !derived.contains(&t.as_str())) {
        let columns: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let tracked = outtake_core::TRACKED
            .iter()
            .find(|t| t.table == table)
            .unwrap_or_else(|| panic!("the table {table} is not tracked by undo (nor listed as derived)"));
        assert_eq!(tracked.columns, columns.iter().map(String::as_str).collect::<Vec<_>>(), "{table}");
    }
}

#[test]
fn a_scan_is_one_edit_and_undoing_it_takes_out_exactly_what_it_brought_in() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap().join("clips");
    std::fs::create_dir(&folder).unwrap();
    for (i, name) in ["Horse ride [abcdefghijk].mp4", "Farewell.mp4"].iter().enumerate() {
        if !crate::scan::make_clip(&folder.join(name), 0.4 + 0.1 * i as f32, &["-s", "64x48"]) {
            eprintln!("ffmpeg is not installed: skipping");
            return;
        }
        crate::scan::age(&folder.join(name));
    }
    std::fs::write(folder.join("Farewell.ko.vtt"), "WEBVTT\n\n00:00.000 --> 00:00.300\n눈물\n").unwrap();
    let mut lib = world(dir.path());
    let before = lib.export_json().unwrap();
    let summary = lib.scan(std::slice::from_ref(&folder), &mut |_| {}).unwrap();
    assert_eq!(summary.added, 2);
    let entry = &lib.history(1).unwrap()[0];
    assert!(entry.description.starts_with("import from"), "{entry:?}");
    assert!(entry.rows >= 4, "{entry:?}");
    let after = lib.export_json().unwrap();
    lib.undo(None).unwrap();
    assert_eq!(lib.export_json().unwrap(), before, "undoing the scan is exact");
    lib.redo().unwrap();
    assert_eq!(lib.export_json().unwrap(), after);
    // A scan that finds nothing new leaves no entry.
    let entries = lib.history(100).unwrap().len();
    lib.scan(std::slice::from_ref(&folder), &mut |_| {}).unwrap();
    let latest = &lib.history(1).unwrap()[0];
    assert_eq!(
        lib.history(100).unwrap().len(),
        entries,
        "{latest:?}: {:?}",
        lib.edit_changes(latest.id).unwrap()
    );
}

#[test]
fn history_keeps_what_the_fan_set_and_forgets_the_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut lib = world(dir.path());
    assert_eq!(lib.history_bounds().unwrap(), outtake_core::HistoryBounds { edits: 1000, days: 90 });
    lib.set_history_bounds(3, 30).unwrap();
    assert!(lib.set_history_bounds(0, 30).unwrap_err().to_string().contains("history edits"));
    let clip = lib.find_clip("/videos/0.mp4").unwrap();
    for n in 0..5 {
        lib.tag_clip(clip, &[format!("kept:{n}")]).unwrap();
    }
    let kept: Vec<String> = lib.history(10).unwrap().into_iter().map(|h| h.description).collect();
    assert_eq!(
        kept,
        [
            format!("tag clip #{clip}: kept:4"),
            format!("tag clip #{clip}: kept:3"),
            format!("tag clip #{clip}: kept:2")
        ]
    );
    // The oldest kept can still be undone, in order.
    for _ in 0..3 {
        lib.undo(None).unwrap();
    }
    assert!(lib.undo(None).unwrap_err().to_string().contains("nothing to undo"));
    let tags = lib.clip(clip).unwrap().tags;
    assert!(tags.contains(&"kept:1".to_string()) && !tags.contains(&"kept:2".to_string()), "{tags:?}");
}
