//! The thumbnail cache beside the library (`library.db.thumbs/`): posters and
//! marker frames (`import/thumbs.rs`) and storyboards (`import/boards.rs`,
//! one folder per fingerprint under `boards/`). Here: where a storyboard is,
//! which are still to make, what the cache holds, and keeping it under its
//! limit.
//!
//! State is the folder plus the `storyboard` table (migration 0014): a
//! storyboard is made when its `index.json` exists; the table says how big
//! it is, when the window last showed it, what went wrong with it, and which
//! were evicted or failed — those the background queue leaves alone (the
//! window asking for one makes it again), so a trimmed cache stays trimmed.
//! Over the limit, the least recently viewed storyboards go first; posters
//! are kept. Files of fingerprints no copy in the library has (forgotten
//! clips) are orphans and removed.

use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::db::id_array;
use crate::error::{Error, Result};
use crate::import::boards::{self, INDEX_FILE, INDEX_VERSION, Made, Storyboard, StoryboardJob};
use crate::library::Library;

/// The cache's limit when the fan has set none: 2 GB.
pub const DEFAULT_CACHE_LIMIT: u64 = 2_000_000_000;
/// The setting (table `setting`) that holds the limit, in bytes.
const LIMIT_KEY: &str = "cache.limit";
const DIR_KEY: &str = "cache.dir";
/// The biggest index read back (ours are under 1 KB).
const MAX_INDEX: u64 = 64 * 1024;

/// What the cache holds, as `outtake cache` shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CacheUsage {
    /// Posters and marker frames.
    pub posters: u64,
    pub poster_bytes: u64,
    pub storyboards: u64,
    pub storyboard_bytes: u64,
    /// Storyboards evicted to keep under the limit (made again when asked for).
    pub evicted: u64,
    /// Storyboards that could not be made, or only in part.
    pub problems: u64,
    /// Files and storyboards of clips the library has forgotten.
    pub orphans: u64,
    pub orphan_bytes: u64,
    pub limit_bytes: u64,
}

impl CacheUsage {
    pub fn total_bytes(&self) -> u64 {
        self.poster_bytes + self.storyboard_bytes + self.orphan_bytes
    }
}

/// What a trim did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Trimmed {
    pub evicted: u64,
    pub orphans: u64,
    pub freed_bytes: u64,
}

/// What the cache knows of one clip's storyboard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoryboardState {
    /// `made`, `evicted` (to keep under the limit) or `failed`.
    pub state: String,
    pub bytes: i64,
    pub made_at: String,
    /// When the window last showed it (RFC 3339, UTC).
    pub viewed_at: Option<String>,
    /// Why it is partial or failed.
    pub problem: Option<String>,
}

/// A storyboard that could not be made whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryboardProblem {
    pub oshash: String,
    pub problem: String,
}

impl Library {
    /// The folder of a storyboard, named by its clip's fingerprint.
    pub fn storyboard_dir(&self, oshash: &str) -> Option<PathBuf> {
        Some(self.thumbnail_dir()?.join("boards").join(oshash))
    }

    /// Storyboards not made yet, for the background queue: every clip with a
    /// present copy whose storyboard is missing, except those evicted or
    /// failed before (see the module). In clip order.
    pub fn pending_storyboards(&self) -> Result<Vec<StoryboardJob>> {
        self.storyboard_jobs(None, false)
    }

    /// The storyboards of these clips that are missing, evicted or not —
    /// the window asked for them. In the order given.
    pub fn storyboards_for(&self, clip_ids: &[i64]) -> Result<Vec<StoryboardJob>> {
        let mut jobs = self.storyboard_jobs(Some(clip_ids), true)?;
        jobs.sort_by_key(|job| clip_ids.iter().position(|id| *id == job.clip_id));
        Ok(jobs)
    }

    /// The missing storyboards of these clips that the queue would make
    /// (an import touched them).
    pub fn pending_storyboards_of(&self, clip_ids: &[i64]) -> Result<Vec<StoryboardJob>> {
        self.storyboard_jobs(Some(clip_ids), false)
    }

