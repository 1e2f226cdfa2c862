-- Storyboards (issue 13): the cache's bookkeeping, one row per fingerprint
-- whose storyboard was tried. The sheets themselves live in the thumbnail
-- folder (`boards/OSHASH/`); this says how big they are, when the window
-- last showed them (the least recently viewed are evicted first when the
-- cache is over its limit), what went wrong when a file could be read only
-- in part, and which were evicted or failed (the background queue leaves
-- those alone; the window asking for one makes it again). Derived data: not
-- an edit, not undone, safe to lose.
CREATE TABLE storyboard (
    oshash     TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('made', 'evicted', 'failed')),
    bytes      INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0),
    made_at    TEXT NOT NULL,
    viewed_at  TEXT,
    problem    TEXT
) WITHOUT ROWID;
-- Least recently used first: the later of its last view and its making (one
-- made again after eviction counts as new).
CREATE INDEX storyboard_lru ON storyboard(state, max(coalesce(viewed_at, made_at), made_at));
