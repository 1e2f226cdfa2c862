//! ASS/SSA (Advanced SubStation Alpha), the fansub format: `Dialogue:` events
//! in `[Events]`, their fields named by the section's `Format:` line, text
//! styled with `{\…}` override blocks. Read the way libass (every player's
//! renderer) reads it; lines that are signs or karaoke are marked so search
//! can rank them below what people say.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::text::{split_lines, tidy_line};
use super::timing::Notes;
use super::{SubtitleError, SubtitleFormat};
use crate::cues::{CueInput, CueKind};

/// The field order ASS (v4+) files declare, used until a `Format:` line says
/// otherwise. SSA's `Marked` sits where ASS has `Layer`; neither is read.
const DEFAULT_FORMAT: [&str; 10] =
    ["layer", "start", "end", "style", "name", "marginl", "marginr", "marginv", "effect", "text"];

/// Words of style names that fansubbers give to lines that are not spoken:
/// on-screen text (signs) and sung lyrics (songs). Compared with whole words
/// of the name (`OP_Romaji` → `op`, `romaji`), any case.
const SIGN_WORDS: &[&str] =
    &["sign", "signs", "ts", "typeset", "typesetting", "title", "titles", "screen", "간판", "표지"];
const SONG_WORDS: &[&str] = &[
    "song",
    "songs",
    "karaoke",
    "kara",
    "kfx",
    "op",
    "ed",
    "opening",
    "ending",
    "insert",
    "lyrics",
    "romaji",
    "노래",
    "가사",
    "오프닝",
    "엔딩",
];

/// One `Dialogue:` event, before the file's main style is known.
struct Event {
    start_ms: i64,
    end_ms: i64,
    style: String,
    text: String,
    kind: Option<CueKind>,
    /// Placed by `\pos`/`\move` or drawn (`\p1`): a sign unless in the main style.
    placed: bool,
}

pub(super) fn parse(text: &str) -> Result<Vec<CueInput>, SubtitleError> {
    let lines = split_lines(text);
    let mut notes = Notes::default();
    let mut section = String::new();
    let mut format: Vec<String> = DEFAULT_FORMAT.iter().map(|f| f.to_string()).collect();
    let mut wrap_style_2 = false;
    let mut events = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim();
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        if section.is_empty() {
            // Text before any section: this may be another kind of file.
            notes.saw_text(i, line);
        }
        let Some((key, value)) = line.split_once(':') else { continue };
        match (section.as_str(), key.trim().to_ascii_lowercase().as_str()) {
            ("script info", "wrapstyle") => wrap_style_2 = value.trim() == "2",
            ("events", "format") => {
                format = value.split(',').map(|f| f.trim().to_ascii_lowercase()).collect();
            }
            ("events", "dialogue") => match event(value, &format, wrap_style_2) {
                Some(event) => {
                    notes.saw_cue(i);
                    events.extend((!event.text.is_empty()).then_some(event));
                }
                None => notes.saw_bad_timing(i, line),
            },
            // Comment, Picture, Sound, Movie, Command: nothing anyone says;
            // styles, fonts and script info neither.
            _ => {}
        }
    }
    if events.is_empty() {
        return Err(notes.into_error(SubtitleFormat::Ass, &lines));
    }
    Ok(cues(events))
}

/// The cues of the events, each marked: the style most lines use is the
/// dialogue's, so a placed line in another style is a sign.
fn cues(events: Vec<Event>) -> Vec<CueInput> {
    let main = main_style(&events);
    let mut cues: Vec<CueInput> = events
        .into_iter()
        .map(|e| {
            let placed = e.placed && e.style != main;
            let kind = e.kind.unwrap_or(if placed { CueKind::Sign } else { CueKind::Dialogue });
            CueInput { start_ms: e.start_ms, end_ms: e.end_ms, text: e.text, kind }
        })
        .collect();
    // Stable: events that start together keep the file's order. Times stay
    // as written, as players keep them (an end before its start never shows).
    cues.sort_by_key(|c| c.start_ms);
    cues
}

/// The style of the most events that are neither songs nor signs by name.
fn main_style(events: &[Event]) -> String {
    // Each style's count and where it was first met: ties go to the style met first.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for (at, event) in events.iter().enumerate().filter(|(_, e)| e.kind.is_none()) {
        counts.entry(&event.style).or_insert((0, at)).0 += 1;
    }
    let best = counts.into_iter().max_by_key(|(_, (n, first))| (*n, std::cmp::Reverse(*first)));
    best.map_or(String::new(), |(style, _)| style.to_string())
}

