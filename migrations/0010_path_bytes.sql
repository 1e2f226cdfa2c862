-- Paths that are not UTF-8 (CP949 or Shift-JIS names from Windows archives).
-- Every table of paths gets `path_hex`: the exact bytes as lowercase hex when
-- they are not UTF-8 (NULL otherwise), and `path` becomes the text shown (a
-- decoding of those bytes). A path's identity is its bytes,
-- coalesce(unhex(path_hex), CAST(path AS BLOB)): two names that decode to the
-- same text are still two files. SQLite cannot drop a column's UNIQUE, so the
-- tables are rebuilt; nothing references their ids.

CREATE TABLE file_new (
    id        INTEGER PRIMARY KEY,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    size      INTEGER NOT NULL CHECK (size >= 0),
    mtime_ms  INTEGER,
    oshash    TEXT,
    status    TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing', 'offline')),
    path_hex  TEXT CHECK (path_hex IS NULL OR (length(path_hex) % 2 = 0 AND unhex(path_hex) IS NOT NULL))
);
INSERT INTO file_new (id, clip_id, path, size, mtime_ms, oshash, status)
    SELECT id, clip_id, path, size, mtime_ms, oshash, status FROM file;
DROP TABLE file;
ALTER TABLE file_new RENAME TO file;
CREATE INDEX file_clip ON file(clip_id);
CREATE INDEX file_oshash ON file(oshash);
CREATE UNIQUE INDEX file_path ON file(coalesce(unhex(path_hex), CAST(path AS BLOB)));
-- The text too: the folder view counts a folder's files as a range of it (`browse.rs`).
CREATE INDEX file_path_text ON file(path);

CREATE TABLE sidecar_new (
    path      TEXT NOT NULL,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    size      INTEGER NOT NULL,
    mtime_ms  INTEGER NOT NULL,
    error     TEXT,
    path_hex  TEXT
);
INSERT INTO sidecar_new (path, clip_id, size, mtime_ms, error)
    SELECT path, clip_id, size, mtime_ms, error FROM sidecar;
DROP TABLE sidecar;
ALTER TABLE sidecar_new RENAME TO sidecar;
CREATE INDEX sidecar_clip ON sidecar(clip_id);
CREATE UNIQUE INDEX sidecar_path ON sidecar(coalesce(unhex(path_hex), CAST(path AS BLOB)));
CREATE INDEX sidecar_path_text ON sidecar(path);

CREATE TABLE import_problem_new (
    path      TEXT NOT NULL,
    error     TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ms  INTEGER NOT NULL,
    at        TEXT NOT NULL,
    path_hex  TEXT
);
INSERT INTO import_problem_new (path, error, size, mtime_ms, at)
    SELECT path, error, size, mtime_ms, at FROM import_problem;
DROP TABLE import_problem;
ALTER TABLE import_problem_new RENAME TO import_problem;
CREATE UNIQUE INDEX import_problem_path ON import_problem(coalesce(unhex(path_hex), CAST(path AS BLOB)));
CREATE INDEX import_problem_path_text ON import_problem(path);
