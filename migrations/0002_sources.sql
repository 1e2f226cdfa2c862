-- Where clips come from and what comes with them: subtitle cues and watched folders.

CREATE TABLE cue (
    id        INTEGER PRIMARY KEY,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    lang      TEXT NOT NULL DEFAULT '',   -- BCP 47 tag from the file name ("ko", "en"); '' when unknown
    start_ms  INTEGER NOT NULL CHECK (start_ms >= 0),
    end_ms    INTEGER NOT NULL CHECK (end_ms >= start_ms),
    text      TEXT NOT NULL
);
CREATE INDEX cue_clip ON cue(clip_id, lang, start_ms);

CREATE TABLE watched_folder (
    id        INTEGER PRIMARY KEY,
    path      TEXT NOT NULL UNIQUE,
    added_at  TEXT NOT NULL
);
