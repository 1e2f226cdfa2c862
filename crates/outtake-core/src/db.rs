//! Opening a library database: connection settings and the embedded migrations.

use std::path::Path;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use rusqlite_migration::{M, Migrations};

use crate::error::{Error, Result};

/// The schema's migrations, oldest first. A shipped migration is never edited:
/// change the schema by adding a file to `migrations/` and a line here.
const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../../migrations/0001_catalogue.sql")),
    M::up(include_str!("../../../migrations/0002_sources.sql")),
    M::up(include_str!("../../../migrations/0003_import.sql")),
    M::up(include_str!("../../../migrations/0004_search.sql")),
    M::up(include_str!("../../../migrations/0005_browse.sql")),
    M::up(include_str!("../../../migrations/0006_chapters.sql")),
    M::up(include_str!("../../../migrations/0007_facets.sql")),
    M::up(include_str!("../../../migrations/0008_history.sql")),
    M::up(include_str!("../../../migrations/0009_settings.sql")),
    M::up(include_str!("../../../migrations/0010_path_bytes.sql")),
    M::up(include_str!("../../../migrations/0011_posters.sql")),
    M::up(include_str!("../../../migrations/0012_cue_kinds.sql")),
    M::up(include_str!("../../../migrations/0013_reels.sql")),
    M::up(include_str!("../../../migrations/0014_storyboards.sql")),
    M::up(include_str!("../../../migrations/0015_machine_lines.sql")),
    M::up(include_str!("../../../migrations/0016_content_keys.sql")),
    M::up(include_str!("../../../migrations/0017_sidebar_counts.sql")),
];

/// The migrations as `rusqlite_migration` runs them (tests call `validate()` on it).
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Whether a connection may write; a reading one changes nothing, not even the journal mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

/// Refuses a file that is not an Outtake library *before* anything writes to
/// it (setting WAL mode rewrites the header; migrating would add our tables
/// to another program's database). Only reads.
pub(crate) fn check_is_library(conn: &Connection, path: &Path) -> Result<()> {
    let not = |why: String| Error::NotALibrary { path: path.to_path_buf(), why };
    let counted = conn.query_row(
        "SELECT count(*), count(*) FILTER (WHERE type = 'table' AND name = 'clip') FROM sqlite_master",
        [],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    );
    let (objects, clip_tables) = match counted {
        Ok(counts) => counts,
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
            return Err(not("it is not a SQLite database".into()));
        }
        Err(error) => return Err(open_error(path, error)),
    };
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == 0 && objects > 0 {
        return Err(not(format!(
            "it is another program's SQLite database ({objects} tables and indexes, none of Outtake's)"
        )));
    }
    if version > 0 && clip_tables == 0 {
        return Err(not(format!(
            "it is another program's SQLite database (schema version {version} without Outtake's tables)"
        )));
    }
    Ok(())
}

/// An error opening the file, naming it (SQLite's own message does not).
pub(crate) fn open_error(path: &Path, error: rusqlite::Error) -> Error {
    match &error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::CannotOpen => {
            Error::Io { path: path.to_path_buf(), source: std::io::Error::other("cannot be opened") }
        }
        _ => Error::from(error),
    }
}

/// A read-only connection. A WAL library on a read-only disk has no `-shm`
/// file SQLite could create, so a plain read-only open fails there; it is then
/// opened as immutable (nothing else can be changing a read-only disk).
pub(crate) fn open_read_only(path: &Path) -> Result<Connection> {
    let flags =
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
    match check_is_library(&conn, path) {
        Err(Error::Io { .. }) | Err(Error::Database(_)) => {}
        other => return other.map(|()| conn),
    }
    drop(conn);
    let absolute =
        std::path::absolute(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let uri = format!("file:{}?immutable=1", uri_escape(&absolute));
    let conn = Connection::open_with_flags(uri, flags).map_err(|e| open_error(path, e))?;
    check_is_library(&conn, path)?;
    Ok(conn)
}

/// A path as the path part of a `file:` URI: bytes other than letters,
/// digits and `/._-~` percent-encoded (`?`, `#` and `%` would otherwise end or
/// change it).
fn uri_escape(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut text = String::new();
    for &byte in path.as_os_str().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/._-~".contains(&byte) {
            text.push(byte as char);
        } else {
            text.push_str(&format!("%{byte:02X}"));
        }
    }
    text
}

/// Ids bound to a statement as one array (`rarray(?1)`, its rows in this
/// order by `rowid`), so the statement is prepared once whatever their number.
pub(crate) fn id_array(ids: impl IntoIterator<Item = i64>) -> Rc<Vec<Value>> {
    Rc::new(ids.into_iter().map(Value::Integer).collect())
}

