//! Timestamps and `start --> end` lines as SRT and WebVTT write them, the
//! tidying every format's cues get, and what a parser notes to explain a
//! file that gave no cue.

use super::text::quote;
use super::{SubtitleError, SubtitleFormat};
use crate::cues::CueInput;

/// How long a cue whose end is unusable stays up, unless the next cue comes sooner.
pub(super) const FALLBACK_CUE_MS: i64 = 3000;

/// `01:02:03,500`, `01:02:03.500`, `02:03.500`, `1:02:03.5`, `00:00:03` →
/// milliseconds. Minutes and seconds stay below 60; a leading field of up to
/// four digits keeps every result far from overflow.
pub(super) fn timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (clock, fraction) = match text.rfind([',', '.']) {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, ""),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&fields.len()) {
        return None;
    }
    let mut ms: i64 = 0;
    for (i, field) in fields.iter().enumerate() {
        let max_digits = if i == 0 { 4 } else { 2 };
        if field.is_empty() || field.len() > max_digits || !field.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value: i64 = field.parse().ok()?;
        if i > 0 && value >= 60 {
            return None;
        }
        ms = ms * 60 + value;
    }
    Some(ms * 1000 + millis(fraction)?)
}

/// `5` → 500, `500` → 500, `5004` → 500: digits past the millisecond are dropped.
fn millis(fraction: &str) -> Option<i64> {
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = format!("{fraction:0<3}");
    digits[..3].parse().ok()
}

/// The times of a `start --> end [settings]` line. Spaces around and inside
/// the start are tolerated, as are settings or coordinates after the end.
pub(super) fn timing(line: &str) -> Option<(i64, i64)> {
    let (start, rest) = line.split_once("-->")?;
    let start: String = start.split_whitespace().collect();
    let end = rest.split_whitespace().next()?;
    Some((timestamp(&start)?, timestamp(end)?))
}

/// Whether a line means to be a timing line, parsable or not.
pub(super) fn is_timing_like(line: &str) -> bool {
    line.contains("-->")
}

/// Sorts cues by start (stably: files out of order still read in order) and
/// mends ends that come before their start: the cue then lasts until the
/// next one starts, at most [`FALLBACK_CUE_MS`].
pub(super) fn finish(mut cues: Vec<CueInput>) -> Vec<CueInput> {
    cues.sort_by_key(|c| c.start_ms);
    let starts: Vec<i64> = cues.iter().map(|c| c.start_ms).collect();
    for (cue, next) in cues.iter_mut().zip(next_later_starts(&starts)) {
        if cue.end_ms < cue.start_ms {
            let fallback = cue.start_ms + FALLBACK_CUE_MS;
            cue.end_ms = next.map_or(fallback, |next| next.min(fallback));
        }
    }
    cues
}

/// For each of the sorted `starts`, the first later one that is greater —
/// in one pass from the end, so a thousand cues at the same time stay cheap.
pub(super) fn next_later_starts(starts: &[i64]) -> Vec<Option<i64>> {
    let mut next = vec![None; starts.len()];
    for i in (0..starts.len().saturating_sub(1)).rev() {
        next[i] = if starts[i + 1] > starts[i] { Some(starts[i + 1]) } else { next[i + 1] };
    }
    next
}

/// What a parser saw besides its cues, to say why a file gave none.
#[derive(Debug, Default)]
pub(super) struct Notes {
    /// The first line that meant to be a timing but was not one.
    pub bad_timing: Option<(usize, String)>,
    /// The first cue that was found (line of its timing), and how many were.
    pub first_cue: Option<usize>,
    pub cue_count: usize,
    /// The first line with any text, for files of another kind altogether.
    pub first_text: Option<(usize, String)>,
}

impl Notes {
    /// Line numbers count from 1.
    pub fn saw_text(&mut self, index: usize, line: &str) {
        if self.first_text.is_none() && !line.trim().is_empty() {
            self.first_text = Some((index + 1, quote(line)));
        }
    }

