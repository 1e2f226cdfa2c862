//! Saved reels (migration 0013): a named reel in the sidebar beside saved
//! searches. A live one keeps a query and is read again each time; a fixed
//! one keeps markers in the fan's order, reorderable. Every change is an
//! undoable edit; a deleted marker leaves its fixed reels by the cascade.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, Lookup, now, require, resolve};
use crate::names::{clean_lookup_name, name_key};
use crate::search::query;

/// A reel kept in the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedReel {
    pub id: i64,
    pub name: String,
    /// The search of a live reel; None for a fixed one.
    pub query: Option<String>,
    /// A fixed reel's markers in order (those still in the library).
    pub marker_ids: Vec<i64>,
    /// Context around a point marker or a subtitle line, in ms.
    pub context_ms: i64,
    pub created_at: String,
}

const REEL_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Reel,
    key: name_key,
    ids_by_key: "SELECT id FROM reel WHERE key = ?1",
    label: "SELECT name FROM reel WHERE id = ?1",
};

pub(super) fn load(conn: &Connection, id: i64) -> Result<SavedReel> {
    let reel = conn
        .query_row("SELECT name, query, context_ms, created_at FROM reel WHERE id = ?1", [id], |r| {
            Ok(SavedReel {
                id,
                name: r.get(0)?,
                query: r.get(1)?,
                marker_ids: Vec::new(),
                context_ms: r.get(2)?,
                created_at: r.get(3)?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Reel, format!("#{id}")))?;
    Ok(SavedReel { marker_ids: marker_ids(conn, id)?, ..reel })
}

fn marker_ids(conn: &Connection, reel_id: i64) -> Result<Vec<i64>> {
    let mut statement =
        conn.prepare_cached("SELECT marker_id FROM reel_marker WHERE reel_id = ?1 ORDER BY position, rowid")?;
    let ids = statement.query_map([reel_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Writes a fixed reel's markers in this order, replacing what it had.
fn write_markers(conn: &Connection, reel_id: i64, ids: &[i64]) -> Result<()> {
    conn.execute("DELETE FROM reel_marker WHERE reel_id = ?1", [reel_id])?;
    for (position, id) in ids.iter().enumerate() {
        conn.execute(
            "INSERT INTO reel_marker (reel_id, marker_id, position) VALUES (?1, ?2, ?3)",
            params![reel_id, id, position as i64],
        )?;
    }
    Ok(())
}

/// Markers that must all exist, each once (a repeat is refused, naming it).
fn check_markers(conn: &Connection, ids: &[i64]) -> Result<()> {
    for (i, id) in ids.iter().enumerate() {
        require(conn, EntityKind::Marker, *id)?;
        if ids[..i].contains(id) {
            return Err(Error::invalid("markers", format!("marker #{id} is listed twice")));
        }
    }
    Ok(())
}

fn check_context(context_ms: i64) -> Result<()> {
    if !(0..=super::MAX_CONTEXT_MS).contains(&context_ms) {
        return Err(Error::invalid("context", format!("{context_ms} ms is not between 0 and 60 s")));
    }
    Ok(())
}

/// What a new saved reel holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewReel<'a> {
    /// A search, read again each time.
    Live { query: &'a str },
    /// Markers in this order.
    Fixed { marker_ids: &'a [i64] },
}

impl Library {
    /// Saves a reel under a new name; a name in use is refused.
    pub fn save_reel(&mut self, name: &str, reel: NewReel<'_>, context_ms: i64) -> Result<i64> {
        let name = clean_lookup_name("name", name)?;
        check_context(context_ms)?;
        if let NewReel::Live { query: text } = reel {
            query::parse(text)?;
        }
        self.edit(format!("save reel \"{name}\""), |tx| {
            if let Some(id) = tx
                .query_row("SELECT id FROM reel WHERE key = ?1", [name_key(&name)], |r| r.get(0))
                .optional()?
            {
                return Err(Error::AlreadyExists { kind: EntityKind::Reel, name: name.clone(), id });
            }
            let query = match reel {
                NewReel::Live { query } => Some(query.trim().to_string()),
                NewReel::Fixed { marker_ids } => {
                    check_markers(tx, marker_ids)?;
                    None
                }
            };
            tx.execute(
                "INSERT INTO reel (name, key, query, context_ms, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![name, name_key(&name), query, context_ms, now(tx)?],
            )?;
            let id = tx.last_insert_rowid();
            if let NewReel::Fixed { marker_ids } = reel {
                write_markers(tx, id, marker_ids)?;
            }
            Ok(id)
        })
    }

    pub fn rename_reel(&mut self, id: i64, name: &str) -> Result<()> {
        let name = clean_lookup_name("name", name)?;
        self.edit(format!("rename reel #{id} to \"{name}\""), |tx| {
            require(tx, EntityKind::Reel, id)?;
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM reel WHERE key = ?1 AND id <> ?2",
                    params![name_key(&name), id],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = taken {
                return Err(Error::AlreadyExists { kind: EntityKind::Reel, name: name.clone(), id: other });
            }
            tx.execute(
                "UPDATE reel SET name = ?2, key = ?3 WHERE id = ?1",
                params![id, name, name_key(&name)],
            )?;
            Ok(())
        })
    }

    /// Puts a fixed reel's markers in a new order: `marker_ids` must be the
    /// markers it holds now, each once, in any order.
    pub fn reorder_reel(&mut self, id: i64, marker_ids: &[i64]) -> Result<()> {
        self.edit(format!("reorder reel #{id}"), |tx| {
            let reel = load(tx, id)?;
            if reel.query.is_some() {
                return Err(Error::invalid("reel", format!("\"{}\" is a live search; its order is the search's", reel.name)));
            }
            let (mut now_held, mut asked) = (reel.marker_ids.clone(), marker_ids.to_vec());
            now_held.sort_unstable();
            asked.sort_unstable();
            if now_held != asked {
                let missing: Vec<String> =
                    now_held.iter().filter(|m| !asked.contains(m)).map(|m| format!("#{m}")).collect();
                let extra: Vec<String> =
                    asked.iter().filter(|m| !now_held.contains(m)).map(|m| format!("#{m}")).collect();
                return Err(Error::invalid(
                    "markers",
                    format!(
                        "a new order must hold the reel's markers each once (left out: [{}]; not in it: [{}])",
                        missing.join(", "),
                        extra.join(", ")
                    ),
                ));
            }
            check_markers(tx, marker_ids)?;
            write_markers(tx, id, marker_ids)
        })
    }

    /// Adds markers at the end of a fixed reel (those already in it stay where they are).
    pub fn add_to_reel(&mut self, id: i64, marker_ids: &[i64]) -> Result<()> {
        self.edit(format!("add {} marker(s) to reel #{id}", marker_ids.len()), |tx| {
            let reel = load(tx, id)?;
            if reel.query.is_some() {
                return Err(Error::invalid(
                    "reel",
                    format!("\"{}\" is a live search; markers cannot be added", reel.name),
                ));
            }
            let mut ids = reel.marker_ids;
            for marker in marker_ids {
                require(tx, EntityKind::Marker, *marker)?;
                if !ids.contains(marker) {
                    ids.push(*marker);
                }
            }
            write_markers(tx, id, &ids)
        })
    }

    /// Takes markers out of a fixed reel (the markers themselves stay).
    pub fn remove_from_reel(&mut self, id: i64, marker_ids: &[i64]) -> Result<()> {
        self.edit(format!("remove {} marker(s) from reel #{id}", marker_ids.len()), |tx| {
            let reel = load(tx, id)?;
            let ids: Vec<i64> = reel.marker_ids.into_iter().filter(|m| !marker_ids.contains(m)).collect();
            write_markers(tx, id, &ids)
        })
    }

    pub fn delete_reel(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete reel #{id}"), |tx| {
            require(tx, EntityKind::Reel, id)?;
            tx.execute("DELETE FROM reel WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Every saved reel, by name.
    pub fn saved_reels(&self) -> Result<Vec<SavedReel>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM reel ORDER BY key")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| load(&self.conn, id)).collect()
    }

    /// A saved reel by `#id`, bare id or name.
    pub fn saved_reel(&self, reference: &str) -> Result<SavedReel> {
        let id = resolve(&self.conn, &REEL_LOOKUP, reference, None)?;
        load(&self.conn, id)
    }
}
