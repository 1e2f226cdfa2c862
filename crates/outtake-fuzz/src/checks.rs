//! What each target checks of the core's public API besides not panicking:
//! cues sorted with `end >= start >= 0`, fields cut to their documented
//! limits, an import all-or-nothing and its export importable as itself, a
//! search failing only where the query parser did, probes in range.

use std::path::Path;

use outtake_core::media::{Probe, probe_fast_bytes};
use outtake_core::subtitles::{SubtitleFormat, read_subtitles};
use outtake_core::{Error, Library, import, search};

/// What a fresh library for the query target's searches holds.
const SEARCH_LIBRARY: &str = include_str!("../corpus/import/rich.json");

/// What executions of one batch share.
#[derive(Default)]
pub struct State {
    /// The import target's library.
    library: Option<Library>,
    /// Whether an import of this batch merged records into the library's.
    merged: bool,
    /// The query target's library: only read, so it outlives batches.
    search: Option<Library>,
}

impl State {
    /// A fresh start for the next batch (the read-only search library stays).
    pub fn reset(&mut self) {
        self.library = None;
        self.merged = false;
    }
}

pub(crate) fn query(state: &mut State, input: &[u8]) -> &'static str {
    let text = String::from_utf8_lossy(input);
    let parsed = search::query::parse(&text);
    let library = state.search.get_or_insert_with(|| {
        let mut library = Library::open_in_memory().expect("an in-memory library opens");
        library
            .import_json(SEARCH_LIBRARY.as_bytes(), Path::new("rich.json"))
            .expect("the corpus export imports");
        library
    });
    // Whatever is typed reaches SQLite as data: the search fails only where the parser did.
    match (parsed, library.search(&text, 20)) {
        (Ok(_), Ok(_)) => "searched",
        (Err(parse), Err(search)) => {
            assert_eq!(parse.to_string(), search.to_string());
            "refused by the parser"
        }
        (Ok(_), Err(error)) => panic!("the query parsed but the search failed: {error}"),
        (Err(error), Ok(_)) => panic!("the query did not parse ({error}) but the search ran"),
    }
}

pub(crate) fn subtitles(input: &[u8], format: SubtitleFormat) -> &'static str {
    match read_subtitles(input, format) {
        Ok(tracks) => {
            assert!(!tracks.is_empty(), "Ok with no track");
            // A WebVTT file may be valid with no cue; WebVTT and ASS keep an
            // end before its start as written (SRT and SAMI mend it).
            let as_written = matches!(format, SubtitleFormat::Vtt | SubtitleFormat::Ass);
            for track in tracks {
                assert!(!track.cues.is_empty() || format == SubtitleFormat::Vtt, "a track without cues");
                assert!(track.cues.is_sorted_by_key(|c| c.start_ms), "cues out of order");
                for cue in &track.cues {
                    assert!(
                        0 <= cue.start_ms && (as_written || cue.start_ms <= cue.end_ms),
                        "cue times {cue:?}"
                    );
                    assert!(!cue.text.trim().is_empty(), "an empty cue {cue:?}");
                }
            }
            "cues read"
        }
        Err(error) => {
            let _ = error.to_string();
            "refused (no cue)"
        }
    }
}

pub(crate) fn info_json(input: &[u8]) -> &'static str {
    use import::info_json::{MAX_CHAPTERS, MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};
    let Ok(info) = import::info_json::parse(input) else { return "refused" };
    let short = |text: &Option<String>| text.as_ref().is_none_or(|t| t.chars().count() <= MAX_TITLE_CHARS);
    assert!(
        short(&info.title) && short(&info.id) && short(&info.uploader) && short(&info.series),
        "{info:?}"
    );
    assert!(info.description.as_ref().is_none_or(|d| d.chars().count() <= MAX_DESCRIPTION_CHARS));
    assert!(info.chapters.as_ref().is_none_or(|c| c.len() <= MAX_CHAPTERS));
    if let Some(date) = info.published() {
        assert!(date.len() == 10 && date.as_bytes()[4] == b'-' && date.as_bytes()[7] == b'-', "{date}");
    }
    let _ = (info.uploader_name(), info.url());
    let markers = info.chapter_markers();
    assert!(markers.is_sorted_by_key(|(start, _, _)| *start), "{markers:?}");
    for (start, end, title) in &markers {
        assert!(*start >= 0 && end.is_none_or(|e| e >= *start) && !title.trim().is_empty(), "{markers:?}");
    }
    "read"
}

pub(crate) fn import(state: &mut State, input: &[u8]) -> &'static str {
    let library = state.library.get_or_insert_with(|| Library::open_in_memory().expect("opens"));
    let before = library.summary().expect("summary");
    match library.import_json(input, Path::new("fuzz.json")) {
        Ok(report) => {
            let merged =
                report.shows_merged + report.people_merged + report.tags_merged + report.clips_merged;
            let failed = round_trip(library);
            state.merged |= merged > 0;
            if let Err(why) = failed {
                // Merges are where the known issues are; a library built without one must round-trip.
                panic!("{}{why}", if state.merged { "after merging records: " } else { "" });
            }
            "imported, exported, imported again"
        }
        Err(Error::Database(error)) => panic!("a bad import file reached SQLite as an error: {error}"),
        Err(error) => {
            // All or nothing: a refused file leaves the library as it was.
            assert_eq!(library.summary().expect("summary"), before, "a refused import changed the library");
            // The JSON reader's errors name a line and column; the checks' name a record.
            let message = error.to_string();
            if message.contains(", column ") || message.contains("ends too soon") {
                "refused by the JSON reader"
            } else {
                "refused by the checks"
            }
        }
    }
}

