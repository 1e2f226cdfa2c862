//! Keeping the search index in step with the library. Triggers (migrations
//! 0004 and 0007) mark clips dirty and index cues as they change; before each
//! write commits, the documents of dirty clips are rebuilt here, with their
//! facets, and their cues indexed again when those facets changed.

use std::collections::HashMap;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OptionalExtension, params};

use super::text::{Facet, facet, index_text, name_text, parse_facet};
use crate::error::Result;

/// Registers `outtake_index_text(text)` on a connection (the triggers call it).
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "outtake_index_text",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(index_text(&ctx.get::<Option<String>>(0)?.unwrap_or_default())),
    )
}

/// Indexes what a library held before it had an index, or before the index
/// changed shape (once, after migrations 0004 and 0007).
pub(crate) fn backfill(conn: &Connection) -> Result<()> {
    let pending: Option<String> = conn
        .query_row("SELECT value FROM search_state WHERE key = 'backfill'", [], |r| r.get(0))
        .optional()?;
    if pending.is_none() {
        return Ok(());
    }
    // A big library takes a while (about 45 s for 100k clips and 1M cues); say so.
    let started = std::time::Instant::now();
    let tx = conn.unchecked_transaction()?;
    let clips = tx.execute("INSERT INTO search_dirty SELECT id FROM clip", [])?;
    tracing::info!(clips, "indexing the library for search (once, after an upgrade)");
    refresh(&tx)?;
    tx.execute("DELETE FROM search_state WHERE key = 'backfill'", [])?;
    tx.commit()?;
    tracing::info!(clips, elapsed = ?started.elapsed(), "the library is indexed for search");
    Ok(())
}

