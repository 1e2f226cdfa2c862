//! SAMI (.smi), the Korean fan-subtitle format: `<SYNC Start=ms><P Class=KRCC>…`,
//! one track per language, each class's language named in the `<STYLE>` block.
//! Read like a browser reads HTML: any case, quotes optional, closing tags optional.

use super::text::{clean_cue_text, quote, split_lines};
use super::timing::{Notes, next_later_starts};
use super::{SubtitleError, SubtitleFormat, SubtitleTrack};
use crate::cues::CueInput;

/// How long the last cue of a track stays up, lacking a following SYNC.
const LAST_CUE_MS: i64 = 5000;
/// Starts past ten days are garbage, and keeping below it rules out overflow.
const MAX_START_MS: i64 = 240 * 3_600_000;
/// Real files use one to three classes; a cap keeps a hostile file with
/// thousands from costing classes × SYNCs.
const MAX_CLASSES: usize = 16;

/// One `<SYNC>` block: its times and the text of each `<P>` class in it.
struct Sync<'a> {
    start_ms: i64,
    end_ms: Option<i64>,
    /// (upper-cased class, raw content); the class is "" for text outside any `<P Class=…>`.
    paragraphs: Vec<(String, &'a str)>,
}

pub(super) fn parse(text: &str) -> Result<Vec<SubtitleTrack>, SubtitleError> {
    // ASCII upper-casing keeps byte offsets, so positions found in `upper` index `text`.
    let upper = text.to_ascii_uppercase();
    let mut notes = Notes::default();
    let syncs = syncs(text, &upper, &mut notes);
    let langs = StyleLangs::read(text, &upper);
    let tracks = merge_by_lang(classes(&syncs).into_iter().map(|class| track(&syncs, &class, &langs)));
    if tracks.is_empty() {
        let lines = split_lines(text);
        if !upper.contains("<SAMI") {
            // Not SAMI at all: quote the first line to show what the file is.
            if let Some(first) = lines.iter().position(|l| !l.trim().is_empty()) {
                notes.saw_text(first, lines[first]);
            }
        }
        return Err(notes.into_error(SubtitleFormat::Sami, &lines));
    }
    Ok(tracks)
}

/// The SYNC blocks in file order; ones without a usable start are noted and skipped.
fn syncs<'a>(text: &'a str, upper: &str, notes: &mut Notes) -> Vec<Sync<'a>> {
    let starts: Vec<usize> = upper
        .match_indices("<SYNC")
        .map(|(at, _)| at)
        .filter(|at| upper[at + 5..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()))
        .collect();
    let mut syncs = Vec::new();
    let (mut line, mut counted) = (0, 0);
    for (n, &at) in starts.iter().enumerate() {
        line += text[counted..at].matches('\n').count();
        counted = at;
        let end = starts
            .get(n + 1)
            .copied()
            .unwrap_or_else(|| upper[at..].find("</BODY").map_or(text.len(), |i| at + i));
        match sync(&text[at..end], &upper[at..end]) {
            Some(sync) => {
                notes.saw_cue(line);
                syncs.push(sync);
            }
            None => notes.saw_bad_timing(line, &tag_text(&text[at..end])),
        }
    }
    syncs
}

/// A SYNC tag for an error message: the tag itself, on one line.
fn tag_text(block: &str) -> String {
    let tag = block.find('>').map_or(block, |i| &block[..=i]);
    quote(&tag.replace(['\r', '\n'], " "))
}

/// One SYNC block, from its `<SYNC` to the next one.
fn sync<'a>(block: &'a str, upper: &str) -> Option<Sync<'a>> {
    let tag_end = upper.find('>')?;
    let tag = &block[..tag_end];
    let start_ms = attribute(tag, "START").and_then(|v| number(&v))?;
    let end_ms = attribute(tag, "END").and_then(|v| number(&v)).filter(|end| *end > start_ms);
    let paragraphs = paragraphs(&block[tag_end + 1..], &upper[tag_end + 1..]);
    Some(Sync { start_ms, end_ms, paragraphs })
}

