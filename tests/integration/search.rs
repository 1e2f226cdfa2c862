//! Search: a table of queries over the worked example (every operator and
//! filter, Korean and romanised names), the index staying fresh through edits,
//! merges and deletes, and arbitrary input never reaching SQL unquoted.
//!
//! Long because its tables of queries and the library they run on are one
//! piece: split, each half would need the other.

use outtake_core::{
    CastInput, ClipInput, ClipPatch, CueInput, Error, FileInput, Library, MarkerInput, PersonInput,
    RoleInput, SceneInput, ShowInput,
};

struct Example {
    library: Library,
    making: i64,
    phone: i64,
}

fn example() -> Example {
    let mut lib = Library::open_in_memory().unwrap();
    let show = lib
        .add_show(&ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            aliases: vec!["Red Sky".into()],
            network: Some("SBS".into()),
            year: Some(2021),
        })
        .unwrap();
    let other =
        lib.add_show(&ShowInput { title: "Twenty-Five Twenty-One".into(), ..ShowInput::default() }).unwrap();
    let person = |lib: &mut Library, name: &str, native: Option<&str>, aliases: &[&str]| {
        lib.add_person(&PersonInput {
            name: name.into(),
            native_name: native.map(str::to_string),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        })
        .unwrap()
    };
    let kim = person(&mut lib, "Kim Yoo Jung", Some("김유정"), &["Kim Yoo-jung"]);
    let ahn = person(&mut lib, "Ahn Hyo Seop", Some("안효섭"), &[]);
    let choi = person(&mut lib, "Choi Kwang Il", None, &[]);
    lib.add_role(
        kim,
        show,
        &RoleInput { character: "Hong Chun Gi".into(), native_character: Some("홍천기".into()) },
    )
    .unwrap();
    lib.add_role(ahn, show, &RoleInput { character: "Ha Ram".into(), native_character: Some("하람".into()) })
        .unwrap();
    lib.add_role(choi, show, &RoleInput { character: "Hong Eun O".into(), native_character: None }).unwrap();
    let sealing = lib
        .add_scene(
            show,
            &SceneInput { episode: Some(3), title: "Sealing ceremony".into(), ..Default::default() },
        )
        .unwrap();
    let clip = |lib: &mut Library,
                title: &str,
                path: &str,
                duration: i64,
                show: Option<i64>,
                episode: Option<i64>| {
        lib.add_clip(&ClipInput {
            title: title.into(),
            duration_ms: Some(duration),
            show_id: show,
            episode,
            files: vec![FileInput { path: path.into(), size: 10, ..FileInput::default() }],
            ..ClipInput::default()
        })
        .unwrap()
    };
    let making =
        clip(&mut lib, "[Making] Lovers of the Red Sky EP.3", "/v/making.mp4", 600_000, Some(show), Some(3));
    let phone = clip(&mut lib, "Phone recording at the café", "/v/phone.mov", 45_000, Some(other), Some(5));
    clip(&mut lib, "Untitled rip", "/v/rip.ts", 30_000, None, None);
    lib.update_clip(
        making,
        &ClipPatch { note: Some(Some("the best making-of, José filmed it".into())), ..Default::default() },
    )
    .unwrap();
    lib.credit(making, kim, None).unwrap();
    lib.tag_clip(making, &["type:making-of".into()]).unwrap();
    lib.tag_clip(phone, &["mood:fun".into()]).unwrap();
    // type:blooper sits under type:funny: searching the parent finds it.
    let blooper = lib.add_tag("type:blooper").unwrap();
    let funny = lib.add_tag("type:funny").unwrap();
    lib.add_tag_parent(blooper, funny).unwrap();
    let marker = |lib: &mut Library,
                  start: i64,
                  end: i64,
                  title: &str,
                  cast: &[i64],
                  tags: &[&str],
                  quote: Option<&str>,
                  scene: Option<i64>| {
        lib.add_marker(
            making,
            &MarkerInput {
                start_ms: start,
                end_ms: Some(end),
                title: Some(title.into()),
                scene_id: scene,
                cast: cast.iter().map(|p| CastInput { person_id: *p, character: None }).collect(),
                tags: tags.iter().map(|t| t.to_string()).collect(),
                quote: quote.map(str::to_string),
                ..MarkerInput::default()
            },
        )
        .unwrap()
    };
    marker(
        &mut lib,
        10_000,
        30_000,
        "Sealing ceremony action",
        &[ahn],
        &["type:action", "type:blooper"],
        None,
        Some(sealing),
    );
    marker(&mut lib, 60_000, 90_000, "Horse ride", &[kim], &[], None, None);
    marker(&mut lib, 120_000, 150_000, "Pulse scene", &[kim, ahn], &[], None, None);
    marker(
        &mut lib,
        400_000,
        480_000,
        "Tearful farewell",
        &[kim, choi],
        &["mood:emotional"],
        Some("I'm okay."),
        None,
    );
    let cue = |start: i64, text: &str| CueInput::new(start, start + 2000, text);
    lib.replace_cues(
        making,
        "ko",
        &[
            cue(61_000, "말을 타는 장면이에요"),
            cue(401_000, "괜찮아요, 눈물이 나네요"),
            cue(402_000, "아버지 눈물을 닦아 드릴게요"),
        ],
    )
    .unwrap();
    lib.replace_cues(
        making,
        "en",
        &[cue(61_000, "This is the horse riding scene"), cue(401_000, "It's okay, tears are coming")],
    )
    .unwrap();
    lib.replace_cues(phone, "en", &[cue(5_000, "We ordered coffee and laughed")]).unwrap();
    Example { library: lib, making, phone }
}

