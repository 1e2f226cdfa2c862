-- What a video's container said about it (yt-dlp's --embed-metadata, a
-- tagger) when it was last read. The container fills a clip's blanks; these
-- values let a later .info.json replace what the container gave, and never
-- what the fan typed. Derived: the importer writes it, an edit never does.
CREATE TABLE clip_embedded (
    clip_id     INTEGER PRIMARY KEY REFERENCES clip(id) ON DELETE CASCADE,
    title       TEXT,
    description TEXT,
    uploader    TEXT,
    published   TEXT,
    source_url  TEXT,
    source_id   TEXT
);

-- The frame the fan chose as the clip's poster ("use this frame"), in ms;
-- NULL: the picture the uploader chose (a thumbnail beside the video or the
-- cover inside it), or a frame a fifth of the way in.
ALTER TABLE clip ADD COLUMN poster_ms INTEGER CHECK (poster_ms IS NULL OR poster_ms >= 0);
