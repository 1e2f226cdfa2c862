//! The library handle: one SQLite connection and the lookups every entity shares.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use crate::db;
use crate::error::{Candidate, EntityKind, Error, Result};
use crate::names::explicit_id;

/// An open Outtake library. All reads and writes of shows, people, tags,
/// clips and markers go through it. It never touches the video files it lists.
pub struct Library {
    pub(crate) conn: Connection,
    path: PathBuf,
    read_only: bool,
    /// A write failed on a full disk and the WAL is not checkpointed yet.
    wal_left_full: std::cell::Cell<bool>,
    /// The edit being recorded, read by this connection's history triggers
    /// (`history/triggers.rs`); None on a read-only connection.
    pub(crate) recording: Option<std::sync::Arc<std::sync::atomic::AtomicI64>>,
    pub(crate) history_on: bool,
    /// Reads kept between calls while the library is unchanged: `browse.rs`
    /// keeps the grid's order and the sidebar's facets here, one value per
    /// type (it alone knows them, so this file depends on no view).
    pub(crate) kept: std::cell::RefCell<Vec<Box<dyn std::any::Any + Send>>>,
    /// While a scan runs, its writes gather into one transaction at a time
    /// ([`Library::gather_writes`]); when that transaction was begun, if one is open.
    gathering: Option<Option<Instant>>,
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
    /// Opens the library at `path`, creating it (and its folder) when there is
    /// none yet, and migrates it. For the default location and an explicit
    /// "new library"; a path the fan typed goes through [`Library::open_existing`].
    pub fn open(path: &Path) -> Result<Library> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| Error::Io { path: parent.to_path_buf(), source })?;
        }
        Library::open_writable(path)
    }

    /// Opens a library that must already exist: a mistyped path is
    /// [`Error::NoLibrary`], never a new library in new folders.
    pub fn open_existing(path: &Path) -> Result<Library> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => Library::open_writable(path),
            Ok(_) => Err(Error::NotALibrary { path: path.to_path_buf(), why: "it is not a file".into() }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::NoLibrary { path: path.to_path_buf() })
            }
            Err(source) => Err(Error::Io { path: path.to_path_buf(), source }),
        }
    }

    fn open_writable(path: &Path) -> Result<Library> {
        let opened = (|| {
            let mut conn = Connection::open(path).map_err(|e| db::open_error(path, e))?;
            db::check_is_library(&conn, path)?;
            // SQLite quietly opens a file it may not write read-only.
            if conn.is_readonly(rusqlite::MAIN_DB)? {
                return Err(Error::ReadOnly { path: path.to_path_buf() });
            }
            db::configure(&conn, db::Access::Write)?;
            db::migrate(&mut conn, path)?;
            Ok(conn)
        })();
        match opened {
            Ok(conn) => Library::with_history(conn, path.to_path_buf()),
            // "unable to open database file" for a library on a read-only disk
            // (its -shm cannot be made) says nothing a fan can act on.
            Err(Error::Io { .. } | Error::Database(_)) if !writable(path) => {
                Err(Error::ReadOnly { path: path.to_path_buf() })
            }
            Err(error) => Err(error),
        }
    }

    /// Opens an existing library for reading only: nothing in it or beside it
    /// is written, so a library on a read-only disk (or one this user may not
    /// write) can still be listed, searched and exported. Writes fail with
    /// [`Error::ReadOnly`]. A library that needs a schema upgrade cannot be
    /// read this way ([`Error::NeedsUpgrade`]).
    pub fn open_read_only(path: &Path) -> Result<Library> {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => {
                return Err(Error::NotALibrary { path: path.to_path_buf(), why: "it is not a file".into() });
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::NoLibrary { path: path.to_path_buf() });
            }
            Err(source) => return Err(Error::Io { path: path.to_path_buf(), source }),
        }
        let conn = db::open_read_only(path)?;
        db::configure(&conn, db::Access::Read)?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let known = db::schema_version();
        if found > known {
            return Err(Error::TooNew { path: path.to_path_buf(), found, known });
        }
        if found < known {
            return Err(Error::NeedsUpgrade { path: path.to_path_buf(), found, known });
        }
        Ok(Library {
            conn,
            path: path.to_path_buf(),
            read_only: true,
            wal_left_full: Default::default(),
            recording: None,
            history_on: false,
            kept: Default::default(),
            gathering: None,
        })
    }

    /// A library that lives only in memory, for tests and dry runs.
    pub fn open_in_memory() -> Result<Library> {
        let mut conn = Connection::open_in_memory()?;
        db::configure(&conn, db::Access::Write)?;
        let path = PathBuf::from(":memory:");
        db::migrate(&mut conn, &path)?;
        Library::with_history(conn, path)
    }

    /// A writable library that records its edits.
    fn with_history(conn: Connection, path: PathBuf) -> Result<Library> {
        let recording = crate::history::triggers::start_recording(&conn)?;
        Ok(Library {
            conn,
            path,
            read_only: false,
            wal_left_full: Default::default(),
            recording: Some(recording),
            history_on: true,
            kept: Default::default(),
            gathering: None,
        })
    }

    /// True when this handle only reads ([`Library::open_read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The database file this library was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Copies the whole library to the new file `to` (consistent while it is
    /// in use): how the window moves a library safely — the copy is opened
    /// from the next start, and the original stays until the fan deletes it.
    pub fn copy_to(&self, to: &Path) -> Result<()> {
        db::copy_library(&self.conn, to)
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
    pub(crate) fn write<T>(&mut self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.gathering.is_some() {
            return self.write_gathered(work);
        }
        let written = (|| {
            let tx = self.begin_write()?;
            let value = work(&tx)?;
            // The search index changes with the data, in the same transaction.
            crate::search::index::refresh(&tx)?;
            tx.commit()?;
            Ok(value)
        })();
        match written {
            Ok(value) => {
                if self.wal_left_full.get() {
                    self.checkpoint_after_full();
                }
                Ok(value)
            }
            Err(error) => Err(self.after_failed_write(error)),
        }
    }

    /// Moves the WAL into the library and truncates it; true when that worked.
    fn checkpoint_after_full(&self) -> bool {
        let checkpoint: rusqlite::Result<(i64, i64, i64)> =
            self.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
        let done = matches!(checkpoint, Ok((0, _, _)));
        match checkpoint {
            Ok((busy, log, copied)) => {
                tracing::info!("after a full disk: checkpointed {copied} of {log} WAL pages (busy: {busy})")
            }
            Err(error) => tracing::warn!("after a full disk, the WAL could not be checkpointed yet: {error}"),
        }
        self.wal_left_full.set(!done);
        done
    }

    /// A write that failed on a full disk leaves the WAL as it was, and SQLite
    /// checkpoints only after a commit, and only once the WAL passes 1,000
    /// pages: so the space the WAL took is never given back, and a library
    /// whose WAL filled the disk takes no edit at all. Checkpoint now if there
    /// is room for it, else after the next write that lands (the fan has freed
    /// space by then), and truncate the WAL either way.
    pub(crate) fn after_failed_write(&self, error: Error) -> Error {
        if !error.is_disk_full() {
            return error;
        }
        self.wal_left_full.set(true);
        self.checkpoint_after_full();
        Error::DiskFull { path: self.path.clone() }
    }
}