/// A hit as the table names it: (clip, kind, start_ms).
type Hit = (i64, String, Option<i64>);

/// (kind, start_ms) of each hit, with the clip it belongs to.
fn hits(lib: &Library, query: &str) -> Vec<Hit> {
    lib.search(query, 50)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .into_iter()
        .map(|h| (h.clip_id, h.kind.to_string(), h.start_ms))
        .collect()
}

#[test]
fn queries() {
    let ex = example();
    let (m, p) = (ex.making, ex.phone);
    let marker = |start: i64| (m, "marker".to_string(), Some(start));
    let cue = |clip: i64, start: i64| (clip, "cue".to_string(), Some(start));
    let clip = |id: i64| (id, "clip".to_string(), None);
    // (query, hits that must be present, clips that must be absent)
    let rows: Vec<(&str, Vec<Hit>, Vec<i64>)> = vec![
        ("horse", vec![marker(60_000), cue(m, 61_000)], vec![p]),
        ("hors", vec![marker(60_000)], vec![p]),
        ("Horse ", vec![marker(60_000)], vec![p]),
        ("김유정", vec![clip(m), marker(60_000), marker(400_000)], vec![p]),
        ("Kim Yoo Jung", vec![clip(m), marker(60_000)], vec![p]),
        ("kim yoojung", vec![clip(m), marker(60_000)], vec![p]),
        ("kimyoojung", vec![clip(m)], vec![p]),
        ("Kim Yoo-jung", vec![clip(m)], vec![p]),
        ("ＫＩＭ ＹＯＯ ＪＵＮＧ", vec![clip(m)], vec![p]),
        ("안효섭", vec![marker(10_000), marker(120_000)], vec![p]),
        ("하람", vec![marker(10_000)], vec![p]),
        ("\"I'm okay\"", vec![marker(400_000)], vec![p]),
        ("눈물", vec![cue(m, 401_000), cue(m, 402_000)], vec![p]),
        ("눈", vec![cue(m, 401_000)], vec![p]),
        ("장면", vec![cue(m, 61_000)], vec![p]),
        // Words spread over a clip: her name in the cast, the word in a subtitle.
        ("김유정 눈물", vec![cue(m, 401_000), marker(400_000)], vec![p]),
        ("Jose", vec![clip(m)], vec![p]),
        ("cafe", vec![clip(p)], vec![m]),
        ("coffee OR horse", vec![cue(p, 5_000), marker(60_000)], vec![]),
        ("okay -tears", vec![marker(400_000)], vec![]),
        ("show:홍천기", vec![clip(m)], vec![p]),
        ("show:\"red sky\"", vec![clip(m)], vec![p]),
        ("show:\"Twenty-Five Twenty-One\"", vec![clip(p)], vec![m]),
        ("ep:3", vec![clip(m)], vec![p]),
        ("ep:4-6", vec![clip(p)], vec![m]),
        ("scene:\"Sealing ceremony\"", vec![clip(m), marker(10_000)], vec![p]),
        ("cast:\"Ahn Hyo Seop\"", vec![clip(m), marker(10_000), marker(120_000)], vec![p]),
        ("cast:김유정 horse", vec![marker(60_000)], vec![p]),
        ("as:\"Ha Ram\"", vec![marker(10_000)], vec![p]),
        ("as:홍천기", vec![clip(m)], vec![p]),
        ("tag:blooper", vec![marker(10_000)], vec![p]),
        ("tag:type:funny", vec![clip(m), marker(10_000)], vec![p]),
        ("tag:fun", vec![clip(p)], vec![m]),
        ("-tag:fun coffee OR horse", vec![marker(60_000)], vec![p]),
        ("lang:ko horse", vec![marker(60_000)], vec![]),
        ("lang:en okay", vec![cue(m, 401_000)], vec![p]),
        ("in:subs horse", vec![cue(m, 61_000)], vec![p]),
        ("in:markers horse", vec![marker(60_000)], vec![p]),
        ("in:titles making", vec![clip(m)], vec![p]),
        ("in:notes best", vec![clip(m)], vec![p]),
        ("dur:<60", vec![clip(p)], vec![m]),
        ("dur:>5m", vec![clip(m)], vec![p]),
        ("added:>2000-01-01 horse", vec![marker(60_000)], vec![p]),
        ("added:<2000-01-01", vec![], vec![m, p]),
        ("is:untagged", vec![], vec![m, p]),
        ("is:missing", vec![], vec![m, p]),
        ("zebra", vec![], vec![m, p]),
    ];
    for (query, present, absent) in rows {
        let found = hits(&ex.library, query);
        for hit in &present {
            assert!(found.contains(hit), "{query}: expected {hit:?} in {found:?}");
        }
        for clip in &absent {
            assert!(!found.iter().any(|h| h.0 == *clip), "{query}: clip {clip} should not match: {found:?}");
        }
    }
    // Titles and cast outrank subtitles: the marker comes before the cue.
    let horse = hits(&ex.library, "horse");
    let marker_at = horse.iter().position(|h| h.1 == "marker").unwrap();
    let cue_at = horse.iter().position(|h| h.1 == "cue").unwrap();
    assert!(marker_at < cue_at, "{horse:?}");
    // Sorting by title puts "Phone…" before "Untitled…".
    let sorted: Vec<i64> = hits(&ex.library, "dur:<100 sort:title").iter().map(|h| h.0).collect();
    assert_eq!(sorted.first(), Some(&p));
    let snippet = &ex.library.search("눈물", 5).unwrap()[0].snippet;
    assert!(snippet.contains("**눈물**"), "{snippet}");
}

