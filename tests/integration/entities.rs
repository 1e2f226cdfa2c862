//! Create, read, update, delete and list every entity through the core API,
//! and the typed errors (with the kind, name, id or field they carry) each refuses with.

use std::fmt::Debug;

use outtake_core::{
    CastInput, ClipInput, ClipPatch, CueInput, EntityKind, Error, FileInput, FileStatus, Library,
    MarkerInput, PersonInput, RoleInput, SceneInput, ShowInput,
};

use self::Expect::{Exists, Invalid, NotFound};

/// The error a call should fail with, down to the field it names.
#[derive(Debug)]
enum Expect<'a> {
    NotFound(EntityKind, &'a str),
    Exists(EntityKind, &'a str, i64),
    Invalid(&'a str),
}

/// One check for every refusal in this file: the variant and what it carries.
fn refused<T: Debug>(what: &str, result: outtake_core::Result<T>, expect: Expect<'_>) {
    let matched = match (&result, &expect) {
        (Err(Error::NotFound { kind, name }), Expect::NotFound(k, n)) => kind == k && name == n,
        (Err(Error::AlreadyExists { kind, name, id }), Expect::Exists(k, n, i)) => {
            kind == k && name == n && id == i
        }
        (Err(Error::Invalid { field, .. }), Expect::Invalid(f)) => field == f,
        _ => false,
    };
    assert!(matched, "{what}: expected {expect:?}, got {result:?}");
}

fn show(title: &str, native: Option<&str>, year: Option<i32>) -> ShowInput {
    ShowInput { title: title.into(), native_title: native.map(Into::into), year, ..Default::default() }
}

fn person(name: &str, native: Option<&str>, aliases: &[&str]) -> PersonInput {
    PersonInput {
        name: name.into(),
        native_name: native.map(Into::into),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    }
}

fn file(path: &str, oshash: Option<&str>) -> FileInput {
    FileInput { path: path.into(), size: 1024, oshash: oshash.map(Into::into), ..Default::default() }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn shows_are_added_read_updated_listed_and_deleted() {
    let mut lib = Library::open_in_memory().unwrap();
    let input = ShowInput {
        // Stored NFC and trimmed, whatever the fan's keyboard sent.
        title: "  Lovers of the Red Sky ".into(),
        native_title: Some("\u{1112}\u{1169}\u{11BC}\u{110E}\u{1165}\u{11AB}\u{1100}\u{1175}".into()),
        aliases: strings(&["Hong Chun-gi", "Red Sky", "hong chun gi"]),
        network: Some("SBS".into()),
        year: Some(2021),
    };
    let id = lib.add_show(&input).unwrap();
    let stored = lib.show(id).unwrap();
    assert_eq!(
        (stored.title.as_str(), stored.native_title.as_deref(), stored.network.as_deref(), stored.year),
        ("Lovers of the Red Sky", Some("홍천기"), Some("SBS"), Some(2021))
    );
    // "hong chun gi" keys like "Hong Chun-gi": one alias, the first spelling kept.
    assert_eq!(stored.aliases, strings(&["Hong Chun-gi", "Red Sky"]));
    let other = lib.add_show(&show("Alchemy of Souls", None, None)).unwrap();
    let titles: Vec<String> = lib.shows().unwrap().into_iter().map(|s| s.title).collect();
    assert_eq!(titles, strings(&["Alchemy of Souls", "Lovers of the Red Sky"]));

    let replacement = ShowInput { aliases: strings(&["Hong Cheon-gi"]), network: None, ..input };
    lib.update_show(id, &replacement).unwrap();
    lib.add_show_aliases(id, &strings(&["Red Sky", "Hong Cheon-gi"])).unwrap();
    let updated = lib.show(id).unwrap();
    assert_eq!((updated.aliases, updated.network), (strings(&["Hong Cheon-gi", "Red Sky"]), None));

    lib.delete_show(other).unwrap();
    refused("read a deleted show", lib.show(other), NotFound(EntityKind::Show, &format!("#{other}")));
    assert_eq!(lib.shows().unwrap().len(), 1);
}

#[test]
fn shows_refuse_bad_or_duplicate_input() {
    let mut lib = Library::open_in_memory().unwrap();
    let red_sky = lib.add_show(&show("Lovers of the Red Sky", Some("홍천기"), Some(2021))).unwrap();
    let rows: Vec<(&str, ShowInput, Expect)> = vec![
        ("blank title", show("   ", None, None), Invalid("title")),
        ("two-line title", show("Lovers\nof the Red Sky", None, None), Invalid("title")),
        ("implausible year", show("Chuno", None, Some(1700)), Invalid("year")),
        (
            "control character",
            ShowInput { network: Some("SB\u{7}S".into()), ..show("Chuno", None, None) },
            Invalid("network"),
        ),
        (
            "same title, other spelling",
            show("LOVERS OF THE RED-SKY", None, Some(2021)),
            Exists(EntityKind::Show, "LOVERS OF THE RED-SKY", red_sky),
        ),
        (
            "native title as the title",
            show("홍천기", None, None),
            Exists(EntityKind::Show, "홍천기", red_sky),
        ),
    ];
    for (what, input, expect) in rows {
        refused(what, lib.add_show(&input), expect);
    }
    // The same title in another year is another show (a remake), not a duplicate.
    lib.add_show(&show("Lovers of the Red Sky", None, Some(2031))).unwrap();
    let missing = NotFound(EntityKind::Show, "#99");
    refused("update a missing show", lib.update_show(99, &show("X", None, None)), missing);
    refused("delete a missing show", lib.delete_show(99), NotFound(EntityKind::Show, "#99"));
    refused("alias a missing show", lib.add_show_aliases(99, &[]), NotFound(EntityKind::Show, "#99"));
    assert_eq!(lib.summary().unwrap().shows, 2, "refused shows were not stored");
}

#[test]
fn episodes_are_numbered_per_show() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let two = lib.add_episode(s, 2, Some("The horse ride"), Some("2021-08-31")).unwrap();
    let one = lib.add_episode(s, 1, None, None).unwrap();
    assert_eq!(lib.find_episode(s, 2).unwrap(), two);
    lib.update_episode(one, Some(" The sealing "), Some("2021-08-30")).unwrap();
    let episodes = lib.episodes(s).unwrap();
    let listed: Vec<_> =
        episodes.iter().map(|e| (e.number, e.title.as_deref(), e.air_date.as_deref())).collect();
    assert_eq!(
        listed,
        [(1, Some("The sealing"), Some("2021-08-30")), (2, Some("The horse ride"), Some("2021-08-31"))]
    );
    refused(
        "number taken",
        lib.add_episode(s, 2, None, None),
        Exists(EntityKind::Episode, "Lovers of the Red Sky episode 2", two),
    );
    refused("negative number", lib.add_episode(s, -1, None, None), Invalid("number"));
    refused("not a date", lib.add_episode(s, 3, None, Some("2021-13-01")), Invalid("air date"));
    refused("not a date on update", lib.update_episode(one, None, Some("30.08.2021")), Invalid("air date"));
    refused("no such show", lib.add_episode(99, 1, None, None), NotFound(EntityKind::Show, "#99"));
    refused(
        "no episode 9",
        lib.find_episode(s, 9),
        NotFound(EntityKind::Episode, &format!("episode 9 of show #{s}")),
    );
    lib.delete_episode(two).unwrap();
    refused("deleted twice", lib.delete_episode(two), NotFound(EntityKind::Episode, &format!("#{two}")));
    assert_eq!(lib.episodes(s).unwrap().len(), 1);
}

#[test]
fn scenes_belong_to_a_show_and_maybe_an_episode() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let scene = |episode, title: &str| SceneInput { episode, title: title.into(), description: None };
    let loose = lib.add_scene(s, &scene(None, "Pulse scene")).unwrap();
    // Naming an episode the show does not have yet creates it.
    let sealing = lib.add_scene(s, &scene(Some(1), "Sealing ceremony")).unwrap();
    assert!(lib.find_episode(s, 1).is_ok());
    let order: Vec<i64> = lib.scenes(s).unwrap().iter().map(|sc| sc.id).collect();
    assert_eq!(order, [sealing, loose], "episode scenes first, in episode order");
    let input =
        SceneInput { episode: Some(4), title: "Pulse".into(), description: Some("by the river".into()) };
    lib.update_scene(loose, &input).unwrap();
    let read = lib.scene(loose).unwrap();
    assert_eq!(
        (read.show_id, read.episode, read.title.as_str(), read.description.as_deref()),
        (s, Some(4), "Pulse", Some("by the river"))
    );
    refused("blank title", lib.add_scene(s, &scene(None, " ")), Invalid("scene title"));
    refused("negative episode", lib.add_scene(s, &scene(Some(-2), "x")), Invalid("episode"));
    refused("no such show", lib.add_scene(99, &scene(None, "x")), NotFound(EntityKind::Show, "#99"));
    refused("update missing", lib.update_scene(99, &scene(None, "x")), NotFound(EntityKind::Scene, "#99"));
    lib.delete_scene(sealing).unwrap();
    refused("read deleted", lib.scene(sealing), NotFound(EntityKind::Scene, &format!("#{sealing}")));
    assert_eq!(lib.scenes(s).unwrap().len(), 1);
}

#[test]
fn people_are_added_updated_aliased_and_deleted() {
    let mut lib = Library::open_in_memory().unwrap();
    let kim = lib.add_person(&person("Kim Yoo Jung", Some("김유정"), &["Kim You-jung"])).unwrap();
    let ahn = lib.add_person(&person("Ahn Hyo Seop", Some("안효섭"), &[])).unwrap();
    let read = lib.person(kim).unwrap();
    assert_eq!(
        (read.name.as_str(), read.native_name.as_deref(), read.aliases.clone()),
        ("Kim Yoo Jung", Some("김유정"), strings(&["Kim You-jung"]))
    );
    let names: Vec<String> = lib.people().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, strings(&["Ahn Hyo Seop", "Kim Yoo Jung"]));
    // Any of someone's names, in any spelling, is taken.
    let rows: Vec<(&str, PersonInput, Expect)> = vec![
        ("same name", person("kim yoo-jung", None, &[]), Exists(EntityKind::Person, "kim yoo-jung", kim)),
        (
            "their native name",
            person("Yoo Jung", Some("김유정"), &[]),
            Exists(EntityKind::Person, "김유정", kim),
        ),
        ("their alias", person("Kim Youjung", None, &[]), Exists(EntityKind::Person, "Kim Youjung", kim)),
        (
            "alias taken",
            person("Hyo Seop", None, &["AHN HYO SEOP"]),
            Exists(EntityKind::Person, "AHN HYO SEOP", ahn),
        ),
        ("blank name", person("  ", None, &[]), Invalid("name")),
        ("control character", person("Choi\u{0}", None, &[]), Invalid("name")),
        ("blank alias", person("Choi Kwang Il", None, &[" "]), Invalid("alias")),
    ];
    for (what, input, expect) in rows {
        refused(what, lib.add_person(&input), expect);
    }
    lib.update_person(ahn, &person("Ahn Hyo-seop", Some("안효섭"), &["Abraham Lincoln Ahn"])).unwrap();
    lib.add_person_aliases(ahn, &strings(&["Ahn Hyo-sub", "abraham lincoln ahn"])).unwrap();
    assert_eq!(lib.person(ahn).unwrap().aliases, strings(&["Abraham Lincoln Ahn", "Ahn Hyo-sub"]));
    refused(
        "update missing",
        lib.update_person(99, &person("X", None, &[])),
        NotFound(EntityKind::Person, "#99"),
    );
    lib.delete_person(ahn).unwrap();
    refused("read deleted", lib.person(ahn), NotFound(EntityKind::Person, &format!("#{ahn}")));
    assert_eq!(lib.summary().unwrap().people, 1);
}

