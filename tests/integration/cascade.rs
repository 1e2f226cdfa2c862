//! What a delete takes with it: each entity's delete cascades only inside the
//! library, as its doc comment says, and never touches a file on disk.

use outtake_core::{
    CastInput, ClipInput, CueInput, EntityKind, Error, FileInput, Library, MarkerInput, PersonInput,
    RoleInput, SceneInput, ShowInput,
};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn is_not_found<T: std::fmt::Debug>(result: outtake_core::Result<T>, kind: EntityKind) -> bool {
    matches!(result, Err(Error::NotFound { kind: k, .. }) if k == kind)
}

/// A show with two episodes, two scenes and two roles, one clip in it with
/// credits, a tag, a scene link, a marker and cues; and a second show as a control.
struct Example {
    lib: Library,
    show: i64,
    other_show: i64,
    kim: i64,
    ahn: i64,
    chun_gi: i64,
    ha_ram: i64,
    episode_two: i64,
    sealing: i64,
    pulse: i64,
    clip: i64,
    marker: i64,
}

fn example() -> Example {
    let mut lib = Library::open_in_memory().unwrap();
    let show = lib
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            aliases: strings(&["Red Sky"]),
            ..Default::default()
        })
        .unwrap();
    let other_show = lib.add_show(&ShowInput { title: "Alchemy of Souls".into(), ..Default::default() });
    let other_show = other_show.unwrap();
    lib.add_episode(show, 1, Some("The sealing"), None).unwrap();
    let episode_two = lib.add_episode(show, 2, None, None).unwrap();
    lib.add_episode(other_show, 1, None, None).unwrap();
    let scene = |episode, title: &str| SceneInput { episode, title: title.into(), description: None };
    let sealing = lib.add_scene(show, &scene(Some(1), "Sealing ceremony")).unwrap();
    let pulse = lib.add_scene(show, &scene(Some(2), "Pulse scene")).unwrap();
    let person = |name: &str, aliases: &[&str]| PersonInput {
        name: name.into(),
        native_name: None,
        aliases: strings(aliases),
    };
    let kim = lib.add_person(&person("Kim Yoo Jung", &["Kim You-jung"])).unwrap();
    let ahn = lib.add_person(&person("Ahn Hyo Seop", &[])).unwrap();
    let role = |character: &str| RoleInput { character: character.into(), native_character: None };
    let chun_gi = lib.add_role(kim, show, &role("Hong Chun Gi")).unwrap();
    let ha_ram = lib.add_role(ahn, show, &role("Ha Ram")).unwrap();
    lib.add_role(kim, other_show, &role("Jin Bu Yeon")).unwrap();
    let clip = lib
        .add_clip(&ClipInput {
            title: "Sealing ceremony making-of".into(),
            show_id: Some(show),
            episode: Some(2),
            files: vec![FileInput { path: "/videos/sealing.mp4".into(), size: 5, ..Default::default() }],
            ..Default::default()
        })
        .unwrap();
    lib.credit(clip, kim, None).unwrap();
    lib.credit(clip, ahn, None).unwrap();
    lib.tag_clip(clip, &strings(&["type:action"])).unwrap();
    lib.add_clip_scene(clip, sealing).unwrap();
    let marker = lib
        .add_marker(
            clip,
            &MarkerInput {
                start_ms: 1_000,
                title: Some("Sealing-ceremony action".into()),
                scene_id: Some(sealing),
                cast: vec![
                    CastInput { person_id: kim, character: None },
                    CastInput { person_id: ahn, character: None },
                ],
                tags: strings(&["type:action"]),
                ..Default::default()
            },
        )
        .unwrap();
    let cue = CueInput::new(0, 900, "봉인식을 시작하라");
    lib.replace_cues(clip, "ko", &[cue]).unwrap();
    Example { lib, show, other_show, kim, ahn, chun_gi, ha_ram, episode_two, sealing, pulse, clip, marker }
}