#[test]
fn the_index_follows_every_edit() {
    let mut ex = example();
    let lib = &mut ex.library;
    let kim = lib.find_person("김유정").unwrap();
    lib.update_person(
        kim,
        &PersonInput { name: "Kim Yu-jeong".into(), native_name: Some("김유정".into()), aliases: vec![] },
    )
    .unwrap();
    assert!(!hits(lib, "Yu-jeong").is_empty(), "a renamed person is found by the new name");
    assert!(hits(lib, "Kim Yoo-jung").is_empty(), "and no longer by the dropped alias");
    lib.add_person_aliases(kim, &["Yoojung".into()]).unwrap();
    assert!(!hits(lib, "yoojung").is_empty());
    // Merging people: the merged name finds the clips of both.
    let dup = lib.add_person(&PersonInput { name: "YJ Kim".into(), ..Default::default() }).unwrap();
    let phone = ex.phone;
    lib.credit(phone, dup, None).unwrap();
    lib.merge_people(dup, kim).unwrap();
    assert!(hits(lib, "김유정").iter().any(|h| h.0 == phone), "credits moved in the merge are searchable");
    // Tags: renames, merges and deletes.
    let fun = lib.find_tag("mood:fun").unwrap();
    lib.rename_tag(fun, "mood:joyful").unwrap();
    assert!(hits(lib, "joyful").iter().any(|h| h.0 == phone));
    assert!(hits(lib, "fun").iter().all(|h| h.0 != phone));
    lib.delete_tag(fun).unwrap();
    assert!(hits(lib, "joyful").is_empty());
    // Markers and cues.
    let horse = hits(lib, "in:markers horse");
    let marker = lib
        .markers(ex.making)
        .unwrap()
        .into_iter()
        .find(|m| m.title.as_deref() == Some("Horse ride"))
        .unwrap();
    lib.delete_marker(marker.id).unwrap();
    assert!(hits(lib, "in:markers horse").len() < horse.len());
    lib.replace_cues(ex.making, "ko", &[]).unwrap();
    assert!(hits(lib, "눈물").is_empty(), "replaced cues leave no ghost hits");
    // A renamed show, then a deleted clip.
    let show = lib.find_show("홍천기").unwrap();
    let mut input = ShowInput {
        title: "Hong Chun-gi".into(),
        native_title: Some("홍천기".into()),
        ..ShowInput::default()
    };
    input.year = Some(2021);
    lib.update_show(show, &input).unwrap();
    assert!(hits(lib, "chun").iter().any(|h| h.0 == ex.making));
    lib.delete_clip(ex.making).unwrap();
    for query in ["chun", "okay", "show:홍천기", "cast:\"Ahn Hyo Seop\""] {
        assert!(hits(lib, query).iter().all(|h| h.0 != ex.making), "{query}: ghost hit of a deleted clip");
    }
}

