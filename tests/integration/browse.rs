//! The app's library views through the core: pages in each order, search
//! results grouped into cards, and the sidebar's counts.

use outtake_core::{
    CastInput, ClipInput, ClipPatch, ClipSort, CueInput, FileInput, FileStatus, FolderState, Library,
    MarkerInput, PersonInput, SceneInput, ShowInput,
};

struct World {
    library: Library,
    _dir: tempfile::TempDir,
    folder: std::path::PathBuf,
    clips: [i64; 3],
}

/// Three clips: two in a show (episodes 1 and 2), one loose; files under one
/// watched folder, one of them missing.
fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("clips");
    std::fs::create_dir(&folder).unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    library.add_folder(&folder).unwrap();
    let show = library
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            ..Default::default()
        })
        .unwrap();
    let file = |name: &str, status| FileInput {
        path: folder.join(name).display().to_string().into(),
        size: 1,
        status: Some(status),
        ..Default::default()
    };
    let mut add = |title: &str, duration: i64, episode: Option<i64>, status| {
        library
            .add_clip(&ClipInput {
                title: title.into(),
                duration_ms: Some(duration),
                show_id: episode.map(|_| show),
                episode,
                files: vec![file(&format!("{title}.mp4"), status)],
                ..Default::default()
            })
            .unwrap()
    };
    let horse = add("Horse ride", 90_000, Some(1), FileStatus::Present);
    let farewell = add("Farewell", 30_000, Some(2), FileStatus::Present);
    let bloopers = add("bloopers", 300_000, None, FileStatus::Missing);
    let kim = library
        .add_person(&PersonInput {
            name: "Kim Yoo Jung".into(),
            native_name: Some("김유정".into()),
            ..Default::default()
        })
        .unwrap();
    let ahn = library.add_person(&PersonInput { name: "Ahn Hyo Seop".into(), ..Default::default() }).unwrap();
    library.credit(horse, kim, None).unwrap();
    library.credit(horse, ahn, None).unwrap();
    let scene = library
        .add_scene(
            show,
            &SceneInput { episode: Some(2), title: "Tearful farewell".into(), ..Default::default() },
        )
        .unwrap();
    library
        .add_marker(
            farewell,
            &MarkerInput {
                start_ms: 5_000,
                end_ms: Some(9_000),
                title: Some("I'm okay".into()),
                scene_id: Some(scene),
                cast: vec![CastInput { person_id: kim, character: None }],
                tags: vec!["mood:emotional".into()],
                ..Default::default()
            },
        )
        .unwrap();
    library.tag_clip(bloopers, &["type:blooper".into()]).unwrap();
    library.replace_cues(farewell, "ko", &[CueInput::new(1_000, 2_000, "눈물이 나요")]).unwrap();
    World { library, _dir: dir, folder, clips: [horse, farewell, bloopers] }
}

fn titles(page: &outtake_core::ClipPage) -> Vec<&str> {
    page.clips.iter().map(|c| c.title.as_str()).collect()
}

#[test]
fn pages_come_in_each_order() {
    let world = world();
    let library = &world.library;
    let added = library.clip_page(ClipSort::Added, 0, 50).unwrap();
    assert_eq!((added.total, titles(&added)), (3, vec!["bloopers", "Farewell", "Horse ride"]));
    let by_title = library.clip_page(ClipSort::Title, 0, 50).unwrap();
    assert_eq!(titles(&by_title), vec!["bloopers", "Farewell", "Horse ride"]);
    let by_duration = library.clip_page(ClipSort::Duration, 0, 50).unwrap();
    assert_eq!(titles(&by_duration), vec!["bloopers", "Horse ride", "Farewell"]);
    let ids: Vec<i64> = by_duration.clips.iter().map(|c| c.id).collect();
    assert_eq!(library.clip_ids(ClipSort::Duration).unwrap(), ids);
    let second = library.clip_page(ClipSort::Duration, 1, 1).unwrap();
    assert_eq!((second.offset, titles(&second)), (1, vec!["Horse ride"]));
    assert!(library.clip_page(ClipSort::Added, 10, 50).unwrap().clips.is_empty());

    let horse = &by_duration.clips[1];
    assert_eq!(horse.cast, vec!["Kim Yoo Jung", "Ahn Hyo Seop"]);
    assert_eq!((horse.show.as_deref(), horse.episode), (Some("Lovers of the Red Sky"), Some(1)));
    assert_eq!(by_duration.clips[0].status, FileStatus::Missing);
}

