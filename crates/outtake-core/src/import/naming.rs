//! What a file name says: a clip title without yt-dlp's `[id]`, and guesses of
//! show and episode from names like `[Making] Lovers of the Red Sky EP.3` or `홍천기 3화`.

use crate::names::name_key;

/// The clip title a file name suggests: the stem without a trailing yt-dlp ` [id]`.
pub fn title_from_stem(stem: &str) -> String {
    let trimmed = stem.trim();
    if let Some(open) = trimmed.rfind(" [")
        && trimmed.ends_with(']')
    {
        let id = &trimmed[open + 2..trimmed.len() - 1];
        let looks_like_id =
            id.len() >= 6 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if looks_like_id && open > 0 {
            return trimmed[..open].trim().to_string();
        }
    }
    trimmed.to_string()
}

/// A file's stem as a title may show it: a file name may hold anything but `/`
/// and NUL (control characters, an escape sequence, a newline); the title keeps
/// what can be shown. A name that is not UTF-8 is read decoded, and a macOS
/// name (NFD Hangul) composed, as the fan types it.
pub(super) fn clean_stem(path: &std::path::Path) -> String {
    use unicode_normalization::UnicodeNormalization;
    let raw_stem: String = crate::paths::StoredPath::from_path(path).stem_text().nfc().collect();
    crate::names::text_from_file(&raw_stem, super::info_json::MAX_TITLE_CHARS, true)
}

/// The title a file name gives a clip: the stem without yt-dlp's ` [id]`.
pub(super) fn stem_title(path: &std::path::Path) -> String {
    let stem = clean_stem(path);
    let title = title_from_stem(&stem);
    match (title.is_empty(), stem.is_empty()) {
        (false, _) => title,
        (true, false) => stem,
        (true, true) => "(untitled)".into(),
    }
}

/// The yt-dlp video id in a stem like `Title [dQw4w9WgXcQ]`, if any.
pub fn source_id_from_stem(stem: &str) -> Option<String> {
    let title = title_from_stem(stem);
    (title.len() < stem.trim().len()).then(|| stem.trim()[title.len() + 2..stem.trim().len() - 1].to_string())
}