#[test]
fn roles_tie_a_person_to_a_character_in_a_show() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let kim = lib.add_person(&person("Kim Yoo Jung", None, &[])).unwrap();
    let ahn = lib.add_person(&person("Ahn Hyo Seop", None, &[])).unwrap();
    let role =
        |c: &str, n: Option<&str>| RoleInput { character: c.into(), native_character: n.map(Into::into) };
    let chun_gi = lib.add_role(kim, s, &role("Hong Chun Gi", Some("홍천기"))).unwrap();
    let ha_ram = lib.add_role(ahn, s, &role("Ha Ram", None)).unwrap();
    let read = lib.role(chun_gi).unwrap();
    assert_eq!(
        (read.person.as_str(), read.show.as_str(), read.character.as_str(), read.native_character.as_deref()),
        ("Kim Yoo Jung", "Lovers of the Red Sky", "Hong Chun Gi", Some("홍천기"))
    );
    let cast: Vec<i64> = lib.cast_of(s).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(cast, [chun_gi, ha_ram]);
    lib.update_role(ha_ram, &role("Ha Ram", Some("하람"))).unwrap();
    assert_eq!(lib.roles_of(ahn).unwrap()[0].native_character.as_deref(), Some("하람"));
    refused(
        "same character again",
        lib.add_role(kim, s, &role("hong chun-gi", None)),
        Exists(EntityKind::Role, "hong chun-gi", chun_gi),
    );
    refused("blank character", lib.add_role(kim, s, &role(" ", None)), Invalid("character"));
    refused("no such person", lib.add_role(99, s, &role("X", None)), NotFound(EntityKind::Person, "#99"));
    refused("no such show", lib.add_role(kim, 99, &role("X", None)), NotFound(EntityKind::Show, "#99"));
    refused("roles of nobody", lib.roles_of(99), NotFound(EntityKind::Person, "#99"));
    lib.delete_role(ha_ram).unwrap();
    refused("read deleted", lib.role(ha_ram), NotFound(EntityKind::Role, &format!("#{ha_ram}")));
    assert!(lib.roles_of(ahn).unwrap().is_empty());
}

