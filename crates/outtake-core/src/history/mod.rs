//! The edit history: every change a fan makes is one named operation whose
//! changed rows are recorded (before and after), so `Library::undo` and
//! `Library::redo` put back exactly what it changed, across restarts, from the
//! window and the CLI alike.
//!
//! Snapshot-based, not inverse operations (GitButler's rule): while an edit
//! runs, per-connection TEMP triggers on every table that holds what a fan
//! made copy each changed row as JSON into `edit_change`. Undo walks those
//! rows backwards and writes each `old` back; redo walks them forwards and
//! writes each `new`. Before touching a row it checks the row is still what
//! the edit left (or found), so an undo of something changed again since is
//! refused whole, naming the row, and never half done. Rowids are kept, so
//! everything ordered by rowid (aliases, tags on a clip) comes back in order.

use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::library::{Library, now};

pub(crate) mod triggers;
use triggers::json_of;
pub use triggers::{TRACKED, Tracked};

/// At most this many edits are kept (older ones are forgotten first)...
pub const KEEP_EDITS: i64 = 1000;
/// ...and none older than this many days, unless the fan says otherwise
/// (`Library::set_history_bounds`, kept in the library's `setting` table).
pub const KEEP_DAYS: i64 = 90;

/// How much history the library keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HistoryBounds {
    /// The most recent edits kept.
    pub edits: i64,
    /// Edits older than this many days are forgotten.
    pub days: i64,
}

fn bounds(conn: &Connection) -> Result<HistoryBounds> {
    let read = |key: &str, default: i64| -> Result<i64> {
        let value: Option<String> =
            conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    Ok(HistoryBounds { edits: read("history.edits", KEEP_EDITS)?, days: read("history.days", KEEP_DAYS)? })
}

/// One edit in the history, as `outtake history` and the window list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    pub id: i64,
    /// When it was made (RFC 3339, UTC).
    pub at: String,
    pub description: String,
    pub undone: bool,
    /// How many rows it changed.
    pub rows: i64,
}

/// One row an edit changed: how to put it back (`old`) or make it again (`new`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RowChange {
    pub table: String,
    pub row: Option<i64>,
    pub old: Option<Map<String, Value>>,
    pub new: Option<Map<String, Value>>,
}

/// Sets the recording switch for as long as it lives.
struct Recording<'a>(&'a AtomicI64);

impl Drop for Recording<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

impl Library {
    /// Runs `work` as one edit: one transaction, recorded in the history under
    /// `description` with every row it changed, so it can be undone. An edit
    /// that changed nothing leaves no entry. A new edit ends the redo branch.
    pub(crate) fn edit<T>(
        &mut self,
        description: impl Into<String>,
        work: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let Some(recording) = self.recording.clone().filter(|_| self.history_on) else {
            return self.write(work);
        };
        let description = description.into();
        self.write(|tx| {
            let id = open_edit(tx, &description)?;
            let value = {
                recording.store(id, Ordering::Relaxed);
                let _on = Recording(&recording);
                work(tx)?
            };
            close_edit(tx, id)?;
            Ok(value)
        })
    }

    /// Runs `work`, which may write in many transactions (an import commits
    /// file by file, so a killed one keeps what it did), recording every row
    /// it changes as one edit. An import that changed nothing leaves no entry.
    pub(crate) fn record_across<T>(
        &mut self,
        description: impl Into<String>,
        work: impl FnOnce(&mut Library) -> Result<T>,
    ) -> Result<T> {
        let Some(recording) = self.recording.clone().filter(|_| self.history_on) else {
            return work(self);
        };
        let description = description.into();
        let id = self.write(|tx| open_edit(tx, &description))?;
        let result = {
            recording.store(id, Ordering::Relaxed);
            let _on = Recording(&recording);
            work(self)
        };
        self.write(|tx| close_edit(tx, id))?;
        result
    }

    /// How much history is kept.
    pub fn history_bounds(&self) -> Result<HistoryBounds> {
        bounds(&self.conn)
    }

