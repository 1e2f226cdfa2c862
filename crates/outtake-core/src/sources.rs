//! Where clips come from and what comes with them: subtitle cues and watched folders.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::error::{Error, Kind, Result};
use crate::library::{Library, now, require};
use crate::names::clean_text;

/// One subtitle line with its times.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cue {
    pub id: i64,
    pub clip_id: i64,
    /// Language from the subtitle file's name (`ko`, `en`); empty when unknown.
    pub lang: String,
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CueInput {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

/// A folder the app watches for new clips.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Folder {
    pub id: i64,
    pub path: String,
    pub added_at: String,
}

fn check_lang(lang: &str) -> Result<String> {
    let lang = lang.trim();
    let ok = lang.len() <= 35 && lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(Error::invalid("language", format!("\"{lang}\" is not a language tag like ko or en-US")));
    }
    Ok(lang.to_string())
}

pub(crate) fn insert_cues(conn: &Connection, clip_id: i64, lang: &str, cues: &[CueInput]) -> Result<usize> {
    require(conn, Kind::Clip, "clip", clip_id)?;
    let lang = check_lang(lang)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO cue (clip_id, lang, start_ms, end_ms, text) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, cue) in cues.iter().enumerate() {
        if cue.start_ms < 0 || cue.end_ms < cue.start_ms {
            return Err(Error::invalid(
                format!("cue {}", i + 1),
                format!("times {}–{} ms run backwards", cue.start_ms, cue.end_ms),
            ));
        }
        let text = clean_text(&format!("cue {}", i + 1), &cue.text)?;
        insert.execute(params![clip_id, lang, cue.start_ms, cue.end_ms, text])?;
    }
    Ok(cues.len())
}

pub(crate) fn load_cues(conn: &Connection, clip_id: i64, lang: Option<&str>) -> Result<Vec<Cue>> {
    let mut statement = conn.prepare_cached(
        "SELECT id, clip_id, lang, start_ms, end_ms, text FROM cue
         WHERE clip_id = ?1 AND (?2 IS NULL OR lang = ?2) ORDER BY lang, start_ms, id",
    )?;
    let rows = statement.query_map(params![clip_id, lang], |r| {
        Ok(Cue {
            id: r.get(0)?,
            clip_id: r.get(1)?,
            lang: r.get(2)?,
            start_ms: r.get(3)?,
            end_ms: r.get(4)?,
            text: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    /// Replaces a clip's subtitle cues in one language.
    pub fn replace_cues(&mut self, clip_id: i64, lang: &str, cues: &[CueInput]) -> Result<usize> {
        self.edit(format!("replace the {lang} subtitles of clip #{clip_id}"), |tx| {
            let lang = check_lang(lang)?;
            tx.execute("DELETE FROM cue WHERE clip_id = ?1 AND lang = ?2", params![clip_id, lang])?;
            insert_cues(tx, clip_id, &lang, cues)
        })
    }

    /// A clip's cues, in one language or all.
    pub fn cues(&self, clip_id: i64, lang: Option<&str>) -> Result<Vec<Cue>> {
        require(&self.conn, Kind::Clip, "clip", clip_id)?;
        load_cues(&self.conn, clip_id, lang)
    }

    /// Starts watching a folder. It must exist; its real path (symlinks resolved) is stored.
    pub fn add_folder(&mut self, path: &Path) -> Result<i64> {
        let real = path.canonicalize().map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        if !real.is_dir() {
            return Err(Error::invalid("folder", format!("{} is not a folder", path.display())));
        }
        let text = real.to_str().ok_or_else(|| {
            Error::invalid("folder", format!("{} is not valid UTF-8; rename it to watch it", real.display()))
        })?;
        let text = check_folder_path(text)?;
        self.edit(format!("watch folder {}", path.display()), |tx| {
            let existing: Option<i64> = tx
                .query_row("SELECT id FROM watched_folder WHERE path = ?1", [&text], |r| r.get(0))
                .optional()?;
            if let Some(id) = existing {
                return Err(Error::AlreadyExists { kind: Kind::Folder, name: text.clone(), id });
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
            require(tx, Kind::Folder, "watched_folder", id)?;
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
            .ok_or_else(|| Error::not_found(Kind::Folder, reference))
    }

    pub fn folders(&self) -> Result<Vec<Folder>> {
        let mut statement =
            self.conn.prepare("SELECT id, path, added_at FROM watched_folder ORDER BY path")?;
        let rows = statement
            .query_map([], |r| Ok(Folder { id: r.get(0)?, path: r.get(1)?, added_at: r.get(2)? }))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
