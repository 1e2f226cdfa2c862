//! Subtitle files as an import meets them: ASS sidecars read into searchable
//! lines with signs ranked below dialogue, an ASS track inside an MKV read
//! to the same millisecond as the file, and a WebVTT file with no cue yet;
//! signs stay signs through an export.

use std::path::Path;

use outtake_core::subtitles::{SubtitleFormat, read_subtitles};
use outtake_core::{CueKind, Library};

// The ffmpeg runner, the ageing of a new file and the temp folder the import edge tests use.
use crate::import_edges::{age, ffmpeg, tempdir};

/// A two-second clip of a test pattern (`testsrc2`, `rgbtestsrc`: other
/// bytes, so another clip) at `path`; false when ffmpeg is missing.
fn clip(path: &Path, pattern: &str) -> bool {
    let made = ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("{pattern}=size=160x120:rate=25:duration=2"),
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        path.to_str().unwrap(),
    ]);
    if made {
        age(path);
    }
    made
}

fn ass(events: &str) -> String {
    format!(
        "[Script Info]\nScriptType: v4.00+\nWrapStyle: 0\n\n[V4+ Styles]\n\
         Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Default,Arial,48,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1\n\
         Style: Sign,Arial,40,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n{events}"
    )
}

#[test]
fn an_ass_sidecar_is_read_and_searchable_with_signs_below_dialogue() {
    let (_dir, root) = tempdir();
    let (said, signed) = (root.join("making.mp4"), root.join("teaser.mp4"));
    if !clip(&said, "testsrc2") || !clip(&signed, "rgbtestsrc") {
        return;
    }
    // The CP949 file of a Korean fansub team.
    let dialogue =
        ass("Dialogue: 0,0:00:00.50,0:00:01.20,Default,,0,0,0,,{\\i1}도화서 앞에서{\\i0}\\N만나요, 꼭\n\
         Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,도화서 (note)\n\
         Dialogue: 0,0:00:01.20,0:00:01.90,Default,,0,0,0,,괜찮아요\n");
    std::fs::write(root.join("making.ko.ass"), encoding_rs::EUC_KR.encode(&dialogue).0).unwrap();
    let sign = ass("Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,안녕\n\
         Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,잘 가\n\
         Dialogue: 0,0:00:00.20,0:00:01.50,Sign,,0,0,0,,{\\pos(80,10)}도화서\n");
    std::fs::write(root.join("teaser.ko.ssa"), sign).unwrap();
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (2, 0), "{summary:#?}");
    let making = library.find_clip(said.to_str().unwrap()).unwrap();
    let teaser = library.find_clip(signed.to_str().unwrap()).unwrap();
    let cues = library.cues(making, None).unwrap();
    let lines: Vec<(&str, i64, i64, &str)> =
        cues.iter().map(|c| (c.lang.as_str(), c.start_ms, c.end_ms, c.text.as_str())).collect();
    assert_eq!(lines, [("ko", 500, 1200, "도화서 앞에서\n만나요, 꼭"), ("ko", 1200, 1900, "괜찮아요")]);
    assert_eq!(library.cues(teaser, Some("ko")).unwrap().len(), 3);
    // The sign's shorter text alone would rank it first (and its clip is the
    // newer one): the line someone says comes first.
    let hits: Vec<(i64, String)> =
        library.search("도화서", 10).unwrap().into_iter().map(|h| (h.clip_id, h.kind.to_string())).collect();
    assert_eq!(hits, [(making, "cue".to_string()), (teaser, "cue".to_string())]);
    let hits = library.search("괜찮아요", 10).unwrap();
    assert_eq!(hits.iter().map(|h| (h.clip_id, h.start_ms)).collect::<Vec<_>>(), [(making, Some(1200))]);

    // The cues say what they are, and an export carries it to another library.
    let kinds = |library: &Library, clip| -> Vec<CueKind> {
        library.cues(clip, Some("ko")).unwrap().iter().map(|c| c.kind).collect()
    };
    assert_eq!(kinds(&library, teaser), [CueKind::Dialogue, CueKind::Dialogue, CueKind::Sign]);
    let exported = library.export_json().unwrap();
    assert!(exported.contains(r#""kind": "sign""#), "the export names the sign");
    let mut copy = Library::open_in_memory().unwrap();
    copy.import_json(exported.as_bytes(), Path::new("library.json")).unwrap();
    let teaser_copy = copy.find_clip(signed.to_str().unwrap()).unwrap();
    assert_eq!(kinds(&copy, teaser_copy), [CueKind::Dialogue, CueKind::Dialogue, CueKind::Sign]);
    let lying = exported.replace(r#""kind": "sign""#, r#""kind": "shout""#);
    let refused = Library::open_in_memory()
        .unwrap()
        .import_json(lying.as_bytes(), Path::new("library.json"))
        .unwrap_err();
    assert!(refused.to_string().contains(".kind: \"shout\" is not a kind of line"), "{refused}");
}

#[test]
fn an_ass_track_inside_an_mkv_has_the_files_times() {
    let (_dir, root) = tempdir();
    // Times a conversion to SRT and back would round, and lines with commas and styles.
    let file = ass("Dialogue: 0,0:00:00.23,0:00:00.87,Default,,0,0,0,,{\\i1}눈물이 나요,{\\i0} 정말\n\
         Dialogue: 0,0:00:00.87,0:00:01.33,Default,,0,0,0,,괜찮아요\\N정말로\n\
         Dialogue: 0,0:00:01.01,0:00:01.99,Sign,,0,0,0,,{\\pos(80,10)}도화서\n");
    let sidecar = root.join("track.ass");
    std::fs::write(&sidecar, &file).unwrap();
    let mkv = root.join("with ass.mkv");
    let made = ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=160x120:rate=25:duration=2",
        "-i",
        sidecar.to_str().unwrap(),
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:s",
        "copy",
        "-metadata:s:s:0",
        "language=kor",
        mkv.to_str().unwrap(),
    ]);
    if !made {
        return;
    }
    // The file beside it is read apart: only the track inside is imported.
    let expected = read_subtitles(file.as_bytes(), SubtitleFormat::Ass).unwrap().remove(0).cues;
    std::fs::remove_file(&sidecar).unwrap();
    age(&mkv);
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (1, 0), "{summary:#?}");
    let clip = library.find_clip(mkv.to_str().unwrap()).unwrap();
    let cues = library.cues(clip, None).unwrap();
    let got: Vec<(&str, i64, i64, &str)> =
        cues.iter().map(|c| (c.lang.as_str(), c.start_ms, c.end_ms, c.text.as_str())).collect();
    let want: Vec<(&str, i64, i64, &str)> =
        expected.iter().map(|c| ("ko", c.start_ms, c.end_ms, c.text.as_str())).collect();
    assert_eq!(got, want);
    assert_eq!(got[0].1, 230, "to the millisecond");
    // The sign inside the track is marked as in the file: dialogue ranks first.
    let hits: Vec<Option<i64>> =
        library.search("정말", 10).unwrap().into_iter().map(|h| h.start_ms).collect();
    assert_eq!(hits, [Some(230), Some(870)]);
}

#[test]
fn a_webvtt_file_with_no_cue_yet_is_no_problem() {
    let (_dir, root) = tempdir();
    let video = root.join("live.mp4");
    if !clip(&video, "testsrc2") {
        return;
    }
    std::fs::write(root.join("live.ko.vtt"), "WEBVTT\nKind: captions\nLanguage: ko\n\n").unwrap();
    std::fs::write(root.join("live.en.vtt"), "WEBVTT\n\n00:01.000 --> 00:00.500\nbackwards\n").unwrap();
    let mut library = Library::open_in_memory().unwrap();
    let summary = library.scan(std::slice::from_ref(&root), &mut |_| {}).unwrap();
    assert_eq!((summary.added, summary.failed.len()), (1, 0), "{summary:#?}");
    let clip = library.find_clip(video.to_str().unwrap()).unwrap();
    assert!(library.cues(clip, Some("ko")).unwrap().is_empty());
    // Kept at its start, as a moment of no length: the library never stores an end before a start.
    let cues = library.cues(clip, Some("en")).unwrap();
    assert_eq!(cues.iter().map(|c| (c.start_ms, c.end_ms)).collect::<Vec<_>>(), [(1000, 1000)]);
}