    pub fn saw_bad_timing(&mut self, index: usize, line: &str) {
        self.saw_text(index, line);
        if self.bad_timing.is_none() {
            self.bad_timing = Some((index + 1, quote(line)));
        }
    }

    pub fn saw_cue(&mut self, index: usize) {
        self.first_cue.get_or_insert(index + 1);
        self.cue_count += 1;
    }

    /// The error for a file that gave no usable cue, most telling first: a
    /// broken timing line, then cues that were all empty, then no timing at
    /// all, then nothing but a header (or index numbers).
    pub fn into_error(self, format: SubtitleFormat, lines: &[&str]) -> SubtitleError {
        let example = format.example();
        if let Some((line, found)) = self.bad_timing {
            return SubtitleError::BadTiming { line, found, example };
        }
        if let Some(line) = self.first_cue {
            return SubtitleError::EmptyCues { line, count: self.cue_count, format };
        }
        if let Some((line, found)) = self.first_text {
            return SubtitleError::NoTimings { line, found, format, example };
        }
        match lines.iter().rposition(|l| !l.trim().is_empty()) {
            Some(last) => SubtitleError::NoCues { line: last + 1, format },
            None => SubtitleError::Empty { line: 1, format },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        let rows = [
            ("00:00:01,000", Some(1_000)),
            ("01:02:03,500", Some(3_723_500)),
            ("01:02:03.500", Some(3_723_500)),
            ("02:03.500", Some(123_500)),
            ("1:02:03.5", Some(3_723_500)),
            ("00:00:03", Some(3_000)),
            ("00:00:03,05", Some(3_050)),
            ("00:00:03,123456", Some(3_123)),
            ("  00:00:03,000 ", Some(3_000)),
            ("100:00:00,000", Some(360_000_000)),
            ("9999:59:59,999", Some(35_999_999_999)),
            ("99999:00:00,000", None),
            ("00:60:00,000", None),
            ("00:00:60,000", None),
            ("00:01:xx,000", None),
            ("00:00:01,0000000000", None),
            ("-00:00:01,000", None),
            ("00:00:01,-1", None),
            ("01:02:03:04,000", None),
            ("3", None),
            ("", None),
            ("٠٠:٠١,٠٠٠", None),
        ];
        for (text, ms) in rows {
            assert_eq!(timestamp(text), ms, "{text:?}");
        }
    }

    #[test]
    fn timing_lines() {
        let rows = [
            ("00:00:01,000 --> 00:00:02,500", Some((1_000, 2_500))),
            ("00:00:01,000-->00:00:02,500", Some((1_000, 2_500))),
            ("  00:00:01,000   -->   00:00:02,500  ", Some((1_000, 2_500))),
            ("00:00:01 ,000 --> 00:00:02,500", Some((1_000, 2_500))),
            ("00:01.000 --> 00:02.000 align:start position:10%", Some((1_000, 2_000))),
            ("00:00:01,000 --> 00:00:02,000  X1:100 X2:600 Y1:20 Y2:50", Some((1_000, 2_000))),
            ("00:00:05,000 --> 00:00:04,000", Some((5_000, 4_000))),
            ("00:01:xx,000 --> 00:01:03,000", None),
            ("00:00:01,000 -->", None),
            ("00:00:01,000 - 00:00:02,000", None),
        ];
        for (line, times) in rows {
            assert_eq!(timing(line), times, "{line:?}");
        }
    }

    #[test]
    fn next_later_start() {
        assert_eq!(next_later_starts(&[1, 1, 2, 5, 5]), [Some(2), Some(2), Some(5), None, None]);
        assert_eq!(next_later_starts(&[]), []);
    }

    #[test]
    fn backward_ends_are_mended() {
        let cue = |start_ms, end_ms| CueInput::new(start_ms, end_ms, "x");
        let cues = vec![cue(9_000, 1_000), cue(1_000, 500), cue(2_000, 3_000), cue(2_000, 2_500)];
        let expected = vec![cue(1_000, 2_000), cue(2_000, 3_000), cue(2_000, 2_500), cue(9_000, 12_000)];
        assert_eq!(finish(cues), expected);
    }
}