/// A gathered transaction is committed once it is this old (at the next file),
/// so other writers (the fan's edits in the window) wait at most about this long.
const GATHER_FOR: Duration = Duration::from_millis(200);

impl Library {
    /// Runs `work` (a scan) with its writes gathered: each [`Library::write`]
    /// is a savepoint inside one transaction that is committed every
    /// [`GATHER_FOR`] at [`Library::commit_gathered`] (and at the end), with
    /// the search documents of every clip it touched rebuilt once, not once per
    /// write. A thousand small files then cost a few transactions, not a
    /// thousand: what was a transaction's fixed cost (WAL pages, a new search
    /// index segment) was most of an import. One write that fails rolls back
    /// alone; an error of the library itself (a full disk) rolls back what was
    /// gathered since the last commit, and a scan run again takes it in.
    pub(crate) fn gather_writes<T>(&mut self, work: impl FnOnce(&mut Library) -> Result<T>) -> Result<T> {
        if self.gathering.is_some() {
            return work(self);
        }
        self.gathering = Some(None);
        let result = work(self);
        let committed = match &result {
            Ok(_) => self.commit_gathered(true),
            Err(_) => {
                self.roll_back_gathered();
                Ok(())
            }
        };
        self.gathering = None;
        let value = result?;
        committed?;
        Ok(value)
    }