#[test]
fn saved_searches() {
    let mut ex = example();
    let lib = &mut ex.library;
    lib.save_search("Tearful", "tag:emotional").unwrap();
    lib.save_search("tearful", "tag:emotional 눈물").unwrap();
    let saved = lib.saved_searches().unwrap();
    assert_eq!(saved.len(), 1, "same name replaces");
    assert_eq!(saved[0].query, "tag:emotional 눈물");
    let error = lib.save_search("Broken", "ep:x").unwrap_err().to_string();
    assert!(error.contains("ep:x"), "{error}");
    assert_eq!(lib.saved_search("TEARFUL").unwrap().id, saved[0].id);
    // Found like everything else: a number that is an id and a name is
    // ambiguous unless written as `#id`.
    let numbered = lib.save_search(&saved[0].id.to_string(), "horse").unwrap();
    assert!(matches!(lib.saved_search(&saved[0].id.to_string()), Err(Error::Ambiguous { .. })));
    assert_eq!(lib.saved_search(&format!("#{}", saved[0].id)).unwrap().id, saved[0].id);
    assert_eq!(lib.saved_search(&format!("#{numbered}")).unwrap().id, numbered);
}

#[test]
fn any_input_is_safe() {
    let ex = example();
    let mut state: u64 = 0x1234_5678_9ABC_DEF1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet: Vec<char> =
        "ab 눈물\"'-:*()^{}[];,.OR AND NOT NEAR tag: ep: dur:< show:\\\0\u{7}🙂é\u{301}ＡＢ%_?"
            .chars()
            .collect();
    let mut inputs: Vec<String> = vec![
        "\"".into(),
        "\"\"\"".into(),
        "'; DROP TABLE clip; --".into(),
        "a OR".into(),
        "OR OR OR".into(),
        "NOT".into(),
        "(horse".into(),
        "horse*".into(),
        "^horse".into(),
        "NEAR(horse ride, 2)".into(),
        "{title}: horse".into(),
        "\u{0}\u{1}\u{2}".into(),
        "🙂".repeat(1000),
        "tag:".into(),
        "-".into(),
        "--".into(),
    ];
    for _ in 0..2000 {
        let len = (next() % 24) as usize;
        inputs.push((0..len).map(|_| alphabet[(next() as usize) % alphabet.len()]).collect());
    }
    // Whole pieces of the language, a few or very many: every fourth input
    // is long (up to far past every limit), well formed, and mostly one piece
    // repeated, so chains of OR, -words and filters grow long.
    let pieces = [
        "horse",
        "눈물",
        "김유정",
        "OR",
        "-blooper",
        "-눈",
        "\"I'm okay\"",
        "(",
        ")",
        "*",
        "NOT",
        "tag:blooper",
        "-tag:mood:emotional",
        "cast:\"Kim Yoo Jung\"",
        "show:홍천기",
        "scene:Sealing",
        "as:하람",
        "ep:3-5",
        "dur:<60",
        "added:>2026-01-01",
        "lang:ko",
        "in:subs",
        "is:missing",
        "is:untagged",
        "sort:title",
        "a.b.c",
        "16:9",
        "🙂",
    ];
    let broken = ["\"", "-", "ep:", "dur:<", "added:>", "sort:", "tag:\"\""];
    let chains = ["horse OR", "-blooper", "tag:blooper", "dur:<60", "\"a\""];
    for round in 0..400 {
        let long = round % 4 == 0;
        let len = if long { next() % 3000 } else { next() % 40 };
        let chain = chains[(next() as usize) % chains.len()];
        let words: Vec<&str> = (0..len)
            .map(|_| match next() % 8 {
                _ if !long && next() % 5 == 0 => broken[(next() as usize) % broken.len()],
                0..=5 if long => chain,
                _ => pieces[(next() as usize) % pieces.len()],
            })
            .collect();
        let separator = if !long && next() % 3 == 0 { "" } else { " " };
        inputs.push(words.join(separator));
    }
    for input in inputs {
        let shown = format!(
            "{:?}… ({} characters)",
            input.chars().take(80).collect::<String>(),
            input.chars().count()
        );
        match ex.library.search(&input, 10) {
            Ok(_) => {}
            Err(Error::Invalid { field, .. }) => assert_eq!(field, "search", "{shown}"),
            Err(other) => panic!("{shown} gave a non-user error: {other}"),
        }
    }
}