/// The `<P Class=…>` parts of one SYNC block; the whole block as class ""
/// when it has no P tag.
fn paragraphs<'a>(content: &'a str, upper: &str) -> Vec<(String, &'a str)> {
    let starts: Vec<usize> = upper
        .match_indices("<P")
        .map(|(at, _)| at)
        .filter(|at| upper[at + 2..].starts_with(|c: char| c == '>' || c.is_ascii_whitespace()))
        .collect();
    if starts.is_empty() {
        return vec![(String::new(), content)];
    }
    let mut parts = Vec::new();
    for (n, &at) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(content.len());
        let Some(tag_end) = content[at..end].find('>').map(|i| at + i) else { continue };
        let class = attribute(&content[at..tag_end], "CLASS").unwrap_or_default().to_ascii_uppercase();
        parts.push((class, &content[tag_end + 1..end]));
    }
    parts
}

/// The classes the file uses, in the order it first does (at most [`MAX_CLASSES`]).
fn classes(syncs: &[Sync]) -> Vec<String> {
    let mut classes: Vec<String> = Vec::new();
    for (class, _) in syncs.iter().flat_map(|s| &s.paragraphs) {
        if classes.len() < MAX_CLASSES && !classes.contains(class) {
            classes.push(class.clone());
        }
    }
    classes
}

/// The cues of one class. Each lasts until the next SYNC that speaks for
/// its class — a `&nbsp;` one just clears the screen — or for every class
/// (one without a P tag); the last one lasts [`LAST_CUE_MS`].
fn track(syncs: &[Sync], class: &str, langs: &StyleLangs) -> SubtitleTrack {
    let mut entries: Vec<(&Sync, &str)> = Vec::new();
    for sync in syncs {
        for (c, raw) in &sync.paragraphs {
            if c == class || c.is_empty() {
                entries.push((sync, if c == class { raw } else { "" }));
            }
        }
    }
    entries.sort_by_key(|(sync, _)| sync.start_ms);
    let starts: Vec<i64> = entries.iter().map(|(sync, _)| sync.start_ms).collect();
    let mut cues = Vec::new();
    for ((sync, raw), next) in entries.iter().zip(next_later_starts(&starts)) {
        // Line ends in SAMI source are not line breaks; only <br> is.
        let text = clean_cue_text(&raw.replace(['\r', '\n'], " "));
        if text.is_empty() {
            continue;
        }
        let start_ms = sync.start_ms;
        let end_ms = match (sync.end_ms, next) {
            (Some(end), Some(next)) => end.min(next),
            (Some(end), None) | (None, Some(end)) => end,
            (None, None) => start_ms + LAST_CUE_MS,
        };
        cues.push(CueInput::new(start_ms, end_ms, text));
    }
    SubtitleTrack { lang: langs.of(class), cues }
}

/// Tracks of the same language become one (two classes for Korean, say):
/// the caller keeps one set of cues per language.
fn merge_by_lang(tracks: impl Iterator<Item = SubtitleTrack>) -> Vec<SubtitleTrack> {
    let mut merged: Vec<SubtitleTrack> = Vec::new();
    for track in tracks.filter(|t| !t.cues.is_empty()) {
        match merged.iter_mut().find(|m| m.lang == track.lang) {
            Some(same) => {
                same.cues.extend(track.cues);
                same.cues.sort_by_key(|c| c.start_ms);
            }
            None => merged.push(track),
        }
    }
    merged
}

/// The value of `name=value` (quoted or not) inside a tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let upper = tag.to_ascii_uppercase();
    let mut from = 0;
    while let Some(found) = upper[from..].find(name) {
        let at = from + found;
        from = at + name.len();
        let before_ok = at == 0 || !upper.as_bytes()[at - 1].is_ascii_alphanumeric();
        let rest = tag[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        let value = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or(""),
            _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        return Some(value.to_string());
    }
    None
}

/// `48300`, `48300ms` → 48300; nothing for a missing, negative, mistyped
/// (`1O00`) or absurd number.
fn number(value: &str) -> Option<i64> {
    let digits = value.strip_suffix("ms").or_else(|| value.strip_suffix("MS")).unwrap_or(value);
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().filter(|n| *n <= MAX_START_MS)
}

/// Class → language, from rules like `.KRCC { Name:한국어; lang:ko-KR; }`.
struct StyleLangs {
    by_class: Vec<(String, String)>,
}

impl StyleLangs {
    fn read(text: &str, upper: &str) -> StyleLangs {
        let mut by_class = Vec::new();
        let start = upper.find("<STYLE");
        let end = start.and_then(|s| upper[s..].find("</STYLE").map(|e| s + e));
        if let (Some(start), Some(end)) = (start, end) {
            for rule in text[start..end].split('}') {
                by_class.extend(class_lang(rule));
            }
        }
        StyleLangs { by_class }
    }