/// A `Dialogue:` line's value split by the format: every field up to the
/// text ends at a comma, the text takes the rest (it may hold commas).
fn event(value: &str, format: &[String], wrap_style_2: bool) -> Option<Event> {
    let text_at = format.iter().position(|f| f == "text").unwrap_or(format.len().saturating_sub(1));
    let fields: Vec<&str> = value.trim_start().splitn(text_at + 1, ',').collect();
    let field = |name: &str| format.iter().position(|f| f == name).and_then(|at| fields.get(at).copied());
    let start_ms = timestamp(field("start")?)?;
    let end_ms = timestamp(field("end")?)?;
    let raw = fields.get(text_at).copied().unwrap_or("");
    let style = field("style").unwrap_or("").trim().trim_start_matches('*').to_string();
    let plain = plain_text(raw, wrap_style_2);
    let kind = kind_by_name(&style).or(plain.karaoke.then_some(CueKind::Song));
    Some(Event { start_ms, end_ms, style, text: plain.text, kind, placed: plain.placed })
}

/// `H:MM:SS.CC` → milliseconds. As libass reads it: the fraction counts
/// hundredths whatever its length (`0:00:01.5` is 1.05 s); fields are any
/// non-negative numbers, so `0:0:1.50` reads too.
pub(super) fn timestamp(text: &str) -> Option<i64> {
    let (clock, fraction) = text.trim().split_once('.')?;
    let mut fields = clock.split(':');
    let (hours, minutes, seconds) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() {
        return None;
    }
    let number = |field: &str| -> Option<i64> {
        let ok = !field.is_empty() && field.len() <= 9 && field.bytes().all(|b| b.is_ascii_digit());
        if ok { field.parse().ok() } else { None }
    };
    let seconds = (number(hours)? * 60 + number(minutes)?) * 60 + number(seconds)?;
    Some(seconds * 1000 + number(fraction)? * 10)
}

/// Whether a style's name says its lines are signs or songs.
fn kind_by_name(style: &str) -> Option<CueKind> {
    let words: Vec<String> = style
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if has(SONG_WORDS) {
        Some(CueKind::Song)
    } else if has(SIGN_WORDS) {
        Some(CueKind::Sign)
    } else {
        None
    }
}

/// An event's text as people read it, and what its override tags said.
#[derive(Debug, PartialEq)]
struct Plain {
    text: String,
    /// `\k`, `\kf`, `\ko`, `\K`: syllable timings, so lyrics.
    karaoke: bool,
    /// `\pos`, `\move` or a drawing.
    placed: bool,
}