/// Queries past the limits are refused (naming the limit) before SQLite sees
/// them; the biggest of each shape within the limits runs.
#[test]
fn big_queries_are_refused_and_the_biggest_allowed_run() {
    use outtake_core::search::query::{MAX_QUERY_CHARS, MAX_QUERY_FILTERS, MAX_QUERY_WORDS};
    let ex = example();
    let lib = &ex.library;
    let repeat = |piece: &str, n: usize, separator: &str| vec![piece; n].join(separator);
    let start = |query: &str| query.chars().take(30).collect::<String>();
    let refused = [
        // Was 7.5 s of word-by-word queries.
        (repeat("horse", 50_000, " "), "is 299999 characters long; a search reads at most 1000"),
        // Were SQLite's "fts5: parser stack overflow" and "Expression tree is too large".
        (repeat("horse", 20_001, " OR "), "characters long; a search reads at most 1000"),
        (repeat("dur:<60", 5_000, " "), "characters long; a search reads at most 1000"),
        (repeat("a", 100, " OR "), "has 100 words and phrases; a search takes at most 32"),
        (format!("horse {}", repeat("-a", 99, " ")), "has 100 words and phrases"),
        (repeat("is:missing", 90, " "), "has 90 filters; a search takes at most 24"),
    ];
    for (query, expected) in &refused {
        match lib.search(query, 10) {
            Err(Error::Invalid { field, message }) => {
                assert_eq!(field, "search");
                assert!(message.contains(expected), "{}…: {message}", start(query));
            }
            other => panic!("{}…: expected the limit, got {other:?}", start(query)),
        }
    }
    let words = MAX_QUERY_WORDS;
    let allowed = [
        repeat("horse", words, " OR "),
        repeat("눈물", words, " "),
        format!("horse {}", repeat("-a", words - 1, " ")),
        format!("{} {}", repeat("ride OR horse", words / 4, " "), repeat("-a", words / 2, " ")),
        repeat("tag:blooper", MAX_QUERY_FILTERS, " "),
        format!("horse {}", repeat("cast:김유정", MAX_QUERY_FILTERS, " ")),
        format!("눈물 {}", repeat("-tag:x", MAX_QUERY_FILTERS, " ")),
        "눈".repeat(MAX_QUERY_CHARS),
        repeat("a", MAX_QUERY_CHARS / 2, "."),
    ];
    for query in &allowed {
        assert!(query.chars().count() <= MAX_QUERY_CHARS, "{query}");
        if let Err(error) = lib.search(query, 10) {
            panic!("{}…: {error}", start(query));
        }
    }
    // The words are matched too, not only parsed.
    assert!(!lib.search(&allowed[0], 10).unwrap().is_empty());
}

