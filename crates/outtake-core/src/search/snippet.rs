//! Snippets: the matched text, cut around the first match, with the query's
//! words between `**`. Matching here is by lower-cased substring, so `눈물`
//! lights up inside `눈물이`.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

const WIDTH: usize = 120;

/// The query's words as snippets look for them: lower-cased, each on its own.
pub(crate) struct Needles(Vec<Vec<char>>);

impl Needles {
    pub(crate) fn new(highlights: &[String]) -> Needles {
        let mut needles: Vec<Vec<char>> = highlights
            .iter()
            .flat_map(|phrase| {
                let folded = phrase.nfkc().collect::<String>().to_lowercase();
                folded
                    .split(|c: char| !c.is_alphanumeric() && c != '\'')
                    .filter(|w| !w.is_empty())
                    .map(|w| w.chars().collect())
                    .collect::<Vec<_>>()
            })
            .collect();
        needles.sort();
        needles.dedup();
        Needles(needles)
    }
}

pub(crate) fn snippet(text: &str, needles: &Needles) -> String {
    // Most text is already NFC (all ASCII text is): normalise only when needed.
    let original: Vec<char> = if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().collect()
    } else {
        text.nfc().collect()
    };
    let chars: Vec<char> = original.iter().map(|&c| c.to_lowercase().next().unwrap_or(c)).collect();
    let mut marked = vec![false; chars.len()];
    for needle in &needles.0 {
        if needle.is_empty() || needle.len() > chars.len() {
            continue;
        }
        for start in 0..=chars.len() - needle.len() {
            if chars[start] == needle[0] && chars[start..start + needle.len()] == needle[..] {
                marked[start..start + needle.len()].iter_mut().for_each(|m| *m = true);
            }
        }
    }
    let first = marked.iter().position(|m| *m).unwrap_or(0);
    let (from, to) = window(original.len(), first);
    let mut out = String::with_capacity(text.len() + 16);
    if from > 0 {
        out.push('…');
    }
    let mut inside = false;
    for i in from..to {
        if marked[i] != inside {
            out.push_str("**");
            inside = marked[i];
        }
        out.push(original[i]);
    }
    if inside {
        out.push_str("**");
    }
    if to < original.len() {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A window of at most WIDTH characters that shows `first`.
fn window(len: usize, first: usize) -> (usize, usize) {
    if len <= WIDTH {
        return (0, len);
    }
    let from = first.saturating_sub(WIDTH / 3);
    let to = (from + WIDTH).min(len);
    (to.saturating_sub(WIDTH), to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("Kim Yoo Jung rides a horse", &["horse"], "Kim Yoo Jung rides a **horse**"),
            ("괜찮아요, 눈물이 나네요", &["눈물"], "괜찮아요, **눈물**이 나네요"),
            ("I'm okay.", &["I'm okay"], "**I'm** **okay**."),
            ("HORSE horse", &["Horse"], "**HORSE** **horse**"),
            ("nothing here", &["horse"], "nothing here"),
        ];
        for (text, words, expected) in rows {
            let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            assert_eq!(snippet(text, &Needles::new(&words)), *expected, "{text}");
        }
        let long = format!("{} the horse {}", "a".repeat(300), "b".repeat(300));
        let cut = snippet(&long, &Needles::new(&["horse".to_string()]));
        assert!(cut.starts_with('…') && cut.ends_with('…') && cut.contains("**horse**"), "{cut}");
    }
}
