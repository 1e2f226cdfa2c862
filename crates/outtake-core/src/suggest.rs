//! Autocomplete for the search box: the token being typed (`cast:kim`,
//! `tag:mo`, `김`) becomes a short list of shows, people, characters, tags
//! and saved searches whose name, native name or alias starts with it.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::library::Library;
use crate::names::name_key;
use crate::tags::tag_key;

/// Suggestions offered for one token, at most.
pub const MAX_SUGGESTIONS: usize = 8;

/// What a suggestion stands for; it decides the filter it inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SuggestionKind {
    Show,
    Cast,
    As,
    Tag,
    Saved,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Suggestion {
    pub kind: SuggestionKind,
    /// The name to show: the canonical name of what matched.
    pub label: String,
    /// The native name or alias that matched, or the actor of a character.
    pub detail: Option<String>,
    /// The whole token to put in place of the one being typed, e.g. `cast:"Kim Yoo Jung"`.
    pub insert: String,
}

impl Library {
    /// Suggestions for the token under the caret. A bare word looks everywhere;
    /// `show:`, `cast:`, `as:`, `tag:` and `-tag:` look in their own kind.
    pub fn suggest(&self, token: &str) -> Result<Vec<Suggestion>> {
        let token = token.trim();
        let (negated, rest) = match token.strip_prefix('-') {
            Some(rest) if rest.to_lowercase().starts_with("tag:") => (true, rest),
            _ => (false, token),
        };
        let field = rest.split_once(':').map(|(field, typed)| (field.to_lowercase(), typed));
        let (kinds, typed): (&[SuggestionKind], &str) = match &field {
            None => {
                (&[SuggestionKind::Cast, SuggestionKind::Show, SuggestionKind::As, SuggestionKind::Tag], rest)
            }
            Some((field, typed)) => match field.as_str() {
                "show" => (&[SuggestionKind::Show], typed),
                "cast" => (&[SuggestionKind::Cast], typed),
                "as" => (&[SuggestionKind::As], typed),
                "tag" => (&[SuggestionKind::Tag], typed),
                "saved" => (&[SuggestionKind::Saved], typed),
                // A tag namespace typed bare (`mood:emo`) is a tag too.
                _ => (&[SuggestionKind::Tag], rest),
            },
        };
        let typed = typed.trim_start_matches('"');
        let key = if kinds == [SuggestionKind::Tag] { tag_key(typed) } else { name_key(typed) };
        if key.is_empty() && field.is_none() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for &kind in kinds {
            found.extend(matches(&self.conn, kind, &key)?);
        }
        // Names that start with the key come before names that only contain it
        // through an alias; then shorter names first.
        found.sort_by_key(|(rank, s)| (*rank, s.label.chars().count()));
        let mut seen = std::collections::HashSet::new();
        let mut suggestions: Vec<Suggestion> = found
            .into_iter()
            .map(|(_, s)| s)
            .filter(|s| seen.insert(s.insert.clone()))
            .take(MAX_SUGGESTIONS)
            .collect();
        if negated {
            for suggestion in &mut suggestions {
                suggestion.insert.insert(0, '-');
            }
        }
        Ok(suggestions)
    }
}

/// Quotes a filter's value when it holds anything but letters, digits and `:`.
fn token(field: &str, value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || c == ':' || c == '-');
    if plain { format!("{field}:{value}") } else { format!("{field}:\"{}\"", value.replace('"', "")) }
}

