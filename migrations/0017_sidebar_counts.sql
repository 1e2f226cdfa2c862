-- The sidebar's counts, kept by the writes themselves, so reading them after
-- a change costs a few small reads instead of passes over every clip
-- (issue 18: ~40 ms on 100k clips before).
--
-- sidebar_count: clips per key. A facet token of the search index
-- (`\uE000p5` for a person, `\uE000t3` for a tag, `\uE000s12` for a show;
-- see migration 0007) counts the clips carrying it, 'untagged' the clips
-- carrying no tag token; triggers on search_facet keep these. That table holds
-- one row per clip with the clip's facets, and every write refreshes it before
-- it commits (search::refresh), so the counts are exactly as fresh as the
-- index. The tokens hold no quote or backslash, so the facets become a JSON
-- array by replacing their spaces. 'episode N' counts the clips of episode N,
-- kept by triggers on clip.
CREATE TABLE sidebar_count (
    key    TEXT PRIMARY KEY,
    clips  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER sidebar_facets_counted AFTER INSERT ON search_facet BEGIN
    INSERT INTO sidebar_count (key, clips)
    SELECT value, 1 FROM json_each('["' || replace(new.facets, ' ', '","') || '"]') WHERE value <> ''
    UNION ALL SELECT 'untagged', 1 WHERE instr(new.facets, char(57344) || 't') = 0
    ON CONFLICT (key) DO UPDATE SET clips = clips + 1;
END;

CREATE TRIGGER sidebar_facets_uncounted AFTER DELETE ON search_facet BEGIN
    UPDATE sidebar_count SET clips = clips - 1
    WHERE key IN (SELECT value FROM json_each('["' || replace(old.facets, ' ', '","') || '"]') WHERE value <> ''
                  UNION ALL SELECT 'untagged' WHERE instr(old.facets, char(57344) || 't') = 0);
    DELETE FROM sidebar_count
    WHERE clips = 0 AND key IN (SELECT value FROM json_each('["' || replace(old.facets, ' ', '","') || '"]') WHERE value <> ''
                  UNION ALL SELECT 'untagged' WHERE instr(old.facets, char(57344) || 't') = 0);
END;

CREATE TRIGGER sidebar_facets_recounted AFTER UPDATE OF facets ON search_facet BEGIN
    UPDATE sidebar_count SET clips = clips - 1
    WHERE key IN (SELECT value FROM json_each('["' || replace(old.facets, ' ', '","') || '"]') WHERE value <> ''
                  UNION ALL SELECT 'untagged' WHERE instr(old.facets, char(57344) || 't') = 0);
    DELETE FROM sidebar_count
    WHERE clips = 0 AND key IN (SELECT value FROM json_each('["' || replace(old.facets, ' ', '","') || '"]') WHERE value <> ''
                  UNION ALL SELECT 'untagged' WHERE instr(old.facets, char(57344) || 't') = 0);
    INSERT INTO sidebar_count (key, clips)
    SELECT value, 1 FROM json_each('["' || replace(new.facets, ' ', '","') || '"]') WHERE value <> ''
    UNION ALL SELECT 'untagged', 1 WHERE instr(new.facets, char(57344) || 't') = 0
    ON CONFLICT (key) DO UPDATE SET clips = clips + 1;
END;

INSERT INTO sidebar_count (key, clips)
SELECT value, count(*) FROM search_facet, json_each('["' || replace(facets, ' ', '","') || '"]')
WHERE value <> '' GROUP BY value
UNION ALL SELECT 'untagged', count(*) FROM search_facet WHERE instr(facets, char(57344) || 't') = 0
    HAVING count(*) > 0;

CREATE TRIGGER sidebar_episode_counted AFTER INSERT ON clip WHEN new.episode_id IS NOT NULL BEGIN
    INSERT INTO sidebar_count (key, clips) VALUES ('episode ' || new.episode_id, 1)
    ON CONFLICT (key) DO UPDATE SET clips = clips + 1;
END;

CREATE TRIGGER sidebar_episode_uncounted AFTER DELETE ON clip WHEN old.episode_id IS NOT NULL BEGIN
    UPDATE sidebar_count SET clips = clips - 1 WHERE key = 'episode ' || old.episode_id;
    DELETE FROM sidebar_count WHERE key = 'episode ' || old.episode_id AND clips = 0;
END;

-- An episode's deletion sets its clips' episode_id to NULL, which runs this too.
CREATE TRIGGER sidebar_episode_recounted AFTER UPDATE OF episode_id ON clip
WHEN old.episode_id IS NOT new.episode_id BEGIN
    UPDATE sidebar_count SET clips = clips - 1 WHERE key = 'episode ' || old.episode_id;
    INSERT INTO sidebar_count (key, clips) SELECT 'episode ' || new.episode_id, 1 WHERE new.episode_id IS NOT NULL
    ON CONFLICT (key) DO UPDATE SET clips = clips + 1;
    DELETE FROM sidebar_count WHERE key = 'episode ' || old.episode_id AND clips = 0;
END;

INSERT INTO sidebar_count (key, clips)
SELECT 'episode ' || episode_id, count(*) FROM clip WHERE episode_id IS NOT NULL GROUP BY episode_id;

-- missing_clip: the clips with no copy that is not missing (what `is:missing`
-- finds), kept by triggers on clip and file. Each trigger works the clip's
-- membership out again from its files, so the order SQLite runs them in (a
-- clip's delete cascading to its files) does not matter.
CREATE TABLE missing_clip (clip_id INTEGER PRIMARY KEY);

CREATE TRIGGER clip_missing_added AFTER INSERT ON clip BEGIN
    INSERT OR IGNORE INTO missing_clip (clip_id)
    SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM file WHERE clip_id = new.id AND status <> 'missing');
END;

CREATE TRIGGER clip_missing_gone AFTER DELETE ON clip BEGIN
    DELETE FROM missing_clip WHERE clip_id = old.id;
END;

CREATE TRIGGER file_presence_added AFTER INSERT ON file BEGIN
    DELETE FROM missing_clip WHERE clip_id = new.clip_id AND new.status <> 'missing';
END;

CREATE TRIGGER file_presence_gone AFTER DELETE ON file BEGIN
    INSERT OR IGNORE INTO missing_clip (clip_id)
    SELECT id FROM clip WHERE id = old.clip_id
        AND NOT EXISTS (SELECT 1 FROM file WHERE clip_id = old.clip_id AND status <> 'missing');
END;

CREATE TRIGGER file_presence_changed AFTER UPDATE OF status, clip_id ON file BEGIN
    DELETE FROM missing_clip WHERE clip_id = new.clip_id AND new.status <> 'missing';
    INSERT OR IGNORE INTO missing_clip (clip_id)
    SELECT id FROM clip WHERE id IN (old.clip_id, new.clip_id)
        AND NOT EXISTS (SELECT 1 FROM file WHERE clip_id = clip.id AND status <> 'missing');
END;

INSERT INTO missing_clip (clip_id)
SELECT id FROM clip WHERE NOT EXISTS (SELECT 1 FROM file WHERE clip_id = clip.id AND status <> 'missing');
