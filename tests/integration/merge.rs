//! Merging duplicates: two people (names, roles, credits, marker cast) and
//! two tags (aliases, clip and marker tags, parents, children), and tag
//! parents that would make a loop.

use outtake_core::{
    CastInput, ClipInput, EntityKind, Error, Library, MarkerInput, PersonInput, RoleInput, ShowInput,
};

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn clip(lib: &mut Library, title: &str, show: i64) -> i64 {
    lib.add_clip(&ClipInput { title: title.into(), show_id: Some(show), ..Default::default() }).unwrap()
}

#[test]
fn merging_people_moves_names_roles_credits_and_marker_cast() {
    let mut lib = Library::open_in_memory().unwrap();
    let red_sky = lib.add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() });
    let red_sky = red_sky.unwrap();
    let souls = lib.add_show(&ShowInput { title: "The Moon Embracing the Sun".into(), ..Default::default() });
    let souls = souls.unwrap();
    let kim = lib
        .add_person(&PersonInput {
            name: "Kim Yoo Jung".into(),
            native_name: Some("김유정".into()),
            aliases: strings(&["Kim You-jung"]),
        })
        .unwrap();
    // The duplicate an importer made from a western-order credit line.
    let dup = lib
        .add_person(&PersonInput {
            name: "Yoo Jung Kim".into(),
            native_name: Some("金裕貞".into()),
            aliases: strings(&["YJ"]),
        })
        .unwrap();
    // Names the duplicate shares with Kim must not become aliases of Kim's own names.
    lib.add_person_aliases(dup, &strings(&["김유정", "kim you jung"])).unwrap();
    let role = |character: &str| RoleInput { character: character.into(), native_character: None };
    let chun_gi = lib.add_role(kim, red_sky, &role("Hong Chun Gi")).unwrap();
    let dup_chun_gi = lib.add_role(dup, red_sky, &role("Hong Chun-gi")).unwrap();
    let yeon_woo = lib.add_role(dup, souls, &role("Young Yeon Woo")).unwrap();

    let only_dup = clip(&mut lib, "Sealing ceremony BTS", red_sky);
    let both = clip(&mut lib, "Poster shoot", red_sky);
    lib.credit(only_dup, dup, Some("Hong Chun-gi")).unwrap();
    lib.credit(both, kim, None).unwrap();
    lib.credit(both, dup, None).unwrap();
    // Both on one clip, only the duplicate's credit saying as whom.
    let shared = clip(&mut lib, "Moon Embracing the Sun reading", souls);
    lib.credit(shared, kim, None).unwrap();
    lib.credit(shared, dup, Some("Young Yeon Woo")).unwrap();
    let marker = lib
        .add_marker(
            only_dup,
            &MarkerInput {
                start_ms: 1_000,
                cast: vec![CastInput { person_id: dup, character: Some("Hong Chun-gi".into()) }],
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(lib.marker(marker).unwrap().cast[0].role_id, Some(dup_chun_gi), "set-up");

    lib.merge_people(dup, kim).unwrap();

    let merged = lib.person(kim).unwrap();
    assert_eq!((merged.name.as_str(), merged.native_name.as_deref()), ("Kim Yoo Jung", Some("김유정")));
    assert_eq!(merged.aliases, strings(&["Kim You-jung", "Yoo Jung Kim", "金裕貞", "YJ"]));
    match lib.person(dup) {
        Err(Error::NotFound { kind: EntityKind::Person, name }) => assert_eq!(name, format!("#{dup}")),
        other => panic!("the merged person is gone: {other:?}"),
    }
    for name in ["Yoo Jung Kim", "金裕貞", "yj", "김유정"] {
        assert_eq!(lib.find_person(name).unwrap(), kim, "{name} finds the one person left");
    }
    // The duplicate role collapsed into Kim's; the other show's role moved over.
    let roles: Vec<(i64, String)> =
        lib.roles_of(kim).unwrap().into_iter().map(|r| (r.id, r.character)).collect();
    assert_eq!(roles, [(chun_gi, "Hong Chun Gi".to_string()), (yeon_woo, "Young Yeon Woo".to_string())]);
    assert!(lib.role(dup_chun_gi).is_err(), "the duplicate role is gone");
    let credits = |lib: &Library, clip: i64| -> Vec<(i64, Option<i64>)> {
        lib.clip(clip).unwrap().cast.into_iter().map(|c| (c.person_id, c.role_id)).collect()
    };
    assert_eq!(credits(&lib, only_dup), [(kim, Some(chun_gi))], "credit moved and points at Kim's role");
    assert_eq!(credits(&lib, both), [(kim, Some(chun_gi))], "two credits on one clip became one");
    assert_eq!(
        credits(&lib, shared),
        [(kim, Some(yeon_woo))],
        "the merged credit keeps the character it named"
    );
    let cast = &lib.marker(marker).unwrap().cast;
    assert_eq!((cast[0].person_id, cast[0].role_id, cast.len()), (kim, Some(chun_gi), 1));
    assert_eq!(lib.summary().unwrap().people, 1);
}

#[test]
fn merging_people_refuses_nonsense() {
    let mut lib = Library::open_in_memory().unwrap();
    let kim = lib.add_person(&PersonInput { name: "Kim Yoo Jung".into(), ..Default::default() }).unwrap();
    let rows = [
        ("into themselves", kim, kim, "merge"),
        ("from nobody", 99, kim, "#99"),
        ("into nobody", kim, 99, "#99"),
    ];
    for (what, from, into, carried) in rows {
        match lib.merge_people(from, into) {
            Err(Error::Invalid { field, .. }) if field == carried => {}
            Err(Error::NotFound { kind: EntityKind::Person, name }) if name == carried => {}
            other => panic!("{what}: {other:?}"),
        }
    }
    assert_eq!(lib.person(kim).unwrap().name, "Kim Yoo Jung", "a refused merge deleted no one");
}

struct Tags {
    emotional: i64,
    sad: i64,
    melodrama: i64,
    heartbroken: i64,
}

fn tag_example(lib: &mut Library) -> Tags {
    let emotional = lib.add_tag("mood:emotional").unwrap();
    lib.add_tag_alias(emotional, "feels").unwrap();
    let sad = lib.add_tag("feelings:sad").unwrap();
    lib.add_tag_alias(sad, "tearjerker").unwrap();
    let melodrama = lib.add_tag("genre:melodrama").unwrap();
    let heartbroken = lib.add_tag("mood:heartbroken").unwrap();
    lib.add_tag_parent(sad, melodrama).unwrap();
    lib.add_tag_parent(heartbroken, sad).unwrap();
    Tags { emotional, sad, melodrama, heartbroken }
}

#[test]
fn merging_tags_moves_aliases_clips_markers_parents_and_children() {
    let mut lib = Library::open_in_memory().unwrap();
    let Tags { emotional, sad, melodrama, heartbroken } = tag_example(&mut lib);
    let show = lib.add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() });
    let show = show.unwrap();
    let only_sad = clip(&mut lib, "Tearful farewell BTS", show);
    let both = clip(&mut lib, "Pulse scene", show);
    lib.tag_clip(only_sad, &strings(&["feelings:sad"])).unwrap();
    lib.tag_clip(both, &strings(&["feelings:sad", "mood:emotional", "type:blooper"])).unwrap();
    let marker_input = MarkerInput { start_ms: 0, tags: strings(&["tearjerker"]), ..Default::default() };
    let marker = lib.add_marker(only_sad, &marker_input).unwrap();

    lib.merge_tags(sad, emotional).unwrap();

    let merged = lib.tag(emotional).unwrap();
    assert_eq!(merged.aliases, strings(&["feels", "tearjerker", "feelings:sad"]), "the old name is an alias");
    assert_eq!(merged.parents, strings(&["genre:melodrama"]));
    assert_eq!(lib.tag(heartbroken).unwrap().parents, strings(&["mood:emotional"]), "the child moved");
    assert!(lib.tag(sad).is_err(), "the merged tag is gone");
    for name in ["feelings:sad", "Feelings: Sad", "tearjerker", "feels"] {
        assert_eq!(lib.find_tag(name).unwrap(), emotional, "{name}");
    }
    assert_eq!(lib.clip(only_sad).unwrap().tags, strings(&["mood:emotional"]));
    assert_eq!(lib.clip(both).unwrap().tags, strings(&["mood:emotional", "type:blooper"]), "no repeat");
    assert_eq!(lib.marker(marker).unwrap().tags, strings(&["mood:emotional"]));
    assert!(lib.tag(melodrama).unwrap().parents.is_empty());
    assert_eq!(lib.summary().unwrap().tags, 4);
}