#[test]
fn clips_are_added_patched_listed_and_deleted() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let other = lib.add_show(&show("Alchemy of Souls", None, None)).unwrap();
    let input = ClipInput {
        title: "Horse ride making-of".into(),
        description: Some("Behind the scenes of episode 2".into()),
        source_url: Some("https://example.com/v/1".into()),
        published: Some("2021-09-01".into()),
        duration_ms: Some(600_000),
        width: Some(1920),
        height: Some(1080),
        fps: Some(29.97),
        show_id: Some(s),
        episode: Some(2),
        files: vec![file("/videos/horse.mp4", Some("ABCDEF0123456789")), file("/backup/horse.mp4", None)],
        ..Default::default()
    };
    let clip = lib.add_clip(&input).unwrap();
    let detail = lib.clip(clip).unwrap();
    assert_eq!(
        (detail.title.as_str(), detail.show.as_deref(), detail.episode, detail.fps, detail.duration_ms),
        ("Horse ride making-of", Some("Lovers of the Red Sky"), Some(2), Some(29.97), Some(600_000))
    );
    assert_eq!((detail.source.published.as_deref(), detail.width), (Some("2021-09-01"), Some(1920)));
    // The fingerprint is kept lower-case so imports match it whatever case a tool wrote.
    assert_eq!(detail.oshash.as_deref(), Some("abcdef0123456789"));
    assert_eq!(detail.files.len(), 2);
    let second = lib.add_clip(&ClipInput { title: "Pulse scene NG".into(), ..Default::default() }).unwrap();
    let listed: Vec<(i64, Option<String>)> =
        lib.clips().unwrap().into_iter().map(|c| (c.id, c.path)).collect();
    assert_eq!(listed, [(second, None), (clip, Some("/videos/horse.mp4".into()))], "newest first");

    let patch = ClipPatch {
        title: Some("Horse ride (BTS)".into()),
        description: Some(None),
        note: Some(Some("watch at 1:23".into())),
        show_id: Some(Some(other)),
        episode: None,
    };
    lib.update_clip(clip, &patch).unwrap();
    let patched = lib.clip(clip).unwrap();
    assert_eq!(
        (patched.title.as_str(), patched.description, patched.note.as_deref()),
        ("Horse ride (BTS)", None, Some("watch at 1:23"))
    );
    // Another show: the old show's episode number means nothing there.
    assert_eq!((patched.show.as_deref(), patched.episode), (Some("Alchemy of Souls"), None));
    lib.update_clip(clip, &ClipPatch { episode: Some(Some(7)), ..Default::default() }).unwrap();
    assert_eq!(lib.clip(clip).unwrap().episode, Some(7));

    lib.delete_clip(second).unwrap();
    refused("read deleted", lib.clip(second), NotFound(EntityKind::Clip, &format!("#{second}")));
    assert_eq!(lib.clips().unwrap().len(), 1);
}