    /// The STYLE block's word first, then the usual class names; text
    /// outside any class belongs to the file's only language, if it has one.
    fn of(&self, class: &str) -> Option<String> {
        let named = self.by_class.iter().find(|(c, _)| c == class).map(|(_, lang)| lang.clone());
        let only = || match self.by_class.as_slice() {
            [(_, lang)] if class.is_empty() => Some(lang.clone()),
            _ => None,
        };
        named.or_else(|| guess_lang(class)).or_else(only)
    }
}

/// One CSS rule's class and language: `lang:` if it says, else its `Name:`.
fn class_lang(rule: &str) -> Option<(String, String)> {
    let (selector, body) = rule.split_once('{')?;
    let class = selector.split_whitespace().last()?.rsplit_once('.')?.1.to_ascii_uppercase();
    let mut lang = None;
    let mut named = None;
    for declaration in body.split(';') {
        let Some((key, value)) = declaration.split_once(':') else { continue };
        match key.trim().to_ascii_lowercase().as_str() {
            "lang" => lang = primary_language(value),
            "name" => named = language_named(value.trim()),
            _ => {}
        }
    }
    Some((class, lang.or(named)?))
}

/// `ko-KR` → `ko`. Country codes written where a language belongs are
/// common in SAMI files: `kr-KR` means Korean.
fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    let primary = match primary.as_str() {
        "kr" => "ko".to_string(),
        "jp" => "ja".to_string(),
        "cn" => "zh".to_string(),
        _ => primary,
    };
    let ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic());
    ok.then_some(primary)
}

fn language_named(name: &str) -> Option<String> {
    let lang = match name.to_lowercase().as_str() {
        "korean" | "한국어" | "한글" => "ko",
        "english" | "영어" => "en",
        "japanese" | "일본어" | "日本語" => "ja",
        "chinese" | "중국어" | "中文" => "zh",
        _ => return None,
    };
    Some(lang.to_string())
}

