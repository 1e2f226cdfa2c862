//! SRT and WebVTT: blocks of `start --> end` and text lines.

use super::{SubtitleError, clean_cue_text};
use crate::sources::CueInput;

/// `01:02:03,500`, `01:02:03.500`, `02:03.500`, `1:02:03.5` → milliseconds.
pub(super) fn timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (clock, fraction) = match text.rfind([',', '.']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, ""),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) || fraction.len() > 3 {
        return None;
    }
    let mut ms: i64 = 0;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: i64 = part.parse().ok()?;
        if i > 0 && value >= 60 {
            return None;
        }
        ms = ms * 60 + value;
    }
    let mut millis = 0;
    if !fraction.is_empty() {
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        millis = fraction.parse::<i64>().ok()? * 10_i64.pow(3 - fraction.len() as u32);
    }
    Some(ms * 1000 + millis)
}

/// The times of a `start --> end [settings]` line.
fn timing(line: &str) -> Option<(i64, i64)> {
    let (start, rest) = line.split_once("-->")?;
    let end = rest.split_whitespace().next()?;
    Some((timestamp(start)?, timestamp(end)?))
}

/// Cues from the blocks of an SRT or WebVTT body; `skip_block` drops whole
/// blocks by their first line (WebVTT's NOTE, STYLE, REGION).
fn cues(lines: &[&str], skip_block: impl Fn(&str) -> bool) -> Vec<CueInput> {
    let mut cues = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() {
            i += 1;
            continue;
        }
        if skip_block(line) {
            while i < lines.len() && !lines[i].trim().is_empty() {
                i += 1;
            }
            continue;
        }
        let Some((start, end)) = timing(line) else {
            i += 1; // an index number, an identifier, or junk
            continue;
        };
        i += 1;
        let mut text: Vec<&str> = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && timing(lines[i]).is_none() {
            text.push(lines[i]);
            i += 1;
        }
        // Without a blank line between cues, the next cue's index ends up here.
        if i < lines.len()
            && timing(lines[i]).is_some()
            && text.last().is_some_and(|l| l.trim().bytes().all(|b| b.is_ascii_digit()))
        {
            text.pop();
        }
        let text = clean_cue_text(&text.join("\n"));
        if text.is_empty() {
            continue;
        }
        // A cue that ends before it starts shows for a moment rather than vanishing.
        let end = if end < start { start } else { end };
        cues.push(CueInput { start_ms: start, end_ms: end, text });
    }
    cues
}

pub(super) fn srt(text: &str) -> Vec<CueInput> {
    let lines: Vec<&str> = text.lines().collect();
    cues(&lines, |_| false)
}

pub(super) fn vtt(text: &str) -> Result<Vec<CueInput>, SubtitleError> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines.iter().position(|l| !l.trim().is_empty());
    match first {
        Some(at) if lines[at].trim_start_matches('\u{feff}').starts_with("WEBVTT") => {
            let body = &lines[at + 1..];
            let skip = |line: &str| {
                ["NOTE", "STYLE", "REGION"].iter().any(|w| line == *w || line.starts_with(&format!("{w} ")))
            };
            Ok(collapse_rolling(cues(body, skip)))
        }
        Some(at) => Err(SubtitleError::NotVtt { line: at + 1 }),
        None => Err(SubtitleError::NotVtt { line: 1 }),
    }
}

/// YouTube's automatic captions roll: each cue repeats the line before it.
/// When most cues do that, each line is kept once, in the cue that brought it.
fn collapse_rolling(cues: Vec<CueInput>) -> Vec<CueInput> {
    let repeats = cues
        .windows(2)
        .filter(|w| {
            let last = w[0].text.lines().last().unwrap_or("");
            !last.is_empty() && w[1].text.lines().next() == Some(last)
        })
        .count();
    if cues.len() < 4 || repeats * 3 < cues.len() {
        return cues;
    }
    let mut out: Vec<CueInput> = Vec::new();
    let mut previous: Vec<String> = Vec::new();
    for cue in cues {
        let lines: Vec<String> = cue.text.lines().map(str::to_string).collect();
        let fresh: Vec<&String> = lines.iter().filter(|l| !previous.contains(l)).collect();
        if !fresh.is_empty() {
            let text = fresh.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n");
            out.push(CueInput { text, ..cue });
        }
        previous = lines;
    }
    out
}