#[test]
fn clips_refuse_bad_input_whole() {
    let mut lib = Library::open_in_memory().unwrap();
    let clip = |title: &str| ClipInput { title: title.into(), ..Default::default() };
    let rows: Vec<(&str, ClipInput, Expect)> = vec![
        ("blank title", clip(""), Invalid("title")),
        ("negative duration", ClipInput { duration_ms: Some(-1), ..clip("a") }, Invalid("duration")),
        ("zero fps", ClipInput { fps: Some(0.0), ..clip("a") }, Invalid("fps")),
        ("NaN fps", ClipInput { fps: Some(f64::NAN), ..clip("a") }, Invalid("fps")),
        ("bad date", ClipInput { published: Some("yesterday".into()), ..clip("a") }, Invalid("published")),
        ("episode without show", ClipInput { episode: Some(1), ..clip("a") }, Invalid("episode")),
        ("no such show", ClipInput { show_id: Some(99), ..clip("a") }, NotFound(EntityKind::Show, "#99")),
        // The clip row is written before its files: a bad second file must undo it.
        (
            "bad fingerprint on the second file",
            ClipInput { files: vec![file("/v/a.mp4", None), file("/v/b.mp4", Some("xyz"))], ..clip("a") },
            Invalid("oshash"),
        ),
        (
            "negative size",
            ClipInput { files: vec![FileInput { size: -1, ..file("/v/c.mp4", None) }], ..clip("a") },
            Invalid("file size"),
        ),
    ];
    for (what, input, expect) in rows {
        refused(what, lib.add_clip(&input), expect);
    }
    assert_eq!(lib.summary().unwrap().clips, 0, "no refused clip left a row behind");
    let id = lib.add_clip(&clip("a")).unwrap();
    let no_show = ClipPatch { episode: Some(Some(1)), ..Default::default() };
    refused("patch episode without show", lib.update_clip(id, &no_show), Invalid("episode"));
    refused("patch missing clip", lib.update_clip(99, &no_show), NotFound(EntityKind::Clip, "#99"));
    refused("delete missing clip", lib.delete_clip(99), NotFound(EntityKind::Clip, "#99"));
}