#[test]
fn deleting_a_show_takes_its_episodes_scenes_and_roles_but_not_its_clips() {
    let Example { mut lib, show, other_show, kim, ahn, chun_gi, sealing, clip, marker, .. } = example();
    let before = lib.summary().unwrap();
    lib.delete_show(show).unwrap();

    assert!(is_not_found(lib.show(show), EntityKind::Show));
    assert!(is_not_found(lib.find_show("Red Sky"), EntityKind::Show), "its aliases went with it");
    assert!(is_not_found(lib.find_episode(show, 1), EntityKind::Episode));
    assert!(is_not_found(lib.scene(sealing), EntityKind::Scene));
    assert!(is_not_found(lib.role(chun_gi), EntityKind::Role));
    let kims_roles: Vec<String> = lib.roles_of(kim).unwrap().into_iter().map(|r| r.show).collect();
    assert_eq!(kims_roles, strings(&["Alchemy of Souls"]), "the other show's role stays");

    let detail = lib.clip(clip).unwrap();
    assert_eq!((detail.show_id, detail.show, detail.episode), (None, None, None), "the clip stays, unlinked");
    assert!(detail.scenes.is_empty());
    // The people stay credited; the characters they played stay as text, as
    // when a single role is deleted.
    let cast: Vec<_> = detail.cast.iter().map(|c| (c.person_id, c.role_id, c.character.as_deref())).collect();
    assert_eq!(cast, [(kim, None, Some("Hong Chun Gi")), (ahn, None, Some("Ha Ram"))]);
    assert_eq!(detail.tags, strings(&["type:action"]));
    assert_eq!(detail.files.len(), 1);
    let kept = lib.marker(marker).unwrap();
    assert_eq!(
        (kept.scene_id, kept.cast.len(), kept.cast[0].character.as_deref()),
        (None, 2, Some("Hong Chun Gi"))
    );
    assert_eq!(lib.cues(clip, None).unwrap().len(), 1);

    assert_eq!(lib.episodes(other_show).unwrap().len(), 1, "the other show keeps its episodes");
    let after = lib.summary().unwrap();
    assert_eq!(
        (after.shows, after.people, after.clips, after.markers, after.tags, after.cues),
        (before.shows - 1, before.people, before.clips, before.markers, before.tags, before.cues)
    );
}

#[test]
fn deleting_a_person_takes_their_roles_credits_and_appearances() {
    let Example { mut lib, show, kim, ahn, chun_gi, ha_ram, clip, marker, .. } = example();
    lib.delete_person(kim).unwrap();
    assert!(is_not_found(lib.person(kim), EntityKind::Person));
    assert!(
        is_not_found(lib.find_person("Kim You-jung"), EntityKind::Person),
        "their aliases went with them"
    );
    assert!(is_not_found(lib.role(chun_gi), EntityKind::Role));
    let cast: Vec<i64> = lib.cast_of(show).unwrap().iter().map(|r| r.id).collect();
    assert_eq!(cast, [ha_ram]);
    let credited: Vec<i64> = lib.clip(clip).unwrap().cast.iter().map(|c| c.person_id).collect();
    assert_eq!(credited, [ahn]);
    let kept = lib.marker(marker).unwrap();
    assert_eq!((kept.cast.len(), kept.cast[0].person_id), (1, ahn), "the marker stays, without them");
    assert_eq!(lib.summary().unwrap().clips, 1);
}

#[test]
fn deleting_a_tag_unlinks_it_everywhere() {
    let Example { mut lib, clip, marker, .. } = example();
    let action = lib.find_tag("type:action").unwrap();
    let parent = lib.add_tag("genre:sageuk").unwrap();
    let child = lib.add_tag("type:sword-fight").unwrap();
    lib.add_tag_alias(action, "fight").unwrap();
    lib.add_tag_parent(action, parent).unwrap();
    lib.add_tag_parent(child, action).unwrap();
    lib.delete_tag(action).unwrap();
    assert!(is_not_found(lib.tag(action), EntityKind::Tag));
    assert!(is_not_found(lib.find_tag("fight"), EntityKind::Tag), "its alias went with it");
    assert!(lib.clip(clip).unwrap().tags.is_empty());
    assert!(lib.marker(marker).unwrap().tags.is_empty());
    assert!(lib.tag(child).unwrap().parents.is_empty(), "the child stays, without a parent");
    assert_eq!(lib.tag(parent).unwrap().full_name, "genre:sageuk");
    assert_eq!(lib.summary().unwrap().markers, 1);
}

#[test]
fn deleting_a_clip_takes_its_files_rows_markers_and_cues_only() {
    let Example { mut lib, kim, sealing, clip, marker, .. } = example();
    lib.delete_clip(clip).unwrap();
    assert!(is_not_found(lib.clip(clip), EntityKind::Clip));
    assert!(is_not_found(lib.marker(marker), EntityKind::Marker));
    assert!(is_not_found(lib.cues(clip, None), EntityKind::Clip));
    assert!(is_not_found(lib.find_clip("/videos/sealing.mp4"), EntityKind::Clip), "the file row is gone");
    let summary = lib.summary().unwrap();
    assert_eq!((summary.clips, summary.markers, summary.cues), (0, 0, 0));
    assert_eq!((summary.shows, summary.people, summary.tags), (2, 2, 1), "what it linked to stays");
    assert_eq!(lib.scene(sealing).unwrap().title, "Sealing ceremony");
    assert_eq!(lib.roles_of(kim).unwrap().len(), 2);
    // Nothing of it is left to find, and its path is free for a new clip.
    assert!(lib.search("봉인식을", 10).unwrap().is_empty(), "its cues left the index");
    assert!(lib.search("making-of", 10).unwrap().is_empty(), "its title left the index");
    let files = vec![FileInput { path: "/videos/sealing.mp4".into(), size: 5, ..Default::default() }];
    lib.add_clip(&ClipInput { title: "Re-added".into(), files, ..Default::default() }).unwrap();
}

