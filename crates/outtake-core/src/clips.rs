//! Clips (one video each), their file copies, credits, tags and scenes.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};

use crate::cast::{CastMember, cast_link, clip_show, load_cast};
use crate::dates::check_date;
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, Lookup, now, require, resolve};
use crate::markers::{Marker, load_markers};
use crate::names::{clean_name, clean_optional, name_key};
use crate::paths::{PATH_KEY, StoredPath};
use crate::shows::ensure_episode;
use crate::tags::ensure_tag;

/// Whether a copy of a clip can be played right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    /// The file is where the library last saw it.
    Present,
    /// The file is gone and no copy turned up elsewhere.
    Missing,
    /// The folder or drive holding it is not mounted.
    Offline,
}

impl FileStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FileStatus::Present => "present",
            FileStatus::Missing => "missing",
            FileStatus::Offline => "offline",
        }
    }

    pub(crate) fn parse(text: &str) -> Result<FileStatus> {
        match text {
            "present" => Ok(FileStatus::Present),
            "missing" => Ok(FileStatus::Missing),
            "offline" => Ok(FileStatus::Offline),
            other => Err(Error::invalid("status", format!("\"{other}\" is not present, missing or offline"))),
        }
    }
}

/// One copy of a clip on disk. The library describes the file; it never writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipFile {
    pub id: i64,
    /// The path as the fan reads it: decoded when the name on disk is not UTF-8.
    pub path: String,
    /// The encoding `path` was decoded from (`EUC-KR`, `Shift_JIS`, …), when
    /// the name on disk is not UTF-8; `None` when `path` is exactly the name.
    pub path_encoding: Option<String>,
    pub size: i64,
    pub mtime_ms: Option<i64>,
    pub oshash: Option<String>,
    pub status: FileStatus,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileInput {
    pub path: StoredPath,
    pub size: i64,
    pub mtime_ms: Option<i64>,
    pub oshash: Option<String>,
    pub status: Option<FileStatus>,
}

/// What an importer (or a test) knows about a new clip.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClipInput {
    pub title: String,
    pub description: Option<String>,
    pub note: Option<String>,
    pub source_url: Option<String>,
    pub uploader: Option<String>,
    /// YYYY-MM-DD
    pub published: Option<String>,
    pub duration_ms: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub fps: Option<f64>,
    pub rotation: Option<i64>,
    pub show_id: Option<i64>,
    pub episode: Option<i64>,
    pub files: Vec<FileInput>,
}

/// A change to some of a clip's fields: `None` leaves a field alone,
/// `Some(None)` clears it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ClipPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub note: Option<Option<String>>,
    pub show_id: Option<Option<i64>>,
    /// Episode number within the clip's (possibly new) show.
    pub episode: Option<Option<i64>>,
}

/// A clip as listed: enough for a row in a table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClipSummary {
    pub id: i64,
    pub title: String,
    /// The first copy that is present, else the first copy known.
    pub path: Option<String>,
    /// The encoding `path` was decoded from, when the name on disk is not UTF-8.
    pub path_encoding: Option<String>,
    pub duration_ms: Option<i64>,
    pub status: FileStatus,
    pub show: Option<String>,
    pub episode: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Source {
    pub url: Option<String>,
    pub uploader: Option<String>,
    pub published: Option<String>,
}

/// Everything about one clip.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClipDetail {
    pub id: i64,
    pub title: String,
    pub description: Option<String>,
    pub note: Option<String>,
    pub path: Option<String>,
    /// The encoding `path` was decoded from, when the name on disk is not UTF-8.
    pub path_encoding: Option<String>,
    pub duration_ms: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub fps: Option<f64>,
    pub rotation: Option<i64>,
    pub oshash: Option<String>,
    pub status: FileStatus,
    pub added_at: String,
    pub show_id: Option<i64>,
    pub show: Option<String>,
    pub episode: Option<i64>,
    /// Show and episode were guessed from the file name, not set by the fan.
    pub show_guessed: bool,
    /// The frame the fan chose as the poster (ms), if they did.
    pub poster_ms: Option<i64>,
    /// The container's creation time (RFC 3339), e.g. when a phone recorded it.
    pub created: Option<String>,
    /// The download site's id of the video.
    pub source_id: Option<String>,
    pub scenes: Vec<String>,
    pub tags: Vec<String>,
    pub cast: Vec<CastMember>,
    pub markers: Vec<Marker>,
    pub source: Source,
    pub files: Vec<ClipFile>,
}