/// Matches of one kind as (how well it matched, suggestion): 0 for the main
/// name, 1 for a native name or alias.
fn matches(conn: &Connection, kind: SuggestionKind, key: &str) -> Result<Vec<(u8, Suggestion)>> {
    let sql = match kind {
        SuggestionKind::Cast => {
            "SELECT p.name, NULL, 0 FROM person p WHERE substr(p.name_key, 1, length(?1)) = ?1
             UNION ALL SELECT p.name, p.native_name, 1 FROM person p WHERE substr(p.native_key, 1, length(?1)) = ?1
             UNION ALL SELECT p.name, a.alias, 1 FROM person_alias a JOIN person p ON p.id = a.person_id
                       WHERE substr(a.key, 1, length(?1)) = ?1"
        }
        SuggestionKind::Show => {
            "SELECT s.title, NULL, 0 FROM show s WHERE substr(s.title_key, 1, length(?1)) = ?1
             UNION ALL SELECT s.title, s.native_title, 1 FROM show s WHERE substr(s.native_key, 1, length(?1)) = ?1
             UNION ALL SELECT s.title, a.alias, 1 FROM show_alias a JOIN show s ON s.id = a.show_id
                       WHERE substr(a.key, 1, length(?1)) = ?1"
        }
        SuggestionKind::As => {
            "SELECT r.character, p.name, 0 FROM role r JOIN person p ON p.id = r.person_id
                WHERE substr(r.character_key, 1, length(?1)) = ?1
             UNION ALL SELECT r.character, r.native_character, 1 FROM role r
                WHERE substr(r.native_key, 1, length(?1)) = ?1"
        }
        SuggestionKind::Tag => {
            "SELECT coalesce(t.namespace || ':', '') || t.name, NULL, 0 FROM tag t
                WHERE substr(t.key, 1, length(?1)) = ?1 OR substr(t.name_key, 1, length(?1)) = ?1
             UNION ALL SELECT coalesce(t.namespace || ':', '') || t.name, a.alias, 1
                FROM tag_alias a JOIN tag t ON t.id = a.tag_id WHERE substr(a.key, 1, length(?1)) = ?1"
        }
        SuggestionKind::Saved => "SELECT name, query, 0 FROM saved_search WHERE substr(key, 1, length(?1)) = ?1",
    };
    let mut statement = conn.prepare_cached(&format!("{sql} LIMIT {}", MAX_SUGGESTIONS * 4))?;
    let rows = statement.query_map([key], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, u8>(2)?))
    })?;
    let mut found = Vec::new();
    for row in rows {
        let (label, detail, rank) = row?;
        let insert = match kind {
            SuggestionKind::Cast => token("cast", &label),
            SuggestionKind::Show => token("show", &label),
            SuggestionKind::As => token("as", &label),
            SuggestionKind::Tag => token("tag", &label),
            // A saved search inserts its query.
            SuggestionKind::Saved => detail.clone().unwrap_or_default(),
        };
        found.push((rank, Suggestion { kind, label, detail, insert }));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PersonInput, RoleInput, ShowInput};

    fn library() -> Library {
        let mut library = Library::open_in_memory().unwrap();
        let show = library
            .add_show(&ShowInput {
                title: "Lovers of the Red Sky".into(),
                native_title: Some("홍천기".into()),
                ..Default::default()
            })
            .unwrap();
        let kim = library
            .add_person(&PersonInput {
                name: "Kim Yoo Jung".into(),
                native_name: Some("김유정".into()),
                aliases: vec!["Kim Yoo-jung".into()],
            })
            .unwrap();
        library
            .add_role(kim, show, &RoleInput { character: "Hong Chun Gi".into(), ..Default::default() })
            .unwrap();
        library.add_tag("mood:emotional").unwrap();
        library.add_tag("type:blooper").unwrap();
        library
    }

    fn check(token: &str, expected: &[&str]) {
        let got: Vec<String> = library().suggest(token).unwrap().into_iter().map(|s| s.insert).collect();
        assert_eq!(got, expected, "suggestions for {token:?}");
    }

    #[test]
    fn tokens_become_filters() {
        check("cast:kim", &["cast:\"Kim Yoo Jung\""]);
        check("cast:김", &["cast:\"Kim Yoo Jung\""]);
        check("kimyoo", &["cast:\"Kim Yoo Jung\""]);
        check("김유", &["cast:\"Kim Yoo Jung\""]);
        check("홍", &["show:\"Lovers of the Red Sky\""]);
        check("cast:", &["cast:\"Kim Yoo Jung\""]);
        check("show:lov", &["show:\"Lovers of the Red Sky\""]);
        check("as:hong", &["as:\"Hong Chun Gi\""]);
        check("tag:mo", &["tag:mood:emotional"]);
        check("tag:emo", &["tag:mood:emotional"]);
        check("-tag:blo", &["-tag:type:blooper"]);
        check("mood:em", &["tag:mood:emotional"]);
        check("zzz", &[]);
        check("", &[]);
        check("cast:\"kim y", &["cast:\"Kim Yoo Jung\""]);
    }
}
