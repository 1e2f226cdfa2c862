//! Text mutations for the query parser and the subtitle readers — lines moved,
//! repeated and dropped, tokens of the format inserted, numbers pushed to
//! their edges, odd Unicode slipped in — and the encodings fans' files come
//! in (UTF-8 and UTF-16 with and without a BOM, CP949, other legacy code pages).

use encoding_rs::{BIG5, EUC_JP, EUC_KR, GBK, KOI8_R, SHIFT_JIS, WINDOWS_874, WINDOWS_1251, WINDOWS_1252};

use crate::bytes;
use crate::rng::Rng;

/// Characters that trip text code: controls, BOMs, odd spaces and line
/// breaks, combining marks, bidi controls, surrogate-pair emoji, Hangul
/// syllables and jamo, full-width digits, the replacement character.
const ODD: &[&str] = &[
    "\0",
    "\t",
    "\r",
    "\r\n",
    "\n\n",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{ad}",
    "\u{200b}",
    "\u{200d}",
    "\u{200e}",
    "\u{202e}",
    "\u{2028}",
    "\u{2029}",
    "\u{3000}",
    "\u{feff}",
    "\u{fffd}",
    "\u{ffff}",
    "\u{301}",
    "\u{e9}",
    "e\u{301}",
    "\u{1100}\u{1161}\u{11a8}",
    "한",
    "국",
    "괜찮아요",
    "똠",
    "햏",
    "ㄱ",
    "日本",
    "中文",
    "\u{ff11}",
    "\u{660}",
    "😀",
    "👩‍👩‍👧",
    "\u{10ffff}",
    "Σ",
    "ß",
    "İ",
    "ﬁ",
];

/// Numbers at the edges of what the readers accept.
const NUMBERS: &[&str] = &[
    "0",
    "00",
    "000",
    "1",
    "9",
    "59",
    "60",
    "99",
    "100",
    "999",
    "1000",
    "9999",
    "10000",
    "99999",
    "100000",
    "-1",
    "+1",
    "2147483647",
    "2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999",
    "0000000000000000000001",
    "1e308",
    "1e-9",
    "NaN",
    "inf",
    "1.5",
    "0.0005",
    "",
    "\u{663}",
    "\u{ff15}",
];

/// Line breaks as files write them.
const BREAKS: &[&str] = &["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\n\r"];

/// One text mutation. `dictionary` holds the format's own tokens; `other` is
/// another seed to take lines from. The text stays at most `max_len` bytes.
pub fn mutate(rng: &mut Rng, text: &mut String, dictionary: &[&str], other: &str, max_len: usize) {
    match rng.below(14) {
        0..=4 => {
            let token = match rng.below(5) {
                0..=2 => rng_token(rng, dictionary),
                3 => *rng.pick(ODD),
                _ => *rng.pick(BREAKS),
            };
            insert(rng, text, token)
        }
        5 => delete_chars(rng, text),
        6..=7 => replace_number(rng, text),
        8 => lines(rng, text, |rng, lines| {
            // Repeat a block of lines: many cues, many SYNCs, long files.
            let at = rng.below(lines.len());
            let n = rng.small_len(lines.len() - at);
            let block: Vec<String> = lines[at..at + n].to_vec();
            let times = if rng.one_in(4) { 1 + rng.below(200) } else { 1 };
            for _ in 0..times {
                lines.splice(at..at, block.iter().cloned());
            }
        }),
        9 => lines(rng, text, |rng, lines| {
            let at = rng.below(lines.len());
            let n = rng.small_len(lines.len() - at);
            lines.drain(at..at + n);
        }),
        10 => lines(rng, text, |rng, lines| {
            let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(a, b);
        }),
        11 => {
            // Lines of another seed (another format too) spliced in.
            let theirs: Vec<&str> = other.split_inclusive('\n').collect();
            if !theirs.is_empty() {
                let from = rng.below(theirs.len());
                let n = rng.small_len(theirs.len() - from);
                let at = boundary(rng, text);
                text.insert_str(at, &theirs[from..from + n].concat());
            }
        }
        12 => {
            let (start, end) = char_range(rng, text);
            let changed =
                if rng.one_in(2) { text[start..end].to_uppercase() } else { text[start..end].to_lowercase() };
            text.replace_range(start..end, &changed);
        }
        _ => {
            // Punctuation swapped for its look-alikes: `,` and `.` in times, `-->` broken.
            let at = boundary(rng, text);
            if let Some(c) = text[at..].chars().next() {
                let swap = match c {
                    ',' => ".",
                    '.' => ",",
                    ':' => *rng.pick(&[";", "::", "", "\u{ff1a}"]),
                    '-' => *rng.pick(&["\u{2212}", "--", "\u{2014}", ""]),
                    '>' => *rng.pick(&["", ">>", "&gt;"]),
                    '<' => *rng.pick(&["", "<<", "&lt;"]),
                    '"' => *rng.pick(&["'", "", "\"\""]),
                    '=' => *rng.pick(&["", "==", " = "]),
                    ' ' => *rng.pick(&["", "  ", "\t", "\u{a0}"]),
                    _ => *rng.pick(&["", "\"", "-", ":", "<", ">"]),
                };
                text.replace_range(at..at + c.len_utf8(), swap);
            }
        }
    }
    truncate(text, max_len);
}

fn rng_token<'a>(rng: &mut Rng, dictionary: &[&'a str]) -> &'a str {
    dictionary.get(rng.below(dictionary.len())).copied().unwrap_or("")
}