/// A filter over a word in most of the library: the filter's clips are read
/// one by one (rowid-range seeks) rather than the word's every match; the hits
/// are the same as the word's matches narrowed by hand.
#[test]
fn a_narrow_filter_over_a_common_word() {
    let mut lib = Library::open_in_memory().unwrap();
    let jung =
        lib.add_person(&PersonInput { name: "Kim Yoo Jung".into(), ..PersonInput::default() }).unwrap();
    let show = lib.add_show(&ShowInput { title: "Red Sky".into(), ..ShowInput::default() }).unwrap();
    let scene =
        lib.add_scene(show, &SceneInput { title: "Horse ride".into(), ..Default::default() }).unwrap();
    let mut hers = Vec::new();
    for n in 0..400 {
        let id = lib
            .add_clip(&ClipInput {
                title: format!("okay take {n}"),
                files: vec![FileInput {
                    path: format!("/v/{n}.mp4").into(),
                    size: 10,
                    ..FileInput::default()
                }],
                ..ClipInput::default()
            })
            .unwrap();
        let said = if n % 3 == 0 { "it is fine" } else { "okay, again" };
        let cues: Vec<CueInput> =
            (0..5).map(|i| CueInput::new(i * 1000, i * 1000 + 900, format!("{said} {i}"))).collect();
        lib.replace_cues(id, "en", &cues).unwrap();
        if [7, 150, 151, 390].contains(&n) {
            lib.credit(id, jung, None).unwrap();
            lib.add_clip_scene(id, scene).unwrap();
            hers.push(id);
        }
    }
    // The same clips through a scene, whose few clips drive the query (one
    // rowid-range query per clip, as the word is common).
    let mut by_scene: Vec<i64> = hits(&lib, "scene:\"Horse ride\" okay").into_iter().map(|h| h.0).collect();
    by_scene.dedup();
    by_scene.sort_unstable();
    assert_eq!(by_scene, hers);
    // Her clips, each found through its title and (but for 150 and 390) its subtitles.
    let found = hits(&lib, "cast:\"Kim Yoo Jung\" okay");
    let mut clips: Vec<i64> = found.iter().map(|h| h.0).collect();
    clips.dedup();
    clips.sort_unstable();
    assert_eq!(clips, hers, "{found:?}");
    let cue_clips: std::collections::BTreeSet<i64> =
        found.iter().filter(|h| h.1 == "cue").map(|h| h.0).collect();
    assert_eq!(cue_clips.into_iter().collect::<Vec<_>>(), [hers[0], hers[2]], "{found:?}");
    assert!(found.iter().filter(|h| h.1 == "cue").all(|h| h.2.is_some()));
    // A page of two clips holds two of hers, each with its subtitle hits
    // (titles fill the page first; the subtitles of those clips still show).
    let page = lib.search("cast:\"Kim Yoo Jung\" okay", 2).unwrap();
    let clips: std::collections::BTreeSet<i64> = page.iter().map(|h| h.clip_id).collect();
    assert_eq!(clips.len(), 2);
    assert!(clips.iter().all(|c| hers.contains(c)));
    for clip in clips {
        let says_it = clip == hers[0] || clip == hers[2];
        assert_eq!(
            page.iter().any(|h| h.clip_id == clip && h.kind == outtake_core::HitKind::Cue),
            says_it,
            "{page:?}"
        );
    }
    // Subtitles alone: only the clips whose lines say it.
    let subs: std::collections::BTreeSet<i64> =
        hits(&lib, "cast:\"Kim Yoo Jung\" in:subs okay").into_iter().map(|h| h.0).collect();
    assert_eq!(subs.into_iter().collect::<Vec<_>>(), [hers[0], hers[2]]);
    // Whether more clips match than a page shows.
    let more = |query: &str, limit: usize| lib.search_page(query, limit).unwrap().more;
    assert!(more("okay", 50), "a word in 400 clips, read newest first, says there are more");
    assert!(!more("cast:\"Kim Yoo Jung\" okay", 50), "her four clips are all there");
    assert!(more("cast:\"Kim Yoo Jung\" okay", 2), "a page of two holds two of four");
    assert!(!more("scene:\"Horse ride\" okay", 50));
    assert!(more("cast:\"Kim Yoo Jung\"", 3) && !more("cast:\"Kim Yoo Jung\"", 4), "filters alone");
}

