-- What importing files needs beyond the catalogue.

-- The container's own creation time (RFC 3339), e.g. when a phone recorded it.
ALTER TABLE clip ADD COLUMN created TEXT;
-- The download site's id of the video (yt-dlp's `id`).
ALTER TABLE clip ADD COLUMN source_id TEXT;
-- 1 once the fan sets the title: sidecars stop changing it.
ALTER TABLE clip ADD COLUMN title_by_user INTEGER NOT NULL DEFAULT 0;
-- 1 while show/episode are a guess from the file name (the fan can undo or confirm it).
ALTER TABLE clip ADD COLUMN show_guessed INTEGER NOT NULL DEFAULT 0;

-- Sidecar files (info.json, subtitles) already read, so a re-scan only re-reads changed ones.
CREATE TABLE sidecar (
    path      TEXT PRIMARY KEY,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    size      INTEGER NOT NULL,
    mtime_ms  INTEGER NOT NULL,
    error     TEXT            -- why it could not be read, if it could not
);
CREATE INDEX sidecar_clip ON sidecar(clip_id);

-- Files that looked like clips but could not be imported, and why. A file is
-- tried again when its size or mtime changes.
CREATE TABLE import_problem (
    path      TEXT PRIMARY KEY,
    error     TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ms  INTEGER NOT NULL,
    at        TEXT NOT NULL
);
