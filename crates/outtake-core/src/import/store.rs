//! Writing what the importer found: new clips, changed and moved files,
//! missing and offline copies, and files that could not be imported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use unicode_normalization::UnicodeNormalization;

use rusqlite::{Connection, OptionalExtension, params};

use super::container::Facts;
use super::walk::Found;
use super::{Outcome, naming};
use crate::clips::{ClipInput, FileInput, FileStatus, insert_clip, insert_file};
use crate::error::Result;
use crate::library::{Library, now};
use crate::media::Probe;
use crate::paths::{PATH_KEY, StoredPath};

impl Library {
    /// Same path, size and mtime as the library's present copy: nothing to do.
    pub(super) fn unchanged(&self, path: &StoredPath, found: &Found) -> Result<bool> {
        let row: Option<(i64, Option<i64>, String)> = self
            .conn
            .prepare_cached(&format!("SELECT size, mtime_ms, status FROM file WHERE {PATH_KEY} = ?1"))?
            .query_row([path.key()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        Ok(matches!(row, Some((size, Some(mtime), status))
            if size == found.size as i64 && mtime == found.mtime_ms && status == FileStatus::Present.as_str()))
    }

    /// The error recorded for this very file (same size and mtime) on an earlier scan.
    pub(super) fn known_problem(&self, path: &StoredPath, found: &Found) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT error FROM import_problem WHERE {PATH_KEY} = ?1 AND size = ?2 AND mtime_ms = ?3"
            ))?
            .query_row(params![path.key(), found.size as i64, found.mtime_ms], |r| r.get(0))
            .optional()?)
    }

    pub(super) fn record_problem(
        &mut self,
        path: &StoredPath,
        found: &Found,
        error: &str,
    ) -> Result<Outcome> {
        let at = now(&self.conn)?;
        // An upsert cannot name the bytes' index (an expression): replace the row.
        self.conn.execute(&format!("DELETE FROM import_problem WHERE {PATH_KEY} = ?1"), [path.key()])?;
        self.conn.execute(
            "INSERT INTO import_problem (path, path_hex, error, size, mtime_ms, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![path.text(), path.hex(), error, found.size as i64, found.mtime_ms, at],
        )?;
        Ok(Outcome::Failed(error.to_string()))
    }

    /// Makes the problem list of a scanned folder what this scan found: every
    /// failure is listed (a folder that could not be read, a path too long,
    /// a file that failed in any way — not only files that failed to import),
    /// and one not found again (fixed, or gone) leaves the list. The root's
    /// own failure is listed under the root.
    pub(super) fn settle_problems(&mut self, root: &Path, failures: &[super::Failure]) -> Result<()> {
        let mut prefix = crate::paths::bytes_of(root).to_vec();
        while prefix.len() > 1 && prefix.ends_with(b"/") {
            prefix.pop();
        }
        let root_key = prefix.clone();
        prefix.push(b'/');
        let at = now(&self.conn)?;
        self.write(|tx| {
            for failure in failures {
                let path = StoredPath::from_path(&failure.exact);
                let known = tx.execute(
                    &format!("UPDATE import_problem SET error = ?2 WHERE {PATH_KEY} = ?1"),
                    params![path.key(), failure.error],
                )?;
                // A sidecar's problem lives with the sidecar (`sidecar.error`).
                if known == 0 {
                    tx.execute(
                        &format!(
                            "INSERT INTO import_problem (path, path_hex, error, size, mtime_ms, at)
                             SELECT ?1, ?2, ?3, 0, 0, ?4 WHERE NOT EXISTS (SELECT 1 FROM sidecar WHERE {PATH_KEY} = ?5)"
                        ),
                        params![path.text(), path.hex(), failure.error, at, path.key()],
                    )?;
                }
            }
            let still: Vec<rusqlite::types::Value> = failures
                .iter()
                .map(|f| rusqlite::types::Value::Blob(crate::paths::bytes_of(&f.exact).to_vec()))
                .collect();
            tx.execute(
                &format!(
                    "DELETE FROM import_problem WHERE (substr({PATH_KEY}, 1, length(?1)) = ?1 OR {PATH_KEY} = ?3)
                         AND {PATH_KEY} NOT IN rarray(?2)"
                ),
                params![prefix, std::rc::Rc::new(still), root_key],
            )?;
            // A sidecar that could not be read leaves the list when it is gone
            // (a fixed one is read again, which clears its error).
            let erring: Vec<(i64, StoredPath)> = tx
                .prepare(&format!(
                    "SELECT rowid, path, path_hex FROM sidecar
                     WHERE error IS NOT NULL AND substr({PATH_KEY}, 1, length(?1)) = ?1"
                ))?
                .query_map([&prefix], |r| Ok((r.get(0)?, crate::paths::from_row(r, 1, 2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (rowid, path) in erring {
                if !file_behind(&path.to_path_buf()).exists() {
                    tx.execute("DELETE FROM sidecar WHERE rowid = ?1", [rowid])?;
                }
            }
            Ok(())
        })
    }

    /// A path that is gone leaves the problem list (what was under it stays
    /// listed: an unplugged drive's files are not fixed).
    pub(super) fn forget_problem(&mut self, path: &Path) -> Result<()> {
        let key = crate::paths::bytes_of(path);
        self.conn.execute(&format!("DELETE FROM import_problem WHERE {PATH_KEY} = ?1"), [key])?;
        Ok(())
    }

    /// The clip a path belongs to.
    pub(super) fn clip_of_path(&self, path: &Path) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT clip_id FROM file WHERE {PATH_KEY} = ?1"),
                [crate::paths::bytes_of(path)],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Stores a probed video in one transaction: the same path updated, a moved
    /// file re-linked to its clip, another copy of a known clip, or a new clip;
    /// what its container says fills the clip in the same transaction.
    pub(super) fn store_video(
        &mut self,
        path: &StoredPath,
        found: &Found,
        probe: &Probe,
        oshash: &str,
    ) -> Result<Outcome> {
        let shows = self.show_name_keys()?;
        let facts = Facts::of(probe, &found.path);
        self.write(|tx| {
            tx.prepare_cached(&format!("DELETE FROM import_problem WHERE {PATH_KEY} = ?1"))?.execute([path.key()])?;
            let by_path: Option<(i64, i64)> = tx
                .prepare_cached(&format!("SELECT id, clip_id FROM file WHERE {PATH_KEY} = ?1"))?
                .query_row([path.key()], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some((file_id, clip_id)) = by_path {
                refresh_file(tx, file_id, path, found, oshash)?;
                set_technical(tx, clip_id, probe)?;
                if facts.apply(tx, clip_id, false, &shows)? {
                    guess_show(tx, clip_id, &shows)?;
                }
                return Ok(Outcome::Updated(clip_id));
            }
            let same_content: Vec<(i64, i64, StoredPath)> = tx
                .prepare_cached("SELECT id, clip_id, path, path_hex FROM file WHERE oshash = ?1 AND size = ?2 ORDER BY id")?
                .query_map(params![oshash, found.size as i64], |r| {
                    Ok((r.get(0)?, r.get(1)?, crate::paths::from_row(r, 2, 3)?))
                })?
                .collect::<rusqlite::Result<_>>()?;
            // A copy whose old path is gone moved here: same clip, same tags and markers.
            if let Some((file_id, clip_id, _)) =
                same_content.iter().find(|(_, _, old)| !old.to_path_buf().exists())
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
                let path = path.to_path_buf();
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

    fn files_under(&self, root: &Path, status: &str) -> Result<Vec<(i64, StoredPath)>> {
        let mut prefix = crate::paths::bytes_of(root).to_vec();
        while prefix.ends_with(b"/") {
            prefix.pop();
        }
        prefix.push(b'/');
        let mut statement = self.conn.prepare_cached(&format!(
            "SELECT id, path, path_hex FROM file WHERE status = ?1 AND substr({PATH_KEY}, 1, length(?2)) = ?2"
        ))?;
        let rows = statement
            .query_map(params![status, prefix], |r| Ok((r.get(0)?, crate::paths::from_row(r, 1, 2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// How a video's embedded track is listed: the video's exact bytes and a
/// suffix, so it sits beside the video however the video is named.
pub(super) fn track_label(video: &Path, index: usize) -> PathBuf {
    let mut label = video.as_os_str().to_os_string();
    label.push(format!("{TRACK_SUFFIX}{index}"));
    PathBuf::from(label)
}

const TRACK_SUFFIX: &str = "#subtitles:";

/// The file a listed sidecar lives in: itself, or the video of an embedded
/// track or of its metadata.
pub(super) fn file_behind(listed: &Path) -> PathBuf {
    let bytes = crate::paths::bytes_of(listed);
    if let Some(video) = bytes.strip_suffix(super::container::METADATA_SUFFIX.as_bytes()) {
        return crate::paths::path_from_bytes(video);
    }
    let suffix = TRACK_SUFFIX.as_bytes();
    let cut = (0..bytes.len().saturating_sub(suffix.len())).rev().find(|&i| {
        bytes[i..].starts_with(suffix) && bytes[i + suffix.len()..].iter().all(u8::is_ascii_digit)
    });
    match cut {
        Some(i) => crate::paths::path_from_bytes(&bytes[..i]),
        None => listed.to_path_buf(),
    }
}

fn file_input(path: &StoredPath, found: &Found, oshash: &str) -> FileInput {
    FileInput {
        path: path.clone(),
        size: found.size as i64,
        mtime_ms: Some(found.mtime_ms),
        oshash: Some(oshash.to_string()),
        status: Some(FileStatus::Present),
    }
}

fn refresh_file(
    conn: &Connection,
    file_id: i64,
    path: &StoredPath,
    found: &Found,
    oshash: &str,
) -> Result<()> {
    conn.execute(
        "UPDATE file SET path = ?2, path_hex = ?6, size = ?3, mtime_ms = ?4, oshash = ?5, status = 'present'
         WHERE id = ?1",
        params![file_id, path.text(), found.size as i64, found.mtime_ms, oshash, path.hex()],
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
    path: &StoredPath,
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
    conn.prepare_cached("UPDATE clip SET created = ?2, source_id = ?3 WHERE id = ?1")?.execute(params![
        id,
        probe.created,
        source_id
    ])?;
    Ok(id)
}

/// Sets show and episode from the clip's title and file name when exactly one
/// show fits and the clip has none yet; marked as a guess the fan can undo.
pub(super) fn guess_show(conn: &Connection, clip_id: i64, shows: &[(i64, String)]) -> Result<()> {
    let (title, has_show): (String, bool) = conn
        .prepare_cached("SELECT title, show_id IS NOT NULL FROM clip WHERE id = ?1")?
        .query_row([clip_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    if has_show {
        return Ok(());
    }
    // `path` is the text the fan reads: a legacy name decoded, so `홍천기 3화`
    // in CP949 finds the show like its UTF-8 twin.
    let path: Option<String> = conn
        .query_row("SELECT path FROM file WHERE clip_id = ?1 ORDER BY id LIMIT 1", [clip_id], |r| r.get(0))
        .optional()?;
    let file_name = path
        .as_deref()
        .and_then(|p| Path::new(p).file_stem())
        .map(|s| s.to_string_lossy().nfc().collect::<String>());
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