#[test]
fn merging_a_tag_into_its_own_child_or_parent_leaves_no_self_link() {
    let mut lib = Library::open_in_memory().unwrap();
    let Tags { sad, melodrama, heartbroken, .. } = tag_example(&mut lib);
    // heartbroken sits under sad: merging sad into it must not put it under itself.
    lib.merge_tags(sad, heartbroken).unwrap();
    assert_eq!(lib.tag(heartbroken).unwrap().parents, strings(&["genre:melodrama"]));
    // And merging a child into its parent drops the link between them.
    lib.merge_tags(heartbroken, melodrama).unwrap();
    let melodrama = lib.tag(melodrama).unwrap();
    assert_eq!((melodrama.parents.len(), melodrama.aliases.len()), (0, 3));
}

#[test]
fn merging_tags_never_makes_a_parent_loop() {
    let mut lib = Library::open_in_memory().unwrap();
    // funny > blooper > ng-cut; merging funny into ng-cut would put blooper
    // (funny's child) under ng-cut, which is already under blooper.
    let funny = lib.add_tag("funny").unwrap();
    let blooper = lib.add_tag("type:blooper").unwrap();
    let ng_cut = lib.add_tag("ng-cut").unwrap();
    lib.add_tag_parent(blooper, funny).unwrap();
    lib.add_tag_parent(ng_cut, blooper).unwrap();
    lib.merge_tags(funny, ng_cut).unwrap();
    let (blooper_parents, ng_parents) = (lib.tag(blooper).unwrap().parents, lib.tag(ng_cut).unwrap().parents);
    let looped =
        blooper_parents.contains(&"ng-cut".to_string()) && ng_parents.contains(&"type:blooper".to_string());
    assert!(!looped, "blooper under {blooper_parents:?}, ng-cut under {ng_parents:?}");
    assert_eq!(ng_parents, strings(&["type:blooper"]), "the older link is kept");
    // Every further link that would close a loop is still refused.
    match lib.add_tag_parent(blooper, ng_cut) {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, "tag parent"),
        other => panic!("a loop was allowed: {other:?}"),
    }
}