/// A wide filter with a common word: the newest matches are read first and
/// more only while the page is not full, so clips the filter allows are found
/// however old they are.
#[test]
fn a_wide_filter_over_a_common_word_reads_on_until_the_page_is_full() {
    let mut lib = Library::open_in_memory().unwrap();
    let mut long = Vec::new();
    for n in 0..700 {
        let id = lib
            .add_clip(&ClipInput {
                title: format!("take {n}"),
                duration_ms: Some(if n < 3 { 180_000 } else { 30_000 }),
                files: vec![FileInput {
                    path: format!("/v/{n}.mp4").into(),
                    size: 10,
                    ..FileInput::default()
                }],
                ..ClipInput::default()
            })
            .unwrap();
        lib.replace_cues(id, "en", &[CueInput::new(1000, 2000, format!("okay {n}"))]).unwrap();
        if n < 3 {
            long.push(id);
        }
    }
    // The three long clips are the oldest: far past the first candidates read.
    let mut found: Vec<i64> = hits(&lib, "dur:>2m okay").into_iter().map(|h| h.0).collect();
    found.sort_unstable();
    assert_eq!(found, long);
    assert!(!lib.search_page("dur:>2m okay", 50).unwrap().more, "every candidate was read");
    // Short clips fill a page from the newest.
    let page = lib.search("dur:<1m okay", 50).unwrap();
    let clips: std::collections::BTreeSet<i64> = page.iter().map(|h| h.clip_id).collect();
    assert_eq!(clips.len(), 50);
    assert!(clips.iter().all(|c| !long.contains(c)));
}

