//! Reels: any list of moments played back to back — a search's hits, a saved
//! search, a person's or a character's markers, a show's, an episode's or a
//! scene's markers, a tag's, or markers picked by hand. A reel is read fresh
//! from the library each time, so a deleted marker simply drops out.
//!
//! How a moment is made: a marker with an in and an out plays exactly that;
//! a point marker or a subtitle line plays with context (3 s before and after
//! unless told), clamped to the clip. Moments of the same clip that overlap
//! or touch, one after the other in the reel, become one. Shuffling is seeded,
//! so the same seed gives the same order. Saved reels are in `saved.rs`; what
//! a reel becomes on disk (playlists, one video) in `export.rs`; one moment cut
//! to share in `cut.rs`.

pub mod cut;
pub mod export;
mod ffmpeg;
mod file_name;
mod saved;

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, require};
use crate::search::{HitKind, query, timed_hits};
use crate::time::format_time;

pub use file_name::{NameParts, suggest_file_name};
pub use saved::{NewReel, SavedReel};

/// Context around a point marker or a subtitle line unless told otherwise.
pub const DEFAULT_CONTEXT_MS: i64 = 3000;
/// The most context a reel takes (a minute each side).
pub const MAX_CONTEXT_MS: i64 = 60_000;
/// A search reel plays the hits of at most this many clips.
pub const MAX_REEL_CLIPS: usize = 1000;

/// Where a reel's moments come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReelSource {
    /// The marker and subtitle-line hits of a query, as the search box runs it.
    Search { query: String },
    /// A saved search: live, read again each time.
    SavedSearch { id: i64 },
    /// Every marker a person is in.
    Person { id: i64 },
    /// Every marker a character (a role) is in.
    Role { id: i64 },
    /// Every marker in a show's clips or scenes, in episode order.
    Show { id: i64 },
    /// Every marker in an episode's clips or scenes.
    Episode { id: i64 },
    /// Every marker of a scene.
    Scene { id: i64 },
    /// Every marker with a tag.
    Tag { id: i64 },
    /// Markers picked by hand, in this order (ids that no longer exist drop out).
    Markers { ids: Vec<i64> },
    /// A saved reel (`Library::save_reel`).
    Saved { id: i64 },
}

/// How a reel is made from its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReelOptions {
    /// Context before and after a point marker or a subtitle line, in ms; None
    /// for a saved reel's own, else [`DEFAULT_CONTEXT_MS`].
    pub context_ms: Option<i64>,
    /// Shuffle with this seed (the same seed, the same order); None keeps the source's order.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub shuffle: Option<u64>,
}

/// One stretch of one clip a reel plays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Moment {
    pub clip_id: i64,
    pub clip_title: String,
    /// The marker it plays (the first one, when overlapping moments merged).
    pub marker_id: Option<i64>,
    /// The subtitle line it plays (the first one, when merged).
    pub cue_id: Option<i64>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// What the strip shows: the marker's title (or quote, scene, time) or
    /// the line's words; merged moments' labels joined by " · ".
    pub label: String,
}

impl Moment {
    pub fn duration_ms(&self) -> i64 {
        self.end_ms - self.start_ms
    }
}

/// A moment before context, clamping and merging.
#[derive(Debug, Clone)]
struct Spot {
    clip_id: i64,
    marker_id: Option<i64>,
    cue_id: Option<i64>,
    start_ms: i64,
    /// None (or no later than the start) for a point in time.
    end_ms: Option<i64>,
    /// Lines always take context; markers only when they are a point.
    is_line: bool,
    label: String,
}

