//! Watched folders: where the fan keeps clips, followed by the import worker.
//! The one rule for a folder's path lives here, for `folder add` and a
//! library import alike.

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, now, require};

/// A folder the app watches for new clips.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Folder {
    pub id: i64,
    pub path: String,
    pub added_at: String,
}

/// System folders that hold no videos, only files that change by themselves or never end.
const SYSTEM_FOLDERS: &[&str] = &["/proc", "/sys", "/dev", "/run"];

/// The one rule for a watched folder's path, for `folder add` and for a
/// library import alike: absolute, written plainly (no `.`/`..` steps, no
/// doubled slashes), not the whole disk and not a system folder. Whether it
/// exists is the caller's question.
pub(crate) fn check_folder_path(path: &str) -> Result<String> {
    let bad = |why: &str| Error::invalid("folder", format!("\"{path}\" {why}"));
    let trimmed = path.trim_end_matches('/');
    if path.trim().is_empty() {
        return Err(Error::invalid("folder", "no folder given"));
    }
    if let Some(c) = path.chars().find(|c| c.is_control()) {
        return Err(bad(&format!("contains the control character U+{:04X}", c as u32)));
    }
    if !path.starts_with('/') {
        return Err(bad("is not an absolute path"));
    }
    if trimmed.is_empty() {
        return Err(bad("is the whole disk; watch the folders that hold your clips"));
    }
    if trimmed.split('/').skip(1).any(|step| step.is_empty() || step == "." || step == "..") {
        return Err(bad("is not written plainly (it has empty, . or .. steps)"));
    }
    if SYSTEM_FOLDERS.iter().any(|system| trimmed == *system || trimmed.starts_with(&format!("{system}/"))) {
        return Err(bad("is a system folder, not one that holds clips"));
    }
    Ok(trimmed.to_string())
}

impl Library {
    /// Starts watching a folder. It must exist; its real path (symlinks resolved) is stored.
    pub fn add_folder(&mut self, path: &Path) -> Result<i64> {
        let real = path.canonicalize().map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        if !real.is_dir() {
            return Err(Error::invalid("folder", format!("{} is not a folder", path.display())));
        }
        // Files and folders inside a watched folder may have any name; the
        // watched folder itself is kept as text.
        let text = real.to_str().ok_or_else(|| {
            Error::invalid(
                "folder",
                format!(
                    "{} has a name that is not UTF-8 (from a Windows archive?): watch the folder that holds it \
                     (the clips inside import whatever their names), or rename it",
                    crate::paths::StoredPath::from_path(&real).text()
                ),
            )
        })?;
        let text = check_folder_path(text)?;
        self.edit(format!("watch folder {}", path.display()), |tx| {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM watched_folder WHERE path = ?1", [&text], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing {
                return Err(Error::AlreadyExists { kind: EntityKind::Folder, name: text.clone(), id });
            }
            tx.execute(
                "INSERT INTO watched_folder (path, added_at) VALUES (?1, ?2)",
                params![text, now(tx)?],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Stops watching a folder. Clips found there stay in the library.
    pub fn remove_folder(&mut self, id: i64) -> Result<()> {
        self.edit(format!("stop watching folder #{id}"), |tx| {
            require(tx, EntityKind::Folder, id)?;
            tx.execute("DELETE FROM watched_folder WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Finds a watched folder by `#id`/id or its path as given or as resolved.
    pub fn find_folder(&self, reference: &str) -> Result<i64> {
        let reference = reference.trim();
        let by_id = reference.strip_prefix('#').unwrap_or(reference).parse::<i64>().ok();
        let real = Path::new(reference).canonicalize().ok().and_then(|p| p.to_str().map(str::to_string));
        self.conn
            .query_row(
                "SELECT id FROM watched_folder WHERE id = ?1 OR path = ?2 OR path = ?3 ORDER BY id = ?1 DESC LIMIT 1",
                params![by_id, reference, real],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::not_found(EntityKind::Folder, reference))
    }

    pub fn folders(&self) -> Result<Vec<Folder>> {
        let mut statement =
            self.conn.prepare("SELECT id, path, added_at FROM watched_folder ORDER BY path")?;
        let rows = statement
            .query_map([], |r| Ok(Folder { id: r.get(0)?, path: r.get(1)?, added_at: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