#[test]
fn deleting_a_scene_or_an_episode_keeps_what_pointed_at_it() {
    let Example { mut lib, show, episode_two, sealing, pulse, clip, marker, .. } = example();
    lib.delete_scene(sealing).unwrap();
    assert!(is_not_found(lib.scene(sealing), EntityKind::Scene));
    assert!(lib.clip(clip).unwrap().scenes.is_empty());
    let kept = lib.marker(marker).unwrap();
    assert_eq!(
        (kept.scene_id, kept.scene, kept.title.as_deref()),
        (None, None, Some("Sealing-ceremony action"))
    );
    assert!(lib.find_episode(show, 1).is_ok(), "the scene's episode stays");

    lib.delete_episode(episode_two).unwrap();
    let detail = lib.clip(clip).unwrap();
    assert_eq!((detail.show_id, detail.episode), (Some(show), None), "the clip stays with the show");
    let scene = lib.scene(pulse).unwrap();
    assert_eq!((scene.show_id, scene.episode), (show, None), "the scene stays with the show");
}

#[test]
fn deleting_a_role_keeps_its_character_on_credits_as_text() {
    let Example { mut lib, kim, chun_gi, clip, marker, .. } = example();
    lib.delete_role(chun_gi).unwrap();
    let credit = lib.clip(clip).unwrap().cast.into_iter().find(|c| c.person_id == kim).unwrap();
    assert_eq!((credit.role_id, credit.character.as_deref()), (None, Some("Hong Chun Gi")));
    let cast = &lib.marker(marker).unwrap().cast[0];
    assert_eq!((cast.role_id, cast.character.as_deref()), (None, Some("Hong Chun Gi")));
}

/// The library lists files; it never owns them. Every delete leaves the bytes on disk.
#[test]
fn no_delete_touches_a_file_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("Red Sky BTS");
    std::fs::create_dir(&folder).unwrap();
    let video = folder.join("[BTS] Horse ride.mp4");
    let copy = folder.join("horse (copy).mp4");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    std::fs::write(&video, &bytes).unwrap();
    std::fs::write(&copy, &bytes).unwrap();
    let file = |path: &std::path::Path| FileInput {
        path: path.to_str().unwrap().into(),
        size: bytes.len() as i64,
        ..Default::default()
    };

    let mut lib = Library::open(&dir.path().join("library.db")).unwrap();
    let show = lib.add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() });
    let show = show.unwrap();
    let kim = lib.add_person(&PersonInput { name: "Kim Yoo Jung".into(), ..Default::default() }).unwrap();
    let input = ClipInput {
        title: "Horse ride".into(),
        show_id: Some(show),
        files: vec![file(&video)],
        ..Default::default()
    };
    let clip = lib.add_clip(&input).unwrap();
    let copy_id = lib.add_file(clip, &file(&copy)).unwrap();
    lib.credit(clip, kim, Some("Hong Chun Gi")).unwrap();
    lib.tag_clip(clip, &strings(&["type:blooper"])).unwrap();
    lib.add_marker(clip, &MarkerInput { start_ms: 0, ..Default::default() }).unwrap();
    let folder_id = lib.add_folder(&folder).unwrap();
    assert_eq!(lib.find_clip(video.to_str().unwrap()).unwrap(), clip);

    lib.remove_file(copy_id).unwrap();
    lib.delete_clip(clip).unwrap();
    lib.delete_show(show).unwrap();
    lib.delete_person(kim).unwrap();
    let tag = lib.find_tag("blooper").unwrap();
    lib.delete_tag(tag).unwrap();
    lib.remove_folder(folder_id).unwrap();
    drop(lib);

    for path in [&video, &copy] {
        assert_eq!(std::fs::read(path).unwrap(), bytes, "{} is byte-identical", path.display());
    }
    let left: Vec<_> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "nothing was added to or removed from the folder: {left:?}");
}
