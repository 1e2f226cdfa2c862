//! WebVTT: a `WEBVTT` header, then blocks — cues (optional identifier, timing
//! with settings, text) and NOTE/STYLE/REGION blocks, which carry no text.
//! YouTube's rolling automatic captions are collapsed so each line appears once.

use std::collections::HashMap;

use super::text::{clean_cue_text, quote, split_lines};
use super::timing::{Notes, finish, is_timing_like, timing};
use super::{SubtitleError, SubtitleFormat};
use crate::cues::CueInput;

pub(super) fn parse(text: &str) -> Result<Vec<CueInput>, SubtitleError> {
    let lines = split_lines(text);
    let mut notes = Notes::default();
    let mut cues = Vec::new();
    let mut i = body_start(&lines)?;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
        } else if is_textless_block(line) {
            i = block_end(&lines, i + 1);
        } else if let Some((start_ms, end_ms)) = timing(line) {
            notes.saw_cue(i);
            let end = text_end(&lines, i + 1);
            let text = clean_cue_text(&lines[i + 1..end].join("\n"));
            if !text.is_empty() {
                cues.push(CueInput { start_ms, end_ms, text });
            }
            i = end;
        } else {
            note_other(&mut notes, &lines, i);
            i += 1;
        }
    }
    if cues.is_empty() {
        return Err(notes.into_error(SubtitleFormat::Vtt, &lines));
    }
    Ok(finish(collapse_rolling(cues)))
}

/// Checks the `WEBVTT` line (blank lines before it are forgiven) and skips
/// the header under it (`EntityKind: captions`, `Language: en`, …).
fn body_start(lines: &[&str]) -> Result<usize, SubtitleError> {
    let Some(at) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Err(SubtitleError::Empty { line: 1, format: SubtitleFormat::Vtt });
    };
    let first = lines[at].trim_start_matches('\u{feff}').trim_start();
    let signature = first.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("WEBVTT"))
        && first.get(6..).is_some_and(|rest| !rest.starts_with(char::is_alphanumeric));
    if !signature {
        return Err(SubtitleError::NotVtt { line: at + 1, found: quote(lines[at]) });
    }
    // A timing straight under the header (no blank line) still starts the body.
    Ok((at + 1..lines.len())
        .find(|&j| lines[j].is_empty() || is_timing_like(lines[j]))
        .unwrap_or(lines.len()))
}

/// NOTE, STYLE and REGION blocks hold comments and styling, never cue text.
fn is_textless_block(line: &str) -> bool {
    let word = line.split([' ', '\t']).next().unwrap_or("");
    matches!(word, "NOTE" | "STYLE" | "REGION")
}

/// A block ends at an empty line; a timing line also ends it, for files that
/// forgot the blank line before a cue.
fn block_end(lines: &[&str], from: usize) -> usize {
    (from..lines.len()).find(|&j| lines[j].is_empty() || is_timing_like(lines[j])).unwrap_or(lines.len())
}

/// A cue's text ends at an empty line — not at a line of spaces, which
/// YouTube puts inside cues — or at the next timing line when the blank line
/// before it is missing. Without the blank line, a number right above that
/// timing is the next cue's SRT-style index, not text.
fn text_end(lines: &[&str], from: usize) -> usize {
    let stop = (from..lines.len()).find(|&j| lines[j].is_empty() || is_timing_like(lines[j]));
    match stop {
        Some(stop) if stop > from && is_timing_like(lines[stop]) && is_number(lines[stop - 1]) => stop - 1,
        Some(stop) => stop,
        None => lines.len(),
    }
}