/// Deep pages are slices of an order kept between pages: a change by this
/// connection or by another (the importer's) is seen at once, in every order;
/// so are the sidebar's counts, kept between reads while nothing changes.
#[test]
fn deep_pages_follow_every_change() {
    let mut world = world();
    let path = world.library.path().to_path_buf();
    let reader = Library::open_read_only(&path).unwrap();
    let page = |library: &Library, sort, offset| {
        let page = library.clip_page(sort, offset, 2).unwrap();
        (page.total, page.clips.iter().map(|c| c.title.clone()).collect::<Vec<_>>())
    };
    assert_eq!(page(&reader, ClipSort::Title, 1), (3, vec!["Farewell".into(), "Horse ride".into()]));
    let before = reader.facets().unwrap();
    assert_eq!(reader.facets().unwrap(), before, "read twice, unchanged");
    // Another connection adds a clip that sorts first: the reader's deep page moves,
    // and its sidebar counts are read again.
    world.library.add_clip(&ClipInput { title: "Aaa first".into(), ..Default::default() }).unwrap();
    assert_eq!(page(&reader, ClipSort::Title, 1), (4, vec!["bloopers".into(), "Farewell".into()]));
    assert_eq!((reader.facets().unwrap().total, reader.facets().unwrap().missing), (4, before.missing + 1));
    // Its own write, and another order.
    assert_eq!(page(&world.library, ClipSort::Title, 3), (4, vec!["Horse ride".into()]));
    world.library.delete_clip(world.clips[0]).unwrap();
    assert_eq!(page(&world.library, ClipSort::Title, 2).0, 3);
    let every = world.library.clip_ids(ClipSort::Duration).unwrap();
    let paged: Vec<i64> = (0..every.len())
        .step_by(2)
        .flat_map(|o| world.library.clip_page(ClipSort::Duration, o, 2).unwrap().clips)
        .map(|c| c.id)
        .collect();
    assert_eq!(paged, every);
}

#[test]
fn search_results_group_hits_under_cards() {
    let world = world();
    let results = world.library.search_results("눈물", 10).unwrap();
    assert_eq!(results.clips.len(), 1);
    let found = &results.clips[0];
    assert_eq!((found.clip.id, found.clip.title.as_str()), (world.clips[1], "Farewell"));
    assert_eq!(found.hits[0].kind, outtake_core::HitKind::Cue);
    assert_eq!((found.hits[0].start_ms, found.hits[0].end_ms), (Some(1_000), Some(2_000)));
    assert!(found.hits[0].snippet.contains("**"), "{}", found.hits[0].snippet);

    let cast = world.library.search_results("cast:김유정", 10).unwrap();
    let mut ids: Vec<i64> = cast.clips.iter().map(|c| c.clip.id).collect();
    ids.sort();
    assert_eq!(ids, vec![world.clips[0], world.clips[1]]);
}

#[test]
fn facets_count_clips_everywhere() {
    let world = world();
    let facets = world.library.facets().unwrap();
    assert_eq!((facets.total, facets.untagged, facets.missing), (3, 1, 1));
    let show = &facets.shows[0];
    assert_eq!(
        (show.title.as_str(), show.native_title.as_deref(), show.clips),
        ("Lovers of the Red Sky", Some("홍천기"), 2)
    );
    let episodes: Vec<(i64, i64)> = show.episodes.iter().map(|e| (e.number, e.clips)).collect();
    assert_eq!(episodes, vec![(1, 1), (2, 1)]);
    assert_eq!((show.scenes[0].title.as_str(), show.scenes[0].clips), ("Tearful farewell", 1));
    let people: Vec<(&str, i64)> = facets.people.iter().map(|p| (p.name.as_str(), p.clips)).collect();
    assert_eq!(people, vec![("Ahn Hyo Seop", 1), ("Kim Yoo Jung", 2)]);
    let tags: Vec<(&str, i64)> = facets.tags.iter().map(|t| (t.name.as_str(), t.clips)).collect();
    assert_eq!(tags, vec![("mood:emotional", 1), ("type:blooper", 1)]);
    let folder = &facets.folders[0];
    assert_eq!((folder.clips, folder.problems, folder.state), (3, 0, FolderState::Watching));
    assert_eq!(folder.path, world.folder.canonicalize().unwrap().display().to_string());
}

