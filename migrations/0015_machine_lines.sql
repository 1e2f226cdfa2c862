-- Lines nobody typed: text read off the picture (`screen`) and, later, speech
-- (`speech`) become cues beside those from subtitle files (`file`, which also
-- holds lines a fan typed). `machine` is 1 while a line is as the machine made
-- it: such lines rank below human-written ones, and reading a clip again
-- replaces only them. A fan's edit clears it, and the line is the fan's own.

ALTER TABLE cue ADD COLUMN source TEXT NOT NULL DEFAULT 'file'
    CHECK (source IN ('file', 'screen', 'speech'));
ALTER TABLE cue ADD COLUMN machine INTEGER NOT NULL DEFAULT 0 CHECK (machine IN (0, 1));

-- Which clips have been read, and how many lines that gave: a clip with none
-- is still read, so a resumed run skips it.
CREATE TABLE machine_read (
    id        INTEGER PRIMARY KEY,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    source    TEXT NOT NULL CHECK (source IN ('screen', 'speech')),
    lines     INTEGER NOT NULL CHECK (lines >= 0),
    read_at   TEXT NOT NULL,
    UNIQUE (clip_id, source)
);
