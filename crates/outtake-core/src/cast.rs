//! Who is in a clip or a marker, as which character: the links credits and
//! markers' cast share (a person's role in the clip's show, or a character's
//! name as text), and reading them back.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{EntityKind, Error, Result};
use crate::library::require;
use crate::names::{clean_optional, name_key};
use crate::people::load_roles;

/// Someone in a clip or a marker, as a character when known.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CastMember {
    pub person_id: i64,
    pub person: String,
    pub role_id: Option<i64>,
    pub character: Option<String>,
}

/// How a person is linked to a clip's or marker's show when credited:
/// the role they play there, or the character's name as plain text when the
/// clip has no show.
pub(crate) fn cast_link(
    conn: &Connection,
    show_id: Option<i64>,
    person_id: i64,
    character: Option<&str>,
) -> Result<(Option<i64>, Option<String>)> {
    require(conn, EntityKind::Person, person_id)?;
    let character = clean_optional("character", character)?;
    let Some(show_id) = show_id else { return Ok((None, character)) };
    let roles = load_roles(conn, "role.person_id = ?1", person_id)?;
    let in_show: Vec<_> = roles.into_iter().filter(|r| r.show_id == show_id).collect();
    match character {
        None if in_show.len() == 1 => Ok((Some(in_show[0].id), None)),
        None => Ok((None, None)),
        Some(character) => {
            let key = name_key(&character);
            let existing: Option<i64> = conn
                .query_row(
                    "SELECT id FROM role WHERE person_id = ?1 AND show_id = ?2 AND (character_key = ?3 OR native_key = ?3)",
                    params![person_id, show_id, key],
                    |r| r.get(0),
                )
                .optional()?;
            let role_id = match existing {
                Some(id) => id,
                None => crate::people::insert_role(
                    conn,
                    person_id,
                    show_id,
                    &crate::people::RoleInput { character, native_character: None },
                )?,
            };
            Ok((Some(role_id), None))
        }
    }
}

/// The show a clip belongs to, if any.
pub(crate) fn clip_show(conn: &Connection, clip_id: i64) -> Result<Option<i64>> {
    conn.query_row("SELECT show_id FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Clip, format!("#{clip_id}")))
}

pub(crate) fn load_cast(conn: &Connection, table: &str, owner: &str, id: i64) -> Result<Vec<CastMember>> {
    let sql = format!(
        "SELECT c.person_id, p.name, c.role_id, coalesce(r.character, c.character)
         FROM {table} c JOIN person p ON p.id = c.person_id LEFT JOIN role r ON r.id = c.role_id
         WHERE c.{owner} = ?1 ORDER BY c.rowid"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([id], |r| {
        Ok(CastMember { person_id: r.get(0)?, person: r.get(1)?, role_id: r.get(2)?, character: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