pub(crate) const CLIP_LOOKUP: Lookup = Lookup {
    kind: EntityKind::Clip,
    key: name_key,
    // A clip is also found by the exact path of one of its copies.
    ids_by_key: "SELECT id FROM clip WHERE title_key = ?1",
    label: "SELECT title || coalesce(' — ' || (SELECT path FROM file WHERE clip_id = clip.id ORDER BY id LIMIT 1), '')
            FROM clip WHERE id = ?1",
};

pub(crate) fn insert_file(conn: &Connection, clip_id: i64, file: &FileInput) -> Result<i64> {
    let path = file.path.checked()?;
    if file.size < 0 {
        return Err(Error::invalid("file size", format!("{} is negative", file.size)));
    }
    if let Some(hash) = &file.oshash
        && (hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Error::invalid("oshash", format!("\"{hash}\" is not 16 hex digits")));
    }
    let owner: Option<i64> = conn
        .prepare_cached(&format!("SELECT clip_id FROM file WHERE {PATH_KEY} = ?1"))?
        .query_row([path.key()], |r| r.get(0))
        .optional()?;
    if let Some(owner) = owner {
        return Err(Error::AlreadyExists {
            kind: EntityKind::File,
            name: path.text().to_string(),
            id: owner,
        });
    }
    conn.prepare_cached(
        "INSERT INTO file (clip_id, path, size, mtime_ms, oshash, status, path_hex)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        clip_id,
        path.text(),
        file.size,
        file.mtime_ms,
        file.oshash.as_deref().map(str::to_ascii_lowercase),
        file.status.unwrap_or(FileStatus::Present).as_str(),
        path.hex()
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn check_clip_numbers(input: &ClipInput) -> Result<()> {
    let non_negative = [("duration", input.duration_ms), ("width", input.width), ("height", input.height)];
    for (field, value) in non_negative {
        if let Some(v) = value.filter(|v| *v < 0) {
            return Err(Error::invalid(field, format!("{v} is negative")));
        }
    }
    if let Some(fps) = input.fps.filter(|f| !f.is_finite() || *f <= 0.0) {
        return Err(Error::invalid("fps", format!("{fps} is not a frame rate")));
    }
    Ok(())
}

pub(crate) fn insert_clip(conn: &Connection, input: &ClipInput, added_at: Option<&str>) -> Result<i64> {
    let title = clean_name("title", &input.title)?;
    check_clip_numbers(input)?;
    if let Some(show) = input.show_id {
        require(conn, EntityKind::Show, show)?;
    }
    let episode_id = match (input.show_id, input.episode) {
        (Some(show), Some(number)) => Some(ensure_episode(conn, show, number)?),
        (None, Some(_)) => return Err(Error::invalid("episode", "a clip needs a show before an episode")),
        _ => None,
    };
    let added_at = match added_at {
        Some(at) => at.to_string(),
        None => now(conn)?,
    };
    conn.prepare_cached(
        "INSERT INTO clip (title, title_key, description, note, source_url, uploader, published, duration_ms,
            width, height, video_codec, audio_codec, fps, rotation, added_at, show_id, episode_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        title,
        name_key(&title),
        clean_optional("description", input.description.as_deref())?,
        clean_optional("note", input.note.as_deref())?,
        clean_optional("source url", input.source_url.as_deref())?,
        clean_optional("uploader", input.uploader.as_deref())?,
        check_date("published", input.published.as_deref())?,
        input.duration_ms,
        input.width,
        input.height,
        clean_optional("video codec", input.video_codec.as_deref())?,
        clean_optional("audio codec", input.audio_codec.as_deref())?,
        input.fps,
        input.rotation,
        added_at,
        input.show_id,
        episode_id
    ])?;
    let id = conn.last_insert_rowid();
    for file in &input.files {
        insert_file(conn, id, file)?;
    }
    Ok(id)
}

fn file_from_row(row: &Row<'_>) -> rusqlite::Result<(ClipFile, String)> {
    let status: String = row.get("status")?;
    let path = crate::paths::from_row(row, "path", "path_hex")?;
    Ok((
        ClipFile {
            id: row.get("id")?,
            path: path.text().to_string(),
            path_encoding: path.encoding().map(str::to_string),
            size: row.get("size")?,
            mtime_ms: row.get("mtime_ms")?,
            oshash: row.get("oshash")?,
            status: FileStatus::Present,
        },
        status,
    ))
}

pub(crate) fn load_files(conn: &Connection, clip_id: i64) -> Result<Vec<ClipFile>> {
    let mut statement = conn.prepare_cached("SELECT * FROM file WHERE clip_id = ?1 ORDER BY id")?;
    let rows = statement.query_map([clip_id], file_from_row)?;
    let mut files = Vec::new();
    for row in rows {
        let (file, status) = row?;
        files.push(ClipFile { status: FileStatus::parse(&status)?, ..file });
    }
    Ok(files)
}