#[test]
fn files_are_copies_with_a_status() {
    let mut lib = Library::open_in_memory().unwrap();
    let clip = lib
        .add_clip(&ClipInput { title: "a".into(), files: vec![file("/v/a.mp4", None)], ..Default::default() })
        .unwrap();
    let first = lib.clip(clip).unwrap().files[0].id;
    let copy = lib.add_file(clip, &file("/backup/a.mp4", None)).unwrap();
    // The clip shows its best copy: present beats offline beats missing.
    let rows = [
        (FileStatus::Missing, FileStatus::Offline, "/backup/a.mp4", FileStatus::Offline),
        (FileStatus::Offline, FileStatus::Present, "/backup/a.mp4", FileStatus::Present),
        (FileStatus::Missing, FileStatus::Missing, "/v/a.mp4", FileStatus::Missing),
        (FileStatus::Present, FileStatus::Present, "/v/a.mp4", FileStatus::Present),
    ];
    for (a, b, path, status) in rows {
        lib.set_file_status(first, a).unwrap();
        lib.set_file_status(copy, b).unwrap();
        let detail = lib.clip(clip).unwrap();
        assert_eq!((detail.path.as_deref(), detail.status), (Some(path), status), "{a:?} + {b:?}");
        let summary = lib.clips().unwrap().remove(0);
        assert_eq!((summary.path.as_deref(), summary.status), (Some(path), status), "list: {a:?} + {b:?}");
    }
    refused(
        "path taken",
        lib.add_file(clip, &file("/v/a.mp4", None)),
        Exists(EntityKind::File, "/v/a.mp4", clip),
    );
    refused("no such clip", lib.add_file(99, &file("/v/z.mp4", None)), NotFound(EntityKind::Clip, "#99"));
    refused(
        "status of nothing",
        lib.set_file_status(99, FileStatus::Missing),
        NotFound(EntityKind::File, "#99"),
    );
    lib.remove_file(first).unwrap();
    refused("removed twice", lib.remove_file(first), NotFound(EntityKind::File, &format!("#{first}")));
    assert_eq!(lib.clip(clip).unwrap().files.iter().map(|f| f.id).collect::<Vec<_>>(), [copy]);
}

#[test]
fn credits_find_or_make_roles_in_the_clips_show() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let kim = lib.add_person(&person("Kim Yoo Jung", None, &[])).unwrap();
    let ahn = lib.add_person(&person("Ahn Hyo Seop", None, &[])).unwrap();
    let choi = lib.add_person(&person("Choi Kwang Il", None, &[])).unwrap();
    let ha_ram =
        lib.add_role(ahn, s, &RoleInput { character: "Ha Ram".into(), ..Default::default() }).unwrap();
    let in_show =
        lib.add_clip(&ClipInput { title: "a".into(), show_id: Some(s), ..Default::default() }).unwrap();
    let loose = lib.add_clip(&ClipInput { title: "b".into(), ..Default::default() }).unwrap();
    lib.credit(in_show, kim, Some("Hong Chun Gi")).unwrap(); // makes Kim's role
    lib.credit(in_show, ahn, None).unwrap(); // his only role in the show
    lib.credit(in_show, choi, None).unwrap(); // no role: just the person
    lib.credit(loose, kim, Some("herself")).unwrap(); // no show: the character stays text
    let chun_gi = lib.roles_of(kim).unwrap()[0].id;
    let cast: Vec<_> =
        lib.clip(in_show).unwrap().cast.into_iter().map(|c| (c.person_id, c.role_id, c.character)).collect();
    assert_eq!(
        cast,
        [
            (kim, Some(chun_gi), Some("Hong Chun Gi".into())),
            (ahn, Some(ha_ram), Some("Ha Ram".into())),
            (choi, None, None)
        ]
    );
    let loose_cast = &lib.clip(loose).unwrap().cast;
    assert_eq!((loose_cast[0].role_id, loose_cast[0].character.as_deref()), (None, Some("herself")));
    // Crediting again updates the one credit rather than adding another.
    lib.credit(in_show, kim, Some("hong chun-gi")).unwrap();
    assert_eq!(lib.clip(in_show).unwrap().cast.len(), 3);
    assert_eq!(lib.roles_of(kim).unwrap().len(), 1, "the role was found, not made twice");
    lib.uncredit(in_show, choi).unwrap();
    assert_eq!(lib.clip(in_show).unwrap().cast.len(), 2);
    refused("no such person", lib.credit(in_show, 99, None), NotFound(EntityKind::Person, "#99"));
    refused("no such clip", lib.credit(99, kim, None), NotFound(EntityKind::Clip, "#99"));
}

