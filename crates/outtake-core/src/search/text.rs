//! How text becomes index terms, the same way for documents and queries.
//!
//! FTS5's unicode61 tokenizer folds case and diacritics for Latin text
//! (`José` → `jose`) but keeps a run of Hangul as one token, so `눈물` would
//! not find `눈물을`. Before indexing, runs of Hangul (and kana, Han) are
//! rewritten as overlapping two-syllable terms: `눈물을` → `눈물 물을`; a query
//! `눈물` then matches it, and `김유정` (`김유 유정`, as a phrase) still needs
//! the syllables in order.

use unicode_normalization::UnicodeNormalization;

/// Scripts written without spaces between words, indexed by syllable pairs.
fn is_syllabic(c: char) -> bool {
    matches!(c,
        '\u{AC00}'..='\u{D7A3}' // Hangul syllables
        | '\u{3040}'..='\u{30FF}' // Hiragana, Katakana
        | '\u{4E00}'..='\u{9FFF}' // CJK ideographs
        | '\u{3400}'..='\u{4DBF}')
}

/// A piece of text: a word of a spaced script, or a run of syllables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Word(String),
    Syllables(Vec<char>),
}

/// Splits NFKC-normalised, lower-cased text into words and syllable runs.
pub fn pieces(text: &str) -> Vec<Piece> {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    let mut pieces = Vec::new();
    let mut word = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |word: &mut String, run: &mut Vec<char>, pieces: &mut Vec<Piece>| {
        if !word.is_empty() {
            pieces.push(Piece::Word(std::mem::take(word)));
        }
        if !run.is_empty() {
            pieces.push(Piece::Syllables(std::mem::take(run)));
        }
    };
    for c in folded.chars() {
        if is_syllabic(c) {
            if !word.is_empty() {
                pieces.push(Piece::Word(std::mem::take(&mut word)));
            }
            run.push(c);
        } else if c.is_alphanumeric() || is_combining(c) {
            if !run.is_empty() {
                pieces.push(Piece::Syllables(std::mem::take(&mut run)));
            }
            word.push(c);
        } else {
            flush(&mut word, &mut run, &mut pieces);
        }
    }
    flush(&mut word, &mut run, &mut pieces);
    pieces
}

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// The terms of a syllable run: pairs, or the single syllable.
pub fn syllable_terms(run: &[char]) -> Vec<String> {
    if run.len() == 1 {
        return vec![run[0].to_string()];
    }
    run.windows(2).map(|pair| pair.iter().collect()).collect()
}

/// Text as the index stores it: words as they are, syllable runs as pairs.
pub fn index_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for piece in pieces(text) {
        let terms = match piece {
            Piece::Word(word) => vec![word],
            Piece::Syllables(run) => syllable_terms(&run),
        };
        for term in terms {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&term);
        }
    }
    out
}

/// A name with its joined spellings, so `kim yoojung`, `kimyoojung` and
/// `Kim Yoo-jung` all find `Kim Yoo Jung`: every run of two or more adjacent
/// words is also indexed as one word.
pub fn name_text(name: &str) -> String {
    let words: Vec<String> = pieces(name)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Word(w) => Some(w),
            Piece::Syllables(_) => None,
        })
        .collect();
    let mut out = index_text(name);
    if words.len() <= 6 {
        for start in 0..words.len() {
            for end in start + 2..=words.len() {
                out.push(' ');
                out.push_str(&words[start..end].concat());
            }
        }
    }
    out
}

/// What a facet token names (see migration 0007).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Show,
    Person,
    Tag,
}

/// The first character of every facet token: a private-use character, which
/// `pieces` treats as a space, so no typed word or document text holds it.
const FACET_MARK: char = '\u{E000}';

/// The index token of a show, person or tag: `\u{E000}p5`.
pub fn facet(kind: Facet, id: i64) -> String {
    let letter = match kind {
        Facet::Show => 's',
        Facet::Person => 'p',
        Facet::Tag => 't',
    };
    format!("{FACET_MARK}{letter}{id}")
}

/// What a facet token names; None for anything else.
pub fn parse_facet(token: &str) -> Option<(Facet, i64)> {
    let rest = token.strip_prefix(FACET_MARK)?;
    let mut chars = rest.chars();
    let kind = match chars.next()? {
        's' => Facet::Show,
        'p' => Facet::Person,
        't' => Facet::Tag,
        _ => return None,
    };
    Some((kind, chars.as_str().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_texts() {
        let rows = [
            ("눈물을 흘렸다", "눈물 물을 흘렸 렸다"),
            ("Kim Yoo-jung 김유정", "kim yoo jung 김유 유정"),
            ("ＫＩＭ", "kim"),
            ("José", "josé"),
            ("홍", "홍"),
            ("I'm okay.", "i m okay"),
            ("EP.3 홍천기3화", "ep 3 홍천 천기 3 화"),
            ("", ""),
            // Facet tokens cannot be typed or written: their mark is a space here.
            ("\u{E000}p5 x\u{E000}t3", "p5 x t3"),
        ];
        for (text, expected) in rows {
            assert_eq!(index_text(text), expected, "{text:?}");
        }
    }

    #[test]
    fn facet_tokens_read_back() {
        for (kind, id) in [(Facet::Show, 12), (Facet::Person, 5), (Facet::Tag, 30_001)] {
            assert_eq!(parse_facet(&facet(kind, id)), Some((kind, id)));
        }
        for token in ["p5", "\u{E000}x5", "\u{E000}p", "\u{E000}pfive", ""] {
            assert_eq!(parse_facet(token), None, "{token:?}");
        }
    }

    #[test]
    fn names_index_their_joined_spellings() {
        assert_eq!(name_text("Kim Yoo Jung"), "kim yoo jung kimyoo kimyoojung yoojung");
        assert_eq!(name_text("김유정"), "김유 유정");
    }
}
