-- Chapters already taken from a download's .info.json. A chapter becomes a
-- marker once; when the fan renames or deletes that marker, reading the
-- sidecar again (a re-download) does not bring the chapter back.
CREATE TABLE clip_chapter (
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    start_ms  INTEGER NOT NULL,
    title     TEXT NOT NULL,
    PRIMARY KEY (clip_id, start_ms, title)
) WITHOUT ROWID;

INSERT OR IGNORE INTO clip_chapter (clip_id, start_ms, title)
SELECT marker.clip_id, marker.start_ms, marker.title
FROM marker
JOIN marker_tag ON marker_tag.marker_id = marker.id
JOIN tag ON tag.id = marker_tag.tag_id
WHERE tag.key = 'chapter' AND marker.title IS NOT NULL;