#[test]
fn markers_are_moments_with_cast_tags_and_scene() {
    let mut lib = Library::open_in_memory().unwrap();
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let kim = lib.add_person(&person("Kim Yoo Jung", None, &[])).unwrap();
    let scene = lib.add_scene(s, &SceneInput { title: "Farewell".into(), ..Default::default() }).unwrap();
    let clip = lib
        .add_clip(&ClipInput {
            title: "a".into(),
            duration_ms: Some(60_000),
            show_id: Some(s),
            ..Default::default()
        })
        .unwrap();
    let later = lib.add_marker(clip, &MarkerInput { start_ms: 50_000, ..Default::default() }).unwrap();
    let input = MarkerInput {
        start_ms: 12_000,
        end_ms: Some(20_000),
        title: Some("Tearful farewell".into()),
        scene_id: Some(scene),
        cast: vec![CastInput { person_id: kim, character: Some("Hong Chun Gi".into()) }],
        tags: strings(&["mood:emotional"]),
        note: Some("best take".into()),
        quote: Some("I'm okay.".into()),
    };
    let farewell = lib.add_marker(clip, &input).unwrap();
    let read = lib.marker(farewell).unwrap();
    assert_eq!(
        (read.clip_id, read.end_ms, read.scene.as_deref(), read.quote.as_deref(), read.tags.clone()),
        (clip, Some(20_000), Some("Farewell"), Some("I'm okay."), strings(&["mood:emotional"]))
    );
    assert_eq!((read.cast[0].person_id, read.cast[0].character.as_deref()), (kim, Some("Hong Chun Gi")));
    let order: Vec<i64> = lib.markers(clip).unwrap().iter().map(|m| m.id).collect();
    assert_eq!(order, [farewell, later], "time order, not insertion order");
    let replaced = MarkerInput { start_ms: 13_000, tags: strings(&["type:blooper"]), ..Default::default() };
    lib.update_marker(farewell, &replaced).unwrap();
    let read = lib.marker(farewell).unwrap();
    assert_eq!(
        (read.start_ms, read.title, read.cast.len(), read.tags),
        (13_000, None, 0, strings(&["type:blooper"]))
    );
    let at = |start_ms, end_ms| MarkerInput { start_ms, end_ms, ..Default::default() };
    let rows: Vec<(&str, MarkerInput, Expect)> = vec![
        ("before the start", at(-1, None), Invalid("start")),
        ("end before start", at(5_000, Some(4_000)), Invalid("end")),
        ("start past the end", at(61_000, None), Invalid("start")),
        ("end past the end", at(1_000, Some(61_000)), Invalid("end")),
        (
            "no such scene",
            MarkerInput { scene_id: Some(99), ..at(0, None) },
            NotFound(EntityKind::Scene, "#99"),
        ),
        (
            "no such person",
            MarkerInput { cast: vec![CastInput { person_id: 99, character: None }], ..at(0, None) },
            NotFound(EntityKind::Person, "#99"),
        ),
        ("bad tag", MarkerInput { tags: strings(&["mood:"]), ..at(0, None) }, Invalid("tag")),
    ];
    for (what, input, expect) in rows {
        refused(what, lib.add_marker(clip, &input), expect);
    }
    assert_eq!(lib.markers(clip).unwrap().len(), 2, "refused markers left nothing");
    refused("no such clip", lib.add_marker(99, &at(0, None)), NotFound(EntityKind::Clip, "#99"));
    refused("update missing", lib.update_marker(99, &at(0, None)), NotFound(EntityKind::Marker, "#99"));
    lib.delete_marker(later).unwrap();
    refused("read deleted", lib.marker(later), NotFound(EntityKind::Marker, &format!("#{later}")));
}

