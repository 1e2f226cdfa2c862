//! Keeping what was read: a clip's lines become machine-made cues of source
//! `screen` (replacing only the machine-made ones the fan has not edited),
//! and `machine_read` remembers the clip was read, with or without lines, so
//! a stopped run goes on where it was. A run is one entry in the history.
//! Speech (`crate::speech`) keeps its `speech` lines the same way.

use std::sync::atomic::AtomicBool;

use rusqlite::{Connection, params};
use serde::Serialize;

use super::runs::read_each;
use super::{ReadError, ScreenLine, check_tesseract, language_of, read_video};
use crate::error::{EntityKind, Result};
use crate::library::{Library, now, require};
use crate::names::clean_text;

/// Which clips a run reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Which {
    /// Clips not read yet (what runs in the background after an import).
    Unread,
    /// Every clip, again.
    All,
    /// These clips, again.
    Clips(Vec<i64>),
}

/// Where a run is: the clip it is reading, the `number`th of `total`.
#[derive(Debug, Clone, Serialize)]
pub struct ReadProgress {
    pub clip_id: i64,
    pub title: String,
    pub number: usize,
    pub total: usize,
}

/// A clip that could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct ReadProblem {
    pub clip_id: i64,
    pub error: String,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReadSummary {
    pub clips_read: usize,
    /// Lines stored.
    pub lines: usize,
    /// Clips that could not be read, and why (they are tried again next run).
    pub problems: Vec<ReadProblem>,
    /// Clips without a copy on disk now (skipped).
    pub offline: usize,
    /// The run was stopped before every clip was read.
    pub stopped: bool,
}

impl Library {
    /// Reads the captions burned into the picture of `which` clips and keeps
    /// them as `screen` lines. One clip's failure is recorded and the run goes
    /// on; a missing Tesseract, a failing library or `cancel` stop it
    /// (a cancelled run keeps every clip finished before).
    pub fn read_screen_text(
        &mut self,
        which: &Which,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&ReadProgress),
    ) -> Result<ReadSummary, ReadError> {
        check_tesseract()?;
        let clips = self.clips_to_read(which, "screen")?;
        let description = format!("read the on-screen text of {} clips", clips.len());
        self.record_across(description, |library| {
            Ok(read_each(library, &clips, progress, |library, clip_id, path| {
                let text = read_video(path, cancel)?;
                Ok(library.store_screen_lines(clip_id, &text.lines)?)
            }))
        })?
    }

    /// The clips `which` names, with their titles; unread means not yet
    /// read for `source` (`screen` or `speech`).
    pub(crate) fn clips_to_read(&self, which: &Which, source: &str) -> Result<Vec<(i64, String)>> {
        let (sql, params) = match which {
            Which::Unread => (
                "SELECT id, title FROM clip c WHERE NOT EXISTS
                   (SELECT 1 FROM machine_read r WHERE r.clip_id = c.id AND r.source = ?1) ORDER BY id",
                vec![source],
            ),
            Which::All => ("SELECT id, title FROM clip ORDER BY id", vec![]),
            Which::Clips(ids) => {
                let mut clips = Vec::new();
                for id in ids {
                    require(&self.conn, EntityKind::Clip, *id)?;
                    let title =
                        self.conn.query_row("SELECT title FROM clip WHERE id = ?1", [id], |r| r.get(0))?;
                    clips.push((*id, title));
                }
                return Ok(clips);
            }
        };
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(params), |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Keeps `lines` as the clip's machine-made screen lines, in place of the
    /// ones read before; a line the fan edited stays, and a new reading of
    /// the same time is then dropped. Returns how many were stored.
    pub fn store_screen_lines(&mut self, clip_id: i64, lines: &[ScreenLine]) -> Result<usize> {
        self.write(|tx| store_machine_lines(tx, clip_id, "screen", lines))
    }
}

/// Keeps `lines` as the clip's machine-made lines of `source` (`screen` or
/// `speech`) in place of those made before, and marks the clip read for it.
pub(crate) fn store_machine_lines(
    conn: &Connection,
    clip_id: i64,
    source: &str,
    lines: &[ScreenLine],
) -> Result<usize> {
    require(conn, EntityKind::Clip, clip_id)?;
    conn.execute(
        "DELETE FROM cue WHERE clip_id = ?1 AND source = ?2 AND machine = 1",
        params![clip_id, source],
    )?;
    let fans: Vec<(i64, i64)> = conn
        .prepare("SELECT start_ms, end_ms FROM cue WHERE clip_id = ?1 AND source = ?2 AND machine = 0")?
        .query_map(params![clip_id, source], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO cue (clip_id, lang, start_ms, end_ms, text, kind, source, machine)
         VALUES (?1, ?2, ?3, ?4, ?5, 'dialogue', ?6, 1)",
    )?;
    let mut stored = 0;
    for (i, line) in lines.iter().enumerate() {
        let overlaps_fans = fans.iter().any(|(start, end)| line.start_ms < *end && *start < line.end_ms);
        if overlaps_fans || line.start_ms < 0 || line.end_ms < line.start_ms {
            continue;
        }
        let text = clean_text(&format!("{source} line {}", i + 1), &line.text)?;
        insert.execute(params![clip_id, language_of(&text), line.start_ms, line.end_ms, text, source])?;
        stored += 1;
    }
    conn.execute(
        "INSERT INTO machine_read (clip_id, source, lines, read_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (clip_id, source) DO UPDATE SET lines = excluded.lines, read_at = excluded.read_at",
        params![clip_id, source, stored as i64, now(conn)?],
    )?;
    Ok(stored)
}
