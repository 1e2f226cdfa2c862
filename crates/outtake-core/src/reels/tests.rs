//! Reels from every source, with context, clamping, merging and shuffling;
//! saved reels and their undo.

use super::*;
use crate::{CastInput, ClipInput, CueInput, MarkerInput, PersonInput, ShowInput};

struct Fixture {
    lib: Library,
    person: i64,
    show: i64,
    clip_a: i64,
    clip_b: i64,
    horse: i64,
    laugh: i64,
    point: i64,
    farewell: i64,
}

/// Two clips of one show (20 s and 60 s), markers in both, Korean lines in one.
fn fixture() -> Fixture {
    let mut lib = Library::open_in_memory().unwrap();
    let show =
        lib.add_show(&ShowInput { title: "Lovers of the Red Sky".into(), ..Default::default() }).unwrap();
    let person = lib.add_person(&PersonInput { name: "Kim Yoo Jung".into(), ..Default::default() }).unwrap();
    let clip = |lib: &mut Library, title: &str, duration: i64, episode: i64| {
        lib.add_clip(&ClipInput {
            title: title.into(),
            duration_ms: Some(duration),
            show_id: Some(show),
            episode: Some(episode),
            ..Default::default()
        })
        .unwrap()
    };
    let clip_a = clip(&mut lib, "making of 1", 20_000, 1);
    let clip_b = clip(&mut lib, "making of 2", 60_000, 2);
    let marker = |lib: &mut Library, clip: i64, start: i64, end: Option<i64>, title: &str, cast: bool| {
        let cast = if cast { vec![CastInput { person_id: person, character: None }] } else { vec![] };
        lib.add_marker(
            clip,
            &MarkerInput {
                start_ms: start,
                end_ms: end,
                title: Some(title.into()),
                cast,
                tags: vec!["type:blooper".into()],
                ..Default::default()
            },
        )
        .unwrap()
    };
    let horse = marker(&mut lib, clip_a, 2_000, Some(6_000), "horse ride", true);
    let laugh = marker(&mut lib, clip_a, 5_000, Some(9_000), "laugh", false);
    let point = marker(&mut lib, clip_a, 19_000, None, "the end", true);
    let farewell = marker(&mut lib, clip_b, 30_000, Some(35_000), "farewell", true);
    lib.replace_cues(clip_b, "ko", &[CueInput::new(40_000, 41_500, "말 타는 장면 촬영 중")]).unwrap();
    Fixture { lib, person, show, clip_a, clip_b, horse, laugh, point, farewell }
}

fn spans(moments: &[Moment]) -> Vec<(i64, i64, i64)> {
    moments.iter().map(|m| (m.clip_id, m.start_ms, m.end_ms)).collect()
}

#[test]
fn a_persons_markers_play_with_context_clamped_and_overlaps_merged() {
    let f = fixture();
    let moments = f.lib.reel(&ReelSource::Person { id: f.person }, ReelOptions::default()).unwrap();
    // Newest clip first; the point marker at 19 s plays 16–20 s (the clip ends at 20 s).
    assert_eq!(
        spans(&moments),
        vec![(f.clip_b, 30_000, 35_000), (f.clip_a, 2_000, 6_000), (f.clip_a, 16_000, 20_000)]
    );
    assert_eq!(moments[2].marker_id, Some(f.point));
    assert_eq!(moments[1].clip_title, "making of 1");
}

#[test]
fn overlapping_moments_of_a_clip_become_one() {
    let f = fixture();
    let moments = f.lib.reel(&ReelSource::Episode { id: episode_id(&f, 1) }, ReelOptions::default()).unwrap();
    assert_eq!(spans(&moments), vec![(f.clip_a, 2_000, 9_000), (f.clip_a, 16_000, 20_000)]);
    assert_eq!(moments[0].marker_id, Some(f.horse));
    assert_eq!(moments[0].label, "horse ride · laugh");
}