/// A word with `cast:`, `show:` or `tag:` is matched against the facets each
/// document and cue carries (migration 0007): they follow every edit that
/// changes who is in a clip, its show or its tags — subtitles included, which
/// are indexed again when their clip's facets change.
#[test]
fn filters_with_words_follow_the_clips_facets() {
    let mut ex = example();
    let lib = &mut ex.library;
    let phone = ex.phone;
    // "coffee" is only in the phone clip's subtitles.
    let clips = |lib: &Library, query: &str| -> Vec<i64> {
        let mut clips: Vec<i64> = hits(lib, query).into_iter().map(|h| h.0).collect();
        clips.dedup();
        clips
    };
    let kim = lib.find_person("김유정").unwrap();
    assert!(clips(lib, "cast:김유정 coffee").is_empty());
    lib.credit(phone, kim, None).unwrap();
    assert_eq!(clips(lib, "cast:김유정 coffee"), [phone], "a new credit reaches the clip's subtitles");
    assert_eq!(clips(lib, "cast:\"Kim Yoo-jung\" coff"), [phone], "by alias, while typing");
    lib.uncredit(phone, kim).unwrap();
    assert!(clips(lib, "cast:김유정 coffee").is_empty(), "an old credit leaves no ghost");
    // A credit on one of the clip's markers counts for the clip.
    let choi = lib.find_person("Choi Kwang Il").unwrap();
    let marker = lib
        .add_marker(
            phone,
            &MarkerInput {
                start_ms: 1_000,
                title: Some("Order".into()),
                cast: vec![CastInput { person_id: choi, character: None }],
                tags: vec!["type:blooper".into()],
                ..MarkerInput::default()
            },
        )
        .unwrap();
    assert_eq!(clips(lib, "cast:\"Choi Kwang Il\" coffee"), [phone]);
    // Tags on the clip or its markers, parents and aliases included.
    assert_eq!(clips(lib, "tag:type:funny coffee"), [phone], "a marker's tag, through its parent");
    lib.delete_marker(marker).unwrap();
    assert!(clips(lib, "cast:\"Choi Kwang Il\" coffee").is_empty());
    assert!(clips(lib, "tag:type:funny coffee").is_empty());
    assert_eq!(clips(lib, "tag:mood:fun coffee"), [phone]);
    let fun = lib.find_tag("mood:fun").unwrap();
    let joy = lib.add_tag("mood:joy").unwrap();
    lib.merge_tags(fun, joy).unwrap();
    assert_eq!(clips(lib, "tag:mood:joy coffee"), [phone], "merged tags move their facets");
    lib.untag_clip(phone, &["mood:joy".into()]).unwrap();
    assert!(clips(lib, "tag:mood:joy coffee").is_empty());
    // The show: moving the clip moves its facet.
    let red_sky = lib.find_show("Red Sky").unwrap();
    assert!(clips(lib, "show:\"Red Sky\" coffee").is_empty());
    lib.update_clip(phone, &ClipPatch { show_id: Some(Some(red_sky)), ..Default::default() }).unwrap();
    assert_eq!(clips(lib, "show:\"Red Sky\" coffee"), [phone]);
    assert!(clips(lib, "show:\"Twenty-Five Twenty-One\" coffee").is_empty());
    // Merging people moves credits, and their facets with them.
    let dup = lib.add_person(&PersonInput { name: "YJ Kim".into(), ..Default::default() }).unwrap();
    lib.credit(phone, dup, None).unwrap();
    assert_eq!(clips(lib, "cast:\"YJ Kim\" coffee"), [phone]);
    lib.merge_people(dup, kim).unwrap();
    assert_eq!(clips(lib, "cast:김유정 coffee"), [phone]);
    // Subtitles added later carry the facets the clip already has.
    lib.replace_cues(phone, "ko", &[CueInput::new(0, 900, "커피 주세요")]).unwrap();
    assert_eq!(clips(lib, "cast:김유정 show:홍천기 커피"), [phone]);
    // Filters together: every one must hold; a name nothing has finds nothing.
    assert!(clips(lib, "cast:김유정 show:\"Twenty-Five Twenty-One\" 커피").is_empty());
    assert!(clips(lib, "cast:Nobody 커피").is_empty());
    assert!(clips(lib, "tag:no-such-tag coffee").is_empty());
    // A deleted clip takes its facets along: nothing is left behind.
    lib.delete_clip(phone).unwrap();
    assert!(clips(lib, "cast:김유정 커피").is_empty());
}

/// A big page (the app asks for 200 clips) reads two matches for each clip it
/// can show, so a word said twice in every clip still fills it.
#[test]
fn a_big_page_reads_enough_matches_to_fill_it() {
    let mut lib = Library::open_in_memory().unwrap();
    for n in 0..300 {
        let id = lib
            .add_clip(&ClipInput {
                title: format!("take {n}"),
                files: vec![FileInput {
                    path: format!("/v/{n}.mp4").into(),
                    size: 10,
                    ..FileInput::default()
                }],
                ..ClipInput::default()
            })
            .unwrap();
        let cue = |start: i64| CueInput::new(start, start + 900, format!("okay {start}"));
        lib.replace_cues(id, "en", &[cue(0), cue(1000)]).unwrap();
    }
    let page = lib.search_page("okay", 150).unwrap();
    let clips: std::collections::BTreeSet<i64> = page.hits.iter().map(|h| h.clip_id).collect();
    assert_eq!(clips.len(), 150);
    assert!(page.more);
}