/// The usual class names, for files whose STYLE block does not say.
fn guess_lang(class: &str) -> Option<String> {
    let lang = match class {
        "KRCC" | "KOCC" | "KOKRCC" => "ko",
        "ENCC" | "EGCC" | "ENUSCC" => "en",
        "JPCC" | "JACC" => "ja",
        "CNCC" | "ZHCC" => "zh",
        _ => return None,
    };
    Some(lang.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cue(start_ms: i64, end_ms: i64, text: &str) -> CueInput {
        CueInput::new(start_ms, end_ms, text)
    }

    fn track(lang: Option<&str>, cues: Vec<CueInput>) -> SubtitleTrack {
        SubtitleTrack { lang: lang.map(str::to_string), cues }
    }

    const HEAD: &str = "<SAMI><HEAD><STYLE TYPE=\"text/css\"><!--\n\
        P { margin-left:8pt; }\n.KRCC { Name:한국어; lang:ko-KR; SAMIType:CC; }\n\
        .ENCC { Name:English; lang: en-US; }\n#STDPrn { Name:Standard Print; }\n--></STYLE></HEAD><BODY>\n";

    #[test]
    fn syntax_edges() {
        let rows: Vec<(&str, String, Vec<SubtitleTrack>)> = vec![
            (
                "two languages, <br>, &nbsp; clears, last cue",
                format!(
                    "{HEAD}<SYNC Start=1000><P Class=KRCC>첫 줄<br>둘째 줄\n<P Class=ENCC>first<BR/>second\n\
                     <SYNC Start=2500><P Class=KRCC>&nbsp;<P Class=ENCC>&nbsp;\n\
                     <SYNC Start=3000><P Class=KRCC><font color=#fcc5ca>눈물이</font> 나요\n</BODY></SAMI>"
                ),
                vec![
                    track(Some("ko"), vec![cue(1000, 2500, "첫 줄\n둘째 줄"), cue(3000, 8000, "눈물이 나요")]),
                    track(Some("en"), vec![cue(1000, 2500, "first\nsecond")]),
                ],
            ),
            (
                "any case, quotes or none, closing tags or none",
                format!(
                    "{HEAD}<sync start=\"1000\"><p class='krcc'>하나</p></sync>\n\
                     <Sync Start = 2000 ><P CLASS=KRCC ID=x>둘\n<SYNC START=3000 END=3500><P Class=\"KrCc\">셋</P>\n\
                     <SYNC Start=4000>&nbsp\n"
                ),
                vec![track(Some("ko"), vec![cue(1000, 2000, "하나"), cue(2000, 3000, "둘"), cue(3000, 3500, "셋")])],
            ),
            (
                "a broken SYNC and SYNCs out of order",
                format!(
                    "{HEAD}<SYNC Start=5000><P Class=KRCC>나중\n<SYNC Start=oops><P Class=KRCC>깨짐\n\
                     <SYNC Start=1000><P Class=KRCC>먼저\n<SYNC Start=99999999999999999999><P Class=KRCC>너무 큼\n"
                ),
                vec![track(Some("ko"), vec![cue(1000, 5000, "먼저"), cue(5000, 10_000, "나중")])],
            ),
            (
                "no style block, no P tags, comments and entities",
                "<SAMI><BODY><!-- 제작자: 누군가 -->\n<SYNC Start=0>Tom &amp; Jerry<!-- 메모 -->\n<SYNC Start=700>\n"
                    .to_string(),
                vec![track(None, vec![cue(0, 700, "Tom & Jerry")])],
            ),
            (
                "two classes of one language, a classless clear",
                "<SAMI><HEAD><STYLE>.KRCC { lang:kr-KR } .KOSONG { Name:한국어 }</STYLE></HEAD><BODY>\n\
                 <SYNC Start=1000><P Class=KRCC>대사\n<SYNC Start=1500><P Class=KOSONG>노래\n<SYNC Start=2000>&nbsp;\n"
                    .to_string(),
                vec![track(Some("ko"), vec![cue(1000, 2000, "대사"), cue(1500, 2000, "노래")])],
            ),
            (
                "a class the style does not name",
                "<SAMI><BODY><SYNC Start=1><P Class=JPCC>こんにちは<SYNC Start=2><P Class=XYZ>?".to_string(),
                vec![track(Some("ja"), vec![cue(1, 5001, "こんにちは")]), track(None, vec![cue(2, 5002, "?")])],
            ),
        ];
        for (name, text, expected) in rows {
            assert_eq!(parse(&text), Ok(expected), "{name}");
        }
    }

    #[test]
    fn errors_say_what_and_where() {
        let rows = [
            ("", "line 1: the SAMI file is empty"),
            (
                "\n1\n00:00:01,000 --> 00:00:02,000\nhi\n",
                "line 2: \"1\" — this is not SAMI: no timing like <SYNC Start=62500> anywhere in the file",
            ),
            ("<SAMI><BODY>\n</BODY>\n</SAMI>\n\n", "line 3: the SAMI file ends here, without a single cue"),
            (
                "<SAMI>\n<BODY>\n<SYNC Start=1O00><P Class=KRCC>오타\n",
                "line 3: \"<SYNC Start=1O00>\" is not a timing line (expected one like <SYNC Start=62500>)",
            ),
            (
                "<SAMI>\n<BODY>\n<SYNC Start=1000><P Class=KRCC>&nbsp;\n<SYNC Start=2000><P Class=KRCC><br>",
                "line 3: all 2 SAMI cues are empty once tags are removed",
            ),
        ];
        for (text, message) in rows {
            assert_eq!(parse(text).unwrap_err().to_string(), message, "{text:?}");
        }
    }

    #[test]
    fn style_languages() {
        // Rules as `StyleLangs::read` hands them over: split at their closing brace.
        let rows = [
            (".KRCC { Name:한국어; lang:ko-KR; SAMIType:CC; ", Some(("KRCC", "ko"))),
            ("\n<!--\nP.ENCC {lang:EN-us", Some(("ENCC", "en"))),
            (".JPCC { Name: 日本語 ", Some(("JPCC", "ja"))),
            (".KRCC { lang:kr ", Some(("KRCC", "ko"))),
            (".XXCC { lang:klingon-language ", None),
            ("#STDPrn { Name:Standard Print; ", None),
            ("P { margin-left:8pt; ", None),
        ];
        for (rule, expected) in rows {
            let found = class_lang(rule);
            assert_eq!(found.as_ref().map(|(c, l)| (c.as_str(), l.as_str())), expected, "{rule:?}");
        }
    }
}