impl Library {
    /// The moments of a reel, read from the library now.
    pub fn reel(&self, source: &ReelSource, options: ReelOptions) -> Result<Vec<Moment>> {
        let mut context = options.context_ms;
        let spots = match source {
            ReelSource::Saved { id } => {
                let reel = saved::load(&self.conn, *id)?;
                context = context.or(Some(reel.context_ms));
                match &reel.query {
                    Some(text) => search_spots(&self.conn, text)?,
                    None => marker_spots(&self.conn, &reel.marker_ids)?,
                }
            }
            _ => source_spots(&self.conn, source)?,
        };
        let context = context.unwrap_or(DEFAULT_CONTEXT_MS);
        if !(0..=MAX_CONTEXT_MS).contains(&context) {
            return Err(Error::invalid(
                "context",
                format!("{} is not between 0 and {}", format_time(context), format_time(MAX_CONTEXT_MS)),
            ));
        }
        let mut moments = moments(&self.conn, spots, context)?;
        if let Some(seed) = options.shuffle {
            shuffle(&mut moments, seed);
        }
        Ok(moments)
    }
}

fn source_spots(conn: &Connection, source: &ReelSource) -> Result<Vec<Spot>> {
    // Most recent clips first for people, characters and tags; story order
    // (episode, then clip) for a show, an episode and a scene.
    const NEWEST: &str = "c.added_at DESC, c.id DESC, m.start_ms, m.id";
    const STORY: &str = "coalesce(e.number, 1e9), c.title_key, c.id, m.start_ms, m.id";
    let (kind, id, filter, order) = match source {
        ReelSource::Search { query } => return search_spots(conn, query),
        ReelSource::SavedSearch { id } => {
            require(conn, EntityKind::SavedSearch, *id)?;
            let text: String =
                conn.query_row("SELECT query FROM saved_search WHERE id = ?1", [id], |r| r.get(0))?;
            return search_spots(conn, &text);
        }
        ReelSource::Markers { ids } => return marker_spots(conn, ids),
        ReelSource::Saved { .. } => unreachable!("a saved reel is read by Library::reel"),
        ReelSource::Person { id } => (
            EntityKind::Person,
            id,
            "m.id IN (SELECT marker_id FROM marker_person WHERE person_id = ?1)",
            NEWEST,
        ),
        ReelSource::Role { id } => {
            (EntityKind::Role, id, "m.id IN (SELECT marker_id FROM marker_person WHERE role_id = ?1)", NEWEST)
        }
        ReelSource::Tag { id } => {
            (EntityKind::Tag, id, "m.id IN (SELECT marker_id FROM marker_tag WHERE tag_id = ?1)", NEWEST)
        }
        ReelSource::Show { id } => (EntityKind::Show, id, "(c.show_id = ?1 OR s.show_id = ?1)", STORY),
        ReelSource::Episode { id } => {
            (EntityKind::Episode, id, "(c.episode_id = ?1 OR s.episode_id = ?1)", STORY)
        }
        ReelSource::Scene { id } => (EntityKind::Scene, id, "m.scene_id = ?1", STORY),
    };
    require(conn, kind, *id)?;
    let sql = format!(
        "SELECT m.id FROM marker m JOIN clip c ON c.id = m.clip_id
         LEFT JOIN scene s ON s.id = m.scene_id
         LEFT JOIN episode e ON e.id = coalesce(c.episode_id, s.episode_id)
         WHERE {filter} ORDER BY {order}"
    );
    let ids: Vec<i64> =
        conn.prepare(&sql)?.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    marker_spots(conn, &ids)
}

/// The markers with these ids, in this order; ids that are gone are skipped.
fn marker_spots(conn: &Connection, ids: &[i64]) -> Result<Vec<Spot>> {
    let mut statement = conn.prepare_cached(
        "SELECT m.clip_id, m.start_ms, m.end_ms,
                coalesce(m.title, m.quote, s.title)
         FROM marker m LEFT JOIN scene s ON s.id = m.scene_id WHERE m.id = ?1",
    )?;
    let mut spots = Vec::new();
    for &id in ids {
        let row = statement.query_row([id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        });
        let (clip_id, start_ms, end_ms, label) = match row {
            Ok(row) => row,
            Err(rusqlite::Error::QueryReturnedNoRows) => continue,
            Err(error) => return Err(error.into()),
        };
        spots.push(Spot {
            clip_id,
            marker_id: Some(id),
            cue_id: None,
            start_ms,
            end_ms,
            is_line: false,
            label: label.unwrap_or_else(|| format!("marker at {}", format_time(start_ms))),
        });
    }
    Ok(spots)
}