/// Rebuilds the documents of every dirty clip (and its cues' facets).
pub(crate) fn refresh(conn: &Connection) -> Result<()> {
    let dirty: Vec<i64> = conn
        .prepare_cached("SELECT DISTINCT clip_id FROM search_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for clip_id in dirty {
        let docs: Vec<i64> = conn
            .prepare_cached("SELECT id FROM search_doc WHERE clip_id = ?1")?
            .query_map([clip_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut unindex = conn.prepare_cached("DELETE FROM fts_meta WHERE rowid = -?1")?;
        for doc in docs {
            unindex.execute([doc])?;
        }
        conn.prepare_cached("DELETE FROM search_doc WHERE clip_id = ?1")?.execute([clip_id])?;
        match facets(conn, clip_id)? {
            Some(facets) => {
                index_cues(conn, clip_id, &facets)?;
                index_clip(conn, clip_id, &facets)?;
            }
            // Deleted: its cues went with it (the trigger took them out of the index).
            None => {
                conn.prepare_cached("DELETE FROM search_facet WHERE clip_id = ?1")?.execute([clip_id])?;
            }
        }
    }
    conn.prepare_cached("DELETE FROM search_dirty")?.execute([])?;
    Ok(())
}

/// A clip's facets as index tokens (see migration 0007): its show, everyone
/// credited in it or in its markers, every tag on it or on its markers.
/// None when the clip is gone.
fn facets(conn: &Connection, clip_id: i64) -> Result<Option<String>> {
    let show: Option<Option<i64>> = conn
        .prepare_cached("SELECT show_id FROM clip WHERE id = ?1")?
        .query_row([clip_id], |r| r.get(0))
        .optional()?;
    let Some(show) = show else { return Ok(None) };
    let ids = |sql: &str| -> Result<Vec<i64>> {
        Ok(conn.prepare_cached(sql)?.query_map([clip_id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    };
    let people = ids("SELECT person_id FROM credit WHERE clip_id = ?1
        UNION SELECT mp.person_id FROM marker m JOIN marker_person mp ON mp.marker_id = m.id WHERE m.clip_id = ?1
        ORDER BY 1")?;
    let tags = ids("SELECT tag_id FROM clip_tag WHERE clip_id = ?1
        UNION SELECT mt.tag_id FROM marker m JOIN marker_tag mt ON mt.marker_id = m.id WHERE m.clip_id = ?1
        ORDER BY 1")?;
    let tokens = show
        .map(|id| facet(Facet::Show, id))
        .into_iter()
        .chain(people.into_iter().map(|id| facet(Facet::Person, id)))
        .chain(tags.into_iter().map(|id| facet(Facet::Tag, id)));
    Ok(Some(tokens.collect::<Vec<_>>().join(" ")))
}

/// The sidebar's counts: how many clips each show, episode, person and tag
/// has (a person or tag in the clip or in one of its markers), and how many
/// clips have no tag. Read from the counts triggers keep as `search_facet`
/// and `clip` change (migration 0017), so always as fresh as the index,
/// which writes refresh before they commit.
#[derive(Default)]
pub(crate) struct SidebarCounts {
    pub shows: HashMap<i64, i64>,
    pub episodes: HashMap<i64, i64>,
    pub people: HashMap<i64, i64>,
    pub tags: HashMap<i64, i64>,
    pub untagged: i64,
}

pub(crate) fn sidebar_counts(conn: &Connection) -> Result<SidebarCounts> {
    let mut counts = SidebarCounts::default();
    let mut statement = conn.prepare_cached("SELECT key, clips FROM sidebar_count")?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let key = row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let clips: i64 = row.get(1)?;
        let (map, id) = match parse_facet(key) {
            Some((Facet::Show, id)) => (&mut counts.shows, id),
            Some((Facet::Person, id)) => (&mut counts.people, id),
            Some((Facet::Tag, id)) => (&mut counts.tags, id),
            None if key == "untagged" => {
                counts.untagged = clips;
                continue;
            }
            None => match key.strip_prefix("episode ").and_then(|id| id.parse().ok()) {
                Some(id) => (&mut counts.episodes, id),
                None => continue,
            },
        };
        map.insert(id, clips);
    }
    Ok(counts)
}

/// Indexes a clip's cues with its facets, when it has none yet or they changed.
fn index_cues(conn: &Connection, clip_id: i64, facets: &str) -> Result<()> {
    let indexed: Option<String> = conn
        .prepare_cached("SELECT facets FROM search_facet WHERE clip_id = ?1")?
        .query_row([clip_id], |r| r.get(0))
        .optional()?;
    if indexed.as_deref() == Some(facets) {
        return Ok(());
    }
    // Lines a machine made are indexed again without their spaces, as the
    // triggers of migration 0015 index them.
    let cues: Vec<(i64, String)> = conn
        .prepare_cached(
            "SELECT id, CASE source WHEN 'file' THEN text ELSE text || char(10) || replace(text, ' ', '') END
             FROM cue WHERE clip_id = ?1",
        )?
        .query_map([clip_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, text) in cues {
        // A clip without a row was never indexed: its cues are not in the index yet.
        if indexed.is_some() {
            conn.prepare_cached("DELETE FROM fts_cue WHERE rowid = -?1")?.execute([id])?;
        }
        conn.prepare_cached("INSERT INTO fts_cue (rowid, body, facets) VALUES (-?1, ?2, ?3)")?
            .execute(params![id, index_text(&text), facets])?;
    }
    conn.prepare_cached(
        "INSERT INTO search_facet (clip_id, facets) VALUES (?1, ?2)
         ON CONFLICT (clip_id) DO UPDATE SET facets = excluded.facets",
    )?
    .execute(params![clip_id, facets])?;
    Ok(())
}

fn add_doc(
    conn: &Connection,
    clip_id: i64,
    kind: &str,
    ref_id: i64,
    times: (Option<i64>, Option<i64>),
    text: [&str; 3],
    facets: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO search_doc (clip_id, kind, ref_id, start_ms, end_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![clip_id, kind, ref_id, times.0, times.1])?;
    let id = conn.last_insert_rowid();
    conn.prepare_cached(
        "INSERT INTO fts_meta (rowid, title, names, body, facets) VALUES (-?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, index_text(text[0]), text[1], index_text(text[2]), facets])?;
    Ok(())
}

fn strings(conn: &Connection, sql: &str, id: i64) -> Result<Vec<String>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([id], |r| r.get::<_, Option<String>>(0))?;
    Ok(rows.filter_map(|r| r.transpose()).collect::<rusqlite::Result<_>>()?)
}

/// The names a document shows, each with its joined spellings.
fn names(parts: &[String]) -> String {
    parts.iter().map(|n| name_text(n)).collect::<Vec<_>>().join(" ")
}

const CAST_NAMES: &str = "SELECT p.name FROM {t} c JOIN person p ON p.id = c.person_id WHERE c.{o} = ?1
    UNION ALL SELECT p.native_name FROM {t} c JOIN person p ON p.id = c.person_id WHERE c.{o} = ?1
    UNION ALL SELECT a.alias FROM {t} c JOIN person_alias a ON a.person_id = c.person_id WHERE c.{o} = ?1
    UNION ALL SELECT coalesce(r.character, c.character) FROM {t} c LEFT JOIN role r ON r.id = c.role_id WHERE c.{o} = ?1
    UNION ALL SELECT r.native_character FROM {t} c JOIN role r ON r.id = c.role_id WHERE c.{o} = ?1";

const TAG_NAMES: &str = "SELECT coalesce(t.namespace || ' ', '') || t.name FROM {t} x JOIN tag t ON t.id = x.tag_id WHERE x.{o} = ?1
    UNION ALL SELECT a.alias FROM {t} x JOIN tag_alias a ON a.tag_id = x.tag_id WHERE x.{o} = ?1";

fn sql(template: &str, table: &str, owner: &str) -> String {
    template.replace("{t}", table).replace("{o}", owner)
}

/// What a marker's document is made of.
struct MarkerRow {
    id: i64,
    start_ms: i64,
    end_ms: Option<i64>,
    heading: String,
    note: String,
    scene: Option<String>,
}

/// The clip's own document and one per marker.
fn index_clip(conn: &Connection, clip_id: i64, facets: &str) -> Result<()> {
    let clip = conn
        .query_row(
            "SELECT title, concat_ws(char(10), description, note), uploader FROM clip WHERE id = ?1",
            [clip_id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)),
        )
        .optional()?;
    let Some((title, body, uploader)) = clip else { return Ok(()) };
    let mut clip_names = strings(conn, &sql(CAST_NAMES, "credit", "clip_id"), clip_id)?;
    clip_names.extend(strings(conn, &sql(TAG_NAMES, "clip_tag", "clip_id"), clip_id)?);
    clip_names.extend(strings(
        conn,
        "SELECT s.title FROM show s JOIN clip c ON c.show_id = s.id WHERE c.id = ?1
         UNION ALL SELECT s.native_title FROM show s JOIN clip c ON c.show_id = s.id WHERE c.id = ?1
         UNION ALL SELECT a.alias FROM show_alias a JOIN clip c ON c.show_id = a.show_id WHERE c.id = ?1
         UNION ALL SELECT e.title FROM episode e JOIN clip c ON c.episode_id = e.id WHERE c.id = ?1
         UNION ALL SELECT s.title FROM scene s JOIN clip_scene cs ON cs.scene_id = s.id WHERE cs.clip_id = ?1",
        clip_id,
    )?);
    clip_names.extend(uploader);
    add_doc(conn, clip_id, "clip", clip_id, (None, None), [&title, &names(&clip_names), &body], facets)?;
    let markers: Vec<MarkerRow> = conn
        .prepare_cached(
            "SELECT m.id, m.start_ms, m.end_ms, concat_ws(char(10), m.title, m.quote), coalesce(m.note, ''), s.title
             FROM marker m LEFT JOIN scene s ON s.id = m.scene_id WHERE m.clip_id = ?1",
        )?
        .query_map([clip_id], |r| {
            Ok(MarkerRow {
                id: r.get(0)?,
                start_ms: r.get(1)?,
                end_ms: r.get(2)?,
                heading: r.get(3)?,
                note: r.get(4)?,
                scene: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    for marker in markers {
        let mut marker_names = strings(conn, &sql(CAST_NAMES, "marker_person", "marker_id"), marker.id)?;
        marker_names.extend(strings(conn, &sql(TAG_NAMES, "marker_tag", "marker_id"), marker.id)?);
        marker_names.extend(marker.scene);
        let times = (Some(marker.start_ms), marker.end_ms);
        add_doc(
            conn,
            clip_id,
            "marker",
            marker.id,
            times,
            [&marker.heading, &names(&marker_names), &marker.note],
            facets,
        )?;
    }
    Ok(())
}
