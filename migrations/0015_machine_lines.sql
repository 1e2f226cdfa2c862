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

-- A machine's spacing is not to be trusted (Tesseract splits Hangul words
-- and joins others), and fans type Korean without spaces: a line read off
-- the picture or heard is indexed as read and again with its spaces taken
-- out, so `말타는` finds `말 타는` and `"말 타는 장면"` still finds it as a
-- phrase. `search/index.rs` (`index_cues`) indexes the same way.
DROP TRIGGER cue_indexed;
DROP TRIGGER cue_reindexed;
CREATE TRIGGER cue_indexed AFTER INSERT ON cue BEGIN
    INSERT INTO fts_cue (rowid, body, facets)
    SELECT -new.id,
           outtake_index_text(CASE new.source WHEN 'file' THEN new.text
                              ELSE new.text || char(10) || replace(new.text, ' ', '') END),
           facets
    FROM search_facet WHERE clip_id = new.clip_id;
END;
CREATE TRIGGER cue_reindexed AFTER UPDATE OF text, clip_id, source ON cue BEGIN
    DELETE FROM fts_cue
    WHERE rowid = (SELECT -old.id WHERE EXISTS (SELECT 1 FROM search_facet WHERE clip_id = old.clip_id));
    INSERT INTO fts_cue (rowid, body, facets)
    SELECT -new.id,
           outtake_index_text(CASE new.source WHEN 'file' THEN new.text
                              ELSE new.text || char(10) || replace(new.text, ' ', '') END),
           facets
    FROM search_facet WHERE clip_id = new.clip_id;
END;