#[test]
fn tags_are_named_renamed_aliased_parented_and_deleted() {
    let mut lib = Library::open_in_memory().unwrap();
    let emotional = lib.add_tag(" Mood : Emotional ").unwrap();
    let blooper = lib.add_tag("type:blooper").unwrap();
    let funny = lib.add_tag("funny").unwrap();
    let read = lib.tag(emotional).unwrap();
    assert_eq!(
        (read.namespace.as_deref(), read.name.as_str(), read.full_name.as_str()),
        (Some("Mood"), "Emotional", "Mood:Emotional")
    );
    lib.rename_tag(emotional, "mood:emotional").unwrap();
    lib.add_tag_alias(blooper, "NG").unwrap();
    lib.add_tag_alias(blooper, "ng").unwrap(); // its own alias again: nothing to do
    lib.add_tag_parent(blooper, funny).unwrap();
    let read = lib.tag(blooper).unwrap();
    assert_eq!((read.aliases, read.parents), (strings(&["NG"]), strings(&["funny"])));
    let names: Vec<String> = lib.tags().unwrap().into_iter().map(|t| t.full_name).collect();
    assert_eq!(names, strings(&["funny", "mood:emotional", "type:blooper"]), "bare tags first");
    let rows: Vec<(&str, outtake_core::Result<()>, Expect)> = vec![
        (
            "other case",
            lib.add_tag("MOOD:emotional").map(drop),
            Exists(EntityKind::Tag, "MOOD:emotional", emotional),
        ),
        ("an alias of another", lib.add_tag("N.G.").map(drop), Exists(EntityKind::Tag, "N.G.", blooper)),
        ("namespace without name", lib.add_tag("mood:").map(drop), Invalid("tag")),
        ("name without namespace", lib.add_tag(":sad").map(drop), Invalid("tag")),
        ("blank", lib.add_tag("  ").map(drop), Invalid("tag")),
        (
            "alias taken",
            lib.add_tag_alias(funny, "type:blooper"),
            Exists(EntityKind::Tag, "type:blooper", blooper),
        ),
        (
            "rename onto",
            lib.rename_tag(funny, "Type: Blooper"),
            Exists(EntityKind::Tag, "Type: Blooper", blooper),
        ),
        ("own parent", lib.add_tag_parent(funny, funny), Invalid("tag parent")),
        ("no such tag", lib.add_tag_alias(99, "x"), NotFound(EntityKind::Tag, "#99")),
    ];
    for (what, result, expect) in rows {
        refused(what, result, expect);
    }
    // Renaming a tag to its own alias takes the alias back as the name.
    lib.rename_tag(blooper, "ng").unwrap();
    assert_eq!(lib.tag(blooper).unwrap().aliases, Vec::<String>::new());
    lib.remove_tag_parent(blooper, funny).unwrap();
    assert!(lib.tag(blooper).unwrap().parents.is_empty());
    lib.delete_tag(funny).unwrap();
    refused("read deleted", lib.tag(funny), NotFound(EntityKind::Tag, &format!("#{funny}")));
}

#[test]
fn clip_tags_make_missing_tags_and_never_repeat() {
    let mut lib = Library::open_in_memory().unwrap();
    let clip = lib.add_clip(&ClipInput { title: "a".into(), ..Default::default() }).unwrap();
    let existing = lib.add_tag("mood:emotional").unwrap();
    let ids = lib.tag_clip(clip, &strings(&["Mood: Emotional", "type:blooper", "emotional"])).unwrap();
    assert_eq!((ids[0], ids[2]), (existing, existing), "found by full and by bare name");
    assert_eq!(lib.summary().unwrap().tags, 2, "type:blooper was made");
    assert_eq!(lib.clip(clip).unwrap().tags, strings(&["mood:emotional", "type:blooper"]));
    lib.untag_clip(clip, &strings(&["blooper"])).unwrap();
    assert_eq!(lib.clip(clip).unwrap().tags, strings(&["mood:emotional"]));
    refused(
        "untag",
        lib.untag_clip(clip, &strings(&["mood:happy"])),
        NotFound(EntityKind::Tag, "mood:happy"),
    );
    refused("tag missing clip", lib.tag_clip(99, &strings(&["x"])), NotFound(EntityKind::Clip, "#99"));
    assert_eq!(lib.summary().unwrap().tags, 2, "tagging a missing clip made no tag");
    // Clip scenes are the same kind of link.
    let s = lib.add_show(&show("Lovers of the Red Sky", None, None)).unwrap();
    let scene = lib.add_scene(s, &SceneInput { title: "Pulse scene".into(), ..Default::default() }).unwrap();
    lib.add_clip_scene(clip, scene).unwrap();
    lib.add_clip_scene(clip, scene).unwrap();
    assert_eq!(lib.clip(clip).unwrap().scenes, strings(&["Pulse scene"]));
    refused("no such scene", lib.add_clip_scene(clip, 99), NotFound(EntityKind::Scene, "#99"));
    lib.remove_clip_scene(clip, scene).unwrap();
    assert!(lib.clip(clip).unwrap().scenes.is_empty());
}