const PACK_LIBRARY: &str = r#"{"format": "outtake-library", "version": 3, "clips": [{"id": 1,
    "title": "copy", "added_at": "2026-12-01T00:00:00Z", "duration_ms": 20000, "files": [{"path":
    "/videos/copy.mp4", "size": 1, "oshash": "efb0262027d9210d", "status": "present"}]}]}"#;

/// A pack from another fan: refused whole (the library as it was) or
/// applied; applied again, it changes nothing.
pub(crate) fn pack(state: &mut State, input: &[u8]) -> &'static str {
    let library = state.library.get_or_insert_with(|| {
        // One clip the seed pack's clip finds by its oshash, so its markers land.
        let mut library = Library::open_in_memory().expect("opens");
        library
            .import_json(PACK_LIBRARY.as_bytes(), Path::new("copy.json"))
            .expect("the pack's library imports");
        library
    });
    let before = library.summary().expect("summary");
    match library.import_pack_json(input, Path::new("fuzz.json"), false) {
        Ok(_) => {
            let after = library.export_json().expect("a library a pack went into exports");
            let again = library.import_pack_json(input, Path::new("fuzz.json"), false);
            assert!(again.is_ok(), "a pack applied once is refused the second time: {again:?}");
            assert_eq!(
                library.export_json().expect("exports"),
                after,
                "a second import of a pack changed the library"
            );
            "applied, and again with no change"
        }
        Err(Error::Database(error)) => panic!("a bad pack reached SQLite as an error: {error}"),
        Err(error) => {
            assert_eq!(library.summary().expect("summary"), before, "a refused pack changed the library");
            let message = error.to_string();
            if message.contains(", column ") || message.contains("ends too soon") {
                "refused by the JSON reader"
            } else {
                "refused by the checks"
            }
        }
    }
}

/// Lossless: the library exports, the export imports into an empty library
/// as the same records, and exports again as the same bytes.
fn round_trip(library: &mut Library) -> Result<(), String> {
    let export = library.export_json().expect("an imported library exports");
    let mut again = Library::open_in_memory().expect("opens");
    if let Err(error) = again.import_json(export.as_bytes(), Path::new("export.json")) {
        return Err(format!("the export does not import: {error}"));
    }
    let (first, other) = (library.summary().expect("summary"), again.summary().expect("summary"));
    let counts = |s: &outtake_core::LibrarySummary| {
        [
            ("shows", s.shows),
            ("people", s.people),
            ("clips", s.clips),
            ("tags", s.tags),
            ("markers", s.markers),
        ]
    };
    for ((kind, a), (_, b)) in counts(&first).into_iter().zip(counts(&other)) {
        if a != b {
            return Err(format!("the export, imported into an empty library, has {b} {kind}, not {a}"));
        }
    }
    let second = again.export_json().expect("exports");
    if export != second {
        return Err(format!("export → import → export changed the bytes: {}", difference(&export, &second)));
    }
    Ok(())
}

/// Where two exports part: the first differing line of each, with the lines before it.
fn difference(first: &str, second: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (first.lines().collect(), second.lines().collect());
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let before = a[at.saturating_sub(5)..at].join("\n");
    format!("line {}, after\n{before}\n{:?}\n--- became ---\n{:?}", at + 1, a.get(at), b.get(at))
}

pub(crate) fn media(input: &[u8], name: &str) -> &'static str {
    match probe_fast_bytes(input, Path::new(name)) {
        Ok(Some(probe)) => {
            check_probe(&probe);
            check_embedded(&probe, input.len() as u64);
            "probed"
        }
        Ok(None) => "left to ffprobe",
        Err(error) => {
            let _ = error.to_string();
            "refused"
        }
    }
}

/// What the container carries besides its tracks stays within the file and its bounds.
fn check_embedded(probe: &Probe, len: u64) {
    if let Some(cover) = probe.cover {
        assert!(
            cover.offset.checked_add(cover.len).is_some_and(|end| end <= len),
            "cover {cover:?} of {len}"
        );
    }
    assert!(probe.chapters.len() <= 500, "{} chapters", probe.chapters.len());
    for chapter in &probe.chapters {
        assert!(chapter.start_ms >= 0 && !chapter.title.trim().is_empty(), "{chapter:?}");
        assert!(chapter.end_ms.is_none_or(|end| end > chapter.start_ms), "{chapter:?}");
    }
    let m = &probe.metadata;
    for text in
        [&m.title, &m.artist, &m.date, &m.description, &m.comment, &m.url, &m.show].into_iter().flatten()
    {
        assert!(!text.is_empty() && text.len() <= 256 * 1024 + 3, "a tag of {} bytes", text.len());
    }
}

fn check_probe(probe: &Probe) {
    assert!([0, 90, 180, 270].contains(&probe.rotation), "rotation {}", probe.rotation);
    assert!(probe.fps.is_none_or(|f| f.is_finite() && f > 0.0), "fps {:?}", probe.fps);
    assert!(probe.duration_ms.is_none_or(|d| d >= 0), "duration {:?}", probe.duration_ms);
}
