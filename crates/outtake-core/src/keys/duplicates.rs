//! Duplicates in one library: clips that are the same video (same source or
//! oshash), a re-encode of each other (phash and duration), or where one's
//! sound is inside the other's (a re-upload with an intro, a compilation).
//! The fan merges a pair into one clip or says they are not the same.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};
use serde::Serialize;

use super::{Candidates, ClipKeys, How, durations_agree, load_keys};
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, require};

/// What two clips are to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Kinship {
    /// The same download or the same file.
    SameVideo,
    /// The same picture, encoded another way.
    Reencode,
    /// The same sound at an offset: one holds the other, or they overlap.
    Contains,
}

/// Two clips that look like one video.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Duplicate {
    pub clip_a: i64,
    pub title_a: String,
    pub clip_b: i64,
    pub title_b: String,
    pub kinship: Kinship,
    pub how: How,
    /// A moment at `t` in clip A is at `t + shift_ms` in clip B.
    pub shift_ms: i64,
}

/// What merging two clips did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Merged {
    pub markers_moved: usize,
    /// Markers that would land outside the kept clip: they stay where they were.
    pub markers_left: usize,
    /// The other clip's copies became copies of the kept one and the other
    /// clip is gone (only when both play one timeline).
    pub clip_removed: bool,
}

/// How far apart two timelines may be and still be one (a re-encode's
/// sound lines up within a word of Chromaprint, 124 ms).
const SAME_TIMELINE_MS: i64 = 200;

impl Library {
    /// Every pair of clips that look like one video, strongest kinship first,
    /// leaving out pairs the fan said are not the same.
    pub fn duplicates(&self) -> Result<Vec<Duplicate>> {
        let clips = load_keys(&self.conn, true)?;
        let apart = not_same_pairs(&self.conn)?;
        Ok(find_duplicates(&clips, &apart))
    }

    /// Says clips `a` and `b` are not the same video: duplicates no longer
    /// lists them. An edit (undoable).
    pub fn mark_not_duplicate(&mut self, a: i64, b: i64) -> Result<()> {
        let (a, b) = ordered(a, b)?;
        self.edit(format!("say clips #{a} and #{b} are not the same"), |tx| {
            require(tx, EntityKind::Clip, a)?;
            require(tx, EntityKind::Clip, b)?;
            tx.execute("INSERT OR IGNORE INTO not_duplicate (clip_a, clip_b) VALUES (?1, ?2)", [a, b])?;
            Ok(())
        })
    }

    /// Merges clip `other` into clip `keep`: its markers (times moved by how
    /// far the two are apart), credits, tags and scenes go onto `keep`; when
    /// both play one timeline, its copies become `keep`'s and it is removed.
    /// One edit, undone as a whole. The video files are not touched.
    pub fn merge_duplicate(&mut self, keep: i64, other: i64) -> Result<Merged> {
        ordered(keep, other)?;
        let found = self
            .duplicates()?
            .into_iter()
            .find(|d| (d.clip_a, d.clip_b) == (keep.min(other), keep.max(other)))
            .ok_or_else(|| {
                Error::invalid(
                    "clips",
                    format!("#{keep} and #{other} are not found to be one video; nothing merged"),
                )
            })?;
        // The shift from `other`'s times to `keep`'s.
        let shift_ms = if found.clip_a == other { found.shift_ms } else { -found.shift_ms };
        self.edit(format!("merge clip #{other} into #{keep}"), |tx| merge(tx, keep, other, shift_ms))
    }
}

fn ordered(a: i64, b: i64) -> Result<(i64, i64)> {
    if a == b {
        return Err(Error::invalid("clips", format!("#{a} twice: name two clips")));
    }
    Ok((a.min(b), a.max(b)))
}

