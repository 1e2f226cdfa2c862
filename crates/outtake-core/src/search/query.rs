//! The search language: free words (all must match; the last also as a prefix
//! while typing), `"exact phrase"`, `-word`, `OR`, and filters such as
//! `show:`, `ep:3-5`, `cast:"Ahn Hyo Seop"`, `tag:blooper`, `dur:<60`.
//! Whatever is typed becomes data: words reach FTS5 only as quoted terms.
//!
//! A query is bounded (`MAX_QUERY_CHARS`, `MAX_QUERY_WORDS`,
//! `MAX_QUERY_FILTERS`) before it is parsed, so no typed text costs seconds
//! or grows an expression past what FTS5 or SQLite can parse.

use super::text::{Piece, index_text, pieces};
use crate::error::{Error, Result};

/// One parsed query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// The FTS5 expression for the words, if there are any.
    pub fts: Option<String>,
    /// The words' terms one by one (each may be an OR group), and the -words:
    /// for matching words spread over a clip's title, cast, markers and subtitles.
    pub terms: Vec<String>,
    pub excluded: Vec<String>,
    /// The words and phrases to highlight in snippets.
    pub highlights: Vec<String>,
    pub filters: Vec<Filter>,
    pub sort: Sort,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Added,
    Duration,
    Title,
}

/// Where words may match (`in:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// Lines from subtitle files (and typed ones).
    Subs,
    /// Text read off the picture.
    Screen,
    /// Transcribed speech.
    Speech,
    Markers,
    Titles,
    Notes,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Less,
    More,
    Equal,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Show(String),
    Episodes(i64, i64),
    Scene(String),
    Cast(String),
    Character(String),
    Tag { name: String, negated: bool },
    Lang(String),
    Within(Within),
    Duration(Compare, i64),
    Added(Compare, String),
    Missing,
    Offline,
    Untagged,
}

/// A piece of the query as typed. A filter keeps its text as typed
/// (`-tag:"a b"`) and where it starts, for messages.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word { text: String, negated: bool, last: bool },
    Phrase { text: String, negated: bool },
    Or,
    Filter { key: String, value: String, negated: bool, at: usize, typed: String },
}

/// The longest query read, in characters (not bytes: Hangul gets the same
/// room). A long pasted subtitle line is ~100; a saved search using every
/// kind of filter ~200. Checked before the query is split into words.
pub const MAX_QUERY_CHARS: usize = 1_000;
/// Words and phrases (`-words` included; `OR` joins two of them). Each is
/// matched on its own when no single document holds them all, so their count
/// is what a search's time grows with; a fan types a few, a pasted line a
/// dozen or two, and a quoted phrase is one.
pub const MAX_QUERY_WORDS: usize = 32;
/// `key:value` filters (`sort:` included). Each is one more condition on
/// every clip (SQLite refuses an expression ~1,000 conditions deep); every
/// kind of filter at once is 12.
pub const MAX_QUERY_FILTERS: usize = 24;

const FILTERS: &[&str] =
    &["show", "ep", "scene", "cast", "as", "tag", "lang", "in", "dur", "added", "is", "sort"];