/// Sets the per-connection settings every library connection needs.
pub(crate) fn configure(conn: &Connection, access: Access) -> Result<()> {
    // The search index's triggers call these.
    crate::search::index::register(conn)?;
    // `rarray(?)`: a list of ids bound as one parameter (`id_array`).
    rusqlite::vtab::array::load_module(conn)?;
    conn.create_scalar_function(
        "outtake_name_key",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8
            | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| Ok(ctx.get::<Option<String>>(0)?.map(|name| crate::names::name_key(&name))),
    )?;
    // Cascades inside the library rely on this; SQLite leaves it off per connection.
    conn.pragma_update(None, "foreign_keys", true)?;
    // The app and the CLI may write the same library: wait for the other
    // writer's transaction instead of failing at once with SQLITE_BUSY.
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Readers (the UI) never block the writer (the importer) and vice versa.
    // In-memory databases answer "memory" and keep it. A reading connection
    // leaves the mode as the library has it (always WAL once opened to write).
    if access == Access::Write {
        let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    }
    // With WAL, NORMAL is crash-safe for the app; a power cut may drop the
    // last commits but never corrupts the file.
    conn.pragma_update(None, "synchronous", "normal")?;
    // The sidebar's counts and the grid's pages walk whole tables of a big
    // library: read them through a memory map and keep more pages cached, so
    // a walk costs memory reads rather than a read() call per 4 KiB page.
    // (In memory it answers nothing; pragma_update ignores the answer.)
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    // A scan's writes are savepoints in one transaction (`Library::gather_writes`):
    // their journals, and sorts' temporary tables, live in memory, not in temp files.
    conn.pragma_update(None, "temp_store", "memory")?;
    // Statements compiled once and kept: an import runs some thirty per file,
    // and compiling one on a table with history triggers costs more than running it.
    conn.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
    Ok(())
}

/// How many compiled statements a connection keeps (rusqlite keeps 16 unless told).
const STATEMENTS_KEPT: usize = 256;

/// Copies a library about to be migrated to `<library>.schema-N.bak` beside it
/// (SQLite's online backup, so the copy is consistent even with the app open),
/// so a migration that goes wrong never costs a fan their tagging. No backup,
/// no migration.
fn back_up(conn: &Connection, path: &Path, found: i64) -> Result<()> {
    if path == Path::new(":memory:") {
        return Ok(());
    }
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".schema-{found}.bak"));
    let backup = std::path::PathBuf::from(name);
    let mut copy = Connection::open(&backup).map_err(|e| open_error(&backup, e))?;
    let copied = rusqlite::backup::Backup::new(conn, &mut copy)
        .and_then(|b| b.run_to_completion(256, std::time::Duration::from_millis(5), None));
    if let Err(error) = copied {
        drop(copy);
        let _ = std::fs::remove_file(&backup);
        return Err(Error::Io {
            path: backup,
            source: std::io::Error::other(format!("cannot back the library up before upgrading it: {error}")),
        });
    }
    tracing::info!("backed up {} to {} before upgrading its schema", path.display(), backup.display());
    Ok(())
}

/// Copies the open library to a new file `to` with SQLite's online backup (the
/// copy is consistent even while the library is being written). An existing
/// `to` is refused; a copy that fails is removed, the original is never touched.
pub(crate) fn copy_library(conn: &Connection, to: &Path) -> Result<()> {
    let invalid = |why: String| Error::invalid("new library file", why);
    if !to.is_absolute() {
        return Err(invalid(format!("{} is not a full path (it starts with /)", to.display())));
    }
    match to.parent() {
        Some(folder) if folder.is_dir() => {}
        _ => return Err(invalid(format!("the folder of {} does not exist", to.display()))),
    }
    if to.exists() {
        return Err(invalid(format!("{} exists already; choose a new file", to.display())));
    }
    let mut copy = Connection::open(to).map_err(|e| open_error(to, e))?;
    let copied = rusqlite::backup::Backup::new(conn, &mut copy)
        .and_then(|b| b.run_to_completion(256, std::time::Duration::from_millis(5), None));
    drop(copy);
    if let Err(error) = copied {
        let _ = std::fs::remove_file(to);
        return Err(Error::Io { path: to.to_path_buf(), source: std::io::Error::other(error.to_string()) });
    }
    Ok(())
}

/// Brings the schema up to date, refusing a library from a newer Outtake.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > schema_version() {
        return Err(Error::TooNew { path: path.to_path_buf(), found, known: schema_version() });
    }
    if found > 0 && found < schema_version() {
        back_up(conn, path, found)?;
    }
    migrations().to_latest(conn)?;
    crate::search::index::backfill(conn)?;
    Ok(())
}
