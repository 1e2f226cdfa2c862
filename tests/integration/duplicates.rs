//! Duplicates in one library, on `keys.rs`'s ffmpeg-made videos: the same
//! file twice is one clip, a re-encode and copies cut or with an intro are
//! listed with how they relate, an unrelated clip is not; merging moves
//! markers by the offset, "not the same" hides a pair, and both undo.

use std::sync::atomic::AtomicBool;

use outtake_core::keys::{KeysWhich, Kinship};
use outtake_core::{Library, MarkerInput};

use crate::keys::{cut, original, reencoded, with_intro};

#[test]
fn duplicates_are_listed_merged_and_told_apart() {
    if std::process::Command::new("fpcalc").arg("-version").output().is_err() {
        eprintln!("fpcalc is not installed (apt install libchromaprint-tools): skipped");
        return;
    }
    let Some(video) = original(0, 1) else { return };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap().join("clips");
    std::fs::create_dir(&folder).unwrap();
    let files = [
        (video.clone(), "a original.mp4"),
        (cut(&video, 4.0).unwrap(), "b cut.mp4"),
        (with_intro(&video, 3).unwrap(), "c intro.mp4"),
        (reencoded(&video).unwrap(), "d reencoded.avi"),
        (original(5, 77).unwrap(), "e other.mp4"),
    ];
    for (path, name) in &files {
        std::fs::copy(path, folder.join(name)).unwrap();
        crate::import_edges::age(&folder.join(name));
    }
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    library.scan(std::slice::from_ref(&folder), &mut |_| {}).unwrap();
    let id = |name: &str| library.find_clip(name.trim_end_matches(".mp4").trim_end_matches(".avi")).unwrap();
    let (a, b, c, d, e) = (id("a original"), id("b cut"), id("c intro"), id("d reencoded"), id("e other"));
    assert!(library.duplicates().unwrap().is_empty(), "nothing without keys");
    library.make_content_keys(&KeysWhich::Missing, &AtomicBool::new(false), &mut |_| {}).unwrap();

    let list = library.duplicates().unwrap();
    let kin = |x: i64, y: i64| {
        list.iter().find(|p| (p.clip_a, p.clip_b) == (x.min(y), x.max(y))).map(|p| {
            let shift = if p.clip_a == x { p.shift_ms } else { -p.shift_ms };
            (p.kinship, shift)
        })
    };
    assert_eq!(kin(a, d).map(|k| k.0), Some(Kinship::Reencode), "{list:#?}");
    let (kinship, shift) = kin(b, a).expect("the cut copy is inside the original");
    assert!(kinship == Kinship::Contains && (shift - 4000).abs() <= 200, "{shift}");
    let (kinship, shift) = kin(a, c).expect("the original is inside the copy with an intro");
    assert!(kinship == Kinship::Contains && (shift - 3000).abs() <= 200, "{shift}");
    assert!(list.iter().all(|p| p.clip_a != e && p.clip_b != e), "the other clip is nobody's duplicate");

    // Merging the cut copy into the original moves its marker by 4 s; both stay.
    library
        .add_marker(b, &MarkerInput { start_ms: 2_000, title: Some("slate".into()), ..Default::default() })
        .unwrap();
    let before = library.export_json().unwrap();
    let merged = library.merge_duplicate(a, b).unwrap();
    assert_eq!((merged.markers_moved, merged.clip_removed), (1, false));
    let moved = library.markers(a).unwrap();
    assert!((moved[0].start_ms - 6_000).abs() <= 200, "{}", moved[0].start_ms);
    assert!(
        kin(a, b).is_some()
            && library.duplicates().unwrap().iter().all(|p| (p.clip_a, p.clip_b) != (a.min(b), a.max(b)))
    );
    library.undo(None).unwrap();
    assert_eq!(library.export_json().unwrap(), before);

    // The re-encode plays one timeline: its copy becomes the original's.
    let merged = library.merge_duplicate(a, d).unwrap();
    assert!(merged.clip_removed);
    assert_eq!(library.clip(a).unwrap().files.len(), 2);
    library.undo(None).unwrap();
    assert_eq!(library.export_json().unwrap(), before);
    // Keys are derived, not in the history: the clip brought back by undo
    // gets them again from the run that makes missing keys.
    let again = library.make_content_keys(&KeysWhich::Missing, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(again.clips_done, 1);

    // "Not the same" hides the pair, and undo shows it again.
    library.mark_not_duplicate(c, a).unwrap();
    assert!(library.duplicates().unwrap().iter().all(|p| (p.clip_a, p.clip_b) != (a.min(c), a.max(c))));
    library.undo(None).unwrap();
    assert_eq!(library.duplicates().unwrap().len(), list.len());
    assert!(library.merge_duplicate(a, e).is_err(), "unrelated clips are not merged");
}