fn is_number(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

/// A line just above a timing line is that cue's identifier.
fn is_identifier(lines: &[&str], j: usize) -> bool {
    !lines[j].trim().is_empty() && lines.get(j + 1).is_some_and(|next| is_timing_like(next))
}

fn note_other(notes: &mut Notes, lines: &[&str], i: usize) {
    if is_timing_like(lines[i]) {
        notes.saw_bad_timing(i, lines[i]);
    } else if !is_identifier(lines, i) {
        notes.saw_text(i, lines[i]);
    }
}

/// YouTube's automatic captions (as yt-dlp saves them) roll: every cue
/// repeats the line before it, and 10 ms cues in between repeat it again.
/// When most cues do that, each line is kept once — in the cue that brought
/// it, which then lasts as long as the line stays on screen.
fn collapse_rolling(cues: Vec<CueInput>) -> Vec<CueInput> {
    if !rolls(&cues) {
        return cues;
    }
    let mut out: Vec<CueInput> = Vec::new();
    // The previous cue's lines, each with the index in `out` of the cue that brought it.
    let mut shown: HashMap<String, usize> = HashMap::new();
    for cue in cues {
        let mut now_shown = HashMap::new();
        let mut fresh = Vec::new();
        for line in cue.text.lines() {
            match shown.get(line) {
                Some(&at) => {
                    out[at].end_ms = out[at].end_ms.max(cue.end_ms);
                    now_shown.insert(line.to_string(), at);
                }
                None => fresh.push(line),
            }
        }
        if !fresh.is_empty() {
            now_shown.extend(fresh.iter().map(|line| (line.to_string(), out.len())));
            out.push(CueInput { text: fresh.join("\n"), ..cue });
        }
        shown = now_shown;
    }
    out
}

/// Whether at least half the cues repeat the line the cue before ended on.
fn rolls(cues: &[CueInput]) -> bool {
    let pairs = cues.len().saturating_sub(1);
    let repeats = cues
        .windows(2)
        .filter(|w| w[0].text.lines().last().is_some_and(|last| w[1].text.lines().any(|l| l == last)))
        .count();
    pairs >= 2 && repeats * 2 >= pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
        CueInput { start_ms, end_ms, text: text.into() }
    }

    #[test]
    fn syntax_edges() {
        let rows: Vec<(&str, &str, Vec<CueInput>)> = vec![
            ("minimal", "WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", vec![cue(1000, 2000, "hi")]),
            (
                "bom, title, header lines",
                "\u{feff}WEBVTT - Lovers of the Red Sky\nKind: captions\nLanguage: ko\n\n00:00:01.000 --> 00:00:02.000\n안녕\n",
                vec![cue(1000, 2000, "안녕")],
            ),
            (
                "no blank line after the header",
                "WEBVTT\n00:01.000 --> 00:02.000\nhi\n",
                vec![cue(1000, 2000, "hi")],
            ),
            (
                "note, style and region blocks",
                "WEBVTT\n\nNOTE a comment\nspanning 00:00:05.000 lines\n\nSTYLE\n::cue { color: red }\n\nREGION\nid:fred width:40%\n\nNOTE\n\n00:01.000 --> 00:02.000\nkept\n",
                vec![cue(1000, 2000, "kept")],
            ),
            (
                "identifiers and settings",
                "WEBVTT\n\nintro\n00:01.000 --> 00:02.000 align:start position:10%\none\n\n2\n00:00:03.000 --> 00:00:04.000 line:6% size:110%\ntwo\n",
                vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
            ),
            (
                "tags and entities",
                "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Kim Yoo Jung>괜찮아요</v> <00:00:01.500><c.colorE5E5E5>정말</c>\n\n00:00:03.000 --> 00:00:04.000\nA &lrm;B&nbsp;C &amp; &lt;D&gt;&rlm;\n",
                vec![cue(1000, 2000, "괜찮아요 정말"), cue(3000, 4000, "A B C & <D>")],
            ),
            (
                "crlf and no blank line between cues",
                "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\none\r\n00:03.000 --> 00:04.000\r\ntwo\r\n",
                vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
            ),
            (
                "srt-style numbers without blank lines",
                "WEBVTT\n1\n00:01.000 --> 00:02.000\none\n2\n00:03.000 --> 00:04.000\ntwo\n",
                vec![cue(1000, 2000, "one"), cue(3000, 4000, "two")],
            ),
            (
                "a broken cue among good ones",
                "WEBVTT\n\n00:01.000 --> 00:0x.000\nbroken\n\n00:03.000 --> 00:02.000\nbackwards\n\n00:04.000 --> 00:05.000\n<c></c>\n",
                vec![cue(3000, 6000, "backwards")],
            ),
        ];
        for (name, text, expected) in rows {
            assert_eq!(parse(text), Ok(expected), "{name}");
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

    #[test]
    fn ordinary_repeats_stay() {
        // One repeated line is dialogue ("No!" "No!"), not rolling captions.
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\nNo!\n\n00:02.000 --> 00:03.000\nNo!\n\n\
                    00:03.000 --> 00:04.000\nStop\n\n00:04.000 --> 00:05.000\nPlease\n\n00:05.000 --> 00:06.000\nGo\n";
        let texts: Vec<String> = parse(text).unwrap().into_iter().map(|c| c.text).collect();
        assert_eq!(texts, ["No!", "No!", "Stop", "Please", "Go"]);
    }

    #[test]
    fn errors_say_what_and_where() {
        let rows = [
            ("", "line 1: the WebVTT file is empty"),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nsrt really\n",
                "line 1: \"1\" — a WebVTT file must start with WEBVTT",
            ),
            ("\n\nWEBVTTX\n", "line 3: \"WEBVTTX\" — a WebVTT file must start with WEBVTT"),
            ("WEBVTT\n", "line 1: the WebVTT file ends here, without a single cue"),
            ("WEBVTT\nKind: captions\n\n\n", "line 2: the WebVTT file ends here, without a single cue"),
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
}
