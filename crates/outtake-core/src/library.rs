//! The library handle: one SQLite connection and the lookups every entity shares.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use crate::db;
use crate::error::{Candidate, Error, Kind, Result};
use crate::names::explicit_id;

/// An open Outtake library. All reads and writes of shows, people, tags,
/// clips and markers go through it. It never touches the video files it lists.
pub struct Library {
    pub(crate) conn: Connection,
    path: PathBuf,
}

/// How much a library holds, for start pages and `outtake` summaries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LibrarySummary {
    pub shows: i64,
    pub people: i64,
    pub clips: i64,
    pub markers: i64,
    pub tags: i64,
    pub cues: i64,
}

/// Where the library lives unless told otherwise: `$OUTTAKE_LIBRARY`, else
/// `<data dir>/outtake/library.db`.
pub fn default_library_path() -> PathBuf {
    if let Some(path) = std::env::var_os("OUTTAKE_LIBRARY").filter(|p| !p.is_empty()) {
        return PathBuf::from(path);
    }
    let base = directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("outtake").join("library.db")
}

impl Library {
    /// Opens (creating if needed) the library at `path` and migrates it.
    pub fn open(path: &Path) -> Result<Library> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| Error::Io { path: parent.to_path_buf(), source })?;
        }
        let mut conn = Connection::open(path)?;
        db::configure(&conn)?;
        db::migrate(&mut conn, path)?;
        Ok(Library { conn, path: path.to_path_buf() })
    }

    /// A library that lives only in memory, for tests and dry runs.
    pub fn open_in_memory() -> Result<Library> {
        let mut conn = Connection::open_in_memory()?;
        db::configure(&conn)?;
        let path = PathBuf::from(":memory:");
        db::migrate(&mut conn, &path)?;
        Ok(Library { conn, path })
    }

    /// The database file this library was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Counts of the main entities.
    pub fn summary(&self) -> Result<LibrarySummary> {
        let count = |table: &str| -> Result<i64> {
            Ok(self.conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(LibrarySummary {
            shows: count("show")?,
            people: count("person")?,
            clips: count("clip")?,
            markers: count("marker")?,
            tags: count("tag")?,
            cues: count("cue")?,
        })
    }

    /// Runs `work` in one transaction: all of it lands, or none of it.
    pub(crate) fn write<T>(&mut self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = work(&tx)?;
        // The search index changes with the data, in the same transaction.
        crate::search::refresh(&tx)?;
        tx.commit()?;
        Ok(value)
    }
}

/// How an entity is found by name: the SQL that lists ids whose names key to
/// `?1` (with an optional scope id in `?2`), and the SQL that labels an id.
pub(crate) struct Lookup {
    pub kind: Kind,
    pub table: &'static str,
    /// Turns what the user typed into the key the SQL compares.
    pub key: fn(&str) -> String,
    pub ids_by_key: &'static str,
    pub label: &'static str,
}

/// Finds one entity by `#id`, bare id, or any of its names/aliases.
/// A name that fits several is an [`Error::Ambiguous`] listing them.
pub(crate) fn resolve(
    conn: &Connection,
    lookup: &Lookup,
    reference: &str,
    scope: Option<i64>,
) -> Result<i64> {
    let reference = reference.trim();
    if reference.is_empty() {
        return Err(Error::invalid(lookup.kind.as_str(), "no name given"));
    }
    let exists = |id: i64| -> Result<bool> {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", lookup.table);
        Ok(conn.query_row(&sql, [id], |_| Ok(())).optional()?.is_some())
    };
    // `#12` is an id and nothing else (so no name may look like one, see
    // `names::clean_lookup_name`); a bare `12` may be an id or a name.
    if let Some(id) = explicit_id(reference) {
        return if exists(id)? { Ok(id) } else { Err(Error::not_found(lookup.kind, reference)) };
    }
    let mut ids: Vec<i64> = Vec::new();
    if let Ok(id) = reference.parse::<i64>()
        && exists(id)?
    {
        ids.push(id);
    }
    let mut statement = conn.prepare_cached(lookup.ids_by_key)?;
    let key = (lookup.key)(reference);
    // Scoped lookups (a scene within a show) take the scope as ?2; the others do not.
    let by_name: Vec<i64> = if statement.parameter_count() == 2 {
        statement.query_map(params![key, scope], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?
    } else {
        statement.query_map(params![key], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    for id in by_name {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    match ids.as_slice() {
        [] => Err(Error::not_found(lookup.kind, reference)),
        [id] => Ok(*id),
        _ => {
            ids.sort_unstable();
            let candidates = ids
                .iter()
                .map(|id| Ok(Candidate { id: *id, label: label(conn, lookup, *id)? }))
                .collect::<Result<Vec<_>>>()?;
            Err(Error::Ambiguous { kind: lookup.kind, name: reference.to_string(), candidates })
        }
    }
}

/// The human label of one entity (`Kim Yoo Jung (김유정)`), for candidate lists.
pub(crate) fn label(conn: &Connection, lookup: &Lookup, id: i64) -> Result<String> {
    Ok(conn.query_row(lookup.label, [id], |row| row.get(0))?)
}

/// Fails with NotFound unless a row with `id` exists in `table`.
pub(crate) fn require(conn: &Connection, kind: Kind, table: &str, id: i64) -> Result<()> {
    let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
    match conn.query_row(&sql, [id], |_| Ok(())).optional()? {
        Some(()) => Ok(()),
        None => Err(Error::not_found(kind, format!("#{id}"))),
    }
}

/// The current time as stored in `added_at`/`created_at` columns (RFC 3339, UTC).
pub(crate) fn now(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| r.get(0))?)
}