#[test]
fn a_folder_counts_only_its_own_files() {
    let mut world = world();
    let sibling = world.folder.with_file_name("clips2");
    std::fs::create_dir(&sibling).unwrap();
    world
        .library
        .add_clip(&ClipInput {
            title: "Elsewhere".into(),
            files: vec![FileInput {
                path: sibling.join("x.mp4").display().to_string().into(),
                size: 1,
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap();
    let facets = world.library.facets().unwrap();
    assert_eq!(facets.folders.len(), 1);
    assert_eq!(facets.folders[0].clips, 3);
    std::fs::remove_dir_all(&world.folder).unwrap();
    assert_eq!(world.library.facets().unwrap().folders[0].state, FolderState::Offline);
}

#[test]
fn the_player_finds_a_present_copy_only() {
    let world = world();
    let [horse, _, bloopers] = world.clips;
    assert!(world.library.playable_path(horse).unwrap().unwrap().ends_with("Horse ride.mp4"));
    assert_eq!(world.library.playable_path(bloopers).unwrap(), None);
    assert_eq!(world.library.clip_poster(horse).unwrap(), None);
    assert_eq!(world.library.cue_languages(world.clips[1]).unwrap(), vec!["ko"]);
}

#[test]
fn thumbnails_pending_for_touched_clips_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    let mut add = |name: &str, oshash: &str| {
        library
            .add_clip(&ClipInput {
                title: name.into(),
                video_codec: Some("h264".into()),
                duration_ms: Some(10_000),
                files: vec![FileInput {
                    path: dir.path().join(name).display().to_string().into(),
                    size: 1,
                    oshash: Some(oshash.into()),
                    ..Default::default()
                }],
                ..Default::default()
            })
            .unwrap()
    };
    let first = add("a.mp4", "00000000000000aa");
    let second = add("b.mp4", "00000000000000bb");
    let videos = |jobs: Vec<outtake_core::import::thumbs::ThumbJob>| -> Vec<String> {
        jobs.iter().map(|j| j.video.file_name().unwrap().to_string_lossy().into_owned()).collect()
    };
    assert_eq!(videos(library.pending_thumbnails().unwrap()), vec!["a.mp4", "b.mp4"]);
    assert_eq!(videos(library.pending_thumbnails_of(&[second]).unwrap()), vec!["b.mp4"]);
    assert_eq!(videos(library.pending_thumbnails_of(&[first, second]).unwrap()), vec!["a.mp4", "b.mp4"]);
    assert!(library.pending_thumbnails_of(&[]).unwrap().is_empty());
}

/// The sidebar's counts come from the facets the search index keeps per clip;
/// after every kind of edit they agree with the filters, which ask the
/// catalogue tables themselves.
#[test]
fn sidebar_counts_agree_with_the_filters_after_edits() {
    let mut world = world();
    let agree = |library: &Library, after: &str| {
        let facets = library.facets().unwrap();
        let clips = |query: &str| library.search_results(query, 1000).unwrap().clips.len() as i64;
        for person in &facets.people {
            assert_eq!(
                person.clips,
                clips(&format!("cast:\"{}\"", person.name)),
                "{} after {after}",
                person.name
            );
        }
        for tag in &facets.tags {
            assert_eq!(tag.clips, clips(&format!("tag:\"{}\"", tag.name)), "{} after {after}", tag.name);
        }
        for show in &facets.shows {
            let of_show = format!("show:\"{}\"", show.title);
            assert_eq!(show.clips, clips(&of_show), "{} after {after}", show.title);
            for episode in &show.episodes {
                let query = format!("{of_show} ep:{}", episode.number);
                assert_eq!(episode.clips, clips(&query), "{query} after {after}");
            }
        }
        assert_eq!(facets.untagged, clips("is:untagged"), "untagged after {after}");
        assert_eq!(facets.missing, clips("is:missing"), "missing after {after}");
        assert_eq!(facets.total, library.summary().unwrap().clips, "clips after {after}");
    };
    agree(&world.library, "nothing");
    let [horse, farewell, bloopers] = world.clips;
    let lib = &mut world.library;
    let choi = lib.add_person(&PersonInput { name: "Choi Kwang Il".into(), ..Default::default() }).unwrap();
    let marker = lib
        .add_marker(
            bloopers,
            &MarkerInput {
                start_ms: 0,
                cast: vec![CastInput { person_id: choi, character: None }],
                tags: vec!["type:action".into()],
                ..MarkerInput::default()
            },
        )
        .unwrap();
    agree(lib, "a marker with cast and a tag");
    lib.tag_clip(horse, &["type:action".into()]).unwrap();
    lib.credit(farewell, choi, None).unwrap();
    agree(lib, "a tag and a credit on clips");
    lib.delete_marker(marker).unwrap();
    agree(lib, "deleting the marker");
    let kim = lib.find_person("김유정").unwrap();
    lib.merge_people(choi, kim).unwrap();
    agree(lib, "merging people");
    let action = lib.find_tag("type:action").unwrap();
    let blooper = lib.find_tag("type:blooper").unwrap();
    lib.merge_tags(action, blooper).unwrap();
    agree(lib, "merging tags");
    lib.undo(None).unwrap();
    agree(lib, "undoing the tags' merge");
    lib.undo(None).unwrap();
    agree(lib, "undoing the people's merge");
    lib.redo().unwrap();
    agree(lib, "redoing the people's merge");
    let emotional = lib.find_tag("mood:emotional").unwrap();
    let farewell_marker = lib.markers(farewell).unwrap()[0].id;
    lib.update_marker(
        farewell_marker,
        &MarkerInput { start_ms: 5_000, tags: vec!["mood:funny".into()], ..MarkerInput::default() },
    )
    .unwrap();
    agree(lib, "a marker's cast and tags replaced");
    lib.untag_clip(bloopers, &["type:blooper".into()]).unwrap();
    lib.uncredit(horse, kim).unwrap();
    agree(lib, "a tag and a credit taken off");
    lib.delete_tag(emotional).unwrap();
    agree(lib, "deleting a tag");
    let horse_file = lib.clip(horse).unwrap().files[0].id;
    lib.set_file_status(horse_file, FileStatus::Missing).unwrap();
    agree(lib, "a file gone missing");
    let bloopers_file = lib.clip(bloopers).unwrap().files[0].id;
    lib.set_file_status(bloopers_file, FileStatus::Present).unwrap();
    agree(lib, "a missing file found again");
    lib.remove_file(bloopers_file).unwrap();
    agree(lib, "a clip's only file removed");
    lib.undo(None).unwrap();
    agree(lib, "undoing the file's removal");

    // An import of clips with cast and tags of their own (one edit).
    let mut other = Library::open_in_memory().unwrap();
    let imported = other.add_clip(&ClipInput { title: "Imported".into(), ..Default::default() }).unwrap();
    let yoo = other.add_person(&PersonInput { name: "Yoo Jae Suk".into(), ..Default::default() }).unwrap();
    other.credit(imported, yoo, None).unwrap();
    other.tag_clip(imported, &["type:blooper".into(), "type:variety".into()]).unwrap();
    other.add_clip(&ClipInput { title: "Imported bare".into(), ..Default::default() }).unwrap();
    let json = other.export_json().unwrap();
    lib.import_json(json.as_bytes(), std::path::Path::new("other.json")).unwrap();
    agree(lib, "an import");
    lib.undo(None).unwrap();
    agree(lib, "undoing the import");
    lib.redo().unwrap();
    agree(lib, "redoing the import");
    let yoo = lib.find_person("Yoo Jae Suk").unwrap();
    lib.delete_person(yoo).unwrap();
    agree(lib, "deleting a person");

    lib.delete_clip(horse).unwrap();
    agree(lib, "deleting a clip");
    lib.undo(None).unwrap();
    agree(lib, "undoing the clip's deletion");
    let show = lib.clip(farewell).unwrap().show_id.unwrap();
    let patch = ClipPatch { show_id: Some(Some(show)), episode: Some(Some(2)), ..Default::default() };
    lib.update_clip(bloopers, &patch).unwrap();
    agree(lib, "a clip put in an episode of a show");
    let second = lib.episodes(show).unwrap().into_iter().find(|e| e.number == 2).unwrap().id;
    lib.delete_episode(second).unwrap();
    agree(lib, "deleting an episode");
    lib.undo(None).unwrap();
    agree(lib, "undoing the episode's deletion");
    lib.update_clip(bloopers, &ClipPatch { show_id: Some(None), ..Default::default() }).unwrap();
    agree(lib, "a clip taken out of its show");
    lib.delete_clip(farewell).unwrap();
    agree(lib, "deleting a clip with a marker");
}