/// Splits the query into tokens; an unbalanced quote runs to the end.
fn tokens(input: &str) -> Vec<Token> {
    let chars: Vec<char> = input.chars().filter(|c| !c.is_control()).collect();
    let ends_with_space = input.ends_with(char::is_whitespace);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let at = i;
        let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negated {
            i += 1;
        }
        if chars[i] == '"' {
            let (text, end) = quoted(&chars, i);
            out.push(Token::Phrase { text, negated });
            i = end;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '"' {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if let Some((key, rest)) =
            word.split_once(':').filter(|(k, _)| FILTERS.contains(&k.to_ascii_lowercase().as_str()))
        {
            let mut value = rest.to_string();
            if value.is_empty() && chars.get(i) == Some(&'"') {
                let (text, end) = quoted(&chars, i);
                value = text;
                i = end;
            }
            let typed = chars[at..i].iter().collect();
            out.push(Token::Filter { key: key.to_ascii_lowercase(), value, negated, at, typed });
        } else if word == "OR" && !negated {
            out.push(Token::Or);
        } else {
            let last = i >= chars.len() && !ends_with_space;
            out.push(Token::Word { text: word, negated, last });
        }
    }
    out
}

/// The text inside quotes starting at `open`, and the index after the closing quote.
fn quoted(chars: &[char], open: usize) -> (String, usize) {
    let close = chars[open + 1..].iter().position(|c| *c == '"').map(|p| open + 1 + p);
    let end = close.unwrap_or(chars.len());
    (chars[open + 1..end].iter().collect(), close.map_or(end, |c| c + 1))
}

/// Parses what the user typed. Only a filter with a value that cannot mean
/// anything is an error, and the error quotes it; so is a query past the
/// limits, and the error says which limit.
pub fn parse(input: &str) -> Result<Query> {
    // Counted before anything else reads the text: a megabyte pasted by
    // mistake costs one pass over it.
    let length = input.chars().count();
    if length > MAX_QUERY_CHARS {
        return Err(too_big(format!(
            "is {length} characters long; a search reads at most {MAX_QUERY_CHARS}"
        )));
    }
    let tokens = tokens(input);
    let words = tokens.iter().filter(|t| matches!(t, Token::Word { .. } | Token::Phrase { .. })).count();
    if words > MAX_QUERY_WORDS {
        return Err(too_big(format!(
            "has {words} words and phrases; a search takes at most {MAX_QUERY_WORDS}"
        )));
    }
    let filters = tokens.iter().filter(|t| matches!(t, Token::Filter { .. })).count();
    if filters > MAX_QUERY_FILTERS {
        return Err(too_big(format!("has {filters} filters; a search takes at most {MAX_QUERY_FILTERS}")));
    }
    let mut query = Query::default();
    // Each positive term is a group of alternatives joined by OR.
    let mut positive: Vec<Vec<String>> = Vec::new();
    let mut negative: Vec<String> = Vec::new();
    let mut pending_or = false;
    for token in tokens {
        let (term, negated) = match token {
            Token::Or => {
                pending_or = !positive.is_empty();
                continue;
            }
            Token::Filter { key, value, negated, at, typed } => {
                filter(&mut query, &key, &value, negated).map_err(|why| bad(&typed, at, &why))?;
                continue;
            }
            Token::Word { text, negated, last } => {
                if !negated {
                    query.highlights.push(text.clone());
                }
                (word_term(&text, last && !negated), negated)
            }
            Token::Phrase { text, negated } => {
                if !negated {
                    query.highlights.push(text.clone());
                }
                let indexed = index_text(&text);
                ((!indexed.is_empty()).then(|| format!("\"{indexed}\"")), negated)
            }
        };
        let Some(term) = term else { continue };
        if negated {
            negative.push(term);
        } else if pending_or && let Some(group) = positive.last_mut() {
            group.push(term);
            pending_or = false;
        } else {
            positive.push(vec![term]);
        }
    }
    // Flat `(a OR b OR c)` groups, never `((a OR b) OR c)`: FTS5's parser
    // has room for a few dozen nested parentheses only.
    query.terms = positive.iter().map(|group| any_of(group)).collect();
    query.excluded = negative;
    if !query.terms.is_empty() {
        query.fts = Some(without(&query.terms.join(" AND "), &query.excluded));
    } else if !query.excluded.is_empty() && query.filters.is_empty() {
        return Err(Error::invalid("search", "a search needs something to look for besides -words"));
    }
    Ok(query)
}

fn too_big(what: String) -> Error {
    Error::invalid("search", format!("the query {what}"))
}

/// One term matching any of `terms`.
fn any_of(terms: &[String]) -> String {
    match terms {
        [one] => one.clone(),
        _ => format!("({})", terms.join(" OR ")),
    }
}

/// `expression` without the documents matching any of `excluded`, nested
/// one level however many there are.
pub(crate) fn without(expression: &str, excluded: &[String]) -> String {
    if excluded.is_empty() {
        return expression.to_string();
    }
    format!("({expression}) NOT {}", any_of(excluded))
}

/// The FTS5 term for one typed word (already safe: only letters, digits, syllables).
fn word_term(word: &str, prefix: bool) -> Option<String> {
    let parts: Vec<String> = pieces(word)
        .into_iter()
        .map(|piece| match piece {
            Piece::Word(w) if prefix => format!("\"{w}\"*"),
            Piece::Word(w) => format!("\"{w}\""),
            // One syllable: any pair that starts with it.
            Piece::Syllables(run) if run.len() == 1 => format!("\"{}\"*", run[0]),
            Piece::Syllables(run) => format!("\"{}\"", super::text::syllable_terms(&run).join(" ")),
        })
        .collect();
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(format!("({})", parts.join(" AND "))),
    }
}

