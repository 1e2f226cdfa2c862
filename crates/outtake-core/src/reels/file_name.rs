//! The file name a cut is offered under: show, episode, cast and the moment's
//! title, safe on every file system a fan may copy it to (ext4, NTFS, FAT32,
//! exFAT, APFS) and in every chat app that keeps names.

use unicode_normalization::UnicodeNormalization;

/// The longest name offered, in bytes, extension included: ext4 and NTFS
/// allow 255; leaving room for " (2)" and a copy's suffix.
const MOST_BYTES: usize = 150;
/// Cast named in full; the rest are counted (`+2`).
const CAST_NAMED: usize = 3;

/// What a name is made of.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    pub show: Option<String>,
    pub episode: Option<i64>,
    pub cast: Vec<String>,
    /// The marker's title (else the clip's is used).
    pub title: Option<String>,
    pub clip_title: String,
}

/// `Lovers of the Red Sky E03 - Kim Yoo Jung, Ahn Hyo Seop - horse ride.gif`.
/// Characters no file system takes (`/ \ : * ? " < > |`, controls) become
/// spaces; the text is NFC (a name made on a Mac matches one typed elsewhere);
/// no leading dot (hidden), no trailing dot or space (Windows drops them), no
/// reserved DOS device name (`CON`, `NUL`, `COM1`…); at most 150 bytes, cut
/// on a character.
pub fn suggest_file_name(parts: &NameParts, extension: &str) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let show = match (&parts.show, parts.episode) {
        (Some(show), Some(episode)) => Some(format!("{show} E{episode:02}")),
        (Some(show), None) => Some(show.clone()),
        (None, Some(episode)) => Some(format!("E{episode:02}")),
        (None, None) => None,
    };
    pieces.extend(show);
    if !parts.cast.is_empty() {
        let mut cast = parts.cast.iter().take(CAST_NAMED).cloned().collect::<Vec<_>>().join(", ");
        if parts.cast.len() > CAST_NAMED {
            cast.push_str(&format!(" +{}", parts.cast.len() - CAST_NAMED));
        }
        pieces.push(cast);
    }
    let title = parts.title.as_deref().filter(|t| !t.trim().is_empty()).unwrap_or(&parts.clip_title);
    pieces.push(title.to_string());
    let pieces: Vec<String> = pieces.iter().map(|p| clean(p)).filter(|p| !p.is_empty()).collect();
    let extension: String = extension
        .trim_start_matches('.')
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let mut stem = pieces.join(" - ");
    if stem.is_empty() {
        stem = "moment".into();
    }
    let room = MOST_BYTES.saturating_sub(extension.len() + 1);
    if stem.len() > room {
        let mut cut = room;
        while !stem.is_char_boundary(cut) {
            cut -= 1;
        }
        stem.truncate(cut);
        stem = tidy_ends(&stem);
    }
    if is_reserved(&stem) {
        stem.push('_');
    }
    if extension.is_empty() { stem } else { format!("{stem}.{extension}") }
}

/// One piece: forbidden characters to spaces, spaces collapsed, ends tidied.
fn clean(text: &str) -> String {
    let replaced: String = text
        .nfc()
        .map(|c| if c.is_control() || "/\\:*?\"<>|\u{2028}\u{2029}".contains(c) { ' ' } else { c })
        .collect();
    tidy_ends(&replaced.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn tidy_ends(text: &str) -> String {
    text.trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace() || c == '-')
        .to_string()
}

/// DOS device names, which Windows refuses with any extension.
fn is_reserved(stem: &str) -> bool {
    let upper = stem.to_ascii_uppercase();
    let base = upper.split('.').next().unwrap_or("");
    matches!(base, "CON" | "PRN" | "AUX" | "NUL")
        || ((base.starts_with("COM") || base.starts_with("LPT"))
            && base.len() == 4
            && base.as_bytes()[3].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(
        show: Option<&str>,
        episode: Option<i64>,
        cast: &[&str],
        title: Option<&str>,
        clip: &str,
    ) -> NameParts {
        NameParts {
            show: show.map(str::to_string),
            episode,
            cast: cast.iter().map(|c| c.to_string()).collect(),
            title: title.map(str::to_string),
            clip_title: clip.into(),
        }
    }

    #[test]
    fn names_are_made_of_show_episode_cast_and_title() {
        let rows = [
            (
                parts(
                    Some("Lovers of the Red Sky"),
                    Some(3),
                    &["Kim Yoo Jung", "Ahn Hyo Seop"],
                    Some("horse ride"),
                    "x",
                ),
                "gif",
                "Lovers of the Red Sky E03 - Kim Yoo Jung, Ahn Hyo Seop - horse ride.gif",
            ),
            (parts(None, None, &[], None, "making of [abc]"), "mp4", "making of [abc].mp4"),
            (
                parts(Some("홍천기"), None, &["김유정"], Some("말 타는 장면"), "x"),
                ".WEBP",
                "홍천기 - 김유정 - 말 타는 장면.webp",
            ),
            (parts(None, None, &["A", "B", "C", "D", "E"], Some("t"), "x"), "mp4", "A, B, C +2 - t.mp4"),
            (parts(None, Some(7), &[], Some("   "), "clip"), "mp4", "E07 - clip.mp4"),
            // What no file system takes becomes a space.
            (
                parts(Some("AC/DC: Live?"), None, &[], Some("a*b<c>d|e\"f\\g"), "x"),
                "mp4",
                "AC DC Live - a b c d e f g.mp4",
            ),
            (parts(None, None, &[], Some("line\none\ttab\u{0}nul"), "x"), "gif", "line one tab nul.gif"),
            // Hidden, trailing dots, reserved names, nothing at all.
            (parts(None, None, &[], Some("...secret..."), "x"), "mp4", "secret.mp4"),
            (parts(None, None, &[], Some("con"), "x"), "mp4", "con_.mp4"),
            (parts(None, None, &[], Some("COM1"), "x"), "gif", "COM1_.gif"),
            (parts(None, None, &[], Some("///"), ""), "mp4", "moment.mp4"),
        ];
        for (parts, extension, expected) in rows {
            assert_eq!(suggest_file_name(&parts, extension), expected, "{parts:?}");
        }
    }

    #[test]
    fn decomposed_hangul_comes_out_composed() {
        let nfd: String = "김유정".nfd().collect();
        assert_ne!(nfd, "김유정");
        assert_eq!(suggest_file_name(&parts(None, None, &[], Some(&nfd), "x"), "mp4"), "김유정.mp4");
    }

    #[test]
    fn long_names_are_cut_on_a_character_within_the_limit() {
        let long = "가".repeat(200);
        let name = suggest_file_name(&parts(Some(&long), None, &[], Some("t"), "x"), "webp");
        assert!(name.len() <= MOST_BYTES, "{} bytes", name.len());
        assert!(name.ends_with("가.webp"), "{name}");
        assert!(name.starts_with("가가"));
    }
}
