-- The fan's settings that belong to the library (they travel with it):
-- one value per key, read with a default when absent.
CREATE TABLE setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
