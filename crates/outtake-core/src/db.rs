//! Opening a library database: connection settings and the embedded migrations.

use std::path::Path;

use rusqlite::Connection;
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
];

/// The migrations as `rusqlite_migration` runs them (tests call `validate()` on it).
pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Sets the per-connection settings every library connection needs.
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    // The search index's triggers call these.
    crate::search::register(conn)?;
    // `rarray(?)`: a list of ids bound as one parameter (search candidates).
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
    // In-memory databases answer "memory" and keep it.
    let _mode: String = conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))?;
    // With WAL, NORMAL is crash-safe for the app; a power cut may drop the
    // last commits but never corrupts the file.
    conn.pragma_update(None, "synchronous", "normal")?;
    // The sidebar's counts and the grid's pages walk whole tables of a big
    // library: read them through a memory map and keep more pages cached, so
    // a walk costs memory reads rather than a read() call per 4 KiB page.
    // (In memory it answers nothing; pragma_update ignores the answer.)
    conn.pragma_update(None, "mmap_size", 256 * 1024 * 1024)?;
    conn.pragma_update(None, "cache_size", -32_000)?;
    Ok(())
}

/// Brings the schema up to date, refusing a library from a newer Outtake.
pub(crate) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > schema_version() {
        return Err(Error::TooNew { path: path.to_path_buf(), found, known: schema_version() });
    }
    migrations().to_latest(conn)?;
    crate::search::backfill(conn)?;
    Ok(())
}
