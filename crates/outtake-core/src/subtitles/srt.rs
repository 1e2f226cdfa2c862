//! SRT (SubRip): numbered blocks of a `start --> end` line and text lines,
//! read the way players read the sloppy files people actually share.

use super::text::{clean_cue_text, split_lines};
use super::timing::{Notes, finish, is_timing_like, timing};
use super::{SubtitleError, SubtitleFormat};
use crate::cues::CueInput;

/// Reads an SRT body. Index numbers are optional; a blank line inside a
/// cue's text does not end the cue — only the next timing line (or index
/// number before one) does, so text after an odd blank line is kept.
pub(super) fn parse(text: &str) -> Result<Vec<CueInput>, SubtitleError> {
    let lines = split_lines(text);
    let mut notes = Notes::default();
    let mut cues = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let Some((start_ms, end_ms)) = timing(line) else {
            note_other(&mut notes, &lines, i);
            i += 1;
            continue;
        };
        notes.saw_cue(i);
        let end = text_end(&lines, i + 1);
        let text = clean_cue_text(&lines[i + 1..end].join("\n"));
        if !text.is_empty() {
            cues.push(CueInput::new(start_ms, end_ms, text));
        }
        i = end;
    }
    if cues.is_empty() {
        return Err(notes.into_error(SubtitleFormat::Srt, &lines));
    }
    Ok(finish(cues))
}

/// Index numbers are not text; anything else outside a cue is noted in case
/// the file turns out to have no cue at all.
fn note_other(notes: &mut Notes, lines: &[&str], i: usize) {
    let line = lines[i];
    if is_timing_like(line) {
        notes.saw_bad_timing(i, line);
    } else if !starts_cue(lines, i) {
        notes.saw_text(i, line);
    }
}

/// Where a cue's text lines starting at `from` end: at the next line meant
/// as a timing, or at an index number that comes before one.
fn text_end(lines: &[&str], from: usize) -> usize {
    (from..lines.len()).find(|&j| is_timing_like(lines[j]) || starts_cue(lines, j)).unwrap_or(lines.len())
}

/// Whether line `i` is an index number whose next non-blank line is a timing.
fn starts_cue(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let is_index = !line.is_empty() && line.len() <= 9 && line.bytes().all(|b| b.is_ascii_digit());
    is_index && lines[i + 1..].iter().find(|l| !l.trim().is_empty()).is_some_and(|next| is_timing_like(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
        CueInput::new(start_ms, end_ms, text)
    }

    #[test]
    fn syntax_edges() {
        let rows: Vec<(&str, &str, Vec<CueInput>)> = vec![
            ("plain", "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n", vec![cue(1000, 2500, "Hello")]),
            (
                "crlf",
                "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello\r\nthere\r\n\r\n",
                vec![cue(1000, 2500, "Hello\nthere")],
            ),
            (
                "dot, no hours, no index",
                "00:01.5 --> 00:02.0\nshort times\n",
                vec![cue(1500, 2000, "short times")],
            ),
            (
                "extra spaces",
                "  1  \n 00:00:01 ,000  -->  00:00:02,000 \n  hi  \n",
                vec![cue(1000, 2000, "hi")],
            ),
            (
                "no blank line before the next index",
                "1\n00:00:01.000 --> 00:00:02.000\n<i>in</i> {\\an8}<font color=\"red\">red</font>\n2\n00:00:03,000 --> 00:00:04,000\nnext\n",
                vec![cue(1000, 2000, "in red"), cue(3000, 4000, "next")],
            ),
            (
                "blank lines at odd places",
                "\n\n\n1\n\n00:00:01,000 --> 00:00:02,000\n\nfirst\n\nsecond\n\n\n\n2\n00:00:03,000 --> 00:00:04,000\nthird\n",
                vec![cue(1000, 2000, "first\nsecond"), cue(3000, 4000, "third")],
            ),
            (
                "a cue whose text is a number",
                "1\n00:00:01,000 --> 00:00:02,000\n2\n\n3\n00:00:03,000 --> 00:00:04,000\nthree\n",
                vec![cue(1000, 2000, "2"), cue(3000, 4000, "three")],
            ),
            (
                "backwards and empty",
                "1\n00:00:05,000 --> 00:00:04,000\nbackwards\n\n2\n00:00:06,000 --> 00:00:07,000\n<i> </i>\n\n3\n00:00:20,000 --> 00:00:21,000\nlater\n",
                vec![cue(5000, 8000, "backwards"), cue(20_000, 21_000, "later")],
            ),
            (
                "a broken timing drops only its cue",
                "1\n00:00:01,000 --> 00:99:02,000\nbad end\n\n2\n00:00:03,000 --> 00:00:04,000\n  two\n  lines  \n",
                vec![cue(3000, 4000, "two\nlines")],
            ),
            (
                "out of order",
                "2\n00:00:05,000 --> 00:00:06,000\nsecond\n\n1\n00:00:01,000 --> 00:00:02,000\nfirst\n",
                vec![cue(1000, 2000, "first"), cue(5000, 6000, "second")],
            ),
            ("old mac line ends", "1\r00:00:01,000 --> 00:00:02,000\rmac\r", vec![cue(1000, 2000, "mac")]),
            ("no final newline", "1\n00:00:01,000 --> 00:00:02,000\nend", vec![cue(1000, 2000, "end")]),
            (
                "a WebVTT file named .srt",
                "WEBVTT\n\n00:01.000 --> 00:02.000 align:start\n<v Emo>Was jetzt?</v>\n",
                vec![cue(1000, 2000, "Was jetzt?")],
            ),
        ];
        for (name, text, expected) in rows {
            assert_eq!(parse(text), Ok(expected), "{name}");
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let rows = [
            ("", "line 1: the SRT file is empty"),
            (" \n\n", "line 1: the SRT file is empty"),
            (
                "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an8}\n",
                "line 2: all 2 SRT cues are empty once tags are removed",
            ),
            (
                "\n\n\n\n\n\n\n\n\n\n12\n00:01:xx,000 --> 00:01:03,000\nhello\n",
                "line 12: \"00:01:xx,000 --> 00:01:03,000\" is not a timing line (expected one like 00:01:02,500 --> 00:01:04,000)",
            ),
            (
                "\njust some text\nmore",
                "line 2: \"just some text\" — this is not SRT: no timing like 00:01:02,500 --> 00:01:04,000 anywhere in the file",
            ),
        ];
        for (text, message) in rows {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }
}
