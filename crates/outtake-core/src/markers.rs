//! Markers: the moments fans mark inside a clip, with scene, cast, tags, note and quote.

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::cast::{CastMember, cast_link, clip_show, load_cast};
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, now, require};
use crate::names::clean_optional;
use crate::tags::ensure_tag;
use crate::time::format_time;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Marker {
    pub id: i64,
    pub clip_id: i64,
    pub start_ms: i64,
    /// `None` for a point in time rather than a range.
    pub end_ms: Option<i64>,
    pub title: Option<String>,
    pub scene_id: Option<i64>,
    pub scene: Option<String>,
    pub cast: Vec<CastMember>,
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub quote: Option<String>,
    pub created_at: String,
}

/// Someone present in a marker, as a character when given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CastInput {
    pub person_id: i64,
    pub character: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MarkerInput {
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub title: Option<String>,
    pub scene_id: Option<i64>,
    pub cast: Vec<CastInput>,
    /// Tag names; missing tags are created.
    pub tags: Vec<String>,
    pub note: Option<String>,
    pub quote: Option<String>,
}

pub(crate) fn load_markers(conn: &Connection, clip_id: i64) -> Result<Vec<Marker>> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM marker WHERE clip_id = ?1 ORDER BY start_ms, id")?
        .query_map([clip_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| load_marker(conn, id)).collect()
}

pub(crate) fn load_marker(conn: &Connection, id: i64) -> Result<Marker> {
    let marker = conn
        .query_row(
            "SELECT m.clip_id, m.start_ms, m.end_ms, m.title, m.scene_id, s.title, m.note, m.quote, m.created_at
             FROM marker m LEFT JOIN scene s ON s.id = m.scene_id WHERE m.id = ?1",
            [id],
            |r| {
                Ok(Marker {
                    id,
                    clip_id: r.get(0)?,
                    start_ms: r.get(1)?,
                    end_ms: r.get(2)?,
                    title: r.get(3)?,
                    scene_id: r.get(4)?,
                    scene: r.get(5)?,
                    cast: Vec::new(),
                    tags: Vec::new(),
                    note: r.get(6)?,
                    quote: r.get(7)?,
                    created_at: r.get(8)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Marker, format!("#{id}")))?;
    let mut statement = conn.prepare_cached(
        "SELECT coalesce(t.namespace || ':', '') || t.name FROM marker_tag mt JOIN tag t ON t.id = mt.tag_id
         WHERE mt.marker_id = ?1 ORDER BY mt.rowid",
    )?;
    let tags = statement.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(Marker { cast: load_cast(conn, "marker_person", "marker_id", id)?, tags, ..marker })
}

/// Checks the times against each other and against the clip's length.
fn check_times(conn: &Connection, clip_id: i64, input: &MarkerInput) -> Result<()> {
    if input.start_ms < 0 {
        return Err(Error::invalid("start", "is before the clip begins"));
    }
    if let Some(end) = input.end_ms
        && end < input.start_ms
    {
        return Err(Error::invalid(
            "end",
            format!("{} is before the start {}", format_time(end), format_time(input.start_ms)),
        ));
    }
    let duration: Option<i64> =
        conn.query_row("SELECT duration_ms FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))?;
    if let Some(duration) = duration {
        for (field, at) in [("start", Some(input.start_ms)), ("end", input.end_ms)] {
            if let Some(at) = at.filter(|at| *at > duration) {
                return Err(Error::invalid(
                    field,
                    format!("{} is past the end of the clip ({})", format_time(at), format_time(duration)),
                ));
            }
        }
    }
    Ok(())
}

/// Writes a marker's fields, cast and tags (replacing what it had).
fn write_marker(conn: &Connection, id: i64, clip_id: i64, input: &MarkerInput) -> Result<()> {
    check_times(conn, clip_id, input)?;
    if let Some(scene) = input.scene_id {
        require(conn, EntityKind::Scene, scene)?;
    }
    conn.execute(
        "UPDATE marker SET start_ms = ?2, end_ms = ?3, title = ?4, scene_id = ?5, note = ?6, quote = ?7 WHERE id = ?1",
        params![
            id,
            input.start_ms,
            input.end_ms,
            clean_optional("marker title", input.title.as_deref())?,
            input.scene_id,
            clean_optional("note", input.note.as_deref())?,
            clean_optional("quote", input.quote.as_deref())?
        ],
    )?;
    conn.execute("DELETE FROM marker_person WHERE marker_id = ?1", [id])?;
    conn.execute("DELETE FROM marker_tag WHERE marker_id = ?1", [id])?;
    let show = clip_show(conn, clip_id)?;
    for member in &input.cast {
        let (role_id, character) = cast_link(conn, show, member.person_id, member.character.as_deref())?;
        conn.execute(
            "INSERT INTO marker_person (marker_id, person_id, role_id, character) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (marker_id, person_id) DO UPDATE SET role_id = excluded.role_id, character = excluded.character",
            params![id, member.person_id, role_id, character],
        )?;
    }
    for tag in &input.tags {
        let tag_id = ensure_tag(conn, tag)?;
        conn.execute("INSERT OR IGNORE INTO marker_tag (marker_id, tag_id) VALUES (?1, ?2)", [id, tag_id])?;
    }
    Ok(())
}

pub(crate) fn insert_marker(
    conn: &Connection,
    clip_id: i64,
    input: &MarkerInput,
    created_at: Option<&str>,
) -> Result<i64> {
    require(conn, EntityKind::Clip, clip_id)?;
    check_times(conn, clip_id, input)?;
    let created_at = match created_at {
        Some(at) => at.to_string(),
        None => now(conn)?,
    };
    conn.execute(
        "INSERT INTO marker (clip_id, start_ms, created_at) VALUES (?1, ?2, ?3)",
        params![clip_id, input.start_ms.max(0), created_at],
    )?;
    let id = conn.last_insert_rowid();
    write_marker(conn, id, clip_id, input)?;
    Ok(id)
}

impl Library {
    /// Marks a moment (or a range) in a clip.
    pub fn add_marker(&mut self, clip_id: i64, input: &MarkerInput) -> Result<i64> {
        self.edit(format!("add a marker to clip #{clip_id}"), |tx| insert_marker(tx, clip_id, input, None))
    }

    /// Replaces everything about a marker but its clip and creation time.
    pub fn update_marker(&mut self, id: i64, input: &MarkerInput) -> Result<()> {
        self.edit(format!("change marker #{id}"), |tx| {
            let clip_id: i64 = tx
                .query_row("SELECT clip_id FROM marker WHERE id = ?1", [id], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::not_found(EntityKind::Marker, format!("#{id}")))?;
            write_marker(tx, id, clip_id, input)
        })
    }

    pub fn delete_marker(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete marker #{id}"), |tx| {
            require(tx, EntityKind::Marker, id)?;
            tx.execute("DELETE FROM marker WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn marker(&self, id: i64) -> Result<Marker> {
        load_marker(&self.conn, id)
    }

    /// A clip's markers in time order.
    pub fn markers(&self, clip_id: i64) -> Result<Vec<Marker>> {
        require(&self.conn, EntityKind::Clip, clip_id)?;
        load_markers(&self.conn, clip_id)
    }
}