#[test]
fn cues_are_replaced_per_language() {
    let mut lib = Library::open_in_memory().unwrap();
    let clip = lib.add_clip(&ClipInput { title: "a".into(), ..Default::default() }).unwrap();
    let cue = |start: i64, text: &str| CueInput::new(start, start + 900, text);
    assert_eq!(lib.replace_cues(clip, "ko", &[cue(2_000, "괜찮아요."), cue(0, "가지 마")]).unwrap(), 2);
    lib.replace_cues(clip, "en", &[cue(0, "Don't go"), cue(2_000, "I'm okay.")]).unwrap();
    let all: Vec<(String, i64)> =
        lib.cues(clip, None).unwrap().into_iter().map(|c| (c.lang, c.start_ms)).collect();
    let expected = [("en", 0), ("en", 2_000), ("ko", 0), ("ko", 2_000)].map(|(l, s)| (l.to_string(), s));
    assert_eq!(all, expected, "by language, then time");
    lib.replace_cues(clip, "ko", &[cue(500, "괜찮아")]).unwrap();
    let korean: Vec<String> = lib.cues(clip, Some("ko")).unwrap().into_iter().map(|c| c.text).collect();
    assert_eq!(korean, strings(&["괜찮아"]));
    assert_eq!(lib.cues(clip, Some("en")).unwrap().len(), 2, "the other language stayed");
    let backwards = CueInput::new(5_000, 4_000, "x");
    let rows: Vec<(&str, outtake_core::Result<usize>, Expect)> = vec![
        ("times run backwards", lib.replace_cues(clip, "ko", &[cue(0, "a"), backwards]), Invalid("cue 2")),
        ("control character", lib.replace_cues(clip, "ko", &[cue(0, "a\u{1b}b")]), Invalid("cue 1")),
        ("not a language tag", lib.replace_cues(clip, "한국어", &[]), Invalid("language")),
        ("no such clip", lib.replace_cues(99, "ko", &[]), NotFound(EntityKind::Clip, "#99")),
    ];
    for (what, result, expect) in rows {
        refused(what, result, expect);
    }
    assert_eq!(lib.cues(clip, Some("ko")).unwrap().len(), 1, "refused replacements kept the old cues");
}

#[test]
fn watched_folders_are_stored_by_their_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().canonicalize().unwrap();
    let mut lib = Library::open_in_memory().unwrap();
    let id = lib.add_folder(&dir.path().join(".")).unwrap();
    let listed = lib.folders().unwrap();
    assert_eq!(listed[0].path, real.to_str().unwrap());
    for reference in
        [format!("#{id}"), id.to_string(), real.display().to_string(), format!("{}/.", real.display())]
    {
        assert_eq!(lib.find_folder(&reference).unwrap(), id, "find {reference}");
    }
    let real_text = real.display().to_string();
    refused("same folder again", lib.add_folder(&real), Exists(EntityKind::Folder, &real_text, id));
    let plain = real.join("clip.mp4");
    std::fs::write(&plain, b"not a folder").unwrap();
    refused("a file", lib.add_folder(&plain), Invalid("folder"));
    match lib.add_folder(&real.join("nowhere")) {
        Err(Error::Io { path, .. }) => assert_eq!(path, real.join("nowhere")),
        other => panic!("a missing folder: {other:?}"),
    }
    refused(
        "find unknown",
        lib.find_folder("/no/such/folder"),
        NotFound(EntityKind::Folder, "/no/such/folder"),
    );
    lib.remove_folder(id).unwrap();
    refused("removed twice", lib.remove_folder(id), NotFound(EntityKind::Folder, &format!("#{id}")));
    assert!(lib.folders().unwrap().is_empty());
    assert!(real.is_dir() && plain.is_file(), "the folder on disk stays");
}