/// The marker and subtitle-line hits of a query.
fn search_spots(conn: &Connection, text: &str) -> Result<Vec<Spot>> {
    let parsed = query::parse(text)?;
    let hits = timed_hits(conn, &parsed, MAX_REEL_CLIPS)?;
    let mut cue_text = conn.prepare_cached("SELECT text FROM cue WHERE id = ?1")?;
    let mut spots = Vec::new();
    for hit in hits {
        match hit.kind {
            HitKind::Marker => spots.extend(marker_spots(conn, &[hit.id])?),
            HitKind::Cue => {
                let words: String = cue_text.query_row([hit.id], |r| r.get(0))?;
                spots.push(Spot {
                    clip_id: hit.clip_id,
                    marker_id: None,
                    cue_id: Some(hit.id),
                    start_ms: hit.start_ms,
                    end_ms: hit.end_ms,
                    is_line: true,
                    label: words.split_whitespace().collect::<Vec<_>>().join(" "),
                });
            }
            HitKind::Clip | HitKind::Scene => {}
        }
    }
    Ok(spots)
}

/// Spots with context, clamped to their clips, and overlapping neighbours merged.
fn moments(conn: &Connection, spots: Vec<Spot>, context_ms: i64) -> Result<Vec<Moment>> {
    let mut clips: HashMap<i64, (String, Option<i64>)> = HashMap::new();
    let mut statement = conn.prepare_cached("SELECT title, duration_ms FROM clip WHERE id = ?1")?;
    let mut moments: Vec<Moment> = Vec::new();
    for spot in spots {
        let (clip_title, duration) = match clips.entry(spot.clip_id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(statement.query_row([spot.clip_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
            }
        };
        let Some((start_ms, end_ms)) = span(&spot, context_ms, *duration) else { continue };
        let moment = Moment {
            clip_id: spot.clip_id,
            clip_title: clip_title.clone(),
            marker_id: spot.marker_id,
            cue_id: spot.cue_id,
            start_ms,
            end_ms,
            label: spot.label,
        };
        match moments.last_mut() {
            Some(last) if last.clip_id == moment.clip_id && overlaps(last, &moment) => merge(last, moment),
            _ => moments.push(moment),
        }
    }
    Ok(moments)
}

/// Where a spot plays: a range as it is, a point or a line with context,
/// within the clip. None when nothing of it is inside the clip.
fn span(spot: &Spot, context_ms: i64, duration: Option<i64>) -> Option<(i64, i64)> {
    let end = spot.end_ms.filter(|end| *end > spot.start_ms);
    let (start, end) = match end {
        Some(end) if !spot.is_line => (spot.start_ms, end),
        _ => (spot.start_ms - context_ms, end.unwrap_or(spot.start_ms) + context_ms),
    };
    let start = start.max(0);
    let end = duration.map_or(end, |duration| end.min(duration));
    (end > start).then_some((start, end))
}

fn overlaps(a: &Moment, b: &Moment) -> bool {
    a.start_ms <= b.end_ms && b.start_ms <= a.end_ms
}

fn merge(into: &mut Moment, other: Moment) {
    into.start_ms = into.start_ms.min(other.start_ms);
    into.end_ms = into.end_ms.max(other.end_ms);
    into.marker_id = into.marker_id.or(other.marker_id);
    into.cue_id = into.cue_id.or(other.cue_id);
    if !other.label.is_empty() && !into.label.split(" · ").any(|part| part == other.label) {
        into.label = format!("{} · {}", into.label, other.label);
    }
}

/// Fisher–Yates with SplitMix64: the same seed gives the same order on every machine.
fn shuffle(moments: &mut [Moment], seed: u64) {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..moments.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        moments.swap(i, j);
    }
}

#[cfg(test)]
mod tests;
