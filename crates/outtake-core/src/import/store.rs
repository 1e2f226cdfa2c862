//! Writing what the importer found: new clips, changed and moved files,
//! missing and offline copies, and files that could not be imported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::container::Facts;
use super::walk::Found;
use super::{Outcome, naming};
use crate::clips::{ClipInput, FileInput, FileStatus, insert_clip, insert_file};
use crate::error::Result;
use crate::library::{Library, now};
use crate::media::Probe;

impl Library {
    /// Same path, size and mtime as the library's present copy: nothing to do.
    pub(super) fn unchanged(&self, path: &str, found: &Found) -> Result<bool> {
        let row: Option<(i64, Option<i64>, String)> = self
            .conn
            .query_row("SELECT size, mtime_ms, status FROM file WHERE path = ?1", [path], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(matches!(row, Some((size, Some(mtime), status))
            if size == found.size as i64 && mtime == found.mtime_ms && status == FileStatus::Present.as_str()))
    }

    /// The error recorded for this very file (same size and mtime) on an earlier scan.
    pub(super) fn known_problem(&self, path: &str, found: &Found) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT error FROM import_problem WHERE path = ?1 AND size = ?2 AND mtime_ms = ?3",
                params![path, found.size as i64, found.mtime_ms],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub(super) fn record_problem(&mut self, path: &str, found: &Found, error: &str) -> Result<Outcome> {
        let at = now(&self.conn)?;
        self.conn.execute(
            "INSERT INTO import_problem (path, error, size, mtime_ms, at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (path) DO UPDATE SET error = excluded.error, size = excluded.size,
                 mtime_ms = excluded.mtime_ms, at = excluded.at",
            params![path, error, found.size as i64, found.mtime_ms, at],
        )?;
        Ok(Outcome::Failed(error.to_string()))
    }

    /// Makes the problem list of a scanned folder what this scan found: every
    /// failure is listed (a folder that could not be read, a path too long,
    /// a name that is not UTF-8 — not only files that failed to import), and
    /// one not found again (fixed, or gone) leaves the list.
    pub(super) fn settle_problems(&mut self, root: &Path, failures: &[super::Failure]) -> Result<()> {
        let Some(root) = root.to_str() else { return Ok(()) };
        let prefix = format!("{}/", root.trim_end_matches('/'));
        let at = now(&self.conn)?;
        self.write(|tx| {
            for failure in failures {
                // A sidecar's problem lives with the sidecar (`sidecar.error`).
                tx.execute(
                    "INSERT INTO import_problem (path, error, size, mtime_ms, at)
                     SELECT ?1, ?2, 0, 0, ?3 WHERE NOT EXISTS (SELECT 1 FROM sidecar WHERE path = ?1)
                     ON CONFLICT (path) DO UPDATE SET error = excluded.error",
                    params![failure.path, failure.error, at],
                )?;
            }
            let still: Vec<rusqlite::types::Value> =
                failures.iter().map(|f| rusqlite::types::Value::Text(f.path.clone())).collect();
            tx.execute(
                "DELETE FROM import_problem WHERE substr(path, 1, length(?1)) = ?1 AND path NOT IN rarray(?2)",
                params![prefix, std::rc::Rc::new(still)],
            )?;
            Ok(())
        })
    }

    /// The clip a path belongs to.
    pub(super) fn clip_of_path(&self, path: &Path) -> Result<Option<i64>> {
        let Some(path) = path.to_str() else { return Ok(None) };
        Ok(self
            .conn
            .query_row("SELECT clip_id FROM file WHERE path = ?1", [path], |r| r.get(0))
            .optional()?)
    }

    /// Stores a probed video in one transaction: the same path updated, a moved
    /// file re-linked to its clip, another copy of a known clip, or a new clip;
    /// what its container says fills the clip in the same transaction.
    pub(super) fn store_video(
        &mut self,
        path: &str,
        found: &Found,
        probe: &Probe,
        oshash: &str,
    ) -> Result<Outcome> {
        let shows = self.show_name_keys()?;
        let facts = Facts::of(probe, &found.path);
        self.write(|tx| {
            tx.execute("DELETE FROM import_problem WHERE path = ?1", [path])?;
            let by_path: Option<(i64, i64)> = tx
                .query_row("SELECT id, clip_id FROM file WHERE path = ?1", [path], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            if let Some((file_id, clip_id)) = by_path {
                refresh_file(tx, file_id, path, found, oshash)?;
                set_technical(tx, clip_id, probe)?;
                if facts.apply(tx, clip_id, false, &shows)? {
                    guess_show(tx, clip_id, &shows)?;
                }
                return Ok(Outcome::Updated(clip_id));
            }
            let same_content: Vec<(i64, i64, String)> = tx
                .prepare("SELECT id, clip_id, path FROM file WHERE oshash = ?1 AND size = ?2 ORDER BY id")?
                .query_map(params![oshash, found.size as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            // A copy whose old path is gone moved here: same clip, same tags and markers.
            if let Some((file_id, clip_id, _)) =
                same_content.iter().find(|(_, _, old)| !Path::new(old).exists())
            {
                refresh_file(tx, *file_id, path, found, oshash)?;
                return Ok(Outcome::Moved(*clip_id));
            }
            if let Some((_, clip_id, _)) = same_content.first() {
                insert_file(tx, *clip_id, &file_input(path, found, oshash))?;
                if facts.apply(tx, *clip_id, false, &shows)? {
                    guess_show(tx, *clip_id, &shows)?;
                }
                return Ok(Outcome::Updated(*clip_id));
            }
            let clip_id = insert_new_clip(tx, path, found, probe, oshash, &facts)?;
            facts.apply(tx, clip_id, true, &shows)?;
            guess_show(tx, clip_id, &shows)?;
            Ok(Outcome::Added(clip_id))
        })
    }

    /// Every name key of every show, for guessing shows from file names.
    pub(super) fn show_name_keys(&self) -> Result<Vec<(i64, String)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, title_key FROM show UNION ALL SELECT id, native_key FROM show WHERE native_key IS NOT NULL
             UNION ALL SELECT show_id, key FROM show_alias",
        )?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Present copies under `root` that this scan did not see and that are gone: missing.
    pub(super) fn mark_missing(&mut self, root: &Path, seen: &HashSet<PathBuf>) -> Result<usize> {
        let rows = self.files_under(root, "present")?;
        self.write(|tx| {
            let mut missing = 0;
            for (id, path) in rows {
                let path = PathBuf::from(path);
                if !seen.contains(&path) && !path.exists() {
                    tx.execute("UPDATE file SET status = 'missing' WHERE id = ?1", [id])?;
                    missing += 1;
                }
            }
            Ok(missing)
        })
    }

    /// The whole folder is unreachable (unmounted drive, network share): its copies are offline, not gone.
    pub(super) fn mark_offline(&mut self, root: &Path) -> Result<usize> {
        let rows = self.files_under(root, "present")?;
        self.write(|tx| {
            for (id, _) in &rows {
                tx.execute("UPDATE file SET status = 'offline' WHERE id = ?1", [id])?;
            }
            Ok(rows.len())
        })
    }

    fn files_under(&self, root: &Path, status: &str) -> Result<Vec<(i64, String)>> {
        let Some(root) = root.to_str() else { return Ok(Vec::new()) };
        let prefix = format!("{}/", root.trim_end_matches('/'));
        let mut statement = self.conn.prepare_cached(
            "SELECT id, path FROM file WHERE status = ?1 AND substr(path, 1, length(?2)) = ?2",
        )?;
        let rows = statement.query_map(params![status, prefix], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn file_input(path: &str, found: &Found, oshash: &str) -> FileInput {
    FileInput {
        path: path.to_string(),
        size: found.size as i64,
        mtime_ms: Some(found.mtime_ms),
        oshash: Some(oshash.to_string()),
        status: Some(FileStatus::Present),
    }
}

fn refresh_file(conn: &Connection, file_id: i64, path: &str, found: &Found, oshash: &str) -> Result<()> {
    conn.execute(
        "UPDATE file SET path = ?2, size = ?3, mtime_ms = ?4, oshash = ?5, status = 'present' WHERE id = ?1",
        params![file_id, path, found.size as i64, found.mtime_ms, oshash],
    )?;
    Ok(())
}

/// What the container says; a changed file may have been re-encoded.
fn set_technical(conn: &Connection, clip_id: i64, probe: &Probe) -> Result<()> {
    conn.execute(
        "UPDATE clip SET duration_ms = ?2, width = ?3, height = ?4, video_codec = ?5, audio_codec = ?6,
             fps = ?7, rotation = ?8, created = coalesce(?9, created) WHERE id = ?1",
        params![
            clip_id,
            probe.duration_ms,
            probe.width,
            probe.height,
            probe.video_codec,
            probe.audio_codec,
            probe.fps,
            probe.rotation,
            probe.created
        ],
    )?;
    Ok(())
}

fn insert_new_clip(
    conn: &Connection,
    path: &str,
    found: &Found,
    probe: &Probe,
    oshash: &str,
    facts: &Facts,
) -> Result<i64> {
    let stem = naming::clean_stem(&found.path);
    let title = naming::stem_title(&found.path);
    let mut input = ClipInput {
        title,
        duration_ms: probe.duration_ms,
        width: probe.width,
        height: probe.height,
        video_codec: probe.video_codec.clone(),
        audio_codec: probe.audio_codec.clone(),
        fps: probe.fps.filter(|f| f.is_finite() && *f > 0.0),
        rotation: Some(probe.rotation),
        files: vec![file_input(path, found, oshash)],
        ..ClipInput::default()
    };
    // The container's title and page facts rank above the file name's.
    facts.fill_new(&mut input);
    let id = insert_clip(conn, &input, None)?;
    let source_id = facts.source_id().map(str::to_string).or_else(|| naming::source_id_from_stem(&stem));
    conn.execute(
        "UPDATE clip SET created = ?2, source_id = ?3 WHERE id = ?1",
        params![id, probe.created, source_id],
    )?;
    Ok(id)
}

/// Sets show and episode from the clip's title and file name when exactly one
/// show fits and the clip has none yet; marked as a guess the fan can undo.
pub(super) fn guess_show(conn: &Connection, clip_id: i64, shows: &[(i64, String)]) -> Result<()> {
    let (title, has_show): (String, bool) =
        conn.query_row("SELECT title, show_id IS NOT NULL FROM clip WHERE id = ?1", [clip_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    if has_show {
        return Ok(());
    }
    let path: Option<String> = conn
        .query_row("SELECT path FROM file WHERE clip_id = ?1 ORDER BY id LIMIT 1", [clip_id], |r| r.get(0))
        .optional()?;
    let file_name =
        path.as_deref().and_then(|p| Path::new(p).file_stem()).map(|s| s.to_string_lossy().to_string());
    let names: Vec<&str> = std::iter::once(title.as_str()).chain(file_name.as_deref()).collect();
    let Some(show_id) = names.iter().find_map(|name| naming::guess_show(name, shows)) else { return Ok(()) };
    let episode = names.iter().find_map(|name| naming::episode_number(name));
    let episode_id = episode.map(|n| crate::shows::ensure_episode(conn, show_id, n)).transpose()?;
    conn.execute(
        "UPDATE clip SET show_id = ?2, episode_id = ?3, show_guessed = 1 WHERE id = ?1",
        params![clip_id, show_id, episode_id],
    )?;
    Ok(())
}