/// The id yt-dlp gives the video at a page address, for the sites whose ids
/// an address shows: YouTube (`watch?v=ID`, `youtu.be/ID`, `shorts/ID`,
/// `embed/ID`, `live/ID`) and Vimeo (`vimeo.com/123456`). So a clip whose
/// container names its page gets the same source id its `.info.json` would give.
pub fn source_id_from_url(url: &str) -> Option<String> {
    let rest = url.trim().strip_prefix("https://").or_else(|| url.trim().strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_ascii_lowercase();
    let host = host.strip_prefix("www.").or_else(|| host.strip_prefix("m.")).unwrap_or(&host);
    let host = host.strip_prefix("music.").unwrap_or(host);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let path = path.split('#').next().unwrap_or("");
    let youtube_id = |id: &str| {
        (id.len() == 11 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
            .then(|| id.to_string())
    };
    match host {
        "youtube.com" | "youtube-nocookie.com" => {
            if path == "watch" {
                let query = query.split('#').next().unwrap_or("");
                return query.split('&').find_map(|pair| pair.strip_prefix("v=")).and_then(youtube_id);
            }
            let (kind, id) = path.split_once('/')?;
            matches!(kind, "shorts" | "embed" | "live" | "v").then_some(())?;
            youtube_id(id.split('/').next()?)
        }
        "youtu.be" => youtube_id(path.split('/').next()?),
        "vimeo.com" => {
            let id = path.split('/').next()?;
            (!id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit()))
                .then(|| id.to_string())
        }
        _ => None,
    }
}

/// The episode number a name mentions, when it mentions exactly one:
/// `EP.3`, `Ep 3`, `E03`, `S01E03`, `Episode 3`, `3화`, `제3회`, `#3`.
pub fn episode_number(name: &str) -> Option<i64> {
    let chars: Vec<char> = name.to_lowercase().chars().collect();
    let mut found: Vec<i64> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some((number, end)) = episode_at(&chars, i) {
            if !found.contains(&number) {
                found.push(number);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    match found.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// An episode mention starting at `i`: its number and where it ends.
fn episode_at(chars: &[char], i: usize) -> Option<(i64, usize)> {
    let before_is_letter = i > 0 && chars[i - 1].is_alphabetic();
    let before_is_digit = i > 0 && chars[i - 1].is_ascii_digit();
    let starts = |word: &str| word.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c));
    if !before_is_letter && starts("episode") {
        return number_after(chars, i + 7, true);
    }
    if !before_is_letter && starts("ep") {
        return number_after(chars, i + 2, true);
    }
    // `E03` alone or in `S01E03`; a bare `e` needs digits straight after it.
    if starts("e") && !before_is_letter {
        let (number, end) = number_after(chars, i + 1, false)?;
        let digits = end - (i + 1);
        let in_season = i >= 2 && chars[i - 1].is_ascii_digit();
        return (digits >= 2 || in_season).then_some((number, end));
    }
    if chars[i] == '#' {
        return number_after(chars, i + 1, false);
    }
    if chars[i].is_ascii_digit() && !before_is_digit {
        let (number, end) = number_after(chars, i, false)?;
        let mut after = end;
        while chars.get(after) == Some(&' ') {
            after += 1;
        }
        if matches!(chars.get(after), Some('화' | '회')) {
            return Some((number, after + 1));
        }
    }
    None
}

/// Digits at `start` (after separators when `separators`), as a plausible episode number.
fn number_after(chars: &[char], start: usize, separators: bool) -> Option<(i64, usize)> {
    let mut at = start;
    if separators {
        while matches!(chars.get(at), Some('.' | ' ' | '_' | '-' | '#')) && at < start + 2 {
            at += 1;
        }
    }
    let digits_start = at;
    while chars.get(at).is_some_and(|c| c.is_ascii_digit()) {
        at += 1;
    }
    if at == digits_start || at - digits_start > 3 || chars.get(at).is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let number: i64 = chars[digits_start..at].iter().collect::<String>().parse().ok()?;
    Some((number, at))
}

/// The one show whose name (title, native title or alias, as keys) appears in
/// `name`. When several match, a longer name that contains the shorter ones
/// wins (`Lovers of the Red Sky` over `Lovers`); otherwise no guess.
pub fn guess_show(name: &str, show_names: &[(i64, String)]) -> Option<i64> {
    let key = name_key(name);
    let mut matches: Vec<&(i64, String)> = show_names
        .iter()
        .filter(|(_, show_key)| {
            show_key.chars().count() >= min_key_len(show_key) && key.contains(show_key.as_str())
        })
        .collect();
    matches.sort_by_key(|(_, show_key)| std::cmp::Reverse(show_key.len()));
    let (best, best_key) = matches.first()?;
    let rivals = matches.iter().any(|(id, show_key)| id != best && !best_key.contains(show_key.as_str()));
    (!rivals).then_some(*best)
}

/// Short keys match by chance: two Hangul syllables or four Latin letters at least.
fn min_key_len(key: &str) -> usize {
    if key.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)) { 2 } else { 4 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_ids_from_page_addresses() {
        let rows = [
            ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Some("dQw4w9WgXcQ")),
            ("https://www.youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=10", Some("dQw4w9WgXcQ")),
            ("https://m.youtube.com/watch?v=dQw4w9WgXcQ#t=1", Some("dQw4w9WgXcQ")),
            ("https://youtu.be/dQw4w9WgXcQ?si=abc", Some("dQw4w9WgXcQ")),
            ("https://www.youtube.com/shorts/dQw4w9WgXcQ", Some("dQw4w9WgXcQ")),
            ("http://music.youtube.com/watch?v=dQw4w9WgXcQ", Some("dQw4w9WgXcQ")),
            ("https://vimeo.com/76979871", Some("76979871")),
            ("https://www.youtube.com/watch?v=short", None),
            ("https://www.youtube.com/channel/UCabcdefghijk", None),
            ("https://example.com/watch?v=dQw4w9WgXcQ", None),
            ("ftp://youtu.be/dQw4w9WgXcQ", None),
            ("not a url", None),
        ];
        for (url, id) in rows {
            assert_eq!(source_id_from_url(url).as_deref(), id, "{url}");
        }
    }

    #[test]
    fn episode_numbers() {
        let rows: &[(&str, Option<i64>)] = &[
            ("[Making] Lovers of the Red Sky EP.3", Some(3)),
            ("Lovers of the Red Sky Ep 3 making", Some(3)),
            ("lovers_of_the_red_sky_ep03", Some(3)),
            ("Show E03 BTS", Some(3)),
            ("Show S01E12", Some(12)),
            ("Show Episode 7 behind", Some(7)),
            ("홍천기 3화 메이킹", Some(3)),
            ("홍천기 제12회", Some(12)),
            ("홍천기 3 화", Some(3)),
            ("Making #5", Some(5)),
            ("EP.3 and EP.3 again", Some(3)),
            ("EP.3 vs EP.4", None),
            ("sleep 3 hours", None),
            ("Keep 3 secrets", None),
            ("Lovers of the Red Sky 2021", None),
            ("Bloopers E3", None), // one digit after a bare E reads like a name, not an episode
            ("EP.2021", None),
            ("some video", None),
            ("", None),
        ];
        for (name, expected) in rows {
            assert_eq!(episode_number(name), *expected, "{name:?}");
        }
    }

    #[test]
    fn titles_and_ids() {
        let rows = [
            ("Kim Yoo Jung laughs [dQw4w9WgXcQ]", "Kim Yoo Jung laughs", Some("dQw4w9WgXcQ")),
            ("[Making] Red Sky EP.3", "[Making] Red Sky EP.3", None),
            ("clip [1]", "clip [1]", None),
            ("  spaced  ", "spaced", None),
            ("[abcdefg]", "[abcdefg]", None),
        ];
        for (stem, title, id) in rows {
            assert_eq!(title_from_stem(stem), title, "{stem:?}");
            assert_eq!(source_id_from_stem(stem).as_deref(), id, "{stem:?}");
        }
    }

    #[test]
    fn show_guesses() {
        let shows = vec![
            (1, name_key("Lovers of the Red Sky")),
            (1, name_key("홍천기")),
            (2, name_key("Lovers")),
            (3, name_key("Twenty-Five Twenty-One")),
            (4, name_key("스물다섯 스물하나")),
            (5, name_key("It")),
        ];
        let rows: &[(&str, Option<i64>)] = &[
            ("[Making] Lovers of the Red Sky EP.3", Some(1)),
            ("홍천기 3화 메이킹", Some(1)),
            ("Lovers behind the scenes", Some(2)),
            ("twenty five twenty one bloopers", Some(3)),
            ("스물다섯스물하나 비하인드", Some(4)),
            ("Lovers meets Twenty-Five Twenty-One", None),
            ("It was fun", None), // too short to trust
            ("nothing known", None),
        ];
        for (name, expected) in rows {
            assert_eq!(guess_show(name, &shows), *expected, "{name:?}");
        }
    }
}
