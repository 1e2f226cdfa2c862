//! WebVTT cases written from the W3C spec's parsing rules, one table per
//! rule (signature, line breaks, NUL, blocks, timestamps, settings, what is
//! kept as written), then YouTube's rolling captions and the errors.

use super::*;

fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
    CueInput::new(start_ms, end_ms, text)
}

/// Each row: name, file, the cues the spec's parser keeps (with text).
type Rows = Vec<(&'static str, &'static str, Vec<CueInput>)>;

fn check(rows: Rows) {
    for (name, text, expected) in rows {
        assert_eq!(parse(text), Ok(expected), "{name}");
    }
}

/// "If input is less than six code points long, or the first six are not
/// WEBVTT, or the seventh is not a space, tab or line feed, abort."
#[test]
fn signature() {
    let one = || vec![cue(1000, 2000, "hi")];
    check(vec![
        ("bare", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi", one()),
        ("space and title", "WEBVTT - 홍천기 메이킹\n\n00:01.000 --> 00:02.000\nhi", one()),
        ("tab", "WEBVTT\tx\n\n00:01.000 --> 00:02.000\nhi", one()),
        ("byte order mark", "\u{feff}WEBVTT\n\n00:01.000 --> 00:02.000\nhi", one()),
    ]);
    for bad in [
        "WEBVTTX\n\n00:01.000 --> 00:02.000\nhi",
        "webvtt\n\n00:01.000 --> 00:02.000\nhi",
        "\nWEBVTT\n",
        " WEBVTT\n",
        "WEBVT",
    ] {
        assert!(matches!(parse(bad), Err(SubtitleError::NotVtt { line: 1, .. })), "{bad:?}");
    }
}

/// "Replace each CRLF by LF, then every remaining CR by LF": a lone CR ends a
/// line even in a file that also uses LF.
#[test]
fn line_breaks() {
    check(vec![
        ("lf", "WEBVTT\n\n00:01.000 --> 00:02.000\na\nb\n", vec![cue(1000, 2000, "a\nb")]),
        ("crlf", "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\na\r\nb\r\n", vec![cue(1000, 2000, "a\nb")]),
        ("cr", "WEBVTT\r\r00:01.000 --> 00:02.000\ra\rb\r", vec![cue(1000, 2000, "a\nb")]),
        (
            "a lone cr among lf",
            "WEBVTT\n\n00:01.000 --> 00:02.000\none\r\r00:03.000 --> 00:04.000\ntwo\n",
            vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
        ),
        (
            "cr cr lf is a blank line",
            "WEBVTT\n\n00:01.000 --> 00:02.000\none\r\r\n00:03.000 --> 00:04.000\ntwo\n",
            vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
        ),
    ]);
}

/// "Replace all U+0000 NULL characters by U+FFFD": the cue stays.
#[test]
fn nul() {
    check(vec![
        ("after the timing", "WEBVTT\n\n00:01.000 --> 00:02.000\0\nhi\n", vec![cue(1000, 2000, "hi")]),
        ("as the text", "WEBVTT\n\n00:01.000 --> 00:02.000\n\0\n", vec![cue(1000, 2000, "\u{FFFD}")]),
        ("in the text", "WEBVTT\n\n00:01.000 --> 00:02.000\na\0b\n", vec![cue(1000, 2000, "a\u{FFFD}b")]),
    ]);
}

/// Blocks: a header under the signature; a cue's timing is its first line,
/// or its second after an identifier; a block ends at a blank line, or where
/// another `-->` line starts the next one.
#[test]
fn blocks() {
    check(vec![
        (
            "header lines",
            "WEBVTT\nKind: captions\nLanguage: ko\n\n00:00:01.000 --> 00:00:02.000\n안녕\n",
            vec![cue(1000, 2000, "안녕")],
        ),
        (
            "no blank line after the header",
            "WEBVTT\n00:01.000 --> 00:02.000\nhi\n",
            vec![cue(1000, 2000, "hi")],
        ),
        (
            "a timing after header lines ends the header",
            "WEBVTT\nKind: captions\n00:01.000 --> 00:02.000\nhi\n",
            vec![cue(1000, 2000, "hi")],
        ),
        (
            "identifiers",
            "WEBVTT\n\nintro\n00:01.000 --> 00:02.000\none\n\n2\n00:00:03.000 --> 00:00:04.000\ntwo\n",
            vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
        ),
        (
            "no blank line between cues",
            "WEBVTT\n\n00:01.000 --> 00:02.000\none\n00:03.000 --> 00:04.000\ntwo\n",
            vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
        ),
        (
            // The number is the first cue's text, as a browser shows it.
            "an srt-style number without a blank line is text",
            "WEBVTT\n\n00:01.000 --> 00:02.000\none\n2\n00:03.000 --> 00:04.000\ntwo\n",
            vec![cue(1000, 2000, "one\n2"), cue(3000, 4000, "two")],
        ),
        (
            "three lines before a timing: no cue, the timing starts the next block",
            "WEBVTT\n\na\nb\n00:01.000 --> 00:02.000\nkept\n",
            vec![cue(1000, 2000, "kept")],
        ),
        (
            "note, style and region blocks",
            "WEBVTT\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:fred width:40%\n\nNOTE\n\n00:01.000 --> 00:02.000\nkept\n",
            vec![cue(1000, 2000, "kept")],
        ),
        (
            "a line of spaces stays inside a cue",
            "WEBVTT\n\n00:01.000 --> 00:02.000\na\n \nb\n",
            vec![cue(1000, 2000, "a\nb")],
        ),
        (
            "tags and entities",
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Kim Yoo Jung>괜찮아요</v> <c.yellow>정말</c>\n\n00:00:03.000 --> 00:00:04.000\nA &lrm;B&nbsp;C &amp; &lt;D&gt;&rlm;\n",
            vec![cue(1000, 2000, "괜찮아요 정말"), cue(3000, 4000, "A B C & <D>")],
        ),
        (
            "a cue with no text is not kept",
            "WEBVTT\n\n00:01.000 --> 00:02.000\n\n00:03.000 --> 00:04.000\n<b></b>\n\n00:05.000 --> 00:06.000\nlast\n",
            vec![cue(5000, 6000, "last")],
        ),
    ]);
}

/// The timestamp grammar: `[hh+:]mm:ss.ttt`, minutes and seconds exactly two
/// digits below 60, milliseconds exactly three, hours two digits or more.
#[test]
fn timestamps() {
    let rows = [
        ("00:00.000", Some(0)),
        ("00:01.500", Some(1_500)),
        ("59:59.999", Some(3_599_999)),
        ("00:00:01.000", Some(1_000)),
        ("01:02:03.004", Some(3_723_004)),
        ("100:00:00.000", Some(360_000_000)),
        ("60:00:00.000", Some(216_000_000)),
        ("00:00:00.0000", None),
        ("000:00.000", None),
        ("00:00", None),
        ("0:00.000", None),
        ("00:0.000", None),
        ("00:00.00", None),
        ("00:00,000", None),
        ("00:60.000", None),
        ("00:60:00.000", None),
        ("60:00.000", None),
        ("00:00:00:00.000", None),
        ("-00:01.000", None),
        ("99999999999999999999:00:00.000", None),
        ("", None),
    ];
    for (text, ms) in rows {
        let line = format!("{text} --> 99:00:00.000");
        assert_eq!(cue_timings(&line).map(|(start, _)| start), ms, "{text:?}");
    }
}

/// The timing line: spaces and tabs around `-->` (none needed), settings
/// after the end read past; anything else — a vertical tab — fails the cue.
#[test]
fn timing_lines() {
    let rows = [
        ("00:01.000 --> 00:02.000", Some((1_000, 2_000))),
        ("00:01.000-->00:02.000", Some((1_000, 2_000))),
        ("\t 00:01.000 \t-->\t 00:02.000 \t", Some((1_000, 2_000))),
        (
            "00:01.000 --> 00:02.000 align:start position:10% line:0 size:50% vertical:rl",
            Some((1_000, 2_000)),
        ),
        ("00:01.000 --> 00:02.000 bogus:setting nonsense", Some((1_000, 2_000))),
        ("00:01.000 --> 00:02.000region:x", Some((1_000, 2_000))),
        ("00:05.000 --> 00:04.000", Some((5_000, 4_000))),
        ("00:01.000\u{0B}--> 00:02.000", None),
        ("00:01.000 -->\u{0B}00:02.000", None),
        ("\u{0B}00:01.000 --> 00:02.000", None),
        ("00:01.000 -- > 00:02.000", None),
        ("00:01.000 --> ", None),
        ("00:01.000 --> 00:02.0000", None),
        ("x 00:01.000 --> 00:02.000", None),
        ("00:00:01,000 --> 00:00:02,000", None),
    ];
    for (line, times) in rows {
        assert_eq!(cue_timings(line), times, "{line:?}");
    }
}

/// What the parser keeps that a loose reader would change.
#[test]
fn kept_as_written() {
    check(vec![
        (
            "an end before the start",
            "WEBVTT\n\n00:03.000 --> 00:02.000\nbackwards\n",
            vec![cue(3000, 2000, "backwards")],
        ),
        (
            "the same words at consecutive cues",
            "WEBVTT\n\n00:01.000 --> 00:02.000\nNo!\n\n00:02.000 --> 00:03.000\nNo!\n",
            vec![cue(1000, 2000, "No!"), cue(2000, 3000, "No!")],
        ),
        (
            "the same words in overlapping cues",
            "WEBVTT\n\n00:01.000 --> 00:05.000\nhello\n\n00:02.000 --> 00:03.000\nhello\n",
            vec![cue(1000, 5000, "hello"), cue(2000, 3000, "hello")],
        ),
        (
            "a rolling shape without word timings",
            "WEBVTT\n\n00:01.000 --> 00:02.000\none\ntwo\n\n00:02.000 --> 00:03.000\ntwo\nthree\n\n00:03.000 --> 00:04.000\nthree\nfour\n",
            vec![cue(1000, 2000, "one\ntwo"), cue(2000, 3000, "two\nthree"), cue(3000, 4000, "three\nfour")],
        ),
        (
            "out of order: sorted by start, stably",
            "WEBVTT\n\n00:05.000 --> 00:06.000\nlater\n\n00:01.000 --> 00:02.000\nfirst\n\n00:01.000 --> 00:01.500\nsecond\n",
            vec![cue(1000, 2000, "first"), cue(1000, 1500, "second"), cue(5000, 6000, "later")],
        ),
        (
            "a broken timing drops its cue only",
            "WEBVTT\n\n00:01.000 --> 00:0x.000\nbroken\n\n00:04.000 --> 00:05.000\ngood\n",
            vec![cue(4000, 5000, "good")],
        ),
    ]);
}

/// A file that is valid with no cue is read, with none.
#[test]
fn no_cues_is_valid() {
    for text in [
        "WEBVTT",
        "WEBVTT\n",
        "WEBVTT\nKind: captions\nLanguage: ko\n\n\n",
        "WEBVTT - title\n\nNOTE nothing yet\n\nSTYLE\n::cue { color: red }\n",
    ] {
        assert_eq!(parse(text), Ok(vec![]), "{text:?}");
    }
}

/// The shape yt-dlp saves YouTube's automatic captions in: words revealed
/// by inline timestamps, a line of one space, 10 ms cues that only repeat.
#[test]
fn youtube_rolling_captions_collapse() {
    let text = "WEBVTT\nKind: captions\nLanguage: en\n\n\
        00:00:00.000 --> 00:00:02.330 align:start position:0%\n \n\
        so<00:00:00.359><c> today</c><00:00:00.719><c> we're</c><00:00:01.079><c> going</c>\n\n\
        00:00:02.330 --> 00:00:02.340 align:start position:0%\nso today we're going\n \n\n\
        00:00:02.340 --> 00:00:04.670 align:start position:0%\nso today we're going\n\
        to<00:00:02.580><c> the</c><00:00:02.820><c> horse</c><00:00:03.060><c> farm</c>\n\n\
        00:00:04.670 --> 00:00:04.680 align:start position:0%\nto the horse farm\n \n\n\
        00:00:04.680 --> 00:00:07.000 align:start position:0%\nto the horse farm\n\
        and<00:00:05.000><c> she</c><00:00:05.500><c> laughed</c>\n";
    let expected = vec![
        cue(0, 4670, "so today we're going"),
        cue(2340, 7000, "to the horse farm"),
        cue(4680, 7000, "and she laughed"),
    ];
    assert_eq!(parse(text), Ok(expected));
}

/// In a word-timed file, a line said again later (not by the next cue, or
/// not where the cue before ended) is a second moment.
#[test]
fn rolling_collapse_is_narrow() {
    let text = "WEBVTT\n\n\
        00:00:00.000 --> 00:00:02.000\nno<00:00:01.000><c> way</c>\n\n\
        00:00:05.000 --> 00:00:07.000\nno way\nreally\n\n\
        00:00:07.000 --> 00:00:09.000\nagain\n\n\
        00:00:09.000 --> 00:00:11.000\nno way\n";
    let texts: Vec<(i64, String)> = parse(text).unwrap().into_iter().map(|c| (c.start_ms, c.text)).collect();
    let expected = [(0, "no way"), (5000, "no way\nreally"), (7000, "again"), (9000, "no way")];
    assert_eq!(texts, expected.map(|(s, t)| (s, t.to_string())));
}

#[test]
fn word_timings_are_recognised() {
    assert!(has_word_timings("so<00:00:00.359><c> today</c>"));
    assert!(has_word_timings("<01:00:00.359>x"));
    assert!(!has_word_timings("<c.yellow>x</c> <v Kim>y</v>"));
    assert!(!has_word_timings("<00:00:00.35>x"));
}

#[test]
fn errors_say_what_and_where() {
    let rows = [
        ("", "line 1: the WebVTT file is empty"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nsrt really\n",
            "line 1: \"1\" — a WebVTT file must start with WEBVTT",
        ),
        ("\n\nWEBVTT\n", "line 1: \"\" — a WebVTT file must start with WEBVTT"),
        (
            "WEBVTT\n\nNOTE only\n\n00:01.000 --> 00:61.000\nx\n",
            "line 5: \"00:01.000 --> 00:61.000\" is not a timing line (expected one like 00:01:02.500 --> 00:01:04.000)",
        ),
        (
            "WEBVTT\n\nhello there\n",
            "line 3: \"hello there\" — this is not WebVTT: no timing like 00:01:02.500 --> 00:01:04.000 anywhere in the file",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<b></b>\n",
            "line 3: all 1 WebVTT cues are empty once tags are removed",
        ),
    ];
    for (text, message) in rows {
        assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
    }
}