    /// Keeps at most `edits` edits, none older than `days` days (applied from
    /// the next edit on). A setting of the library, not itself an edit.
    pub fn set_history_bounds(&mut self, edits: i64, days: i64) -> Result<()> {
        if !(1..=1_000_000).contains(&edits) {
            return Err(Error::invalid("history edits", format!("{edits} is not between 1 and 1,000,000")));
        }
        if !(1..=36_500).contains(&days) {
            return Err(Error::invalid("history days", format!("{days} is not between 1 and 36,500")));
        }
        self.write(|tx| {
            for (key, value) in [("history.edits", edits), ("history.days", days)] {
                tx.execute(
                    "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, value.to_string()],
                )?;
            }
            Ok(())
        })
    }

    /// Whether edits are recorded (on unless a benchmark turns it off).
    pub fn set_history(&mut self, on: bool) {
        self.history_on = on;
    }

    /// The most recent edits, newest first.
    pub fn history(&self, limit: usize) -> Result<Vec<HistoryEntry>> {
        let mut statement = self.conn.prepare(&format!("{ENTRY} ORDER BY id DESC LIMIT ?1"))?;
        let rows = statement.query_map([limit as i64], entry_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rows an edit changed, in the order it changed them.
    pub fn edit_changes(&self, edit_id: i64) -> Result<Vec<RowChange>> {
        load_changes(&self.conn, edit_id)
    }

    /// Undoes an edit (the latest standing one when `edit_id` is None) in one
    /// transaction. Refused whole, naming the row, when something it changed
    /// was changed again since.
    pub fn undo(&mut self, edit_id: Option<i64>) -> Result<HistoryEntry> {
        let id = match edit_id {
            Some(id) => id,
            None => self
                .conn
                .query_row("SELECT max(id) FROM edit WHERE undone_seq IS NULL", [], |r| {
                    r.get::<_, Option<i64>>(0)
                })?
                .ok_or_else(|| Error::invalid("undo", "there is nothing to undo"))?,
        };
        let entry = self.entry(id)?;
        if entry.undone {
            return Err(Error::invalid(
                "undo",
                format!("edit #{id} ({}) is already undone", entry.description),
            ));
        }
        self.write(|tx| {
            let mut changes = load_changes(tx, id)?;
            changes.reverse();
            replay(tx, &changes, Direction::Back).map_err(|row| conflict("undo", &entry, &row))?;
            tx.execute(
                "UPDATE edit SET undone_seq = (SELECT coalesce(max(undone_seq), 0) + 1 FROM edit) WHERE id = ?1",
                [id],
            )?;
            Ok(())
        })?;
        self.entry(id)
    }

    /// Makes again the edit undone last. Refused whole when something it
    /// changes was changed since.
    pub fn redo(&mut self) -> Result<HistoryEntry> {
        let id: i64 = self
            .conn
            .query_row(
                "SELECT id FROM edit WHERE undone_seq IS NOT NULL ORDER BY undone_seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::invalid("redo", "there is nothing to redo"))?;
        let entry = self.entry(id)?;
        self.write(|tx| {
            let changes = load_changes(tx, id)?;
            replay(tx, &changes, Direction::Forth).map_err(|row| conflict("redo", &entry, &row))?;
            tx.execute("UPDATE edit SET undone_seq = NULL WHERE id = ?1", [id])?;
            Ok(())
        })?;
        self.entry(id)
    }

    fn entry(&self, id: i64) -> Result<HistoryEntry> {
        self.conn
            .query_row(&format!("{ENTRY} WHERE id = ?1"), [id], entry_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found(crate::error::EntityKind::Edit, format!("#{id}")))
    }
}

/// An edit as the history lists it: the SELECT, to be finished with a WHERE or ORDER BY.
const ENTRY: &str = "SELECT id, at, description, undone_seq IS NOT NULL,
        (SELECT count(*) FROM edit_change WHERE edit_id = edit.id)
     FROM edit";

fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<HistoryEntry> {
    Ok(HistoryEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        description: r.get(2)?,
        undone: r.get(3)?,
        rows: r.get(4)?,
    })
}

/// Starts an edit's entry; its rows are recorded under the id returned.
fn open_edit(tx: &Connection, description: &str) -> Result<i64> {
    tx.execute("INSERT INTO edit (at, description) VALUES (?1, ?2)", params![now(tx)?, description])?;
    Ok(tx.last_insert_rowid())
}

/// Ends recording an edit: one that changed nothing is forgotten; otherwise
/// the redo branch ends (undone edits cannot be redone over a new one) and the
/// oldest edits past the bounds are let go.
fn close_edit(tx: &Connection, id: i64) -> Result<()> {
    // Changed means some row ends other than it began: a subtitle file read
    // again into the same lines deletes and re-inserts rows, and is no edit.
    let changed: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM (
             SELECT first_value(old) OVER row_changes AS began, last_value(new) OVER row_changes AS ended
             FROM edit_change WHERE edit_id = ?1
             WINDOW row_changes AS (PARTITION BY tbl, coalesce(row, old, new) ORDER BY id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
         WHERE began IS NOT ended)",
        [id],
        |r| r.get(0),
    )?;
    if !changed {
        tx.execute("DELETE FROM edit WHERE id = ?1", [id])?;
        return Ok(());
    }
    tx.execute("DELETE FROM edit WHERE undone_seq IS NOT NULL AND id <> ?1", [id])?;
    let keep = bounds(tx)?;
    tx.execute(
        "DELETE FROM edit WHERE id <= ?1 - ?2 OR at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?3)",
        params![id, keep.edits, format!("-{} days", keep.days)],
    )?;
    Ok(())
}

fn conflict(verb: &str, entry: &HistoryEntry, row: &str) -> Error {
    Error::invalid(
        verb,
        format!(
            "cannot {verb} #{} ({}): {row} was changed since; {verb} the later edits first",
            entry.id, entry.description
        ),
    )
}

fn load_changes(conn: &Connection, edit_id: i64) -> Result<Vec<RowChange>> {
    let mut statement =
        conn.prepare_cached("SELECT tbl, row, old, new FROM edit_change WHERE edit_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([edit_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let object = |text: Option<String>| -> Result<Option<Map<String, Value>>> {
        text.map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|e| Error::invalid("history", format!("a recorded row is not readable: {e}")))
    };
    let mut changes = Vec::new();
    for row in rows {
        let (table, row, old, new) = row?;
        changes.push(RowChange { table, row, old: object(old)?, new: object(new)? });
    }
    Ok(changes)
}

#[derive(Clone, Copy)]
enum Direction {
    /// Undo: each row from `new` back to `old`.
    Back,
    /// Redo: each row from `old` to `new`.
    Forth,
}

/// Applies recorded rows one way; a row that is not as expected stops it,
/// returning its description (the caller's transaction then rolls back).
fn replay(tx: &Connection, changes: &[RowChange], direction: Direction) -> Result<(), String> {
    // Rows come back in an order foreign keys may not like midway (a credit
    // before its role): they are checked at commit instead.
    tx.pragma_update(None, "defer_foreign_keys", true).map_err(|e| e.to_string())?;
    for change in changes {
        let (expected, target) = match direction {
            Direction::Back => (&change.new, &change.old),
            Direction::Forth => (&change.old, &change.new),
        };
        let tracked = TRACKED
            .iter()
            .find(|t| t.table == change.table)
            .ok_or_else(|| format!("a row of the unknown table {}", change.table))?;
        let key = expected.as_ref().or(target.as_ref()).ok_or("an empty change")?;
        let current = current_row(tx, tracked, change.row, key).map_err(|e| e.to_string())?;
        if current.as_ref() != expected.as_ref() {
            return Err(describe(tracked, key));
        }
        write_row(tx, tracked, change.row, key, current.is_some(), target.as_ref())
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Where a row is found: by rowid, or by all its columns.
fn locate(tracked: &Tracked, row: Option<i64>, key: &Map<String, Value>) -> (String, Vec<SqlValue>) {
    match row {
        Some(rowid) if tracked.rowid => ("rowid = ?".into(), vec![SqlValue::Integer(rowid)]),
        _ => {
            let clauses: Vec<String> = tracked.columns.iter().map(|c| format!("\"{c}\" IS ?")).collect();
            let values = tracked.columns.iter().map(|c| sql_value(key.get(*c))).collect();
            (clauses.join(" AND "), values)
        }
    }
}

fn current_row(
    tx: &Connection,
    tracked: &Tracked,
    row: Option<i64>,
    key: &Map<String, Value>,
) -> Result<Option<Map<String, Value>>> {
    let (clause, values) = locate(tracked, row, key);
    let sql =
        format!("SELECT {} FROM main.{} WHERE {clause}", json_of(tracked, tracked.table), tracked.table);
    let text: Option<String> =
        tx.query_row(&sql, rusqlite::params_from_iter(values), |r| r.get(0)).optional()?;
    Ok(text.map(|t| serde_json::from_str(&t).expect("SQLite's json_object is JSON")))
}

fn write_row(
    tx: &Connection,
    tracked: &Tracked,
    row: Option<i64>,
    key: &Map<String, Value>,
    exists: bool,
    target: Option<&Map<String, Value>>,
) -> Result<()> {
    let table = tracked.table;
    match (exists, target) {
        (true, None) => {
            let (clause, values) = locate(tracked, row, key);
            tx.execute(
                &format!("DELETE FROM main.{table} WHERE {clause}"),
                rusqlite::params_from_iter(values),
            )?;
        }
        (false, Some(target)) => {
            let mut columns: Vec<String> = tracked.columns.iter().map(|c| format!("\"{c}\"")).collect();
            let mut values: Vec<SqlValue> =
                tracked.columns.iter().map(|c| sql_value(target.get(*c))).collect();
            if let (true, Some(rowid)) = (tracked.rowid, row) {
                columns.push("rowid".into());
                values.push(SqlValue::Integer(rowid));
            }
            let marks = vec!["?"; values.len()].join(", ");
            tx.execute(
                &format!("INSERT INTO main.{table} ({}) VALUES ({marks})", columns.join(", ")),
                rusqlite::params_from_iter(values),
            )?;
        }
        (true, Some(target)) => {
            let sets: Vec<String> = tracked.columns.iter().map(|c| format!("\"{c}\" = ?")).collect();
            let mut values: Vec<SqlValue> =
                tracked.columns.iter().map(|c| sql_value(target.get(*c))).collect();
            let (clause, key_values) = locate(tracked, row, key);
            values.extend(key_values);
            tx.execute(
                &format!("UPDATE main.{table} SET {} WHERE {clause}", sets.join(", ")),
                rusqlite::params_from_iter(values),
            )?;
        }
        (false, None) => {}
    }
    Ok(())
}

/// A recorded JSON value as the SQL value it was.
fn sql_value(value: Option<&Value>) -> SqlValue {
    match value {
        None | Some(Value::Null) => SqlValue::Null,
        Some(Value::String(text)) => SqlValue::Text(text.clone()),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Some(Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
        Some(other) => SqlValue::Text(other.to_string()),
    }
}

/// The row in words: `clip #12`, or a link row by the ids it joins.
fn describe(tracked: &Tracked, key: &Map<String, Value>) -> String {
    let word = tracked.table.replace('_', " ");
    if let Some(id) = key.get("id").and_then(Value::as_i64) {
        return format!("{word} #{id}");
    }
    let ids: Vec<String> = tracked
        .columns
        .iter()
        .filter(|c| c.ends_with("_id"))
        .filter_map(|c| {
            key.get(*c).and_then(Value::as_i64).map(|id| format!("{} #{id}", c.trim_end_matches("_id")))
        })
        .collect();
    format!("the {word} of {}", ids.join(" and "))
}
