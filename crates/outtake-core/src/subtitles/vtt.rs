//! WebVTT, read by the parsing algorithm of the W3C spec ("WebVTT file
//! parsing"): the `WEBVTT` signature, blocks split at blank lines, a cue's
//! timing on its first or second line, the strict timestamp grammar, cue
//! settings read past and ignored. Where the spec keeps something (an end
//! before the start, the same words at two moments) so does this reader.
//! YouTube's rolling automatic captions are collapsed so each line appears once.

use super::text::{clean_cue_text, quote};
use super::timing::Notes;
use super::{SubtitleError, SubtitleFormat};
use crate::cues::CueInput;

/// What one block of the file turned out to be.
enum Block {
    /// A cue: its times and raw text (the lines after the timing).
    Cue { start_ms: i64, end_ms: i64, text: String },
    /// A comment, style sheet, region or stray text: no cue.
    Other,
}

pub(super) fn parse(text: &str) -> Result<Vec<CueInput>, SubtitleError> {
    let text = normalise(text);
    let lines: Vec<&str> = text.split('\n').collect();
    check_signature(&lines)?;
    let mut notes = Notes::default();
    let mut i = 1;
    // The header: lines straight under the signature, up to a blank line
    // (or a timing line, which starts the first cue).
    if lines.get(i).is_some_and(|l| !l.is_empty()) {
        i = collect_block(&lines, i, true, &mut notes).1;
    }
    let mut raw = Vec::new();
    loop {
        while lines.get(i).is_some_and(|l| l.is_empty()) {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        let (block, next) = collect_block(&lines, i, false, &mut notes);
        if let Block::Cue { start_ms, end_ms, text } = block {
            raw.push((start_ms, end_ms, text));
        }
        i = next;
    }
    let word_timed = raw.iter().any(|(_, _, text)| has_word_timings(text));
    let cues: Vec<CueInput> = raw
        .into_iter()
        .map(|(start_ms, end_ms, text)| CueInput::new(start_ms, end_ms, clean_cue_text(&text)))
        .filter(|cue| !cue.text.is_empty())
        .collect();
    if cues.is_empty()
        && (notes.bad_timing.is_some() || notes.first_cue.is_some() || notes.first_text.is_some())
    {
        return Err(notes.into_error(SubtitleFormat::Vtt, &lines));
    }
    let mut cues = if word_timed { collapse_rolling(cues) } else { cues };
    // Stable, so cues that start together keep the file's order; ends stay as written.
    cues.sort_by_key(|c| c.start_ms);
    Ok(cues)
}

/// The spec's preprocessing: NUL becomes U+FFFD, and CRLF, a lone CR and LF
/// each end a line — a lone CR too when the file also has LF.
fn normalise(text: &str) -> String {
    text.replace('\0', "\u{FFFD}").replace("\r\n", "\n").replace('\r', "\n")
}

/// `WEBVTT`, exactly, at the very start (after a byte order mark), then
/// nothing or a space or tab and anything.
fn check_signature(lines: &[&str]) -> Result<(), SubtitleError> {
    let first = lines[0].strip_prefix('\u{feff}').unwrap_or(lines[0]);
    if lines.len() == 1 && first.trim().is_empty() {
        return Err(SubtitleError::Empty { line: 1, format: SubtitleFormat::Vtt });
    }
    match first.strip_prefix("WEBVTT") {
        Some(rest) if rest.is_empty() || rest.starts_with([' ', '\t']) => Ok(()),
        _ => Err(SubtitleError::NotVtt { line: 1, found: quote(lines[0]) }),
    }
}

/// The spec's "collect a WebVTT block" from line `from`: returns the block
/// and the line the next one starts at. A line with `-->` is the timing when
/// it is the block's first line, or its second after an identifier; any other
/// `-->` line (and every one in the header) starts the next block.
fn collect_block(lines: &[&str], from: usize, in_header: bool, notes: &mut Notes) -> (Block, usize) {
    let mut buffer: Vec<&str> = Vec::new();
    let mut cue: Option<(i64, i64)> = None;
    let mut seen_arrow = false;
    let mut i = from;
    while i < lines.len() {
        let line = lines[i];
        let count = i - from + 1;
        if line.contains("-->") {
            if !in_header && (count == 1 || (count == 2 && !seen_arrow)) {
                seen_arrow = true;
                cue = cue_timings(line);
                match cue {
                    Some(_) => {
                        buffer.clear();
                        notes.saw_cue(i);
                    }
                    None => notes.saw_bad_timing(i, line),
                }
                i += 1;
                continue;
            }
            break;
        }
        i += 1;
        if line.is_empty() {
            break;
        }
        buffer.push(line);
    }
    let block = match cue {
        Some((start_ms, end_ms)) => Block::Cue { start_ms, end_ms, text: buffer.join("\n") },
        None => {
            if !in_header && !seen_arrow && !is_textless_block(buffer.first().copied().unwrap_or("")) {
                notes.saw_text(from, lines[from]);
            }
            Block::Other
        }
    };
    // A block that starts at a `-->` line it may not read (in the header)
    // is empty: the caller then reads that line as the next block's first.
    (block, i)
}

/// NOTE, STYLE and REGION blocks hold comments and styling, never cue text.
fn is_textless_block(first: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|word| {
        first.strip_prefix(word).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// The spec's ASCII whitespace, as it skips it in a timing line. Not the
/// vertical tab: a timing line with one is no timing line.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0C}' | '\r')
}

/// `start --> end [settings]`: the settings are read past and ignored.
fn cue_timings(line: &str) -> Option<(i64, i64)> {
    let rest = line.trim_start_matches(is_space);
    let (start_ms, rest) = timestamp(rest)?;
    let rest = rest.trim_start_matches(is_space).strip_prefix("-->")?;
    let (end_ms, rest) = timestamp(rest.trim_start_matches(is_space))?;
    // The spec reads settings after the end, with or without a space before them.
    let _settings = rest;
    Some((start_ms, end_ms))
}

/// A WebVTT timestamp at the start of `text`, and what follows it:
/// `[hours:]mm:ss.ttt`, minutes and seconds exactly two digits (below 60),
/// milliseconds exactly three, hours two or more digits (a first field that
/// is not two digits, or above 59, is hours). Hours too large for the clock
/// (past i64 milliseconds) are refused.
pub(super) fn timestamp(text: &str) -> Option<(i64, &str)> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let first_len = digits(text);
    if first_len == 0 {
        return None;
    }
    let first: i64 = text[..first_len].parse().ok()?;
    let hours_first = first_len != 2 || first > 59;
    let rest = text[first_len..].strip_prefix(':')?;
    let second_len = digits(rest);
    if second_len != 2 {
        return None;
    }
    let second: i64 = rest[..2].parse().ok()?;
    let rest = &rest[2..];
    let (hours, minutes, seconds, rest) = if hours_first || rest.starts_with(':') {
        let rest = rest.strip_prefix(':')?;
        if digits(rest) != 2 {
            return None;
        }
        (first, second, rest[..2].parse().ok()?, &rest[2..])
    } else {
        (0, first, second, rest)
    };
    let rest = rest.strip_prefix('.')?;
    if digits(rest) != 3 {
        return None;
    }
    let millis: i64 = rest[..3].parse().ok()?;
    if minutes > 59 || seconds > 59 {
        return None;
    }
    let ms = hours.checked_mul(3_600_000)?.checked_add(minutes * 60_000 + seconds * 1000 + millis)?;
    Some((ms, &rest[3..]))
}

/// Whether cue text reveals its words one at a time (`<00:00:01.500>`), as
/// YouTube's automatic captions do.
fn has_word_timings(text: &str) -> bool {
    text.match_indices('<')
        .any(|(at, _)| timestamp(&text[at + 1..]).is_some_and(|(_, rest)| rest.starts_with('>')))
}

/// How far apart two rolling cues may be and still be one after the other.
const CONTIGUOUS_MS: i64 = 10;

/// YouTube's automatic captions (as yt-dlp saves them) roll: each cue starts
/// as the one before ends and repeats the line that one ended on, and 10 ms
/// cues in between repeat it again. Only in files whose words carry their
/// own timings, and only where a cue does exactly that, the repeated lines
/// are dropped and the cue that brought each line lasts as long as it stays
/// on screen. The same words at two moments otherwise stay two cues.
fn collapse_rolling(cues: Vec<CueInput>) -> Vec<CueInput> {
    let mut out: Vec<CueInput> = Vec::new();
    // The previous cue: its times, its lines, and for each line the index in
    // `out` of the cue that brought it.
    let mut previous: Option<(i64, Vec<String>, Vec<usize>)> = None;
    for cue in cues {
        let lines: Vec<String> = cue.text.lines().map(str::to_string).collect();
        let repeated = match &previous {
            Some((end_ms, before, _)) if (0..=CONTIGUOUS_MS).contains(&(cue.start_ms - end_ms)) => {
                overlap(before, &lines)
            }
            _ => 0,
        };
        let mut brought = Vec::with_capacity(lines.len());
        if let Some((_, before, bringers)) = &previous {
            for &at in &bringers[before.len() - repeated..] {
                out[at].end_ms = out[at].end_ms.max(cue.end_ms);
                brought.push(at);
            }
        }
        if repeated < lines.len() {
            brought.extend(std::iter::repeat_n(out.len(), lines.len() - repeated));
            out.push(CueInput { text: lines[repeated..].join("\n"), ..cue });
        }
        previous = Some((cue.end_ms, lines, brought));
    }
    out
}

/// The most lines a rolling cue repeats (YouTube repeats one); the bound
/// keeps a hostile file of long cues from costing lines² comparisons.
const MAX_ROLLED_LINES: usize = 3;

/// How many of `before`'s last lines `after` starts with (the most that match).
fn overlap(before: &[String], after: &[String]) -> usize {
    let most = before.len().min(after.len()).min(MAX_ROLLED_LINES);
    (1..=most).rev().find(|&k| before[before.len() - k..] == after[..k]).unwrap_or(0)
}

#[cfg(test)]
mod tests;