/// A filter that cannot mean anything, quoted as typed.
fn bad(typed: &str, at: usize, why: &str) -> Error {
    Error::invalid("search", format!("{typed} (at character {}) {why}", at + 1))
}

fn filter(query: &mut Query, key: &str, value: &str, negated: bool) -> Result<(), String> {
    let value = value.trim();
    if value.is_empty() {
        return Err("needs a value".into());
    }
    if negated && key != "tag" {
        return Err("cannot be negated (only -tag: can)".into());
    }
    let added = match key {
        "show" => Filter::Show(value.into()),
        "scene" => Filter::Scene(value.into()),
        "cast" => Filter::Cast(value.into()),
        "as" => Filter::Character(value.into()),
        "tag" => Filter::Tag { name: value.into(), negated },
        "lang" => Filter::Lang(value.to_ascii_lowercase()),
        "ep" => episodes(value)?,
        "in" => Filter::Within(match value.to_ascii_lowercase().as_str() {
            "subs" | "subtitles" => Within::Subs,
            "screen" => Within::Screen,
            "speech" => Within::Speech,
            "markers" => Within::Markers,
            "titles" => Within::Titles,
            "notes" => Within::Notes,
            _ => return Err("is not one of subs, screen, speech, markers, titles, notes".into()),
        }),
        "dur" => {
            let (compare, rest) = compared(value)?;
            Filter::Duration(compare, duration_ms(rest).ok_or("is not a length like 60, 90s, 10m or 1:30")?)
        }
        "added" => {
            let (compare, rest) = compared(value)?;
            let date = crate::dates::check_date("added", Some(rest))
                .ok()
                .flatten()
                .ok_or("is not a date like 2026-01-31")?;
            Filter::Added(compare, date)
        }
        "is" => match value.to_ascii_lowercase().as_str() {
            "missing" => Filter::Missing,
            "offline" => Filter::Offline,
            "untagged" => Filter::Untagged,
            _ => return Err("is not one of missing, offline, untagged".into()),
        },
        "sort" => {
            query.sort = match value.to_ascii_lowercase().as_str() {
                "relevance" => Sort::Relevance,
                "added" => Sort::Added,
                "duration" => Sort::Duration,
                "title" => Sort::Title,
                _ => return Err("is not one of relevance, added, duration, title".into()),
            };
            return Ok(());
        }
        _ => return Err("is not a filter".into()),
    };
    query.filters.push(added);
    Ok(())
}

fn episodes(value: &str) -> Result<Filter, String> {
    let number = |s: &str| s.trim().parse::<i64>().ok().filter(|n| (0..=100_000).contains(n));
    let why = "is not an episode number or a range like 3-5";
    match value.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (number(a).ok_or(why)?, number(b).ok_or(why)?);
            Ok(Filter::Episodes(a.min(b), a.max(b)))
        }
        None => {
            let n = number(value).ok_or(why)?;
            Ok(Filter::Episodes(n, n))
        }
    }
}

/// `<60` → (Less, "60"). A comparison with nothing after it (`added:>`)
/// needs a value like any empty filter: it does not mean "any date".
fn compared(value: &str) -> Result<(Compare, &str), String> {
    let (compare, rest) = if let Some(rest) = value.strip_prefix('<') {
        (Compare::Less, rest.trim_start_matches('='))
    } else if let Some(rest) = value.strip_prefix('>') {
        (Compare::More, rest.trim_start_matches('='))
    } else {
        (Compare::Equal, value.trim_start_matches('='))
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Err("needs a value".into());
    }
    Ok((compare, rest))
}