fn not_same_pairs(conn: &Connection) -> Result<HashSet<(i64, i64)>> {
    let mut statement = conn.prepare("SELECT clip_a, clip_b FROM not_duplicate")?;
    let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn kinship(how: How) -> Kinship {
    match how {
        How::Source | How::Oshash => Kinship::SameVideo,
        How::Reencode { .. } => Kinship::Reencode,
        How::Sound { .. } => Kinship::Contains,
    }
}

/// Every pair among `clips`, by its strongest key.
pub(crate) fn find_duplicates(clips: &[ClipKeys], apart: &HashSet<(i64, i64)>) -> Vec<Duplicate> {
    let candidates = Candidates::new(clips);
    let by_id: HashMap<i64, &ClipKeys> = clips.iter().map(|c| (c.clip_id, c)).collect();
    let mut pairs: HashMap<(i64, i64), (How, i64)> = HashMap::new();
    let mut add = |a: i64, b: i64, how: How, shift_ms: i64| {
        let (key, shift) = if a < b { ((a, b), shift_ms) } else { ((b, a), -shift_ms) };
        if a == b || apart.contains(&key) {
            return;
        }
        let rank = |how: &How| kinship(*how) as u8;
        match pairs.get(&key) {
            Some((known, _)) if rank(known) <= rank(&how) => {}
            _ => {
                pairs.insert(key, (how, shift));
            }
        }
    };
    // Same source and same oshash: every clip that shares one.
    let mut groups: HashMap<(bool, &str), Vec<i64>> = HashMap::new();
    for clip in clips {
        if let Some(source) = &clip.source {
            groups.entry((true, source)).or_default().push(clip.clip_id);
        }
        for hash in &clip.oshashes {
            groups.entry((false, hash)).or_default().push(clip.clip_id);
        }
    }
    for ((is_source, _), ids) in &groups {
        for (i, a) in ids.iter().enumerate() {
            for b in &ids[i + 1..] {
                add(*a, *b, if *is_source { How::Source } else { How::Oshash }, 0);
            }
        }
    }
    // Re-encodes: the best for each clip, others passed over in turn.
    for clip in clips {
        let mut taken = vec![clip.clip_id];
        while let Some(found) = candidates
            .find(&ClipKeys { source: None, oshashes: Vec::new(), ..clip.clone() }, &|id| taken.contains(&id))
        {
            if !matches!(found.how, How::Reencode { .. }) {
                break;
            }
            add(clip.clip_id, found.clip_id, found.how, found.shift_ms);
            taken.push(found.clip_id);
        }
    }
    // Sound at an offset: every clip whose sound this one's lines up with.
    for clip in clips {
        let Some(audio) = &clip.audio else { continue };
        for (other, alignment) in candidates.by_sound(audio) {
            add(clip.clip_id, other, How::Sound { bit_error: alignment.bit_error }, alignment.shift_ms());
        }
    }
    let mut list: Vec<Duplicate> = pairs
        .into_iter()
        .map(|((a, b), (how, shift_ms))| Duplicate {
            clip_a: a,
            title_a: by_id[&a].title.clone(),
            clip_b: b,
            title_b: by_id[&b].title.clone(),
            kinship: match how {
                // The same sound at no offset and one length is a re-encode
                // whose picture changed more (a logo, a crop).
                How::Sound { .. }
                    if shift_ms.abs() <= SAME_TIMELINE_MS
                        && durations_agree(by_id[&a].duration_ms, by_id[&b].duration_ms) =>
                {
                    Kinship::Reencode
                }
                other => kinship(other),
            },
            how,
            shift_ms,
        })
        .collect();
    list.sort_by_key(|d| (d.kinship as u8, d.clip_a, d.clip_b));
    list
}

fn merge(conn: &Connection, keep: i64, other: i64, shift_ms: i64) -> Result<Merged> {
    let mut merged = Merged::default();
    let duration: Option<i64> =
        conn.query_row("SELECT duration_ms FROM clip WHERE id = ?1", [keep], |r| r.get(0))?;
    let markers: Vec<(i64, i64, Option<i64>)> = conn
        .prepare("SELECT id, start_ms, end_ms FROM marker WHERE clip_id = ?1 ORDER BY start_ms, id")?
        .query_map([other], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, start, end) in markers {
        let start = start + shift_ms;
        if start < 0 || duration.is_some_and(|d| start > d) {
            merged.markers_left += 1;
            continue;
        }
        let end = end.map(|e| (e + shift_ms).max(start)).map(|e| duration.map_or(e, |d| e.min(d)));
        conn.execute(
            "UPDATE marker SET clip_id = ?2, start_ms = ?3, end_ms = ?4 WHERE id = ?1",
            params![id, keep, start, end],
        )?;
        merged.markers_moved += 1;
    }
    for table in ["credit", "clip_tag", "clip_scene", "clip_chapter"] {
        conn.execute(
            &format!("UPDATE OR IGNORE {table} SET clip_id = ?1 WHERE clip_id = ?2"),
            [keep, other],
        )?;
    }
    conn.execute(
        "UPDATE clip SET show_id = coalesce(show_id, (SELECT show_id FROM clip WHERE id = ?2)),
             episode_id = CASE WHEN show_id IS NULL THEN (SELECT episode_id FROM clip WHERE id = ?2) ELSE episode_id END
         WHERE id = ?1",
        [keep, other],
    )?;
    if shift_ms.abs() <= SAME_TIMELINE_MS && merged.markers_left == 0 {
        conn.execute("UPDATE file SET clip_id = ?1 WHERE clip_id = ?2", [keep, other])?;
        // Subtitles in a language the kept clip lacks come along (one timeline).
        conn.execute(
            "UPDATE cue SET clip_id = ?1 WHERE clip_id = ?2 AND lang NOT IN (SELECT lang FROM cue WHERE clip_id = ?1)",
            [keep, other],
        )?;
        conn.execute("DELETE FROM clip WHERE id = ?1", [other])?;
        merged.clip_removed = true;
    } else {
        // Two timelines: both clips stay, and the pair is not listed again.
        conn.execute(
            "INSERT OR IGNORE INTO not_duplicate (clip_a, clip_b) VALUES (?1, ?2)",
            [keep.min(other), keep.max(other)],
        )?;
    }
    Ok(merged)
}