    /// Commits what was gathered when it has waited [`GATHER_FOR`] (or now,
    /// when `now`: before a slow step, such as running ffmpeg, that should hold
    /// no lock). Does nothing when writes are not being gathered.
    pub(crate) fn commit_gathered(&mut self, now: bool) -> Result<()> {
        let Some(Some(begun)) = self.gathering else { return Ok(()) };
        if !now && begun.elapsed() < GATHER_FOR {
            return Ok(());
        }
        let committed =
            crate::search::index::refresh(&self.conn).and_then(|()| Ok(self.conn.execute_batch("COMMIT")?));
        match committed {
            Ok(()) => {
                self.gathering = Some(None);
                if self.wal_left_full.get() {
                    self.checkpoint_after_full();
                }
                Ok(())
            }
            Err(error) => {
                self.roll_back_gathered();
                Err(self.after_failed_write(error))
            }
        }
    }

    fn roll_back_gathered(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        if self.gathering.is_some() {
            self.gathering = Some(None);
        }
    }

    /// One write among gathered ones: a savepoint in the open transaction
    /// (begun here, taking the write lock at once, when none is open).
    fn write_gathered<T>(&mut self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(Error::ReadOnly { path: self.path.clone() });
        }
        if self.gathering == Some(None) {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.gathering = Some(Some(Instant::now()));
        }
        let written =
            self.conn.execute_batch("SAVEPOINT gathered_write").map_err(Error::from).and_then(|()| {
                let value = work(&self.conn)?;
                self.conn.execute_batch("RELEASE gathered_write")?;
                Ok(value)
            });
        match written {
            Ok(value) => Ok(value),
            // SQLite may have rolled the whole transaction back (a full disk does).
            Err(error) if error.is_library_wide() || self.conn.is_autocommit() => {
                self.roll_back_gathered();
                Err(self.after_failed_write(error))
            }
            Err(error) => {
                let _ = self.conn.execute_batch("ROLLBACK TO gathered_write; RELEASE gathered_write");
                Err(error)
            }
        }
    }

    /// Starts a write transaction that takes the write lock at once
    /// (BEGIN IMMEDIATE). A deferred one reads first and must then upgrade to a
    /// writer; if another connection committed in between, SQLite refuses the
    /// upgrade at once ("database is locked") instead of waiting out the busy
    /// timeout. Taking the lock first makes every edit wait its turn behind a scan.
    pub(crate) fn begin_write(&mut self) -> Result<Transaction<'_>> {
        if self.read_only {
            return Err(Error::ReadOnly { path: self.path.clone() });
        }
        Ok(self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?)
    }
}

/// Whether this process may write the library file and create files beside it.
fn writable(path: &Path) -> bool {
    let file_ok = std::fs::OpenOptions::new().append(true).open(path).is_ok();
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let probe = folder.join(format!(".outtake-write-check-{}", std::process::id()));
    let folder_ok = std::fs::File::create_new(&probe).map(|_| std::fs::remove_file(&probe)).is_ok();
    file_ok && folder_ok
}

/// How an entity is found by name: the SQL that lists ids whose names key to
/// `?1` (with an optional scope id in `?2`), and the SQL that labels an id.
pub(crate) struct Lookup {
    pub kind: EntityKind,
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
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", lookup.kind.table());
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

/// Fails with NotFound unless a `kind` with `id` exists.
pub(crate) fn require(conn: &Connection, kind: EntityKind, id: i64) -> Result<()> {
    let sql = format!("SELECT 1 FROM {} WHERE id = ?1", kind.table());
    match conn.query_row(&sql, [id], |_| Ok(())).optional()? {
        Some(()) => Ok(()),
        None => Err(Error::not_found(kind, format!("#{id}"))),
    }
}

/// The current time as stored in `added_at`/`created_at` columns (RFC 3339, UTC).
pub(crate) fn now(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| r.get(0))?)
}
