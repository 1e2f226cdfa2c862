//! Finding things by what fans type: `#3` and `3`, any name or alias in any
//! case, width or Unicode normal form, Hangul or romanised, and ambiguous
//! names answered with the candidates. One table, one `check`.

use outtake_core::{
    ClipInput, EntityKind, Error, FileInput, Library, PersonInput, RoleInput, SceneInput, ShowInput,
};

/// Which lookup a row goes through; scenes and roles may be scoped to a show.
#[derive(Debug, Clone, Copy)]
enum Find {
    Person,
    Show,
    Tag,
    Clip,
    Scene(Option<i64>),
    Role(Option<i64>),
    SavedSearch,
}

/// What a row expects back.
#[derive(Debug)]
enum Want<'a> {
    Id(i64),
    /// Not found, with the error naming exactly what was typed (trimmed).
    Missing,
    /// Ambiguous: these candidates, in id order, with these labels.
    Ambiguous(Vec<(i64, &'a str)>),
    /// A blank reference is an input error naming the kind.
    Blank,
}

struct Example {
    lib: Library,
    kim: i64,
    ahn: i64,
    choi: i64,
    celine: i64,
    ji_won: i64,
    ji_won_too: i64,
    red_sky: i64,
    tomorrow_2022: i64,
    tomorrow_2001: i64,
    sealing: i64,
    horse_red_sky: i64,
    horse_tomorrow: i64,
    chun_gi: i64,
    ha_ram: i64,
    ha_ram_tomorrow: i64,
    clip: i64,
    emotional: i64,
    blooper: i64,
    action: i64,
}

fn person(lib: &mut Library, name: &str, native: Option<&str>, aliases: &[&str]) -> i64 {
    let aliases = aliases.iter().map(|a| a.to_string()).collect();
    lib.add_person(&PersonInput { name: name.into(), native_name: native.map(Into::into), aliases }).unwrap()
}

fn show(lib: &mut Library, title: &str, native: Option<&str>, year: i32, aliases: &[&str]) -> i64 {
    let aliases = aliases.iter().map(|a| a.to_string()).collect();
    let input = ShowInput {
        title: title.into(),
        native_title: native.map(Into::into),
        aliases,
        network: None,
        year: Some(year),
    };
    lib.add_show(&input).unwrap()
}

fn example() -> Example {
    let mut lib = Library::open_in_memory().unwrap();
    let kim = person(&mut lib, "Kim Yoo Jung", Some("김유정"), &["Kim You-jung"]);
    let ahn = person(&mut lib, "Ahn Hyo Seop", Some("안효섭"), &["Ahn Hyo-sub"]);
    let choi = person(&mut lib, "Choi Kwang Il", Some("최광일"), &[]);
    // Typed with a combining accent (NFD), as macOS hands file names over.
    let celine = person(&mut lib, "Ce\u{301}line Song", None, &[]);
    // Two actresses share a name: the second gets it only as an alias.
    let ji_won = person(&mut lib, "Kim Ji Won", Some("김지원"), &[]);
    let ji_won_too = person(&mut lib, "Kim Ji-won (b. 1999)", None, &[]);
    lib.add_person_aliases(ji_won_too, &["Kim Ji Won".to_string(), "김지원".to_string()]).unwrap();

    let red_sky = show(&mut lib, "Lovers of the Red Sky", Some("홍천기"), 2021, &["Hong Chun-gi", "Red Sky"]);
    let tomorrow_2022 = show(&mut lib, "Tomorrow", Some("내일"), 2022, &[]);
    let tomorrow_2001 = show(&mut lib, "Tomorrow", None, 2001, &[]);
    let scene = |lib: &mut Library, show_id, title: &str| {
        lib.add_scene(show_id, &SceneInput { title: title.into(), ..Default::default() }).unwrap()
    };
    let sealing = scene(&mut lib, red_sky, "Sealing ceremony");
    let horse_red_sky = scene(&mut lib, red_sky, "Horse ride");
    let horse_tomorrow = scene(&mut lib, tomorrow_2022, "Horse ride");
    let role = |lib: &mut Library, who, show_id, character: &str, native: &str| {
        let input = RoleInput { character: character.into(), native_character: Some(native.into()) };
        lib.add_role(who, show_id, &input).unwrap()
    };
    let chun_gi = role(&mut lib, kim, red_sky, "Hong Chun Gi", "홍천기");
    let ha_ram = role(&mut lib, ahn, red_sky, "Ha Ram", "하람");
    let ha_ram_tomorrow = role(&mut lib, choi, tomorrow_2022, "Ha Ram", "하람");
    let files = vec![FileInput { path: "/videos/Red Sky/horse.mp4".into(), size: 10, ..Default::default() }];
    let clip = lib.add_clip(&ClipInput { title: "Horse ride making-of".into(), files, ..Default::default() });
    let clip = clip.unwrap();
    let emotional = lib.add_tag("mood:emotional").unwrap();
    lib.add_tag_alias(emotional, "feels").unwrap();
    lib.add_tag_alias(emotional, "눈물").unwrap();
    let blooper = lib.add_tag("type:blooper").unwrap();
    lib.add_tag_alias(blooper, "NG").unwrap();
    let action = lib.add_tag("type:action").unwrap();
    Example {
        lib,
        kim,
        ahn,
        choi,
        celine,
        ji_won,
        ji_won_too,
        red_sky,
        tomorrow_2022,
        tomorrow_2001,
        sealing,
        horse_red_sky,
        horse_tomorrow,
        chun_gi,
        ha_ram,
        ha_ram_tomorrow,
        clip,
        emotional,
        blooper,
        action,
    }
}

fn check(lib: &Library, find: Find, input: &str, want: &Want<'_>) {
    let got = match find {
        Find::Person => lib.find_person(input),
        Find::Show => lib.find_show(input),
        Find::Tag => lib.find_tag(input),
        Find::Clip => lib.find_clip(input),
        Find::Scene(scope) => lib.find_scene(input, scope),
        Find::Role(scope) => lib.find_role(input, scope),
        Find::SavedSearch => lib.saved_search(input).map(|saved| saved.id),
    };
    let kind = match find {
        Find::Person => EntityKind::Person,
        Find::Show => EntityKind::Show,
        Find::Tag => EntityKind::Tag,
        Find::Clip => EntityKind::Clip,
        Find::Scene(_) => EntityKind::Scene,
        Find::Role(_) => EntityKind::Role,
        Find::SavedSearch => EntityKind::SavedSearch,
    };
    let ok = match (&got, want) {
        (Ok(id), Want::Id(expected)) => id == expected,
        (Err(Error::NotFound { kind: k, name }), Want::Missing) => *k == kind && name == input.trim(),
        (Err(Error::Ambiguous { kind: k, name, candidates }), Want::Ambiguous(expected)) => {
            let got: Vec<(i64, &str)> = candidates.iter().map(|c| (c.id, c.label.as_str())).collect();
            *k == kind && name == input.trim() && got == *expected
        }
        (Err(Error::Invalid { field, .. }), Want::Blank) => field == kind.as_str(),
        _ => false,
    };
    assert!(ok, "{find:?} {input:?}: expected {want:?}, got {got:?}");
}

#[test]
fn every_spelling_finds_the_same_thing() {
    let e = example();
    let (kim, celine) = (e.kim, e.celine);
    // 김유정 written as decomposed jamo (NFD); 홍천기 likewise.
    let kim_nfd = "\u{1100}\u{1175}\u{11B7}\u{110B}\u{1172}\u{110C}\u{1165}\u{11BC}";
    let red_sky_nfd = "\u{1112}\u{1169}\u{11BC}\u{110E}\u{1165}\u{11AB}\u{1100}\u{1175}";
    let (show_id, clip_id, tag_id) =
        (format!("#{}", e.red_sky), format!("#{}", e.clip), format!("#{}", e.action));
    let rows: Vec<(Find, &str, Want)> = vec![
        // People: by id, and by every name in every spelling.
        (Find::Person, "#1", Want::Id(kim)),
        (Find::Person, "1", Want::Id(kim)),
        (Find::Person, "  #1 ", Want::Id(kim)),
        (Find::Person, "김유정", Want::Id(kim)),
        (Find::Person, kim_nfd, Want::Id(kim)),
        (Find::Person, "김 유정", Want::Id(kim)),
        (Find::Person, "Kim Yoo Jung", Want::Id(kim)),
        (Find::Person, "kim yoo-jung", Want::Id(kim)),
        (Find::Person, "KIM YOOJUNG", Want::Id(kim)),
        (Find::Person, "ＫＩＭ ＹＯＯ ＪＵＮＧ", Want::Id(kim)),
        (Find::Person, "ｋｉｍ　ｙｏｏ－ｊｕｎｇ", Want::Id(kim)),
        (Find::Person, "kim you jung", Want::Id(kim)),
        (Find::Person, "안효섭", Want::Id(e.ahn)),
        (Find::Person, "ahn hyo-sub", Want::Id(e.ahn)),
        (Find::Person, "Choi Kwang-il", Want::Id(e.choi)),
        (Find::Person, "Céline Song", Want::Id(celine)),
        (Find::Person, "Ce\u{301}line Song", Want::Id(celine)),
        (Find::Person, "celine song", Want::Id(celine)),
        (Find::Person, "CÉLINE SONG", Want::Id(celine)),
        (Find::Person, "Kim Ji-won (b. 1999)", Want::Id(e.ji_won_too)),
        (
            Find::Person,
            "kim ji-won",
            Want::Ambiguous(vec![(e.ji_won, "Kim Ji Won (김지원)"), (e.ji_won_too, "Kim Ji-won (b. 1999)")]),
        ),
        (
            Find::Person,
            "김지원",
            Want::Ambiguous(vec![(e.ji_won, "Kim Ji Won (김지원)"), (e.ji_won_too, "Kim Ji-won (b. 1999)")]),
        ),
        // An explicit #id never falls back to names; a bare number does.
        (Find::Person, "#99", Want::Missing),
        (Find::Person, "99", Want::Missing),
        (Find::Person, "Kim Soo Hyun", Want::Missing),
        (Find::Person, "김", Want::Missing),
        (Find::Person, "   ", Want::Blank),
        // Shows: title, native title, aliases; a shared title lists both years.
        (Find::Show, &show_id, Want::Id(e.red_sky)),
        (Find::Show, "홍천기", Want::Id(e.red_sky)),
        (Find::Show, red_sky_nfd, Want::Id(e.red_sky)),
        (Find::Show, "lovers of the red sky", Want::Id(e.red_sky)),
        (Find::Show, "ＬＯＶＥＲＳ ＯＦ ＴＨＥ ＲＥＤ ＳＫＹ", Want::Id(e.red_sky)),
        (Find::Show, "hong chun gi", Want::Id(e.red_sky)),
        (Find::Show, "Red-Sky", Want::Id(e.red_sky)),
        (Find::Show, "내일", Want::Id(e.tomorrow_2022)),
        (
            Find::Show,
            "tomorrow",
            Want::Ambiguous(vec![
                (e.tomorrow_2022, "Tomorrow (내일), 2022"),
                (e.tomorrow_2001, "Tomorrow, 2001"),
            ]),
        ),
        (Find::Show, "Red Sky Lovers", Want::Missing),
        // Scenes and roles: a title shared by two shows needs the show to say which.
        (Find::Scene(None), "sealing ceremony", Want::Id(e.sealing)),
        (Find::Scene(Some(e.red_sky)), "HORSE RIDE", Want::Id(e.horse_red_sky)),
        (Find::Scene(Some(e.tomorrow_2022)), "horse-ride", Want::Id(e.horse_tomorrow)),
        (
            Find::Scene(None),
            "Horse ride",
            Want::Ambiguous(vec![
                (e.horse_red_sky, "Horse ride — Lovers of the Red Sky"),
                (e.horse_tomorrow, "Horse ride — Tomorrow"),
            ]),
        ),
        (Find::Scene(Some(e.tomorrow_2001)), "Horse ride", Want::Missing),
        (Find::Role(None), "홍천기", Want::Id(e.chun_gi)),
        (Find::Role(None), "hong chun-gi", Want::Id(e.chun_gi)),
        (Find::Role(Some(e.red_sky)), "하람", Want::Id(e.ha_ram)),
        (
            Find::Role(None),
            "Ha Ram",
            Want::Ambiguous(vec![
                (e.ha_ram, "Ha Ram (Ahn Hyo Seop in Lovers of the Red Sky)"),
                (e.ha_ram_tomorrow, "Ha Ram (Choi Kwang Il in Tomorrow)"),
            ]),
        ),
        // Clips: by title, by id, or by the exact path of a copy.
        (Find::Clip, "horse ride making-of", Want::Id(e.clip)),
        (Find::Clip, "/videos/Red Sky/horse.mp4", Want::Id(e.clip)),
        (Find::Clip, &clip_id, Want::Id(e.clip)),
        (Find::Clip, "/videos/red sky/horse.mp4", Want::Missing),
        // Tags: namespaced, bare, any case and spacing, aliases.
        (Find::Tag, "mood:emotional", Want::Id(e.emotional)),
        (Find::Tag, "Mood: Emotional", Want::Id(e.emotional)),
        (Find::Tag, " MOOD : EMOTIONAL ", Want::Id(e.emotional)),
        (Find::Tag, "ｍｏｏｄ:ｅｍｏｔｉｏｎａｌ", Want::Id(e.emotional)),
        (Find::Tag, "emotional", Want::Id(e.emotional)),
        (Find::Tag, "Feels", Want::Id(e.emotional)),
        (Find::Tag, "눈물", Want::Id(e.emotional)),
        (Find::Tag, "type:blooper", Want::Id(e.blooper)),
        (Find::Tag, "blooper", Want::Id(e.blooper)),
        (Find::Tag, "N.G.", Want::Id(e.blooper)),
        (Find::Tag, "Type:Action", Want::Id(e.action)),
        (Find::Tag, &tag_id, Want::Id(e.action)),
        (Find::Tag, "mood:blooper", Want::Missing),
        (Find::Tag, "mood:happy", Want::Missing),
        (Find::Tag, "type", Want::Missing),
    ];
    for (find, input, want) in &rows {
        check(&e.lib, *find, input, want);
    }
}

#[test]
fn a_second_namespace_makes_a_bare_tag_name_ambiguous() {
    let Example { mut lib, emotional, .. } = example();
    let tone = lib.add_tag("tone:emotional").unwrap();
    let rows = [
        ("emotional", Want::Ambiguous(vec![(emotional, "mood:emotional"), (tone, "tone:emotional")])),
        ("Mood: Emotional", Want::Id(emotional)),
        ("tone:EMOTIONAL", Want::Id(tone)),
        // The alias still names only the tag that owns it.
        ("feels", Want::Id(emotional)),
    ];
    for (input, want) in &rows {
        check(&lib, Find::Tag, input, want);
    }
}

#[test]
fn a_number_that_is_also_a_name_is_ambiguous_unless_written_as_an_id() {
    let Example { mut lib, kim, celine, .. } = example();
    // Someone whose name is a number (a stage name) that is also Céline's id.
    let named = person(&mut lib, &celine.to_string(), None, &[]);
    let label = celine.to_string();
    check(&lib, Find::Person, &label, &Want::Ambiguous(vec![(celine, "Céline Song"), (named, &label)]));
    check(&lib, Find::Person, &format!("#{celine}"), &Want::Id(celine));
    check(&lib, Find::Person, &format!("#{kim}"), &Want::Id(kim));
}

/// What the naming table below names things next to.
struct Base {
    show: i64,
    person: i64,
    role: i64,
    scene: i64,
    tag: i64,
    clip: i64,
}

fn base() -> (Library, Base) {
    let mut lib = Library::open_in_memory().unwrap();
    let show = show(&mut lib, "Base show", None, 2021, &[]);
    let person = person(&mut lib, "Base person", None, &[]);
    let role =
        lib.add_role(person, show, &RoleInput { character: "Base character".into(), ..Default::default() });
    let scene = lib.add_scene(show, &SceneInput { title: "Base scene".into(), ..Default::default() });
    let tag = lib.add_tag("base").unwrap();
    let clip =
        lib.add_clip(&ClipInput { title: "Base clip".into(), show_id: Some(show), ..Default::default() });
    (lib, Base { show, person, role: role.unwrap(), scene: scene.unwrap(), tag, clip: clip.unwrap() })
}

/// Every way to give a name that lookups find things by: what it is, how it is
/// found, and the call that gives `name` (returning the named thing's id).
type Naming = (&'static str, Find, fn(&mut Library, &Base, &str) -> outtake_core::Result<i64>);

fn namings() -> Vec<Naming> {
    vec![
        ("show title", Find::Show, |lib, _, name| {
            lib.add_show(&ShowInput { title: name.into(), ..Default::default() })
        }),
        ("show native title", Find::Show, |lib, _, name| {
            lib.add_show(&ShowInput {
                title: "Other".into(),
                native_title: Some(name.into()),
                ..Default::default()
            })
        }),
        ("show alias", Find::Show, |lib, _, name| {
            lib.add_show(&ShowInput {
                title: "Other".into(),
                aliases: vec![name.into()],
                ..Default::default()
            })
        }),
        ("show alias added", Find::Show, |lib, b, name| {
            lib.add_show_aliases(b.show, &[name.into()]).map(|()| b.show)
        }),
        ("show renamed", Find::Show, |lib, b, name| {
            lib.update_show(b.show, &ShowInput { title: name.into(), ..Default::default() }).map(|()| b.show)
        }),
        ("person name", Find::Person, |lib, _, name| {
            lib.add_person(&PersonInput { name: name.into(), ..Default::default() })
        }),
        ("person native name", Find::Person, |lib, _, name| {
            lib.add_person(&PersonInput {
                name: "Other".into(),
                native_name: Some(name.into()),
                ..Default::default()
            })
        }),
        ("person alias", Find::Person, |lib, _, name| {
            lib.add_person(&PersonInput {
                name: "Other".into(),
                aliases: vec![name.into()],
                ..Default::default()
            })
        }),
        ("person alias added", Find::Person, |lib, b, name| {
            lib.add_person_aliases(b.person, &[name.into()]).map(|()| b.person)
        }),
        ("person renamed", Find::Person, |lib, b, name| {
            lib.update_person(b.person, &PersonInput { name: name.into(), ..Default::default() })
                .map(|()| b.person)
        }),
        ("character", Find::Role(None), |lib, b, name| {
            lib.add_role(b.person, b.show, &RoleInput { character: name.into(), ..Default::default() })
        }),
        ("native character", Find::Role(None), |lib, b, name| {
            let input = RoleInput { character: "Other".into(), native_character: Some(name.into()) };
            lib.add_role(b.person, b.show, &input)
        }),
        ("character renamed", Find::Role(None), |lib, b, name| {
            lib.update_role(b.role, &RoleInput { character: name.into(), ..Default::default() })
                .map(|()| b.role)
        }),
        ("character of a credit", Find::Role(None), |lib, b, name| {
            lib.credit(b.clip, b.person, Some(name))?;
            let roles = lib.roles_of(b.person)?;
            Ok(roles.iter().find(|r| r.character == name.trim()).expect("the credit made a role").id)
        }),
        ("scene", Find::Scene(None), |lib, b, name| {
            lib.add_scene(b.show, &SceneInput { title: name.into(), ..Default::default() })
        }),
        ("scene renamed", Find::Scene(None), |lib, b, name| {
            lib.update_scene(b.scene, &SceneInput { title: name.into(), ..Default::default() })
                .map(|()| b.scene)
        }),
        ("tag", Find::Tag, |lib, _, name| lib.add_tag(name)),
        ("tag renamed", Find::Tag, |lib, b, name| lib.rename_tag(b.tag, name).map(|()| b.tag)),
        ("tag alias", Find::Tag, |lib, b, name| lib.add_tag_alias(b.tag, name).map(|()| b.tag)),
        ("tag on a clip", Find::Tag, |lib, b, name| Ok(lib.tag_clip(b.clip, &[name.into()])?[0])),
        ("tag on many clips", Find::Tag, |lib, b, name| {
            Ok(lib.tag_clips(&[b.clip], &[name.into()])?[0].tag_id)
        }),
        ("saved search", Find::SavedSearch, |lib, _, name| lib.save_search(name, "horse")),
    ]
}

/// `#` and digits is read as an id, so no name may be written that way: every
/// way of giving a name refuses it, saying why. Anything else given as a name
/// (a bare number like the drama "2521" too) is found by typing it.
#[test]
fn a_name_is_never_read_as_an_id() {
    for (what, find, give) in namings() {
        for name in ["#99", " #7 ", "# 12", "#0"] {
            let (mut lib, base) = base();
            let expected = format!("\"{}\" cannot be a name: # followed by digits names an id", name.trim());
            match give(&mut lib, &base, name) {
                Err(Error::Invalid { message, .. }) if message == expected => {}
                other => panic!("{what} {name:?}: expected {expected:?}, got {other:?}"),
            }
        }
        for name in ["2521", "#1 moment", "#hashtag", "##99"] {
            let (mut lib, base) = base();
            let id = give(&mut lib, &base, name).unwrap_or_else(|e| panic!("{what} {name:?}: {e}"));
            check(&lib, find, name, &Want::Id(id));
        }
    }
    // A namespaced tag is found by its full name, which no id looks like.
    let (mut lib, _) = base();
    let id = lib.add_tag("ep:#3").unwrap();
    check(&lib, Find::Tag, "ep:#3", &Want::Id(id));
}
