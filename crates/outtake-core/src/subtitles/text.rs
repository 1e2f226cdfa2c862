//! Cue text as people read it — markup gone, entities decoded, one space
//! between words, NFC — and the line handling every format shares.

use unicode_normalization::UnicodeNormalization;

/// How much of an offending line an error quotes.
const QUOTE_CHARS: usize = 60;

/// Cleans raw cue text: `<br>` and line ends become line breaks; tags
/// (`<i>`, `<font …>`, `<c.yellow>`, `<v Name>`, `<00:00:01.000>`), ASS
/// overrides (`{\an8}`) and comments go; entities are decoded; blank lines
/// and control characters are dropped; the result is NFC.
pub(super) fn clean_cue_text(raw: &str) -> String {
    let plain = decode_entities(&strip_markup(raw));
    let lines: Vec<String> = plain.split('\n').map(tidy_line).filter(|l| !l.is_empty()).collect();
    lines.join("\n").nfc().collect()
}

/// The lines of a file, whether it ends them with LF, CRLF or (old Mac) CR.
pub(super) fn split_lines(text: &str) -> Vec<&str> {
    if !text.contains('\n') && text.contains('\r') {
        return text.split('\r').collect();
    }
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect()
}

/// A line as an error quotes it: trimmed and cut short, so a megabyte of
/// garbage on one line never ends up in a message.
pub(super) fn quote(line: &str) -> String {
    let line = line.trim();
    match line.char_indices().nth(QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn strip_markup(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // Known up front, so a thousand unclosed `<!--` do not each search to the end.
    let last_comment_end = raw.rfind("-->");
    let mut rest = raw;
    while let Some(at) = rest.find(['<', '{']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let closable = last_comment_end.is_some_and(|end| raw.len() - tail.len() < end);
        match markup(tail, closable) {
            Some((len, replacement)) => {
                out.push_str(replacement);
                rest = &tail[len..];
            }
            // A literal `<` (as in "I <3 you") or `{`: both are one byte.
            None => {
                out.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The markup at the start of `tail`: its length and what replaces it.
/// A tag must close on its own line without another `<` first, so stray
/// angle brackets in SRT text stay text. `closable`: a `-->` follows.
fn markup(tail: &str, closable: bool) -> Option<(usize, &'static str)> {
    if closable && (tail.starts_with("<!--") || tail.starts_with("<--")) {
        // SAMI files write comments both ways; the second is a common mistake.
        let end = tail.find("-->")?;
        return Some((end + 3, ""));
    }
    if let Some(body) = tail.strip_prefix("{\\") {
        let end = body.find(['}', '{', '\n'])?;
        return body[end..].starts_with('}').then_some((end + 3, ""));
    }
    let body = tail.strip_prefix('<')?;
    let first = body.chars().next()?;
    if !(first.is_ascii_alphanumeric() || first == '/' || first == '!') {
        return None;
    }
    let end = body.find(['>', '<', '\n'])?;
    if !body[end..].starts_with('>') {
        return None;
    }
    let name: String = body.chars().take_while(char::is_ascii_alphanumeric).collect();
    let replacement = if name.eq_ignore_ascii_case("br") { "\n" } else { "" };
    Some((end + 2, replacement))
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        match entity(rest) {
            Some((c, len)) => {
                out.extend(c);
                rest = &rest[len..];
            }
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out
}

/// The entity at the start of `text` (just after its `&`): its character —
/// `None` for marks that show nothing — and how many bytes it spans.
fn entity(text: &str) -> Option<(Option<char>, usize)> {
    // Names are short: looking at a dozen bytes keeps `&` after `&` cheap.
    let len = text.bytes().take(12).position(|b| !(b.is_ascii_alphanumeric() || b == b'#')).unwrap_or(12);
    let len = len.min(text.len());
    if len == 0 || len > 10 {
        return None;
    }
    let name = text[..len].to_ascii_lowercase();
    let semicolon = text[len..].starts_with(';');
    let c = match name.as_str() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        "lrm" | "rlm" | "zwsp" | "shy" => None,
        _ => Some(numeric_entity(&name)?),
    };
    // HTML reads the oldest names even without `;`, and SAMI files rely on it (`&nbsp`).
    let legacy = matches!(name.as_str(), "amp" | "lt" | "gt" | "quot" | "nbsp");
    (semicolon || legacy).then_some((c, len + usize::from(semicolon)))
}

fn numeric_entity(name: &str) -> Option<char> {
    let digits = name.strip_prefix('#')?;
    let code = match digits.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
        None => digits.parse().ok()?,
    };
    char::from_u32(code)
}

/// One line with runs of spaces made one, and control characters and
/// invisible marks (BOM, direction marks) dropped: they only get in the way
/// of search.
pub(super) fn tidy_line(line: &str) -> String {
    let visible: String = line
        .chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{FEFF}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning() {
        let rows = [
            ("<i>in</i> {\\an8}<font color=\"red\">red</font>", "in red"),
            ("<b>bold</b>\n<u>under</u>", "bold\nunder"),
            ("{\\an8}위쪽 자막", "위쪽 자막"),
            ("{laughs} stays", "{laughs} stays"),
            ("I <3 you", "I <3 you"),
            ("a < b > c", "a < b > c"),
            ("x<3 <i>y</i>", "x<3 y"),
            ("<v Kim Yoo Jung>괜찮아요</v>", "괜찮아요"),
            ("<c.colorE5E5E5>we</c><00:00:01.500><c> went</c>", "we went"),
            ("첫 줄<br>둘째 줄<BR/>셋째<br />넷째", "첫 줄\n둘째 줄\n셋째\n넷째"),
            ("<!-- a comment --> text <-- a sloppy one -->", "text"),
            ("<-- not closed <!-- either", "<-- not closed <!-- either"),
            ("{\\an8{\\i1}x", "{\\an8x"),
            ("Tom &amp; Jerry &lt;3 &#54620;&#xAE00; &quot;hi&quot;", "Tom & Jerry <3 한글 \"hi\""),
            ("A &lrm;B&nbsp;C&rlm;", "A B C"),
            ("&nbsp", ""),
            ("AT&T &unknown; &#xFFFFFFFFFF; &", "AT&T &unknown; &#xFFFFFFFFFF; &"),
            ("&lt;b&gt;not a tag&lt;/b&gt;", "<b>not a tag</b>"),
            ("  spaced \t  out  \n\n\n  lines  ", "spaced out\nlines"),
            ("bell\u{7}\u{200B}\u{FEFF}", "bell"),
            ("\u{1100}\u{1161}\u{11AB} Cafe\u{301}", "간 Café"),
            ("<i>unclosed", "unclosed"),
            ("<i\n>", "<i\n>"),
        ];
        for (raw, expected) in rows {
            assert_eq!(clean_cue_text(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn line_ends() {
        let rows: [(&str, &[&str]); 4] = [
            ("a\r\nb\r\n", &["a", "b", ""]),
            ("a\nb", &["a", "b"]),
            ("a\rb\r", &["a", "b", ""]),
            ("", &[""]),
        ];
        for (text, lines) in rows {
            assert_eq!(split_lines(text), lines, "{text:?}");
        }
    }

    #[test]
    fn quotes_are_short() {
        assert_eq!(quote("  00:01:xx,000 --> 00:01:03,000  "), "00:01:xx,000 --> 00:01:03,000");
        let long = "가".repeat(500);
        assert_eq!(quote(&long), format!("{}…", "가".repeat(QUOTE_CHARS)));
    }
}