/// `60`, `90s`, `10m`, `1h`, `1:30` → milliseconds.
fn duration_ms(text: &str) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    if text.contains(':') {
        return crate::time::parse_time("dur", &text).ok();
    }
    let (number, unit) = match text.find(|c: char| c.is_ascii_alphabetic()) {
        Some(at) => (&text[..at], &text[at..]),
        None => (text.as_str(), "s"),
    };
    let number: f64 = number.parse().ok().filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    let scale = match unit {
        "s" | "sec" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    Some((number * scale).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fts(input: &str) -> Option<String> {
        parse(input).unwrap().fts
    }

    #[test]
    fn words_become_quoted_terms() {
        let rows: &[(&str, Option<&str>)] = &[
            ("horse", Some("\"horse\"*")),
            ("horse ", Some("\"horse\"")),
            ("horse ride", Some("\"horse\" AND \"ride\"*")),
            ("\"I'm okay\"", Some("\"i m okay\"")),
            ("눈물", Some("\"눈물\"")),
            ("김유정 눈물", Some("\"김유 유정\" AND \"눈물\"")),
            ("눈", Some("\"눈\"*")),
            ("horse -blooper", Some("(\"horse\") NOT \"blooper\"")),
            ("horse OR pulse", Some("(\"horse\" OR \"pulse\"*)")),
            // Chains of OR and of -words stay one group deep, however long.
            ("a OR b OR c", Some("(\"a\" OR \"b\" OR \"c\"*)")),
            ("a OR b c", Some("(\"a\" OR \"b\") AND \"c\"*")),
            ("horse -a -b", Some("(\"horse\") NOT (\"a\" OR \"b\")")),
            ("AND OR NOT", Some("(\"and\" OR \"not\"*)")),
            ("\"unbalanced quote", Some("\"unbalanced quote\"")),
            ("'; DROP TABLE clip; --", Some("\"drop\" AND \"table\" AND \"clip\"")),
            ("NEAR(a b)", Some("(\"near\" AND \"a\") AND \"b\"*")),
            ("", None),
            ("   ", None),
            ("🙂🙂", None),
        ];
        for (input, expected) in rows {
            assert_eq!(fts(input).as_deref(), *expected, "{input:?}");
        }
    }

    #[test]
    fn filters() {
        let rows: &[(&str, Filter)] = &[
            ("show:홍천기", Filter::Show("홍천기".into())),
            ("ep:3-5", Filter::Episodes(3, 5)),
            ("ep:7", Filter::Episodes(7, 7)),
            ("cast:\"Ahn Hyo Seop\"", Filter::Cast("Ahn Hyo Seop".into())),
            ("as:\"Ha Ram\"", Filter::Character("Ha Ram".into())),
            ("-tag:blooper", Filter::Tag { name: "blooper".into(), negated: true }),
            ("tag:mood:emotional", Filter::Tag { name: "mood:emotional".into(), negated: false }),
            ("dur:<60", Filter::Duration(Compare::Less, 60_000)),
            ("dur:>10m", Filter::Duration(Compare::More, 600_000)),
            ("dur:<1:30", Filter::Duration(Compare::Less, 90_000)),
            ("added:>2026-01-01", Filter::Added(Compare::More, "2026-01-01".into())),
            // The date as it is compared, without the space typed inside quotes.
            ("added:\"> 2026-01-01\"", Filter::Added(Compare::More, "2026-01-01".into())),
            ("added:<=2026-01-01", Filter::Added(Compare::Less, "2026-01-01".into())),
            ("is:missing", Filter::Missing),
            ("in:subs", Filter::Within(Within::Subs)),
            ("in:screen", Filter::Within(Within::Screen)),
            ("in:Speech", Filter::Within(Within::Speech)),
            ("lang:KO", Filter::Lang("ko".into())),
        ];
        for (input, expected) in rows {
            assert_eq!(parse(input).unwrap().filters, vec![expected.clone()], "{input}");
        }
        assert_eq!(parse("sort:title horse").unwrap().sort, Sort::Title);
        // A colon in a word that is no filter stays a word.
        assert_eq!(fts("16:9 ratio").as_deref(), Some("(\"16\" AND \"9\") AND \"ratio\"*"));
    }

    #[test]
    fn bad_filters_say_which() {
        let rows = [
            ("ep:abc", "ep:abc (at character 1) is not an episode number"),
            ("horse dur:<soon", "dur:<soon (at character 7)"),
            ("added:>yesterday", "is not a date"),
            ("is:lost", "is not one of missing, offline, untagged"),
            ("in:everything", "is not one of subs"),
            ("sort:random", "is not one of relevance"),
            ("-cast:x", "cannot be negated"),
            ("show:", "needs a value"),
            ("-blooper", "something to look for"),
        ];
        for (input, expected) in rows {
            let error = parse(input).unwrap_err().to_string();
            assert!(error.contains(expected), "{input}: {error}");
        }
    }

    /// Every filter, with nothing after its colon (or its comparison), is
    /// refused the same way, naming the filter as typed.
    #[test]
    fn every_filter_needs_a_value() {
        let mut rows: Vec<(String, String)> = Vec::new();
        for key in FILTERS {
            for value in ["", "\"\"", "\" \""] {
                rows.push((format!("{key}:{value}"), format!("{key}:{value}")));
            }
        }
        for typed in
            ["added:>", "added:<", "added:=", "added:>=", "added:<=", "dur:<", "dur:>", "dur:<=", "-tag:"]
        {
            rows.push((typed.to_string(), typed.to_string()));
        }
        rows.push(("added:\"> \"".into(), "added:\"> \"".into()));
        rows.push(("SHOW:".into(), "SHOW:".into()));
        for (input, shown) in rows {
            let error = parse(&input).map(|q| q.filters).unwrap_err().to_string();
            assert_eq!(error, format!("search: {shown} (at character 1) needs a value"), "{input}");
        }
    }

    /// Queries up to each limit parse; one more character, word or filter is
    /// an error naming that limit, before any of it is read (a query too long
    /// is refused for its length, not for its words).
    #[test]
    fn queries_are_bounded() {
        let words = |n: usize| vec!["ab"; n].join(" ");
        let filters = |n: usize| vec!["dur:<9"; n].join(" ");
        for fits in [
            "눈".repeat(MAX_QUERY_CHARS),
            words(MAX_QUERY_WORDS),
            vec!["\"a b\""; MAX_QUERY_WORDS].join(" "),
            format!("{} {}", words(MAX_QUERY_WORDS / 2), vec!["-ab"; MAX_QUERY_WORDS / 2].join(" ")),
            filters(MAX_QUERY_FILTERS),
            format!("{} {}", words(MAX_QUERY_WORDS), filters(MAX_QUERY_FILTERS)),
        ] {
            assert!(fits.chars().count() <= MAX_QUERY_CHARS, "{fits}");
            parse(&fits).unwrap_or_else(|e| panic!("{fits}: {e}"));
        }
        let rows = [
            (
                "눈".repeat(MAX_QUERY_CHARS + 1),
                "the query is 1001 characters long; a search reads at most 1000",
            ),
            (words(50_000), "the query is 149999 characters long; a search reads at most 1000"),
            (words(MAX_QUERY_WORDS + 1), "the query has 33 words and phrases; a search takes at most 32"),
            (vec!["ab"; 150].join(" OR "), "the query has 150 words and phrases; a search takes at most 32"),
            (format!("a {}", vec!["-ab"; MAX_QUERY_WORDS].join(" ")), "has 33 words and phrases"),
            (vec!["\"a\""; MAX_QUERY_WORDS + 1].join(""), "has 33 words and phrases"),
            (filters(MAX_QUERY_FILTERS + 1), "the query has 25 filters; a search takes at most 24"),
            (vec!["sort:title"; 80].join(" "), "the query has 80 filters; a search takes at most 24"),
        ];
        for (input, expected) in rows {
            let error = parse(&input).unwrap_err();
            assert!(matches!(&error, Error::Invalid { field, .. } if field == "search"), "{error:?}");
            assert!(
                error.to_string().contains(expected),
                "{}…: {error}",
                input.chars().take(20).collect::<String>()
            );
        }
    }
}
