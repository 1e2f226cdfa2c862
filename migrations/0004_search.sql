-- The search index. Documents are clips and markers (fts_meta: title, names,
-- other text; one row per search_doc) and subtitle cues (fts_cue, rowid = cue.id).
-- Text enters through outtake_index_text(), which every library connection
-- registers (see search/text.rs). Both FTS tables are contentless: the text
-- lives in the catalogue tables, the index holds only terms. Prefix indexes make
-- the last word typed (matched as a prefix) cost one lookup, not a merge of every
-- term that starts with it.

CREATE TABLE search_doc (
    id        INTEGER PRIMARY KEY,
    clip_id   INTEGER NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('clip', 'marker')),
    ref_id    INTEGER NOT NULL,
    start_ms  INTEGER,
    end_ms    INTEGER
);
CREATE INDEX search_doc_clip ON search_doc(clip_id);

CREATE VIRTUAL TABLE fts_meta USING fts5(
    title, names, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
-- Titles and quotes weigh most, then names (cast, characters, show, tags), then notes.
INSERT INTO fts_meta(fts_meta, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)');

CREATE VIRTUAL TABLE fts_cue USING fts5(
    body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);

-- Clips whose documents must be rebuilt before the transaction that changed them
-- commits. Repeats are allowed: a uniqueness conflict inside a trigger would take
-- the conflict rule of the outer statement (or of a foreign-key action) and abort it.
CREATE TABLE search_dirty (clip_id INTEGER NOT NULL);

-- Work the Rust side does once after this migration (index what is already there).
CREATE TABLE search_state (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO search_state (key, value) VALUES ('backfill', '1');

CREATE TRIGGER cue_indexed AFTER INSERT ON cue BEGIN
    INSERT INTO fts_cue (rowid, body) VALUES (new.id, outtake_index_text(new.text));
END;
CREATE TRIGGER cue_unindexed AFTER DELETE ON cue BEGIN
    DELETE FROM fts_cue WHERE rowid = old.id;
END;
CREATE TRIGGER cue_reindexed AFTER UPDATE OF text ON cue BEGIN
    DELETE FROM fts_cue WHERE rowid = old.id;
    INSERT INTO fts_cue (rowid, body) VALUES (new.id, outtake_index_text(new.text));
END;

-- Anything a clip's or marker's document shows marks the clip dirty.
CREATE TRIGGER clip_added AFTER INSERT ON clip BEGIN INSERT INTO search_dirty VALUES (new.id); END;
CREATE TRIGGER clip_changed AFTER UPDATE ON clip BEGIN INSERT INTO search_dirty VALUES (new.id); END;
CREATE TRIGGER clip_removed AFTER DELETE ON clip BEGIN INSERT INTO search_dirty VALUES (old.id); END;

CREATE TRIGGER credit_added AFTER INSERT ON credit BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER credit_changed AFTER UPDATE ON credit BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER credit_removed AFTER DELETE ON credit BEGIN INSERT INTO search_dirty VALUES (old.clip_id); END;
CREATE TRIGGER clip_tag_added AFTER INSERT ON clip_tag BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER clip_tag_removed AFTER DELETE ON clip_tag BEGIN INSERT INTO search_dirty VALUES (old.clip_id); END;
CREATE TRIGGER clip_scene_added AFTER INSERT ON clip_scene BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER clip_scene_removed AFTER DELETE ON clip_scene BEGIN INSERT INTO search_dirty VALUES (old.clip_id); END;

CREATE TRIGGER marker_added AFTER INSERT ON marker BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER marker_changed AFTER UPDATE ON marker BEGIN INSERT INTO search_dirty VALUES (new.clip_id); END;
CREATE TRIGGER marker_removed AFTER DELETE ON marker BEGIN INSERT INTO search_dirty VALUES (old.clip_id); END;
CREATE TRIGGER marker_tag_added AFTER INSERT ON marker_tag BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM marker WHERE id = new.marker_id;
END;
CREATE TRIGGER marker_tag_removed AFTER DELETE ON marker_tag BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM marker WHERE id = old.marker_id;
END;
CREATE TRIGGER marker_person_added AFTER INSERT ON marker_person BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM marker WHERE id = new.marker_id;
END;
CREATE TRIGGER marker_person_changed AFTER UPDATE ON marker_person BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM marker WHERE id = new.marker_id;
END;
CREATE TRIGGER marker_person_removed AFTER DELETE ON marker_person BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM marker WHERE id = old.marker_id;
END;

-- Renames reach every clip that shows the name.
CREATE TRIGGER person_renamed AFTER UPDATE ON person BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM credit WHERE person_id = new.id
        UNION SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.person_id = new.id;
END;
CREATE TRIGGER person_alias_added AFTER INSERT ON person_alias BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM credit WHERE person_id = new.person_id
        UNION SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.person_id = new.person_id;
END;
CREATE TRIGGER person_alias_removed AFTER DELETE ON person_alias BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM credit WHERE person_id = old.person_id
        UNION SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.person_id = old.person_id;
END;
CREATE TRIGGER role_renamed AFTER UPDATE ON role BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM credit WHERE role_id = new.id
        UNION SELECT m.clip_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id WHERE mp.role_id = new.id;
END;
CREATE TRIGGER show_renamed AFTER UPDATE ON show BEGIN
    INSERT INTO search_dirty SELECT id FROM clip WHERE show_id = new.id;
END;
CREATE TRIGGER show_alias_added AFTER INSERT ON show_alias BEGIN
    INSERT INTO search_dirty SELECT id FROM clip WHERE show_id = new.show_id;
END;
CREATE TRIGGER show_alias_removed AFTER DELETE ON show_alias BEGIN
    INSERT INTO search_dirty SELECT id FROM clip WHERE show_id = old.show_id;
END;
CREATE TRIGGER episode_renamed AFTER UPDATE ON episode BEGIN
    INSERT INTO search_dirty SELECT id FROM clip WHERE episode_id = new.id;
END;
CREATE TRIGGER scene_renamed AFTER UPDATE ON scene BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM clip_scene WHERE scene_id = new.id
        UNION SELECT clip_id FROM marker WHERE scene_id = new.id;
END;
CREATE TRIGGER tag_renamed AFTER UPDATE ON tag BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM clip_tag WHERE tag_id = new.id
        UNION SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id = new.id;
END;
CREATE TRIGGER tag_alias_added AFTER INSERT ON tag_alias BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM clip_tag WHERE tag_id = new.tag_id
        UNION SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id = new.tag_id;
END;
CREATE TRIGGER tag_alias_removed AFTER DELETE ON tag_alias BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM clip_tag WHERE tag_id = old.tag_id
        UNION SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id = old.tag_id;
END;
CREATE TRIGGER tag_alias_moved AFTER UPDATE ON tag_alias BEGIN
    INSERT INTO search_dirty SELECT clip_id FROM clip_tag WHERE tag_id IN (old.tag_id, new.tag_id)
        UNION SELECT m.clip_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id WHERE mt.tag_id IN (old.tag_id, new.tag_id);
END;
-- File copies change a clip's status (is:missing), not its words: no trigger for them.

-- Saved searches (smart collections).
CREATE TABLE saved_search (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL,
    key    TEXT NOT NULL UNIQUE,
    query  TEXT NOT NULL
);
