-- What each subtitle cue is: a line of dialogue, or text nobody says — a sign
-- or a song's lyrics, which ASS fansubs mark by style and override tags.
-- Search ranks those below dialogue. Every cue read before is dialogue.

ALTER TABLE cue ADD COLUMN kind TEXT NOT NULL DEFAULT 'dialogue'
    CHECK (kind IN ('dialogue', 'sign', 'song'));
