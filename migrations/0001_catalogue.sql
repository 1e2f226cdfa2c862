-- The catalogue: shows, people, tags, clips and the moments fans mark in them.
-- Every *_key column holds names::name_key() of the text beside it, for lookups.
-- Deletes cascade only inside the library: no row here owns a user's file.

CREATE TABLE show (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    title_key     TEXT NOT NULL,
    native_title  TEXT,
    native_key    TEXT,
    network       TEXT,
    year          INTEGER
);
CREATE INDEX show_title_key ON show(title_key);
CREATE INDEX show_native_key ON show(native_key);

CREATE TABLE show_alias (
    show_id  INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    alias    TEXT NOT NULL,
    key      TEXT NOT NULL,
    UNIQUE (show_id, key)
);
CREATE INDEX show_alias_key ON show_alias(key);

CREATE TABLE episode (
    id        INTEGER PRIMARY KEY,
    show_id   INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    number    INTEGER NOT NULL CHECK (number >= 0),
    title     TEXT,
    air_date  TEXT,
    UNIQUE (show_id, number)
);

CREATE TABLE scene (
    id           INTEGER PRIMARY KEY,
    show_id      INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    episode_id   INTEGER REFERENCES episode(id) ON DELETE SET NULL,
    title        TEXT NOT NULL,
    title_key    TEXT NOT NULL,
    description  TEXT
);
CREATE INDEX scene_show ON scene(show_id, title_key);
CREATE INDEX scene_episode ON scene(episode_id);

CREATE TABLE person (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    native_name  TEXT,
    native_key   TEXT
);
CREATE INDEX person_name_key ON person(name_key);
CREATE INDEX person_native_key ON person(native_key);

CREATE TABLE person_alias (
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    alias      TEXT NOT NULL,
    key        TEXT NOT NULL,
    UNIQUE (person_id, key)
);
CREATE INDEX person_alias_key ON person_alias(key);

-- A person plays a character in a show.
CREATE TABLE role (
    id                INTEGER PRIMARY KEY,
    person_id         INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    show_id           INTEGER NOT NULL REFERENCES show(id) ON DELETE CASCADE,
    character         TEXT NOT NULL,
    character_key     TEXT NOT NULL,
    native_character  TEXT,
    native_key        TEXT,
    UNIQUE (person_id, show_id, character_key)
);
CREATE INDEX role_show ON role(show_id);
CREATE INDEX role_character_key ON role(character_key);
CREATE INDEX role_native_key ON role(native_key);

CREATE TABLE tag (
    id         INTEGER PRIMARY KEY,
    namespace  TEXT,
    name       TEXT NOT NULL,
    -- "namespace:name" keyed, or just the name's key without a namespace.
    key        TEXT NOT NULL UNIQUE,
    name_key   TEXT NOT NULL
);
CREATE INDEX tag_name_key ON tag(name_key);

CREATE TABLE tag_alias (
    tag_id  INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    alias   TEXT NOT NULL,
    key     TEXT NOT NULL UNIQUE
);
CREATE INDEX tag_alias_tag ON tag_alias(tag_id);

CREATE TABLE tag_parent (
    tag_id     INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    parent_id  INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (tag_id, parent_id),
    CHECK (tag_id <> parent_id)
);
CREATE INDEX tag_parent_parent ON tag_parent(parent_id);

CREATE TABLE clip (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    title_key    TEXT NOT NULL,
    description  TEXT,
    note         TEXT,
    source_url   TEXT,
    uploader     TEXT,
    published    TEXT,             -- YYYY-MM-DD
    duration_ms  INTEGER CHECK (duration_ms >= 0),
    width        INTEGER,
    height       INTEGER,
    video_codec  TEXT,
    audio_codec  TEXT,
    fps          REAL,
    rotation     INTEGER,
    added_at     TEXT NOT NULL,    -- RFC 3339, UTC
    show_id      INTEGER REFERENCES show(id) ON DELETE SET NULL,
    episode_id   INTEGER REFERENCES episode(id) ON DELETE SET NULL
);
CREATE INDEX clip_title_key ON clip(title_key);
CREATE INDEX clip_show ON clip(show_id);
CREATE INDEX clip_episode ON clip(episode_id);

-- One copy of a clip on disk. The row describes the file; it never owns it.
CREATE TABLE file (
    id        INTEGER PRIMARY KEY,
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    path      TEXT NOT NULL UNIQUE,
    size      INTEGER NOT NULL CHECK (size >= 0),
    mtime_ms  INTEGER,
    oshash    TEXT,
    status    TEXT NOT NULL DEFAULT 'present' CHECK (status IN ('present', 'missing', 'offline'))
);
CREATE INDEX file_clip ON file(clip_id);
CREATE INDEX file_oshash ON file(oshash);

CREATE TABLE clip_scene (
    clip_id   INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    scene_id  INTEGER NOT NULL REFERENCES scene(id) ON DELETE CASCADE,
    PRIMARY KEY (clip_id, scene_id)
);
CREATE INDEX clip_scene_scene ON clip_scene(scene_id);

CREATE TABLE clip_tag (
    clip_id  INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (clip_id, tag_id)
);
CREATE INDEX clip_tag_tag ON clip_tag(tag_id);

-- A person appears in a clip, as a character when role_id or character is set.
CREATE TABLE credit (
    clip_id    INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    role_id    INTEGER REFERENCES role(id) ON DELETE SET NULL,
    character  TEXT,
    PRIMARY KEY (clip_id, person_id)
);
CREATE INDEX credit_person ON credit(person_id);

CREATE TABLE marker (
    id          INTEGER PRIMARY KEY,
    clip_id     INTEGER NOT NULL REFERENCES clip(id) ON DELETE CASCADE,
    start_ms    INTEGER NOT NULL CHECK (start_ms >= 0),
    end_ms      INTEGER CHECK (end_ms IS NULL OR end_ms >= start_ms),
    title       TEXT,
    scene_id    INTEGER REFERENCES scene(id) ON DELETE SET NULL,
    note        TEXT,
    quote       TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX marker_clip ON marker(clip_id, start_ms);
CREATE INDEX marker_scene ON marker(scene_id);

CREATE TABLE marker_person (
    marker_id  INTEGER NOT NULL REFERENCES marker(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    role_id    INTEGER REFERENCES role(id) ON DELETE SET NULL,
    character  TEXT,
    PRIMARY KEY (marker_id, person_id)
);
CREATE INDEX marker_person_person ON marker_person(person_id);

CREATE TABLE marker_tag (
    marker_id  INTEGER NOT NULL REFERENCES marker(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tag(id) ON DELETE CASCADE,
    PRIMARY KEY (marker_id, tag_id)
);
CREATE INDEX marker_tag_tag ON marker_tag(tag_id);
