//! How names are compared: 김유정, "Kim Yoo Jung", "kim yoo-jung" and "ＫＩＭ ＹＯＯ ＪＵＮＧ"
//! must all find the same person.
//!
//! Stored text keeps what the fan typed (NFC-normalised, trimmed). Lookups go
//! through a *key*: compatibility-folded (full-width → ASCII), lower-cased,
//! diacritics dropped, and only letters and digits kept, so spacing and
//! hyphenation of romanised names do not matter.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::error::{Error, Result};

/// The lookup key of a name. Never empty for a non-blank name: a name made
/// only of symbols (say "♥") keys as its folded self.
pub fn name_key(name: &str) -> String {
    let folded: String =
        name.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
    let letters: String = folded.chars().filter(|c| c.is_alphanumeric()).nfc().collect();
    if letters.is_empty() {
        folded.split_whitespace().collect::<Vec<_>>().join(" ").nfc().collect()
    } else {
        letters
    }
}

/// Text as stored: NFC, trimmed, no control characters. `field` names the
/// input in the error when the text is unusable.
pub fn clean_text(field: &str, text: &str) -> Result<String> {
    if let Some(bad) = text.chars().find(|c| c.is_control() && *c != '\n' && *c != '\t') {
        return Err(Error::invalid(field, format!("contains the control character U+{:04X}", bad as u32)));
    }
    Ok(text.trim().nfc().collect())
}

/// Like [`clean_text`], for names and titles, which may not be blank or span lines.
pub fn clean_name(field: &str, text: &str) -> Result<String> {
    let cleaned = clean_text(field, text)?;
    if cleaned.is_empty() {
        return Err(Error::invalid(field, "may not be empty"));
    }
    if cleaned.contains('\n') {
        return Err(Error::invalid(field, "may not contain a line break"));
    }
    Ok(cleaned)
}

/// Text that came from a file the fan did not type (a file name, a
/// download's `.info.json`): control characters become spaces instead of
/// failing the import, runs of spaces collapse when `one_line`, and the text
/// is cut to `max_chars` characters, so a hostile download cannot fill the
/// library with one 30 MB title.
pub fn text_from_file(text: &str, max_chars: usize, one_line: bool) -> String {
    let mut cleaned = String::with_capacity(text.len().min(max_chars * 4));
    let mut chars = 0;
    for c in text.chars() {
        if chars == max_chars {
            break;
        }
        let keep = !c.is_control() || (!one_line && (c == '\n' || c == '\t'));
        let c = if keep { c } else { ' ' };
        if one_line && c == ' ' && cleaned.ends_with(' ') {
            continue;
        }
        cleaned.push(c);
        chars += 1;
    }
    cleaned.trim().nfc().collect()
}

/// The id a reference names outright: `#` and a number (`#12`, `# 12`).
/// Lookups read such text as an id only, never as a name.
pub(crate) fn explicit_id(reference: &str) -> Option<i64> {
    reference.trim().strip_prefix('#')?.trim().parse().ok()
}

/// Like [`clean_name`], for the names lookups find things by (`#id`, a bare
/// id, or a name): one a lookup would read as an id (`#99`) could never be
/// found, so it is refused. A bare number (the drama "2521") stays a name.
pub fn clean_lookup_name(field: &str, text: &str) -> Result<String> {
    let cleaned = clean_name(field, text)?;
    refuse_id_form(field, &cleaned)?;
    Ok(cleaned)
}

/// [`clean_lookup_name`] for an optional name; blank becomes `None`.
pub fn clean_optional_lookup_name(field: &str, text: Option<&str>) -> Result<Option<String>> {
    let cleaned = clean_optional(field, text)?;
    if let Some(name) = &cleaned {
        refuse_id_form(field, name)?;
    }
    Ok(cleaned)
}

fn refuse_id_form(field: &str, name: &str) -> Result<()> {
    if explicit_id(name).is_some() {
        return Err(Error::invalid(
            field,
            format!("\"{name}\" cannot be a name: # followed by digits names an id"),
        ));
    }
    Ok(())
}