#[test]
fn tag_parent_loops_are_refused() {
    let mut lib = Library::open_in_memory().unwrap();
    let a = lib.add_tag("type:ng-cut").unwrap();
    let b = lib.add_tag("type:blooper").unwrap();
    let c = lib.add_tag("funny").unwrap();
    lib.add_tag_parent(a, b).unwrap();
    lib.add_tag_parent(b, c).unwrap();
    // Adding a link that exists already is fine and changes nothing.
    lib.add_tag_parent(a, b).unwrap();
    let rows = [
        ("itself", a, a, "its own parent"),
        ("its child", b, a, "type:ng-cut is already under type:blooper"),
        ("its grandchild", c, a, "type:ng-cut is already under funny"),
    ];
    for (what, tag, parent, message_part) in rows {
        match lib.add_tag_parent(tag, parent) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, "tag parent", "{what}");
                assert!(message.contains(message_part), "{what}: {message}");
            }
            other => panic!("{what}: a loop was allowed: {other:?}"),
        }
    }
    let parents = |id| lib.tag(id).unwrap().parents;
    assert_eq!(
        (parents(a), parents(b), parents(c)),
        (strings(&["type:blooper"]), strings(&["funny"]), vec![])
    );
    match lib.merge_tags(a, a) {
        Err(Error::Invalid { field, .. }) => assert_eq!(field, "merge"),
        other => panic!("a tag merged into itself: {other:?}"),
    }
}
