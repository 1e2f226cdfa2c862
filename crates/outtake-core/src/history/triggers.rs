//! How edits are recorded: the tables a fan's edits change, and the
//! per-connection TEMP triggers that copy each changed row (before and after,
//! as JSON) into `edit_change` while an edit runs. It knows no `Library`, so
//! opening one can set it up.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::Connection;

use crate::error::Result;

/// A table whose rows a fan's edits change, with every column it has.
/// `tests/integration/workspace.rs` checks this list against the schema, so a
/// column added by a later migration cannot be forgotten by undo.
pub struct Tracked {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// False for WITHOUT ROWID tables, whose rows are found by all their columns.
    pub rowid: bool,
}

/// Every table an edit can change, except the search index and the
/// importer's bookkeeping (`sidecar`, `import_problem`, `storyboard`, `content_key`),
/// which are derived.
pub const TRACKED: &[Tracked] = &[
    t("show", &["id", "title", "title_key", "native_title", "native_key", "network", "year"]),
    t("show_alias", &["show_id", "alias", "key"]),
    t("episode", &["id", "show_id", "number", "title", "air_date"]),
    t("scene", &["id", "show_id", "episode_id", "title", "title_key", "description"]),
    t("person", &["id", "name", "name_key", "native_name", "native_key"]),
    t("person_alias", &["person_id", "alias", "key"]),
    t(
        "role",
        &["id", "person_id", "show_id", "character", "character_key", "native_character", "native_key"],
    ),
    t("tag", &["id", "namespace", "name", "key", "name_key"]),
    t("tag_alias", &["tag_id", "alias", "key"]),
    t("tag_parent", &["tag_id", "parent_id"]),
    t(
        "clip",
        &[
            "id",
            "title",
            "title_key",
            "description",
            "note",
            "source_url",
            "uploader",
            "published",
            "duration_ms",
            "width",
            "height",
            "video_codec",
            "audio_codec",
            "fps",
            "rotation",
            "added_at",
            "show_id",
            "episode_id",
            "created",
            "source_id",
            "title_by_user",
            "show_guessed",
            "poster_ms",
        ],
    ),
    t("file", &["id", "clip_id", "path", "size", "mtime_ms", "oshash", "status", "path_hex"]),
    t("clip_scene", &["clip_id", "scene_id"]),
    t("clip_tag", &["clip_id", "tag_id"]),
    t("credit", &["clip_id", "person_id", "role_id", "character"]),
    t("marker", &["id", "clip_id", "start_ms", "end_ms", "title", "scene_id", "note", "quote", "created_at"]),
    t("marker_person", &["marker_id", "person_id", "role_id", "character"]),
    t("marker_tag", &["marker_id", "tag_id"]),
    t("cue", &["id", "clip_id", "lang", "start_ms", "end_ms", "text", "kind", "source", "machine"]),
    t("machine_read", &["id", "clip_id", "source", "lines", "read_at"]),
    t("watched_folder", &["id", "path", "added_at"]),
    t("saved_search", &["id", "name", "key", "query"]),
    t("reel", &["id", "name", "key", "query", "context_ms", "created_at"]),
    t("reel_marker", &["reel_id", "marker_id", "position"]),
    Tracked { table: "clip_chapter", columns: &["clip_id", "start_ms", "title"], rowid: false },
    t("not_duplicate", &["clip_a", "clip_b"]),
];

const fn t(table: &'static str, columns: &'static [&'static str]) -> Tracked {
    Tracked { table, columns, rowid: true }
}

/// The JSON object of a row's columns, as trigger SQL (`NEW.c` or `OLD.c`).
pub(crate) fn json_of(tracked: &Tracked, prefix: &str) -> String {
    let fields: Vec<String> = tracked
        .columns
        .iter()
        // SQLite's JSON writes doubles so they read back the same (clip.fps
        // survives; the history tests delete and restore clips that have one).
        .map(|column| format!("'{column}', {prefix}.\"{column}\""))
        .collect();
    format!("json_object({})", fields.join(", "))
}

/// Makes this connection record edits: registers `outtake_edit()` (the edit
/// being recorded, or NULL) and the TEMP triggers that copy changed rows.
/// Returns the switch `Library::edit` sets.
pub(crate) fn start_recording(conn: &Connection) -> Result<Arc<AtomicI64>> {
    let current = Arc::new(AtomicI64::new(0));
    let seen = Arc::clone(&current);
    conn.create_scalar_function(
        "outtake_edit",
        0,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |_| {
            let id = seen.load(Ordering::Relaxed);
            Ok((id != 0).then_some(id))
        },
    )?;
    let mut sql = String::new();
    for tracked in TRACKED {
        let table = tracked.table;
        let row = |prefix: &str| if tracked.rowid { format!("{prefix}.rowid") } else { "NULL".into() };
        let (old, new) = (json_of(tracked, "OLD"), json_of(tracked, "NEW"));
        let insert = |row: String, old: &str, new: &str| {
            format!(
                "INSERT INTO main.edit_change (edit_id, tbl, row, old, new) VALUES (outtake_edit(), '{table}', {row}, {old}, {new});"
            )
        };
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS edit_{table}_insert AFTER INSERT ON main.{table}
                 WHEN outtake_edit() IS NOT NULL BEGIN {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS edit_{table}_delete AFTER DELETE ON main.{table}
                 WHEN outtake_edit() IS NOT NULL BEGIN {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS edit_{table}_update AFTER UPDATE ON main.{table}
                 WHEN outtake_edit() IS NOT NULL AND {old} IS NOT {new} BEGIN {} END;\n",
            insert(row("NEW"), "NULL", &new),
            insert(row("OLD"), &old, "NULL"),
            insert(row("OLD"), &old, &new),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(current)
}