fn episode_id(f: &Fixture, number: i64) -> i64 {
    f.lib
        .conn
        .query_row("SELECT id FROM episode WHERE show_id = ?1 AND number = ?2", [f.show, number], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn a_shows_markers_play_in_episode_order_and_a_tags_newest_first() {
    let f = fixture();
    let show = f.lib.reel(&ReelSource::Show { id: f.show }, ReelOptions::default()).unwrap();
    assert_eq!(show.iter().map(|m| m.clip_id).collect::<Vec<_>>(), vec![f.clip_a, f.clip_a, f.clip_b]);
    let tag: i64 =
        f.lib.conn.query_row("SELECT id FROM tag WHERE name = 'blooper'", [], |r| r.get(0)).unwrap();
    let tagged = f.lib.reel(&ReelSource::Tag { id: tag }, ReelOptions::default()).unwrap();
    assert_eq!(tagged[0].clip_id, f.clip_b);
    assert_eq!(tagged.len(), 3);
}

#[test]
fn a_search_plays_marker_and_subtitle_hits_with_the_context_asked() {
    let f = fixture();
    let options = ReelOptions { context_ms: Some(1_000), shuffle: None };
    let lines = f.lib.reel(&ReelSource::Search { query: "촬영".into() }, options).unwrap();
    assert_eq!(spans(&lines), vec![(f.clip_b, 39_000, 42_500)]);
    assert!(lines[0].cue_id.is_some() && lines[0].marker_id.is_none());
    assert_eq!(lines[0].label, "말 타는 장면 촬영 중");
    let markers = f.lib.reel(&ReelSource::Search { query: "horse".into() }, options).unwrap();
    assert_eq!(spans(&markers), vec![(f.clip_a, 2_000, 6_000)]);
    let error = f.lib.reel(
        &ReelSource::Search { query: "x".into() },
        ReelOptions { context_ms: Some(61_000), shuffle: None },
    );
    assert!(error.unwrap_err().to_string().starts_with("context: "));
}

#[test]
fn a_hand_picked_reel_keeps_its_order_and_drops_what_is_gone() {
    let mut f = fixture();
    let ids = vec![f.farewell, 9_999, f.horse];
    let source = ReelSource::Markers { ids };
    let before = f.lib.reel(&source, ReelOptions::default()).unwrap();
    assert_eq!(before.iter().map(|m| m.marker_id).collect::<Vec<_>>(), vec![Some(f.farewell), Some(f.horse)]);
    f.lib.delete_marker(f.farewell).unwrap();
    let after = f.lib.reel(&source, ReelOptions::default()).unwrap();
    assert_eq!(after.iter().map(|m| m.marker_id).collect::<Vec<_>>(), vec![Some(f.horse)]);
}

#[test]
fn shuffling_is_the_same_for_the_same_seed() {
    let f = fixture();
    let source = ReelSource::Markers { ids: vec![f.horse, f.point, f.farewell] };
    let plain = f.lib.reel(&source, ReelOptions::default()).unwrap();
    let order = |seed| {
        let shuffled = f.lib.reel(&source, ReelOptions { context_ms: None, shuffle: Some(seed) }).unwrap();
        shuffled.iter().map(|m| m.marker_id.unwrap()).collect::<Vec<_>>()
    };
    assert_eq!(order(7), order(7));
    let mut sorted = order(7);
    sorted.sort_unstable();
    let mut ids: Vec<i64> = plain.iter().map(|m| m.marker_id.unwrap()).collect();
    ids.sort_unstable();
    assert_eq!(sorted, ids);
    assert!((1..20).any(|seed| order(seed) != order(0)), "no seed changed the order");
}

#[test]
fn a_saved_fixed_reel_reorders_and_undoes() {
    let mut f = fixture();
    let id = f
        .lib
        .save_reel("best", NewReel::Fixed { marker_ids: &[f.horse, f.farewell, f.point] }, 3000)
        .unwrap();
    let marker_ids = |lib: &Library| lib.saved_reel("best").unwrap().marker_ids;
    assert_eq!(marker_ids(&f.lib), vec![f.horse, f.farewell, f.point]);
    f.lib.reorder_reel(id, &[f.point, f.horse, f.farewell]).unwrap();
    assert_eq!(marker_ids(&f.lib), vec![f.point, f.horse, f.farewell]);
    let moments = f.lib.reel(&ReelSource::Saved { id }, ReelOptions::default()).unwrap();
    assert_eq!(
        moments.iter().map(|m| m.marker_id.unwrap()).collect::<Vec<_>>(),
        vec![f.point, f.horse, f.farewell]
    );
    f.lib.undo(None).unwrap();
    assert_eq!(marker_ids(&f.lib), vec![f.horse, f.farewell, f.point]);
    // A new order must be the same markers.
    let error = f.lib.reorder_reel(id, &[f.horse, f.point]).unwrap_err().to_string();
    assert!(error.contains("left out: [#") && error.contains(&format!("#{}", f.farewell)), "{error}");
    // A deleted marker leaves the reel, and its undo puts it back in place.
    f.lib.delete_marker(f.farewell).unwrap();
    assert_eq!(marker_ids(&f.lib), vec![f.horse, f.point]);
    f.lib.undo(None).unwrap();
    assert_eq!(marker_ids(&f.lib), vec![f.horse, f.farewell, f.point]);
}

#[test]
fn a_saved_live_reel_follows_the_library() {
    let mut f = fixture();
    let id = f.lib.save_reel("Horses", NewReel::Live { query: "horse" }, 0).unwrap();
    assert_eq!(f.lib.reel(&ReelSource::Saved { id }, ReelOptions::default()).unwrap().len(), 1);
    f.lib
        .add_marker(
            f.clip_b,
            &MarkerInput {
                start_ms: 1_000,
                end_ms: None,
                title: Some("horse again".into()),
                ..Default::default()
            },
        )
        .unwrap();
    let moments = f.lib.reel(&ReelSource::Saved { id }, ReelOptions::default()).unwrap();
    // Context 0, as saved: a point marker with no context plays nothing, and drops out.
    assert_eq!(spans(&moments), vec![(f.clip_a, 2_000, 6_000)]);
    let wider =
        f.lib.reel(&ReelSource::Saved { id }, ReelOptions { context_ms: Some(500), shuffle: None }).unwrap();
    assert_eq!(wider.len(), 2);
    assert!(
        f.lib
            .save_reel("horses", NewReel::Live { query: "x" }, 0)
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
    assert!(f.lib.save_reel("bad", NewReel::Live { query: "show:" }, 0).is_err());
    f.lib.rename_reel(id, "Horse rides").unwrap();
    assert_eq!(f.lib.saved_reels().unwrap()[0].name, "Horse rides");
    f.lib.delete_reel(id).unwrap();
    assert!(f.lib.saved_reels().unwrap().is_empty());
    f.lib.undo(None).unwrap();
    assert_eq!(f.lib.saved_reel("horse rides").unwrap().query.as_deref(), Some("horse"));
    let _ = f.laugh;
}