/// Override blocks (`{\i1}`, `{\pos(10,20)\fad(0,200)}`, and `{comments}`)
/// go; `\N` is a line break, `\n` one too under wrap style 2 (else a space),
/// `\h` a space. Text drawn in `\p1` mode is vector commands, not words.
fn plain_text(raw: &str, wrap_style_2: bool) -> Plain {
    let (mut out, mut karaoke, mut placed, mut drawing) = (String::new(), false, false, false);
    // Known up front, so a thousand unclosed `{` do not each search to the end.
    let last_close = raw.rfind('}');
    let mut rest = raw;
    while !rest.is_empty() {
        let closable = last_close.is_some_and(|end| raw.len() - rest.len() < end);
        if let Some(block) = rest.strip_prefix('{').filter(|_| closable)
            && let Some(end) = block.find('}')
        {
            let tags = &block[..end];
            karaoke |= has_tag(tags, &["k", "K", "kf", "ko"], true);
            placed |= has_tag(tags, &["pos", "move"], false);
            if let Some(mode) = drawing_mode(tags) {
                drawing = mode;
                placed |= mode;
            }
            rest = &block[end + 1..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        let (piece, len) = match (c, rest.as_bytes().get(1)) {
            ('\\', Some(b'N')) => ("\n", 2),
            ('\\', Some(b'n')) => (if wrap_style_2 { "\n" } else { " " }, 2),
            ('\\', Some(b'h')) => (" ", 2),
            _ => (&rest[..c.len_utf8()], c.len_utf8()),
        };
        if !drawing {
            out.push_str(piece);
        }
        rest = &rest[len..];
    }
    let lines: Vec<String> = out.split('\n').map(tidy_line).filter(|l| !l.is_empty()).collect();
    Plain { text: lines.join("\n").nfc().collect(), karaoke, placed }
}

/// Whether an override block holds one of `names` (`\pos(…)`, `\k20`).
/// `numbered`: the name must be followed by a digit (so `\kf20` is `kf`,
/// not a `\k` of `f20`).
fn has_tag(tags: &str, names: &[&str], numbered: bool) -> bool {
    tags.split('\\').skip(1).any(|tag| {
        names.iter().any(|name| {
            tag.strip_prefix(name).is_some_and(|after| {
                let next = after.trim_start().chars().next();
                if numbered { next.is_some_and(|c| c.is_ascii_digit()) } else { next == Some('(') }
            })
        })
    })
}

/// The drawing mode an override block leaves: `\p1` and up draw, `\p0` ends it.
fn drawing_mode(tags: &str) -> Option<bool> {
    let mut mode = None;
    for tag in tags.split('\\').skip(1) {
        if let Some(level) = tag.strip_prefix('p')
            && let Ok(level) = level.trim().parse::<u32>()
        {
            mode = Some(level > 0);
        }
    }
    mode
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str, kind: CueKind) -> CueInput {
        CueInput { start_ms, end_ms, text: text.into(), kind }
    }

    #[test]
    fn timestamps() {
        let rows = [
            ("0:00:01.00", Some(1_000)),
            ("1:02:03.45", Some(3_723_450)),
            ("0:00:01.5", Some(1_050)),
            ("0:0:1.50", Some(1_500)),
            ("10:00:00.00", Some(36_000_000)),
            (" 0:00:02.00 ", Some(2_000)),
            ("0:00:01", None),
            ("00:01.00", None),
            ("0:00:01,00", None),
            ("-0:00:01.00", None),
            ("0:00:0x.00", None),
            ("0:00:00:01.00", None),
            ("9999999999:00:00.00", None),
            ("", None),
        ];
        for (text, ms) in rows {
            assert_eq!(timestamp(text), ms, "{text:?}");
        }
    }

    #[test]
    fn text_and_tags() {
        let plain = |text: &str, karaoke, placed| Plain { text: text.into(), karaoke, placed };
        let rows = [
            ("{\\i1}괜찮아요{\\i0}", false, plain("괜찮아요", false, false)),
            ("첫 줄\\N둘째 줄", false, plain("첫 줄\n둘째 줄", false, false)),
            ("soft\\nbreak", false, plain("soft break", false, false)),
            ("soft\\nbreak", true, plain("soft\nbreak", false, false)),
            ("hard\\hspace", false, plain("hard space", false, false)),
            ("{TL note: a pun}Hi, there", false, plain("Hi, there", false, false)),
            ("{\\an8\\pos(640,50)}표지판", false, plain("표지판", false, true)),
            ("{\\move(0,0,10,10)}moving", false, plain("moving", false, true)),
            ("{\\k20}ka{\\kf30}ra{\\ko10}o{\\K5}ke", false, plain("karaoke", true, false)),
            ("{\\kerning1}not karaoke", false, plain("not karaoke", false, false)),
            ("{\\p1}m 0 0 l 100 0 100 100{\\p0}drawn", false, plain("drawn", false, true)),
            ("{\\fad(0,200)\\blur2}{\\c&H00FF00&}green", false, plain("green", false, false)),
            ("a {not closed", false, plain("a {not closed", false, false)),
            ("\\N\\N  spaced \\N", false, plain("spaced", false, false)),
            ("<i>literal</i> &amp;", false, plain("<i>literal</i> &amp;", false, false)),
        ];
        for (raw, wrap, expected) in rows {
            assert_eq!(plain_text(raw, wrap), expected, "{raw:?}");
        }
    }

    #[test]
    fn kinds_by_style_name() {
        let rows = [
            ("Default", None),
            ("Main", None),
            ("Sign", Some(CueKind::Sign)),
            ("Signs-Top", Some(CueKind::Sign)),
            ("TS_title", Some(CueKind::Sign)),
            ("Designs", None),
            ("OP_Romaji", Some(CueKind::Song)),
            ("ED Korean", Some(CueKind::Song)),
            ("Opening", Some(CueKind::Song)),
            ("Kara-FX", Some(CueKind::Song)),
            ("Edward", None),
            ("노래 가사", Some(CueKind::Song)),
        ];
        for (style, kind) in rows {
            assert_eq!(kind_by_name(style), kind, "{style}");
        }
    }

    #[test]
    fn events_by_format() {
        use CueKind::{Dialogue, Sign, Song};
        let rows: Vec<(&str, &str, Vec<CueInput>)> = vec![
            (
                "text with commas, format reordered",
                "[Events]\nFormat: Start, End, Text\nDialogue: 0:00:01.00,0:00:02.00,Well, well, well\n",
                vec![cue(1000, 2000, "Well, well, well", Dialogue)],
            ),
            (
                "no format line: the v4+ default",
                "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,hi, you\n",
                vec![cue(1000, 2000, "hi, you", Dialogue)],
            ),
            (
                "ssa v4",
                "[Script Info]\nScriptType: v4.00\n\n[Events]\nFormat: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
                 Dialogue: Marked=0,0:00:03.00,0:00:04.50,*Default,NTP,0000,0000,0000,,SSA line\n",
                vec![cue(3000, 4500, "SSA line", Dialogue)],
            ),
            (
                "comments and other events skipped",
                "[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
                 Comment: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,timing note\n\
                 Picture: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,pic.png\n\
                 Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,said\n",
                vec![cue(5000, 6000, "said", Dialogue)],
            ),
            (
                "dialogue outside [Events] is not an event",
                "[V4+ Styles]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,stray\n[Events]\n\
                 Dialogue: 0,0:00:05.00,0:00:06.00,Default,,0,0,0,,kept\n",
                vec![cue(5000, 6000, "kept", Dialogue)],
            ),
            (
                "placed lines: dialogue in the main style, signs in another",
                "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\pos(10,10)}placed speech\n\
                 Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,one\n\
                 Dialogue: 0,0:00:02.00,0:00:03.00,Alt,,0,0,0,,{\\pos(10,10)}병원\n\
                 Dialogue: 0,0:00:04.00,0:00:05.00,Alt,,0,0,0,,unplaced alt\n",
                vec![
                    cue(1000, 2000, "placed speech", Dialogue),
                    cue(1000, 2000, "one", Dialogue),
                    cue(2000, 3000, "병원", Sign),
                    cue(4000, 5000, "unplaced alt", Dialogue),
                ],
            ),
            (
                "karaoke tags make a song in any style",
                "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\k50}사{\\k50}랑\n",
                vec![cue(1000, 2000, "사랑", Song)],
            ),
            (
                "an end before the start is kept as written",
                "[Events]\nDialogue: 0,0:00:05.00,0:00:04.00,Default,,0,0,0,,backwards\n\
                 Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,first\n",
                vec![cue(1000, 2000, "first", Dialogue), cue(5000, 4000, "backwards", Dialogue)],
            ),
            (
                "a bad time drops its event, an empty text too",
                "[Events]\nDialogue: 0,0:00:xx.00,0:00:02.00,Default,,0,0,0,,bad\n\
                 Dialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\fad(1,1)}\n\
                 Dialogue: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,good\n",
                vec![cue(3000, 4000, "good", Dialogue)],
            ),
        ];
        for (name, text, expected) in rows {
            assert_eq!(parse(text), Ok(expected), "{name}");
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let rows = [
            ("", "line 1: the ASS file is empty"),
            (
                "[Script Info]\nTitle: x\n\n[Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
                "line 5: the ASS file ends here, without a single cue",
            ),
            (
                "[Events]\nDialogue: 0,0:00:01.00,1:xx,Default,,0,0,0,,x\n",
                "line 2: \"Dialogue: 0,0:00:01.00,1:xx,Default,,0,0,0,,x\" is not a timing line (expected one like Dialogue: 0,0:01:02.50,0:01:04.00,Default,,0,0,0,,…)",
            ),
            (
                "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,{\\i1}\n",
                "line 2: all 1 ASS cues are empty once tags are removed",
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nsrt\n",
                "line 1: \"1\" — this is not ASS: no timing like Dialogue: 0,0:01:02.50,0:01:04.00,Default,,0,0,0,,… anywhere in the file",
            ),
        ];
        for (text, message) in rows {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }
}
