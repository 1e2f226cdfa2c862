-- Facets in the search index. Every document and cue of a clip also carries
-- its clip's facets: a token for its show, for each person credited in the
-- clip or in one of its markers, and for each tag on the clip or on one of its
-- markers (`\uE000s12 \uE000p5 \uE000t3`, in a column of their own). A word
-- with `cast:`, `show:` or `tag:` then becomes one FTS query (`(you) AND
-- facets:"\uE000p5"`) whose doclists FTS5 intersects itself, instead of a
-- query per allowed clip. The tokens start with a private-use character,
-- which typed words never hold (search/text.rs splits on it), so no word can
-- match a facet.
--
-- An FTS rowid is the negated id of its search_doc or cue: FTS5 reads in
-- ascending rowid order about twice as fast as in descending order (more for
-- queries joining doclists), and searches read the newest documents first.
--
-- The tables get a column, so they are made again and everything is indexed
-- once more (the 'backfill' step, now done by search::refresh).

DROP TRIGGER cue_indexed;
DROP TRIGGER cue_unindexed;
DROP TRIGGER cue_reindexed;
DROP TABLE fts_meta;
DROP TABLE fts_cue;
DELETE FROM search_doc;
DELETE FROM search_dirty;

CREATE VIRTUAL TABLE fts_meta USING fts5(
    title, names, body, facets, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
-- Titles and quotes weigh most, then names (cast, characters, show, tags), then notes; facets nothing.
INSERT INTO fts_meta(fts_meta, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0, 0.0)');

CREATE VIRTUAL TABLE fts_cue USING fts5(
    body, facets, content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
INSERT INTO fts_cue(fts_cue, rank) VALUES ('rank', 'bm25(1.0, 0.0)');

-- The facets each clip's cues were indexed with. A clip without a row here
-- has not been indexed yet (it is new in this transaction): its cues wait for
-- search::refresh, which indexes them with the clip's facets and adds the row.
-- When a refresh finds a clip's facets changed, it indexes its cues again.
CREATE TABLE search_facet (
    clip_id  INTEGER PRIMARY KEY,
    facets   TEXT NOT NULL
);

CREATE TRIGGER cue_indexed AFTER INSERT ON cue BEGIN
    INSERT INTO fts_cue (rowid, body, facets)
    SELECT -new.id, outtake_index_text(new.text), facets FROM search_facet WHERE clip_id = new.clip_id;
END;
CREATE TRIGGER cue_unindexed AFTER DELETE ON cue BEGIN
    DELETE FROM fts_cue
    WHERE rowid = (SELECT -old.id WHERE EXISTS (SELECT 1 FROM search_facet WHERE clip_id = old.clip_id));
END;
CREATE TRIGGER cue_reindexed AFTER UPDATE OF text, clip_id ON cue BEGIN
    DELETE FROM fts_cue
    WHERE rowid = (SELECT -old.id WHERE EXISTS (SELECT 1 FROM search_facet WHERE clip_id = old.clip_id));
    INSERT INTO fts_cue (rowid, body, facets)
    SELECT -new.id, outtake_index_text(new.text), facets FROM search_facet WHERE clip_id = new.clip_id;
END;

INSERT INTO search_state (key, value) VALUES ('backfill', '1')
    ON CONFLICT (key) DO UPDATE SET value = excluded.value;