    fn storyboard_jobs(&self, only: Option<&[i64]>, asked: bool) -> Result<Vec<StoryboardJob>> {
        if self.thumbnail_dir().is_none() || only.is_some_and(|ids| ids.is_empty()) {
            return Ok(Vec::new());
        }
        let ids = only.map(|ids| id_array(ids.iter().copied()));
        let within = if ids.is_some() { "AND c.id IN rarray(?1)" } else { "" };
        let mut query = self.conn.prepare(&format!(
            "SELECT c.id, f.path, f.path_hex, f.oshash, c.duration_ms, s.state FROM clip c JOIN file f ON f.id =
                (SELECT id FROM file WHERE clip_id = c.id AND status = 'present' AND oshash IS NOT NULL ORDER BY id LIMIT 1)
             LEFT JOIN storyboard s ON s.oshash = f.oshash
             WHERE c.video_codec IS NOT NULL {within} ORDER BY c.id"
        ))?;
        let rows: Vec<(StoryboardJob, Option<String>)> = query
            .query_map(rusqlite::params_from_iter(ids.iter()), |r| {
                let oshash: String = r.get(3)?;
                Ok((
                    StoryboardJob {
                        clip_id: r.get(0)?,
                        video: crate::paths::from_row(r, 1, 2)?.to_path_buf(),
                        output: PathBuf::new(),
                        oshash,
                        duration_ms: r.get(4)?,
                    },
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut jobs = Vec::new();
        for (mut job, state) in rows {
            let left_alone = matches!(state.as_deref(), Some("evicted" | "failed"));
            if left_alone && !asked {
                continue;
            }
            job.output = self.storyboard_dir(&job.oshash).expect("file-backed library");
            if !made(&job.output) {
                jobs.push(job);
            }
        }
        Ok(jobs)
    }

    /// Notes a storyboard made (whole or partial) or failed (`Err`: why).
    pub fn record_storyboard(&self, oshash: &str, made: std::result::Result<&Made, &str>) -> Result<()> {
        let (state, bytes, problem) = match made {
            Ok(made) => ("made", made.bytes as i64, made.problem.as_deref()),
            Err(why) => ("failed", 0, Some(why)),
        };
        self.conn.execute(
            "INSERT INTO storyboard (oshash, state, bytes, made_at, problem)
                 VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?4)
             ON CONFLICT (oshash) DO UPDATE SET state = excluded.state, bytes = excluded.bytes,
                 made_at = excluded.made_at, problem = excluded.problem",
            params![oshash, state, bytes, problem],
        )?;
        Ok(())
    }

    /// The storyboard of a clip, when one has been made.
    pub fn storyboard(&self, clip_id: i64) -> Result<Option<Storyboard>> {
        let Some(dir) = self.clip_storyboard_dir(clip_id)? else { return Ok(None) };
        Ok(read_index(&dir))
    }

    /// Sheet `n` of a clip's storyboard, when it exists.
    pub fn storyboard_sheet(&self, clip_id: i64, n: u32) -> Result<Option<PathBuf>> {
        let Some(dir) = self.clip_storyboard_dir(clip_id)? else { return Ok(None) };
        Ok(Some(dir.join(format!("{n}.jpg"))).filter(|path| path.is_file()))
    }

    /// The index file of a clip's storyboard, when it exists (the media server serves it).
    pub fn storyboard_index(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        let Some(dir) = self.clip_storyboard_dir(clip_id)? else { return Ok(None) };
        Ok(Some(dir.join(INDEX_FILE)).filter(|path| path.is_file()))
    }

    fn clip_storyboard_dir(&self, clip_id: i64) -> Result<Option<PathBuf>> {
        let Some(oshash) = self.fingerprint_of(clip_id)? else { return Ok(None) };
        Ok(self.storyboard_dir(&oshash))
    }

    /// The window showed this clip's storyboard now: it is evicted last. One
    /// small write; callers showing many keep it to once in a while per clip.
    pub fn mark_storyboard_viewed(&self, clip_id: i64) -> Result<()> {
        let Some(oshash) = self.fingerprint_of(clip_id)? else { return Ok(()) };
        self.conn.execute(
            "UPDATE storyboard SET viewed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE oshash = ?1",
            [oshash],
        )?;
        Ok(())
    }

    /// What the cache knows of a clip's storyboard (`None`: not tried yet).
    pub fn storyboard_state(&self, clip_id: i64) -> Result<Option<StoryboardState>> {
        let Some(oshash) = self.fingerprint_of(clip_id)? else { return Ok(None) };
        Ok(self
            .conn
            .query_row(
                "SELECT state, bytes, made_at, viewed_at, problem FROM storyboard WHERE oshash = ?1",
                [oshash],
                |r| {
                    Ok(StoryboardState {
                        state: r.get(0)?,
                        bytes: r.get(1)?,
                        made_at: r.get(2)?,
                        viewed_at: r.get(3)?,
                        problem: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Storyboards that could not be made, or only in part, and why.
    pub fn storyboard_problems(&self) -> Result<Vec<StoryboardProblem>> {
        let mut query = self.conn.prepare(
            "SELECT oshash, problem FROM storyboard WHERE problem IS NOT NULL AND state != 'evicted' ORDER BY oshash",
        )?;
        let rows = query
            .query_map([], |r| Ok(StoryboardProblem { oshash: r.get(0)?, problem: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// The folder the fan chose for the cache, if any (a setting of the library,
    /// so the window, the media server and the CLI all find the same one).
    pub fn cache_dir(&self) -> Result<Option<PathBuf>> {
        let value: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM setting WHERE key = ?1")?
            .query_row([DIR_KEY], |r| r.get(0))
            .optional()?;
        Ok(value.map(PathBuf::from))
    }

    /// Puts the cache in `folder` (made if need be; an absolute path), or back
    /// beside the library (`None`). What was cached in the old place stays
    /// there, to be deleted by the fan; posters and storyboards are made again
    /// in the new place as they are needed. A setting, not an edit.
    pub fn set_cache_dir(&mut self, folder: Option<&Path>) -> Result<()> {
        let Some(folder) = folder else {
            self.conn.execute("DELETE FROM setting WHERE key = ?1", [DIR_KEY])?;
            return Ok(());
        };
        if !folder.is_absolute() {
            return Err(Error::invalid(
                "cache folder",
                format!("{} is not a full path (it starts with /)", folder.display()),
            ));
        }
        std::fs::create_dir_all(folder).map_err(|source| Error::Io { path: folder.to_path_buf(), source })?;
        let text = folder
            .to_str()
            .ok_or_else(|| Error::invalid("cache folder", format!("{} is not UTF-8", folder.display())))?;
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![DIR_KEY, text],
        )?;
        Ok(())
    }

    /// The cache's limit in bytes (a setting of the library; 2 GB when unset).
    pub fn cache_limit(&self) -> Result<u64> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM setting WHERE key = ?1", [LIMIT_KEY], |r| r.get(0))
            .optional()?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_CACHE_LIMIT))
    }

    /// Sets the cache's limit (applied by the next trim). A setting, not an edit.
    pub fn set_cache_limit(&mut self, bytes: u64) -> Result<()> {
        if bytes > i64::MAX as u64 {
            return Err(Error::invalid("cache limit", format!("{bytes} bytes is too many")));
        }
        self.conn.execute(
            "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![LIMIT_KEY, bytes.to_string()],
        )?;
        Ok(())
    }

    /// What the cache holds now, counted on disk.
    pub fn cache_usage(&self) -> Result<CacheUsage> {
        let mut usage = CacheUsage { limit_bytes: self.cache_limit()?, ..CacheUsage::default() };
        let Some(dir) = self.thumbnail_dir() else { return Ok(usage) };
        let known = self.known_fingerprints()?;
        for (_, oshash, bytes) in poster_files(&dir) {
            if known.contains(&oshash) {
                usage.posters += 1;
                usage.poster_bytes += bytes;
            } else {
                usage.orphans += 1;
                usage.orphan_bytes += bytes;
            }
        }
        for (path, oshash) in storyboard_folders(&dir) {
            let bytes = boards::folder_bytes(&path);
            if known.contains(&oshash) && made(&path) {
                usage.storyboards += 1;
                usage.storyboard_bytes += bytes;
            } else {
                usage.orphans += 1;
                usage.orphan_bytes += bytes;
            }
        }
        let (evicted, problems): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE state = 'evicted'),
                    count(*) FILTER (WHERE problem IS NOT NULL AND state != 'evicted') FROM storyboard",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        (usage.evicted, usage.problems) = (evicted as u64, problems as u64);
        Ok(usage)
    }

    /// Removes orphans, then evicts the least recently viewed storyboards
    /// until the cache is under its limit. Posters are never evicted.
    pub fn trim_cache(&self) -> Result<Trimmed> {
        let mut trimmed = Trimmed::default();
        let Some(dir) = self.thumbnail_dir() else { return Ok(trimmed) };
        let known = self.known_fingerprints()?;
        for (path, oshash, bytes) in poster_files(&dir) {
            if !known.contains(&oshash) && std::fs::remove_file(&path).is_ok() {
                trimmed.orphans += 1;
                trimmed.freed_bytes += bytes;
            }
        }
        for (path, oshash) in storyboard_folders(&dir) {
            if !known.contains(&oshash) {
                let bytes = boards::folder_bytes(&path);
                if std::fs::remove_dir_all(&path).is_ok() {
                    trimmed.orphans += 1;
                    trimmed.freed_bytes += bytes;
                }
            }
        }
        self.conn.execute(
            "DELETE FROM storyboard WHERE oshash NOT IN (SELECT oshash FROM file WHERE oshash IS NOT NULL)",
            [],
        )?;
        let usage = self.cache_usage()?;
        let mut over = usage.total_bytes().saturating_sub(usage.limit_bytes);
        if over == 0 {
            return Ok(trimmed);
        }
        let mut query = self.conn.prepare(
            "SELECT oshash FROM storyboard WHERE state = 'made'
             ORDER BY max(coalesce(viewed_at, made_at), made_at), oshash",
        )?;
        let oldest: Vec<String> = query.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for oshash in oldest {
            if over == 0 {
                break;
            }
            let path = self.storyboard_dir(&oshash).expect("file-backed library");
            let bytes = boards::folder_bytes(&path);
            if path.exists() {
                std::fs::remove_dir_all(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
            }
            self.conn
                .execute("UPDATE storyboard SET state = 'evicted', bytes = 0 WHERE oshash = ?1", [&oshash])?;
            trimmed.evicted += 1;
            trimmed.freed_bytes += bytes;
            over = over.saturating_sub(bytes);
        }
        Ok(trimmed)
    }

    fn known_fingerprints(&self) -> Result<std::collections::HashSet<String>> {
        let mut query = self.conn.prepare("SELECT DISTINCT oshash FROM file WHERE oshash IS NOT NULL")?;
        let known = query.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(known)
    }
}

/// Whether a storyboard folder holds a finished storyboard of this format.
fn made(folder: &Path) -> bool {
    read_index(folder).is_some()
}

/// A storyboard's index, when it is there and of this format.
fn read_index(folder: &Path) -> Option<Storyboard> {
    let path = folder.join(INDEX_FILE);
    if path.metadata().ok()?.len() > MAX_INDEX {
        return None;
    }
    let board: Storyboard = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    (board.version == INDEX_VERSION).then_some(board)
}

/// Posters and marker frames: (path, fingerprint, bytes).
fn poster_files(dir: &Path) -> Vec<(PathBuf, String, u64)> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".jpg")?;
            let oshash = stem.strip_prefix("clip-").or_else(|| stem.strip_prefix("marker-"))?;
            let oshash = oshash.split('-').next()?.to_string();
            let bytes = entry.metadata().ok()?.len();
            Some((entry.path(), oshash, bytes))
        })
        .collect()
}

/// Storyboard folders, finished or left half-made: (path, fingerprint).
fn storyboard_folders(dir: &Path) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir.join("boards")) else { return Vec::new() };
    entries
        .flatten()
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            // A `.partial` folder left by a run that was stopped is an orphan;
            // one touched within the hour may be being made now.
            let oshash = if name.ends_with(".partial") {
                let age = entry.metadata().ok()?.modified().ok()?.elapsed().unwrap_or_default();
                if age < std::time::Duration::from_secs(3600) {
                    return None;
                }
                String::new()
            } else {
                name
            };
            Some((entry.path(), oshash))
        })
        .collect()
}
