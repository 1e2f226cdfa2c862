-- The edit history: each change a fan makes (one named core operation, one
-- transaction) and the rows it changed, before and after, so it can be undone
-- and redone exactly, across restarts, from the window or the CLI. The rows
-- are recorded by per-connection TEMP triggers (`history.rs`), not by
-- triggers in the file: a connection that does not record edits (an older
-- Outtake, the sqlite3 shell) writes as before.
CREATE TABLE edit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    description  TEXT NOT NULL,
    -- When it was undone, in undo order (redo takes the latest); NULL while it stands.
    undone_seq   INTEGER
);
CREATE INDEX edit_undone ON edit(undone_seq) WHERE undone_seq IS NOT NULL;

CREATE TABLE edit_change (
    id       INTEGER PRIMARY KEY,
    edit_id  INTEGER NOT NULL REFERENCES edit(id) ON DELETE CASCADE,
    tbl      TEXT NOT NULL,
    -- The row's rowid (NULL for a WITHOUT ROWID table, found by its key).
    row      INTEGER,
    -- JSON objects of the row's columns; NULL before an insert and after a delete.
    old      TEXT,
    new      TEXT
);
CREATE INDEX edit_change_edit ON edit_change(edit_id, id);