/// A char boundary of `text`, anywhere from start to end.
fn boundary(rng: &mut Rng, text: &str) -> usize {
    let mut at = rng.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn char_range(rng: &mut Rng, text: &str) -> (usize, usize) {
    let start = boundary(rng, text);
    let mut end = (start + rng.small_len(64)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start, end)
}

fn insert(rng: &mut Rng, text: &mut String, token: &str) {
    let at = boundary(rng, text);
    text.insert_str(at, token);
}

fn delete_chars(rng: &mut Rng, text: &mut String) {
    let (start, end) = char_range(rng, text);
    text.replace_range(start..end, "");
}

/// A run of ASCII digits replaced by a number at some edge.
fn replace_number(rng: &mut Rng, text: &mut String) {
    let runs: Vec<(usize, usize)> = digit_runs(text);
    let replacement = if rng.one_in(4) {
        (0..rng.small_len(24)).map(|_| char::from(b'0' + rng.below(10) as u8)).collect()
    } else {
        rng.pick(NUMBERS).to_string()
    };
    if runs.is_empty() {
        insert(rng, text, &replacement);
    } else {
        let (start, end) = *rng.pick(&runs);
        text.replace_range(start..end, &replacement);
    }
}

fn digit_runs(text: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, b) in text.bytes().enumerate().chain(std::iter::once((text.len(), b' '))) {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// Applies `change` to the text's lines (each with its line break); nothing on empty text.
fn lines(rng: &mut Rng, text: &mut String, change: impl FnOnce(&mut Rng, &mut Vec<String>)) {
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    if lines.is_empty() {
        return;
    }
    change(rng, &mut lines);
    *text = lines.concat();
}

fn truncate(text: &mut String, max_len: usize) {
    if text.len() > max_len {
        let mut at = max_len;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
    }
}

/// The encodings subtitle files arrive in; each is its own fuzz target, so
/// every one gets the full number of executions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// With a BOM half the time.
    Utf8,
    /// With a BOM half the time (some Windows tools write none).
    Utf16Le,
    Utf16Be,
    /// Korean fan subtitles: CP949 (encoding_rs's EUC-KR is its superset).
    Cp949,
    /// Code pages chardetng must guess: Shift_JIS, Big5, GBK, EUC-JP, Windows-1251/1252/874, KOI8-R.
    Legacy,
}

impl Encoding {
    pub const ALL: [Encoding; 5] =
        [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Cp949, Encoding::Legacy];

    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf8",
            Encoding::Utf16Le => "utf16le",
            Encoding::Utf16Be => "utf16be",
            Encoding::Cp949 => "cp949",
            Encoding::Legacy => "legacy",
        }
    }
}

/// `text` in `encoding`. Characters a code page lacks become `&#NNNN;`, as encoding_rs writes them.
pub fn encode(rng: &mut Rng, text: &str, encoding: Encoding) -> Vec<u8> {
    let bom = rng.one_in(2);
    match encoding {
        Encoding::Utf8 => [if bom { &b"\xEF\xBB\xBF"[..] } else { b"" }, text.as_bytes()].concat(),
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let big_endian = encoding == Encoding::Utf16Be;
            let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
            units.flat_map(|u| if big_endian { u.to_be_bytes() } else { u.to_le_bytes() }).collect()
        }
        Encoding::Cp949 => EUC_KR.encode(text).0.into_owned(),
        Encoding::Legacy => {
            let code_pages = [SHIFT_JIS, BIG5, GBK, EUC_JP, WINDOWS_1251, WINDOWS_1252, WINDOWS_874, KOI8_R];
            rng.pick(&code_pages).encode(text).0.into_owned()
        }
    }
}

/// A subtitle input: a seed's text mutated, encoded, and one time in three
/// damaged as bytes too (odd UTF-16 lengths, lone surrogates, cut characters).
pub fn subtitle_input(
    rng: &mut Rng,
    seed: &[u8],
    other: &[u8],
    dictionary: &[&str],
    encoding: Encoding,
    max_len: usize,
) -> Vec<u8> {
    // Seeds are read the way the reader reads them (any encoding), mutated as text, then re-encoded.
    let mut text = outtake_core::subtitles::decode(seed).text;
    let other_text = outtake_core::subtitles::decode(other).text;
    for _ in 0..rng.stack() {
        mutate(rng, &mut text, dictionary, &other_text, max_len / 2);
    }
    let mut bytes = encode(rng, &text, encoding);
    if rng.one_in(3) {
        for _ in 0..rng.stack() {
            bytes::mutate(rng, &mut bytes, other, max_len);
        }
    }
    bytes.truncate(max_len);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_round_trip_through_the_readers_decoder() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n괜찮아요\n";
        let mut rng = Rng::new(9);
        for encoding in [Encoding::Utf8, Encoding::Utf16Le, Encoding::Utf16Be, Encoding::Cp949] {
            let bytes = encode(&mut rng, text, encoding);
            assert_eq!(outtake_core::subtitles::decode(&bytes).text, text, "{encoding:?}");
        }
    }

    #[test]
    fn mutations_keep_text_bounded() {
        let mut rng = Rng::new(5);
        for _ in 0..3000 {
            let mut text = "00:00:01,000 --> 00:00:02,000\n안녕\n\n".repeat(3);
            for _ in 0..rng.stack() {
                mutate(&mut rng, &mut text, &["-->", "<SYNC Start="], "other\nlines\n", 500);
            }
            assert!(text.len() <= 500);
        }
    }

    #[test]
    fn digit_runs_are_found() {
        assert_eq!(digit_runs("a12b3"), [(1, 3), (4, 5)]);
        assert_eq!(digit_runs(""), []);
    }
}
