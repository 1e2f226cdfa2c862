-- Saved reels: a named list of moments a fan plays back to back. A live reel
-- is a search query, run again each time it is read (its moments follow the
-- library); a fixed reel is markers the fan picked, in the order they chose.
-- A marker deleted later drops out of every fixed reel (the cascade is
-- recorded by the edit that deleted it, so undo puts it back in its place).

CREATE TABLE reel (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    key         TEXT NOT NULL UNIQUE,
    -- The search of a live reel; NULL for a fixed one.
    query       TEXT,
    -- Seconds of context, in ms, around a point marker or a subtitle line.
    context_ms  INTEGER NOT NULL DEFAULT 3000 CHECK (context_ms BETWEEN 0 AND 60000),
    created_at  TEXT NOT NULL
);

CREATE TABLE reel_marker (
    reel_id    INTEGER NOT NULL REFERENCES reel (id) ON DELETE CASCADE,
    marker_id  INTEGER NOT NULL REFERENCES marker (id) ON DELETE CASCADE,
    -- The marker's place in the reel, from 0; rewritten whole on a reorder.
    position   INTEGER NOT NULL,
    UNIQUE (reel_id, marker_id)
);
CREATE INDEX reel_marker_by_marker ON reel_marker (marker_id);
