//! SAMI (.smi), the Korean fan-subtitle format: `<SYNC Start=ms><P Class=KRCC>…`,
//! one track per class, each class's language named in the `<STYLE>` block.

use std::collections::BTreeMap;

use super::{SubtitleTrack, clean_cue_text};
use crate::sources::CueInput;

/// How long the last cue of a track stays up, lacking a following SYNC.
const LAST_CUE_MS: i64 = 5000;

pub(super) fn parse(text: &str) -> Vec<SubtitleTrack> {
    // ASCII upper-casing keeps byte offsets, so positions found in `upper` index `text`.
    let upper = text.to_ascii_uppercase();
    let langs = class_langs(text, &upper);
    let mut by_class: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    let syncs: Vec<usize> = upper.match_indices("<SYNC").map(|(at, _)| at).collect();
    let body_end = upper.find("</BODY").unwrap_or(text.len());
    for (n, &at) in syncs.iter().enumerate() {
        let end = syncs.get(n + 1).copied().unwrap_or(body_end).max(at);
        let Some(tag_end) = upper[at..end].find('>').map(|i| at + i) else { continue };
        let Some(start) = attribute(&text[at..tag_end], "START").and_then(|v| number(&v)) else { continue };
        for (class, content) in paragraphs(&text[tag_end + 1..end], &upper[tag_end + 1..end]) {
            by_class.entry(class).or_default().push((start, content.to_string()));
        }
    }
    by_class
        .into_iter()
        .map(|(class, entries)| SubtitleTrack {
            lang: langs.get(&class).cloned().or_else(|| guess_lang(&class)),
            cues: cues(entries),
        })
        .collect()
}

/// Cues from (start, text) entries: each lasts until the next entry of its class.
fn cues(mut entries: Vec<(i64, String)>) -> Vec<CueInput> {
    entries.sort_by_key(|(start, _)| *start);
    let mut cues = Vec::new();
    for (i, (start, raw)) in entries.iter().enumerate() {
        let text = clean_cue_text(&line_breaks(raw));
        if text.is_empty() {
            continue; // `&nbsp;` entries only end the cue before them
        }
        let end = entries.get(i + 1).map_or(start + LAST_CUE_MS, |(next, _)| *next).max(*start);
        cues.push(CueInput { start_ms: *start, end_ms: end, text });
    }
    cues
}

/// The `<P Class=…>` parts of one SYNC block (class upper-cased; "" without a P tag).
fn paragraphs<'a>(text: &'a str, upper: &str) -> Vec<(String, &'a str)> {
    let starts: Vec<usize> = upper
        .match_indices("<P")
        .map(|(at, _)| at)
        .filter(|at| upper[at + 2..].starts_with(|c: char| c == '>' || c.is_whitespace()))
        .collect();
    if starts.is_empty() {
        return vec![(String::new(), text)];
    }
    let mut parts = Vec::new();
    for (n, &at) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(text.len());
        let Some(tag_end) = text[at..end].find('>').map(|i| at + i) else { continue };
        let class = attribute(&text[at..tag_end], "CLASS").unwrap_or_default().to_ascii_uppercase();
        parts.push((class, &text[tag_end + 1..end]));
    }
    parts
}

/// `<br>`, `<BR/>` → newline; real newlines in SAMI are not line breaks.
fn line_breaks(raw: &str) -> String {
    let flat = raw.replace(['\r', '\n'], " ");
    let upper = flat.to_ascii_uppercase();
    let mut out = String::with_capacity(flat.len());
    let mut last = 0;
    for (at, _) in upper.match_indices("<BR") {
        let Some(close) = flat[at..].find('>') else { break };
        out.push_str(&flat[last..at]);
        out.push('\n');
        last = at + close + 1;
    }
    out.push_str(&flat[last..]);
    out
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

/// `48300`, `"48300"`, `48300ms` → 48300.
fn number(value: &str) -> Option<i64> {
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse::<i64>().ok().filter(|n| *n <= 24 * 3_600_000 * 10)
}

/// Class → language from `.KRCC { Name:한국어; lang:ko-KR; }` in the STYLE block.
fn class_langs(text: &str, upper: &str) -> BTreeMap<String, String> {
    let mut langs = BTreeMap::new();
    let (Some(start), Some(end)) = (upper.find("<STYLE"), upper.find("</STYLE")) else { return langs };
    if end <= start {
        return langs;
    }
    let style = &text[start..end];
    for rule in style.split('}') {
        let Some((selector, body)) = rule.split_once('{') else { continue };
        let Some(class) =
            selector.trim().rsplit(|c: char| c.is_whitespace()).next().and_then(|s| s.strip_prefix('.'))
        else {
            continue;
        };
        for declaration in body.split(';') {
            if let Some((key, value)) = declaration.split_once(':')
                && key.trim().eq_ignore_ascii_case("lang")
            {
                let primary = value.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
                // Country codes written where a language belongs: kr-KR means Korean.
                let primary = match primary.as_str() {
                    "kr" => "ko".to_string(),
                    "jp" => "ja".to_string(),
                    "cn" => "zh".to_string(),
                    _ => primary,
                };
                if !primary.is_empty() && primary.chars().all(|c| c.is_ascii_alphabetic()) {
                    langs.insert(class.to_ascii_uppercase(), primary);
                }
            }
        }
    }
    langs
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
