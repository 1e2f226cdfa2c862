-- What a clip's content looks like, so the same video is found again under
-- another name, another encoding or with an intro cut off (duplicates and
-- packs). The source (`clip.source_url` + `clip.source_id`), the oshash
-- (`file.oshash`) and the duration (`clip.duration_ms`) are kept already; this
-- adds the two keys made from the picture and the sound. Made by a machine
-- from the video, like storyboards: not an edit, not in the history.
CREATE TABLE content_key (
    clip_id        INTEGER PRIMARY KEY REFERENCES clip(id) ON DELETE CASCADE,
    -- A 64-bit DCT hash of frames sampled across the clip (as Stash's phash),
    -- stored as a signed integer; NULL when it could not be made (see `phash_problem`).
    phash          INTEGER,
    phash_problem  TEXT,
    -- Chromaprint's raw fingerprint (`fpcalc -raw`): one 32-bit word per
    -- 0.1238 s of sound, little-endian. NULL when there is none: no audio
    -- stream, too short, silent (see `audio_problem`).
    audio          BLOB,
    audio_problem  TEXT,
    made_at        TEXT NOT NULL,
    CHECK (phash IS NOT NULL OR phash_problem IS NOT NULL),
    CHECK (audio IS NOT NULL OR audio_problem IS NOT NULL)
);

-- Two clips the fan said are not the same video: duplicates leaves them apart.
CREATE TABLE not_duplicate (
    clip_a  INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    clip_b  INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    PRIMARY KEY (clip_a, clip_b),
    CHECK (clip_a < clip_b)
);
CREATE INDEX not_duplicate_b ON not_duplicate(clip_b);
