//! Alias lists shared by shows and people: stored with their keys, in the order given.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::names::{clean_lookup_name, name_key};

/// Which alias table, and the column naming its owner.
#[derive(Clone, Copy)]
pub(crate) enum AliasTable {
    Show,
    Person,
}

impl AliasTable {
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            AliasTable::Show => ("show_alias", "show_id"),
            AliasTable::Person => ("person_alias", "person_id"),
        }
    }
}

/// Adds aliases to an owner, skipping ones it already has (by key).
pub(crate) fn add(conn: &Connection, table: AliasTable, owner: i64, aliases: &[String]) -> Result<()> {
    let (table, column) = table.sql();
    let sql = format!("INSERT OR IGNORE INTO {table} ({column}, alias, key) VALUES (?1, ?2, ?3)");
    let mut insert = conn.prepare_cached(&sql)?;
    for alias in aliases {
        let alias = clean_lookup_name("alias", alias)?;
        insert.execute(params![owner, alias, name_key(&alias)])?;
    }
    Ok(())
}

/// Replaces an owner's aliases with `aliases`.
pub(crate) fn replace(conn: &Connection, table: AliasTable, owner: i64, aliases: &[String]) -> Result<()> {
    let (name, column) = table.sql();
    conn.execute(&format!("DELETE FROM {name} WHERE {column} = ?1"), [owner])?;
    add(conn, table, owner, aliases)
}

/// An owner's aliases, in the order they were added.
pub(crate) fn list(conn: &Connection, table: AliasTable, owner: i64) -> Result<Vec<String>> {
    let (table, column) = table.sql();
    let sql = format!("SELECT alias FROM {table} WHERE {column} = ?1 ORDER BY rowid");
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([owner], |row| row.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