/// A clip's status is its best copy's: present beats offline beats missing.
fn primary(files: &[ClipFile]) -> (Option<&ClipFile>, FileStatus) {
    for status in [FileStatus::Present, FileStatus::Offline, FileStatus::Missing] {
        if let Some(file) = files.iter().find(|f| f.status == status) {
            return (Some(file), status);
        }
    }
    (None, FileStatus::Missing)
}

fn strings(conn: &Connection, sql: &str, id: i64) -> Result<Vec<String>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn load_clip(conn: &Connection, id: i64) -> Result<ClipDetail> {
    let files = load_files(conn, id)?;
    let (first, status) = primary(&files);
    let (path, oshash) = (first.map(|f| f.path.clone()), first.and_then(|f| f.oshash.clone()));
    let path_encoding = first.and_then(|f| f.path_encoding.clone());
    let detail = conn
        .query_row(
            "SELECT clip.*, show.title AS show_title, episode.number AS episode_number FROM clip
             LEFT JOIN show ON show.id = clip.show_id LEFT JOIN episode ON episode.id = clip.episode_id
             WHERE clip.id = ?1",
            [id],
            |r| {
                Ok(ClipDetail {
                    id,
                    title: r.get("title")?,
                    description: r.get("description")?,
                    note: r.get("note")?,
                    path: path.clone(),
                    path_encoding: path_encoding.clone(),
                    duration_ms: r.get("duration_ms")?,
                    width: r.get("width")?,
                    height: r.get("height")?,
                    video_codec: r.get("video_codec")?,
                    audio_codec: r.get("audio_codec")?,
                    fps: r.get("fps")?,
                    rotation: r.get("rotation")?,
                    oshash: oshash.clone(),
                    status,
                    added_at: r.get("added_at")?,
                    show_id: r.get("show_id")?,
                    show: r.get("show_title")?,
                    episode: r.get("episode_number")?,
                    show_guessed: r.get("show_guessed")?,
                    poster_ms: r.get("poster_ms")?,
                    created: r.get("created")?,
                    source_id: r.get("source_id")?,
                    scenes: Vec::new(),
                    tags: Vec::new(),
                    cast: Vec::new(),
                    markers: Vec::new(),
                    source: Source {
                        url: r.get("source_url")?,
                        uploader: r.get("uploader")?,
                        published: r.get("published")?,
                    },
                    files: Vec::new(),
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::not_found(EntityKind::Clip, format!("#{id}")))?;
    Ok(ClipDetail {
        scenes: strings(
            conn,
            "SELECT s.title FROM clip_scene cs JOIN scene s ON s.id = cs.scene_id WHERE cs.clip_id = ?1 ORDER BY cs.rowid",
            id,
        )?,
        tags: strings(
            conn,
            "SELECT coalesce(t.namespace || ':', '') || t.name FROM clip_tag ct JOIN tag t ON t.id = ct.tag_id
             WHERE ct.clip_id = ?1 ORDER BY ct.rowid",
            id,
        )?,
        cast: load_cast(conn, "credit", "clip_id", id)?,
        markers: load_markers(conn, id)?,
        files,
        ..detail
    })
}

impl Library {
    /// Adds a clip with its files. Importers call this; a path already in
    /// the library is an [`Error::AlreadyExists`].
    pub fn add_clip(&mut self, input: &ClipInput) -> Result<i64> {
        self.edit(format!("add clip \"{}\"", input.title.trim()), |tx| insert_clip(tx, input, None))
    }

    /// Changes some of a clip's fields (see [`ClipPatch`]).
    pub fn update_clip(&mut self, id: i64, patch: &ClipPatch) -> Result<()> {
        self.edit(format!("change clip #{id}"), |tx| update_clip_in(tx, id, patch))
    }

    /// Forgets a clip: its files, credits, tags, markers and cues leave the
    /// library. The video files on disk are not touched.
    pub fn delete_clip(&mut self, id: i64) -> Result<()> {
        self.edit(format!("delete clip #{id}"), |tx| {
            require(tx, EntityKind::Clip, id)?;
            tx.execute("DELETE FROM clip WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    pub fn clip(&self, id: i64) -> Result<ClipDetail> {
        load_clip(&self.conn, id)
    }

    /// Every clip, newest first.
    pub fn clips(&self) -> Result<Vec<ClipSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT clip.id, clip.title, clip.duration_ms, show.title, episode.number,
                 (SELECT group_concat(status || char(9) || coalesce(path_hex, '') || char(9) || path, char(10)) FROM
                    (SELECT status, path, path_hex FROM file WHERE clip_id = clip.id ORDER BY id))
             FROM clip LEFT JOIN show ON show.id = clip.show_id LEFT JOIN episode ON episode.id = clip.episode_id
             ORDER BY clip.added_at DESC, clip.id DESC",
        )?;
        let rows = statement.query_map([], |r| {
            let files: Option<String> = r.get(5)?;
            Ok((
                ClipSummary {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    path: None,
                    path_encoding: None,
                    duration_ms: r.get(2)?,
                    status: FileStatus::Missing,
                    show: r.get(3)?,
                    episode: r.get(4)?,
                },
                files.unwrap_or_default(),
            ))
        })?;
        let mut clips = Vec::new();
        for row in rows {
            let (summary, files) = row?;
            let files = files
                .lines()
                .filter_map(|line| line.split_once('\t'))
                .filter_map(|(status, rest)| rest.split_once('\t').map(|(hex, path)| (status, hex, path)))
                .map(|(status, hex, path)| {
                    let path =
                        StoredPath::from_columns(path.to_string(), Some(hex).filter(|h| !h.is_empty()))
                            .map_err(|why| Error::invalid("file path", why))?;
                    Ok(ClipFile {
                        id: 0,
                        path: path.text().to_string(),
                        path_encoding: path.encoding().map(str::to_string),
                        size: 0,
                        mtime_ms: None,
                        oshash: None,
                        status: FileStatus::parse(status)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let (first, status) = primary(&files);
            clips.push(ClipSummary {
                path: first.map(|f| f.path.clone()),
                path_encoding: first.and_then(|f| f.path_encoding.clone()),
                status,
                ..summary
            });
        }
        Ok(clips)
    }

    /// Finds a clip by `#id`, title, or the exact path of one of its copies.
    pub fn find_clip(&self, reference: &str) -> Result<i64> {
        match resolve(&self.conn, &CLIP_LOOKUP, reference, None) {
            Err(Error::NotFound { kind, name }) => self
                .conn
                .query_row(
                    &format!(
                        "SELECT clip_id FROM file WHERE {PATH_KEY} = ?1 OR path = ?2 ORDER BY id LIMIT 1"
                    ),
                    params![reference.trim().as_bytes(), reference.trim()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(Error::NotFound { kind, name }),
            found => found,
        }
    }

    /// Adds another copy of a clip.
    pub fn add_file(&mut self, clip_id: i64, file: &FileInput) -> Result<i64> {
        self.edit(format!("add a file to clip #{clip_id}"), |tx| {
            require(tx, EntityKind::Clip, clip_id)?;
            insert_file(tx, clip_id, file)
        })
    }

    /// Records whether a copy is present, missing or offline.
    pub fn set_file_status(&mut self, file_id: i64, status: FileStatus) -> Result<()> {
        self.edit(format!("mark file #{file_id} {}", status.as_str()), |tx| {
            require(tx, EntityKind::File, file_id)?;
            tx.execute("UPDATE file SET status = ?2 WHERE id = ?1", params![file_id, status.as_str()])?;
            Ok(())
        })
    }

    /// Forgets one copy (the file on disk stays where it is).
    pub fn remove_file(&mut self, file_id: i64) -> Result<()> {
        self.edit(format!("remove file #{file_id}"), |tx| {
            require(tx, EntityKind::File, file_id)?;
            tx.execute("DELETE FROM file WHERE id = ?1", [file_id])?;
            Ok(())
        })
    }

    /// Says a person appears in a clip, as `character` when given. In a clip
    /// of a show the character becomes (or finds) the person's role there;
    /// without one, a person with a single role in the show is credited as it.
    pub fn credit(&mut self, clip_id: i64, person_id: i64, character: Option<&str>) -> Result<()> {
        self.edit(format!("credit person #{person_id} in clip #{clip_id}"), |tx| {
            credit_in(tx, clip_id, person_id, character)
        })
    }

    pub fn uncredit(&mut self, clip_id: i64, person_id: i64) -> Result<()> {
        self.edit(format!("uncredit person #{person_id} from clip #{clip_id}"), |tx| {
            require(tx, EntityKind::Clip, clip_id)?;
            tx.execute("DELETE FROM credit WHERE clip_id = ?1 AND person_id = ?2", [clip_id, person_id])?;
            Ok(())
        })
    }

    /// Tags a clip, creating tags that do not exist yet. Returns the tag ids.
    pub fn tag_clip(&mut self, clip_id: i64, tags: &[String]) -> Result<Vec<i64>> {
        self.edit(format!("tag clip #{clip_id}: {}", tags.join(", ")), |tx| {
            require(tx, EntityKind::Clip, clip_id)?;
            let mut ids = Vec::new();
            for tag in tags {
                let tag_id = ensure_tag(tx, tag)?;
                tx.execute(
                    "INSERT OR IGNORE INTO clip_tag (clip_id, tag_id) VALUES (?1, ?2)",
                    [clip_id, tag_id],
                )?;
                ids.push(tag_id);
            }
            Ok(ids)
        })
    }

    /// Removes tags from a clip; a tag the library does not know is an error.
    pub fn untag_clip(&mut self, clip_id: i64, tags: &[String]) -> Result<()> {
        self.edit(format!("untag clip #{clip_id}: {}", tags.join(", ")), |tx| {
            require(tx, EntityKind::Clip, clip_id)?;
            for tag in tags {
                let tag_id = resolve(tx, &crate::tags::TAG_LOOKUP, tag, None)?;
                tx.execute("DELETE FROM clip_tag WHERE clip_id = ?1 AND tag_id = ?2", [clip_id, tag_id])?;
            }
            Ok(())
        })
    }

    /// Links a clip to a scene (of any show).
    pub fn add_clip_scene(&mut self, clip_id: i64, scene_id: i64) -> Result<()> {
        self.edit(format!("put clip #{clip_id} in scene #{scene_id}"), |tx| {
            require(tx, EntityKind::Clip, clip_id)?;
            require(tx, EntityKind::Scene, scene_id)?;
            tx.execute(
                "INSERT OR IGNORE INTO clip_scene (clip_id, scene_id) VALUES (?1, ?2)",
                [clip_id, scene_id],
            )?;
            Ok(())
        })
    }

    pub fn remove_clip_scene(&mut self, clip_id: i64, scene_id: i64) -> Result<()> {
        self.edit(format!("take clip #{clip_id} out of scene #{scene_id}"), |tx| {
            tx.execute("DELETE FROM clip_scene WHERE clip_id = ?1 AND scene_id = ?2", [clip_id, scene_id])?;
            Ok(())
        })
    }
}

pub(crate) fn update_clip_in(tx: &Connection, id: i64, patch: &ClipPatch) -> Result<()> {
    let mut show_id = clip_show(tx, id)?;
    if let Some(title) = &patch.title {
        let title = clean_name("title", title)?;
        tx.execute(
            // From now on sidecars leave the title alone.
            "UPDATE clip SET title = ?2, title_key = ?3, title_by_user = 1 WHERE id = ?1",
            params![id, title, name_key(&title)],
        )?;
    }
    for (column, value) in [("description", &patch.description), ("note", &patch.note)] {
        if let Some(value) = value {
            let value = clean_optional(column, value.as_deref())?;
            tx.execute(&format!("UPDATE clip SET {column} = ?2 WHERE id = ?1"), params![id, value])?;
        }
    }
    if let Some(new_show) = patch.show_id {
        if let Some(show) = new_show {
            require(tx, EntityKind::Show, show)?;
        }
        if new_show != show_id {
            // The old show's episode means nothing in the new one.
            tx.execute(
                "UPDATE clip SET show_id = ?2, episode_id = NULL WHERE id = ?1",
                params![id, new_show],
            )?;
        }
        show_id = new_show;
    }
    if let Some(episode) = patch.episode {
        let episode_id = match (episode, show_id) {
            (None, _) => None,
            (Some(number), Some(show)) => Some(ensure_episode(tx, show, number)?),
            (Some(_), None) => {
                return Err(Error::invalid("episode", "the clip has no show; set one first"));
            }
        };
        tx.execute("UPDATE clip SET episode_id = ?2 WHERE id = ?1", params![id, episode_id])?;
    }
    if patch.show_id.is_some() || patch.episode.is_some() {
        // The fan has said: no longer a guess from the file name.
        tx.execute("UPDATE clip SET show_guessed = 0 WHERE id = ?1", [id])?;
    }
    Ok(())
}

pub(crate) fn credit_in(
    tx: &Connection,
    clip_id: i64,
    person_id: i64,
    character: Option<&str>,
) -> Result<()> {
    let show = clip_show(tx, clip_id)?;
    let (role_id, character) = cast_link(tx, show, person_id, character)?;
    tx.execute(
            "INSERT INTO credit (clip_id, person_id, role_id, character) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (clip_id, person_id) DO UPDATE SET role_id = excluded.role_id, character = excluded.character",
            params![clip_id, person_id, role_id, character],
        )?;
    Ok(())
}