/// Cleans an optional text; blank becomes `None`.
pub fn clean_optional(field: &str, text: Option<&str>) -> Result<Option<String>> {
    match text {
        None => Ok(None),
        Some(text) => {
            let cleaned = clean_text(field, text)?;
            Ok((!cleaned.is_empty()).then_some(cleaned))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_width_spacing_and_diacritics() {
        let rows = [
            ("Kim Yoo Jung", "kimyoojung"),
            ("kim yoo-jung", "kimyoojung"),
            ("ＫＩＭ　ＹＯＯ ＪＵＮＧ", "kimyoojung"),
            ("José", "jose"),
            ("김유정", "김유정"),
            ("김 유정", "김유정"),
            // NFD Hangul (as macOS file names give it) keys like NFC.
            ("\u{1100}\u{1175}\u{11B7}유정", "김유정"),
            ("홍천기", "홍천기"),
            ("♥", "♥"),
            ("  ♥  ♥ ", "♥ ♥"),
            ("EP.3", "ep3"),
        ];
        for (name, key) in rows {
            assert_eq!(name_key(name), key, "key of {name:?}");
        }
    }

    #[test]
    fn clean_text_normalises_and_rejects_control_characters() {
        assert_eq!(clean_text("t", "  Cafe\u{301}  ").unwrap(), "Café");
        assert!(clean_text("title", "a\u{7}b").unwrap_err().to_string().starts_with("title:"));
        assert!(clean_name("title", "   ").is_err());
        assert!(clean_name("title", "two\nlines").is_err());
        assert_eq!(clean_optional("n", Some("  ")).unwrap(), None);
    }

    #[test]
    fn text_from_files_loses_control_characters_and_length() {
        let rows: &[(&str, usize, bool, &str)] = &[
            ("m\u{1}.take", 100, true, "m .take"),
            ("a\u{1b}[31mred\u{7f}", 100, true, "a [31mred"),
            ("line\none\u{85}two", 100, true, "line one two"),
            ("line\none", 100, false, "line\none"),
            ("\u{1}\u{2}", 100, true, ""),
            ("김유정 눈물", 3, true, "김유정"),
            ("Cafe\u{301}", 100, true, "Café"),
        ];
        for (raw, max, one_line, expected) in rows {
            assert_eq!(text_from_file(raw, *max, *one_line), *expected, "{raw:?}");
        }
        assert_eq!(text_from_file(&"x".repeat(30_000_000), 500, true).len(), 500);
    }

    /// A name is refused exactly when `resolve` would read it as an id.
    #[test]
    fn names_that_read_as_ids_are_refused() {
        let rows: &[(&str, Option<i64>)] = &[
            ("#99", Some(99)),
            ("  #99 ", Some(99)),
            ("# 99", Some(99)),
            ("#0", Some(0)),
            ("#007", Some(7)),
            // Names: a bare number (the drama "2521"), hashtags, a full-width ＃.
            ("2521", None),
            ("#", None),
            ("#1 moment", None),
            ("#hashtag", None),
            ("##99", None),
            ("\u{FF03}99", None),
            ("ep:#3", None),
        ];
        for (name, id) in rows {
            assert_eq!(explicit_id(name), *id, "{name:?}");
            match clean_lookup_name("title", name) {
                Ok(cleaned) => assert!(id.is_none(), "{name:?} was kept as {cleaned:?}"),
                Err(error) => assert_eq!(
                    error.to_string(),
                    format!("title: \"{}\" cannot be a name: # followed by digits names an id", name.trim()),
                ),
            }
            let optional = clean_optional_lookup_name("native title", Some(name));
            assert_eq!(optional.is_err(), id.is_some(), "{name:?}: {optional:?}");
        }
        assert_eq!(clean_optional_lookup_name("native title", Some("  ")).unwrap(), None);
    }
}
