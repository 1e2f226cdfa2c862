//! Lossless JSON export and import of a whole library (never the video files).
//!
//! Records refer to each other by *file ids*: numbers local to one export,
//! given in the order records are written. Importing a file into an empty
//! library creates rows in that same order, so exporting again gives the same
//! bytes. Importing into a library that has data merges: shows, people and
//! tags by name, clips by fingerprint or path, and nothing is duplicated.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::aliases::{self, AliasTable};
use crate::clips::{
    ClipInput, FileInput, FileStatus, check_clip_numbers, insert_clip, insert_file, load_files,
};
use crate::dates::{check_date, check_instant, check_optional_instant};
use crate::error::{Error, Result};
use crate::library::Library;
use crate::markers::{MarkerInput, insert_marker};
use crate::names::{clean_optional, name_key};
use crate::people::{PersonInput, RoleInput, insert_person, insert_role, load_person, people_named};
use crate::shows::{ShowInput, ensure_episode, insert_show, load_show, same_show};
use crate::sources::{CueInput, insert_cues};
use crate::tags::{add_alias, add_parent, full_name, insert_tag, load_tag, tag_key};

const FORMAT: &str = "outtake-library";
/// Version 2 added `chapters_taken` to clips; a version 1 file reads as one without it.
const VERSION: u32 = 2;
const READS: [u32; 2] = [1, 2];
/// The largest export `import` reads: a 100,000-clip library with a million
/// subtitle lines exports to a few hundred MiB.
pub const MAX_IMPORT_BYTES: u64 = 4 << 30;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct LibraryFile {
    format: String,
    version: u32,
    shows: Vec<ShowRecord>,
    people: Vec<PersonRecord>,
    tags: Vec<TagRecord>,
    clips: Vec<ClipRecord>,
    watched_folders: Vec<FolderRecord>,
    saved_searches: Vec<SavedSearchRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ShowRecord {
    id: i64,
    title: String,
    native_title: Option<String>,
    aliases: Vec<String>,
    network: Option<String>,
    year: Option<i32>,
    episodes: Vec<EpisodeRecord>,
    scenes: Vec<SceneRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct EpisodeRecord {
    number: i64,
    title: Option<String>,
    air_date: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SceneRecord {
    id: i64,
    episode: Option<i64>,
    title: String,
    description: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PersonRecord {
    id: i64,
    name: String,
    native_name: Option<String>,
    aliases: Vec<String>,
    roles: Vec<RoleRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RoleRecord {
    id: i64,
    show: i64,
    character: String,
    native_character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TagRecord {
    id: i64,
    namespace: Option<String>,
    name: String,
    aliases: Vec<String>,
    parents: Vec<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ClipRecord {
    id: i64,
    title: String,
    description: Option<String>,
    note: Option<String>,
    source_url: Option<String>,
    uploader: Option<String>,
    published: Option<String>,
    duration_ms: Option<i64>,
    width: Option<i64>,
    height: Option<i64>,
    video_codec: Option<String>,
    audio_codec: Option<String>,
    fps: Option<f64>,
    rotation: Option<i64>,
    created: Option<String>,
    source_id: Option<String>,
    added_at: String,
    title_by_user: bool,
    show: Option<i64>,
    show_guessed: bool,
    episode: Option<i64>,
    scenes: Vec<i64>,
    tags: Vec<i64>,
    files: Vec<FileRecord>,
    credits: Vec<CastRecord>,
    markers: Vec<MarkerRecord>,
    cues: Vec<CueRecord>,
    /// Chapters of the clip's `.info.json` already made markers (renamed or
    /// deleted since, they stay so when the sidecar is read again).
    chapters_taken: Vec<ChapterRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRecord {
    path: String,
    size: i64,
    #[serde(default)]
    mtime_ms: Option<i64>,
    #[serde(default)]
    oshash: Option<String>,
    status: FileStatus,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CastRecord {
    person: i64,
    role: Option<i64>,
    character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct MarkerRecord {
    start_ms: i64,
    end_ms: Option<i64>,
    title: Option<String>,
    scene: Option<i64>,
    cast: Vec<CastRecord>,
    tags: Vec<i64>,
    note: Option<String>,
    quote: Option<String>,
    created_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ChapterRecord {
    start_ms: i64,
    title: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CueRecord {
    lang: String,
    start_ms: i64,
    end_ms: i64,
    text: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct FolderRecord {
    path: String,
    added_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SavedSearchRecord {
    name: String,
    query: String,
}

/// What an import did: how many records became new rows and how many were
/// merged into rows the library already had.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub shows_added: usize,
    pub shows_merged: usize,
    pub people_added: usize,
    pub people_merged: usize,
    pub tags_added: usize,
    pub tags_merged: usize,
    pub clips_added: usize,
    pub clips_merged: usize,
    pub markers_added: usize,
    pub cues_added: usize,
    /// What the file said that the library kept its own way (a tag nested the
    /// other way round in the library), one sentence each.
    pub kept_as_is: Vec<String>,
}

/// File ids of one export: database id → number in the file, in write order.
#[derive(Default)]
struct Numbering(HashMap<i64, i64>);

impl Numbering {
    fn assign(&mut self, db_id: i64) -> i64 {
        let next = self.0.len() as i64 + 1;
        *self.0.entry(db_id).or_insert(next)
    }

    fn get(&self, db_id: i64) -> i64 {
        self.0[&db_id]
    }
}

fn ids(conn: &Connection, sql: &str, owner: Option<i64>) -> Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = match owner {
        Some(owner) => statement.query_map([owner], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?,
        None => statement.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

impl Library {
    /// The whole library as pretty-printed JSON (ending in a newline).
    pub fn export_json(&mut self) -> Result<String> {
        // One read transaction: the export is a snapshot even while an importer writes.
        let tx = self.conn.transaction()?;
        let file = export_file(&tx)?;
        drop(tx);
        let mut text = serde_json::to_string_pretty(&file).expect("library records always serialize");
        text.push('\n');
        Ok(text)
    }

    /// Writes [`Library::export_json`] to `path`, through a temporary file
    /// beside it that is renamed into place, so a failed export never leaves
    /// half a file. Refuses to write over the library itself (or its `-wal` and
    /// `-shm` files) and over anything that is not a regular file (a device, a
    /// folder, a pipe).
    pub fn export_to(&mut self, path: &Path) -> Result<()> {
        check_export_target(self.path(), path)?;
        let text = self.export_json()?;
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let temporary = path.with_file_name(format!(".{name}.{}.outtake-export", std::process::id()));
        let written = (|| {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()
        })();
        if let Err(source) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(io(source));
        }
        std::fs::rename(&temporary, path).map_err(|source| {
            let _ = std::fs::remove_file(&temporary);
            io(source)
        })
    }

    /// Reads an export and merges it into this library in one transaction:
    /// on any error nothing is changed, and the error names the line or record at fault.
    ///
    /// Only a regular file of at most [`MAX_IMPORT_BYTES`] is read (a device
    /// never ends, a pipe may never send), and it is parsed as it streams in.
    pub fn import_from(&mut self, path: &Path) -> Result<ImportReport> {
        use std::io::Read;
        let bad = |message: String| Error::BadImport { path: path.to_path_buf(), message };
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(bad("is not a regular file (a folder, device or pipe): name an export file".into()));
        }
        if meta.len() > MAX_IMPORT_BYTES {
            return Err(bad(format!(
                "is {} bytes; an export holds at most {} GiB",
                meta.len(),
                MAX_IMPORT_BYTES >> 30
            )));
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file.take(MAX_IMPORT_BYTES));
        let file = parse_from(serde_json::Deserializer::from_reader(reader)).map_err(bad)?;
        self.import_parsed(file, path)
    }

    /// [`Library::import_from`] for JSON already in memory; `origin` names it in errors.
    pub fn import_json(&mut self, bytes: &[u8], origin: &Path) -> Result<ImportReport> {
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        let file = parse(bytes).map_err(bad)?;
        self.import_parsed(file, origin)
    }

    fn import_parsed(&mut self, file: LibraryFile, origin: &Path) -> Result<ImportReport> {
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        check_references(&file).map_err(bad)?;
        let tx = self.begin_write()?;
        let report = import_file(&tx, &file).map_err(|(at, error)| match error {
            Error::Database(_) | Error::Io { .. } | Error::Migration(_) => error,
            other => bad(format!("{at}: {other}")),
        })?;
        crate::search::refresh(&tx)?;
        tx.commit()?;
        Ok(report)
    }
}

/// An export may only create or replace a regular file that is not part of the library.
fn check_export_target(library: &Path, target: &Path) -> Result<()> {
    let refuse = |why: &str| Error::invalid("export file", format!("{}: {why}", target.display()));
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link; name the file itself"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(refuse("is not a regular file; export writes only to files"));
        }
        _ => {}
    }
    let Some(target) = canonical_destination(target) else { return Ok(()) };
    let Some(library) = canonical_destination(library) else { return Ok(()) };
    let library = library.to_string_lossy().to_string();
    let target = target.to_string_lossy();
    if [library.clone(), format!("{library}-wal"), format!("{library}-shm"), format!("{library}-journal")]
        .contains(&target.to_string())
    {
        return Err(refuse("is the library itself; export to another file"));
    }
    Ok(())
}

/// Where a path points once its folder is resolved (the file itself may not exist yet).
fn canonical_destination(path: &Path) -> Option<std::path::PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}

fn export_file(conn: &Connection) -> Result<LibraryFile> {
    let mut show_ids = Numbering::default();
    let mut scene_ids = Numbering::default();
    let mut shows = Vec::new();
    for id in ids(conn, "SELECT id FROM show ORDER BY id", None)? {
        shows.push(export_show(conn, id, show_ids.assign(id), &mut scene_ids)?);
    }
    let mut person_ids = Numbering::default();
    let mut role_ids = Numbering::default();
    let mut people = Vec::new();
    for id in ids(conn, "SELECT id FROM person ORDER BY id", None)? {
        let person = load_person(conn, id)?;
        let mut roles = Vec::new();
        for role in crate::people::load_roles(conn, "role.person_id = ?1", id)? {
            roles.push(RoleRecord {
                id: role_ids.assign(role.id),
                show: show_ids.get(role.show_id),
                character: role.character,
                native_character: role.native_character,
            });
        }
        roles.sort_by_key(|r| r.id);
        people.push(PersonRecord {
            id: person_ids.assign(id),
            name: person.name,
            native_name: person.native_name,
            aliases: person.aliases,
            roles,
        });
    }
    let mut tag_ids = Numbering::default();
    let tag_rows = ids(conn, "SELECT id FROM tag ORDER BY id", None)?;
    for id in &tag_rows {
        tag_ids.assign(*id);
    }
    let mut tags = Vec::new();
    for id in tag_rows {
        let tag = load_tag(conn, id)?;
        tags.push(TagRecord {
            id: tag_ids.get(id),
            namespace: tag.namespace,
            name: tag.name,
            aliases: tag.aliases,
            parents: ids(
                conn,
                "SELECT parent_id FROM tag_parent WHERE tag_id = ?1 ORDER BY rowid",
                Some(id),
            )?
            .into_iter()
            .map(|p| tag_ids.get(p))
            .collect(),
        });
    }
    let numbering =
        Numberings { show: show_ids, scene: scene_ids, person: person_ids, role: role_ids, tag: tag_ids };
    let mut clips = Vec::new();
    for (index, id) in ids(conn, "SELECT id FROM clip ORDER BY id", None)?.into_iter().enumerate() {
        clips.push(export_clip(conn, id, index as i64 + 1, &numbering)?);
    }
    let mut statement = conn.prepare("SELECT path, added_at FROM watched_folder ORDER BY id")?;
    let watched_folders = statement
        .query_map([], |r| Ok(FolderRecord { path: r.get(0)?, added_at: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    let mut statement = conn.prepare("SELECT name, query FROM saved_search ORDER BY id")?;
    let saved_searches = statement
        .query_map([], |r| Ok(SavedSearchRecord { name: r.get(0)?, query: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(LibraryFile {
        format: FORMAT.into(),
        version: VERSION,
        shows,
        people,
        tags,
        clips,
        watched_folders,
        saved_searches,
    })
}

struct Numberings {
    show: Numbering,
    scene: Numbering,
    person: Numbering,
    role: Numbering,
    tag: Numbering,
}

impl Numberings {
    fn cast(&self, member: &crate::clips::CastMember, character_text: Option<String>) -> CastRecord {
        CastRecord {
            person: self.person.get(member.person_id),
            role: member.role_id.map(|r| self.role.get(r)),
            character: character_text,
        }
    }
}

fn export_show(conn: &Connection, id: i64, file_id: i64, scene_ids: &mut Numbering) -> Result<ShowRecord> {
    let show = load_show(conn, id)?;
    let episodes = crate::shows::load_episodes(conn, id)?
        .into_iter()
        .map(|e| EpisodeRecord { number: e.number, title: e.title, air_date: e.air_date })
        .collect();
    let mut statement = conn.prepare_cached(
        "SELECT s.id, e.number, s.title, s.description FROM scene s LEFT JOIN episode e ON e.id = s.episode_id
         WHERE s.show_id = ?1 ORDER BY s.id",
    )?;
    let rows: Vec<(i64, Option<i64>, String, Option<String>)> = statement
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let scenes = rows
        .into_iter()
        .map(|(scene, episode, title, description)| SceneRecord {
            id: scene_ids.assign(scene),
            episode,
            title,
            description,
        })
        .collect();
    Ok(ShowRecord {
        id: file_id,
        title: show.title,
        native_title: show.native_title,
        aliases: show.aliases,
        network: show.network,
        year: show.year,
        episodes,
        scenes,
    })
}

/// The character text stored beside a credit (only set when no role holds it).
fn character_texts(conn: &Connection, table: &str, owner: &str, id: i64) -> Result<Vec<Option<String>>> {
    ids_text(conn, &format!("SELECT character FROM {table} WHERE {owner} = ?1 ORDER BY rowid"), id)
}

fn ids_text(conn: &Connection, sql: &str, id: i64) -> Result<Vec<Option<String>>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn export_clip(conn: &Connection, id: i64, file_id: i64, n: &Numberings) -> Result<ClipRecord> {
    let clip = crate::clips::load_clip(conn, id)?;
    let (show_id, published, source_url, uploader): (
        Option<i64>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = (clip.show_id, clip.source.published.clone(), clip.source.url.clone(), clip.source.uploader.clone());
    let credits = clip
        .cast
        .iter()
        .zip(character_texts(conn, "credit", "clip_id", id)?)
        .map(|(member, text)| n.cast(member, text))
        .collect();
    let mut markers = Vec::new();
    for marker in &clip.markers {
        markers.push(MarkerRecord {
            start_ms: marker.start_ms,
            end_ms: marker.end_ms,
            title: marker.title.clone(),
            scene: marker.scene_id.map(|s| n.scene.get(s)),
            cast: marker
                .cast
                .iter()
                .zip(character_texts(conn, "marker_person", "marker_id", marker.id)?)
                .map(|(member, text)| n.cast(member, text))
                .collect(),
            tags: ids(
                conn,
                "SELECT tag_id FROM marker_tag WHERE marker_id = ?1 ORDER BY rowid",
                Some(marker.id),
            )?
            .into_iter()
            .map(|t| n.tag.get(t))
            .collect(),
            note: marker.note.clone(),
            quote: marker.quote.clone(),
            created_at: marker.created_at.clone(),
        });
    }
    let cues = crate::sources::load_cues(conn, id, None)?
        .into_iter()
        .map(|c| CueRecord { lang: c.lang, start_ms: c.start_ms, end_ms: c.end_ms, text: c.text })
        .collect();
    let chapters_taken = conn
        .prepare_cached(
            "SELECT start_ms, title FROM clip_chapter WHERE clip_id = ?1 ORDER BY start_ms, title",
        )?
        .query_map([id], |r| Ok(ChapterRecord { start_ms: r.get(0)?, title: r.get(1)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ClipRecord {
        id: file_id,
        title: clip.title,
        description: clip.description,
        note: clip.note,
        source_url,
        uploader,
        published,
        duration_ms: clip.duration_ms,
        width: clip.width,
        height: clip.height,
        video_codec: clip.video_codec,
        audio_codec: clip.audio_codec,
        fps: clip.fps,
        rotation: clip.rotation,
        created: clip.created,
        source_id: clip.source_id,
        added_at: clip.added_at,
        title_by_user: conn.query_row("SELECT title_by_user FROM clip WHERE id = ?1", [id], |r| r.get(0))?,
        show: show_id.map(|s| n.show.get(s)),
        show_guessed: clip.show_guessed,
        episode: clip.episode,
        scenes: ids(conn, "SELECT scene_id FROM clip_scene WHERE clip_id = ?1 ORDER BY rowid", Some(id))?
            .into_iter()
            .map(|s| n.scene.get(s))
            .collect(),
        tags: ids(conn, "SELECT tag_id FROM clip_tag WHERE clip_id = ?1 ORDER BY rowid", Some(id))?
            .into_iter()
            .map(|t| n.tag.get(t))
            .collect(),
        files: load_files(conn, id)?
            .into_iter()
            .map(|f| FileRecord {
                path: f.path,
                size: f.size,
                mtime_ms: f.mtime_ms,
                oshash: f.oshash,
                status: f.status,
            })
            .collect(),
        credits,
        markers,
        cues,
        chapters_taken,
    })
}

/// Parses the JSON, naming the line, column and record path of the first problem.
fn parse(bytes: &[u8]) -> Result<LibraryFile, String> {
    parse_from(serde_json::Deserializer::from_slice(bytes))
}

fn parse_from<'de, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<LibraryFile, String> {
    let file: LibraryFile = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        let place = format!("line {}, column {}", inner.line(), inner.column());
        if inner.is_eof() {
            format!("the file ends too soon ({place}): it is truncated")
        } else if path == "." || path.is_empty() {
            format!("{place}: {inner}")
        } else {
            format!("{path} ({place}): {inner}")
        }
    })?;
    deserializer.end().map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    if file.format != FORMAT {
        return Err(format!(
            "format: \"{}\" is not an Outtake library export (expected \"{FORMAT}\")",
            file.format
        ));
    }
    if !READS.contains(&file.version) {
        return Err(format!(
            "version: {} is not a version this Outtake reads (it reads 1 and {VERSION})",
            file.version
        ));
    }
    Ok(file)
}

/// Every file id a record refers to must be defined in the file, once.
fn check_references(file: &LibraryFile) -> Result<(), String> {
    fn defined(kind: &str, ids: impl Iterator<Item = (String, i64)>) -> Result<Vec<i64>, String> {
        let mut seen = Vec::new();
        for (at, id) in ids {
            if seen.contains(&id) {
                return Err(format!("{at}.id: {kind} id {id} is used twice"));
            }
            seen.push(id);
        }
        Ok(seen)
    }
    let shows = defined("show", file.shows.iter().enumerate().map(|(i, s)| (format!("shows[{i}]"), s.id)))?;
    let scenes = defined(
        "scene",
        file.shows.iter().enumerate().flat_map(|(i, s)| {
            s.scenes.iter().enumerate().map(move |(j, sc)| (format!("shows[{i}].scenes[{j}]"), sc.id))
        }),
    )?;
    let people =
        defined("person", file.people.iter().enumerate().map(|(i, p)| (format!("people[{i}]"), p.id)))?;
    let roles = defined(
        "role",
        file.people.iter().enumerate().flat_map(|(i, p)| {
            p.roles.iter().enumerate().map(move |(j, r)| (format!("people[{i}].roles[{j}]"), r.id))
        }),
    )?;
    let tags = defined("tag", file.tags.iter().enumerate().map(|(i, t)| (format!("tags[{i}]"), t.id)))?;
    let need = |at: String, kind: &str, list: &[i64], id: i64| -> Result<(), String> {
        if list.contains(&id) { Ok(()) } else { Err(format!("{at}: no {kind} with id {id} in this file")) }
    };
    for (i, person) in file.people.iter().enumerate() {
        for (j, role) in person.roles.iter().enumerate() {
            need(format!("people[{i}].roles[{j}].show"), "show", &shows, role.show)?;
        }
    }
    for (i, tag) in file.tags.iter().enumerate() {
        for (j, parent) in tag.parents.iter().enumerate() {
            need(format!("tags[{i}].parents[{j}]"), "tag", &tags, *parent)?;
        }
    }
    check_tag_loops(file)?;
    let check_cast = |at: String, cast: &[CastRecord]| -> Result<(), String> {
        for (k, member) in cast.iter().enumerate() {
            need(format!("{at}[{k}].person"), "person", &people, member.person)?;
            if let Some(role) = member.role {
                need(format!("{at}[{k}].role"), "role", &roles, role)?;
            }
        }
        Ok(())
    };
    for (i, clip) in file.clips.iter().enumerate() {
        let at = format!("clips[{i}]");
        if let Some(show) = clip.show {
            need(format!("{at}.show"), "show", &shows, show)?;
        }
        for (j, scene) in clip.scenes.iter().enumerate() {
            need(format!("{at}.scenes[{j}]"), "scene", &scenes, *scene)?;
        }
        for (j, tag) in clip.tags.iter().enumerate() {
            need(format!("{at}.tags[{j}]"), "tag", &tags, *tag)?;
        }
        check_cast(format!("{at}.credits"), &clip.credits)?;
        for (j, marker) in clip.markers.iter().enumerate() {
            if let Some(scene) = marker.scene {
                need(format!("{at}.markers[{j}].scene"), "scene", &scenes, scene)?;
            }
            for (k, tag) in marker.tags.iter().enumerate() {
                need(format!("{at}.markers[{j}].tags[{k}]"), "tag", &tags, *tag)?;
            }
            check_cast(format!("{at}.markers[{j}].cast"), &marker.cast)?;
        }
    }
    Ok(())
}

/// The file's own tag parents may not loop (`a` under `b` under `a`): such a
/// file is refused, naming the loop, rather than some of it being dropped.
fn check_tag_loops(file: &LibraryFile) -> Result<(), String> {
    let parents: HashMap<i64, &[i64]> = file.tags.iter().map(|t| (t.id, t.parents.as_slice())).collect();
    let name = |id: i64| {
        let tag = file.tags.iter().find(|t| t.id == id).expect("references checked");
        full_name(tag.namespace.as_deref(), &tag.name)
    };
    // Depth-first, colouring each tag while its ancestors are walked.
    #[derive(Clone, Copy, PartialEq)]
    enum Seen {
        Walking,
        Done,
    }
    let mut seen: HashMap<i64, Seen> = HashMap::new();
    for (i, tag) in file.tags.iter().enumerate() {
        let mut path: Vec<(i64, usize)> = vec![(tag.id, 0)];
        while let Some(&mut (id, ref mut next)) = path.last_mut() {
            if *next == 0 {
                if seen.get(&id) == Some(&Seen::Done) {
                    path.pop();
                    continue;
                }
                seen.insert(id, Seen::Walking);
            }
            let above = parents.get(&id).copied().unwrap_or(&[]);
            if let Some(&parent) = above.get(*next) {
                *next += 1;
                match seen.get(&parent) {
                    Some(Seen::Walking) => {
                        let start = path.iter().position(|(p, _)| *p == parent).unwrap_or(0);
                        let mut names: Vec<String> = path[start..].iter().map(|(p, _)| name(*p)).collect();
                        names.push(name(parent));
                        return Err(format!(
                            "tags[{i}].parents: the tags nest in a loop ({}); a tag cannot be its own ancestor",
                            names.join(" under ")
                        ));
                    }
                    Some(Seen::Done) => {}
                    None => path.push((parent, 0)),
                }
            } else {
                seen.insert(id, Seen::Done);
                path.pop();
            }
        }
    }
    Ok(())
}

/// File id → database id, per kind, filled as records are imported.
#[derive(Default)]
struct Mapping {
    show: HashMap<i64, i64>,
    scene: HashMap<i64, i64>,
    person: HashMap<i64, i64>,
    role: HashMap<i64, i64>,
    tag: HashMap<i64, i64>,
}

type Located<T> = std::result::Result<T, (String, Error)>;

fn at(place: impl Fn() -> String) -> impl Fn(Error) -> (String, Error) {
    move |error| (place(), error)
}

fn import_file(conn: &Connection, file: &LibraryFile) -> Located<ImportReport> {
    let mut report = ImportReport::default();
    let mut map = Mapping::default();
    for (i, show) in file.shows.iter().enumerate() {
        import_show(conn, show, &mut map, &mut report).map_err(at(|| format!("shows[{i}]")))?;
    }
    for (i, person) in file.people.iter().enumerate() {
        import_person(conn, person, &mut map, &mut report).map_err(at(|| format!("people[{i}]")))?;
    }
    for (i, tag) in file.tags.iter().enumerate() {
        import_tag(conn, tag, &mut map, &mut report).map_err(at(|| format!("tags[{i}]")))?;
    }
    for (i, tag) in file.tags.iter().enumerate() {
        for parent in &tag.parents {
            match add_parent(conn, map.tag[&tag.id], map.tag[parent]) {
                // The library already orders these tags the other way (the file
                // itself has no loop: checked before): keep its order, and say so.
                Err(Error::Invalid { message, .. }) => report
                    .kept_as_is
                    .push(format!("tags[{i}].parents: {message}; the library's order is kept")),
                other => other.map_err(at(|| format!("tags[{i}].parents")))?,
            }
        }
    }
    let mut clips = Vec::new();
    for (i, clip) in file.clips.iter().enumerate() {
        let id = import_clip(conn, clip, &map, &clips, &mut report).map_err(at(|| format!("clips[{i}]")))?;
        clips.push(id);
    }
    for (i, folder) in file.watched_folders.iter().enumerate() {
        let place = || format!("watched_folders[{i}]");
        // The same rule as `folder add`, but the folder need not exist here:
        // an export may come from another machine or an unplugged drive.
        let path = crate::sources::check_folder_path(&folder.path).map_err(at(place))?;
        let added_at = check_instant("added_at", &folder.added_at).map_err(at(place))?;
        conn.execute(
            "INSERT OR IGNORE INTO watched_folder (path, added_at) VALUES (?1, ?2)",
            params![path, added_at],
        )
        .map_err(|e| (place(), e.into()))?;
    }
    for (i, saved) in file.saved_searches.iter().enumerate() {
        import_saved_search(conn, saved).map_err(at(|| format!("saved_searches[{i}]")))?;
    }
    Ok(report)
}

/// A saved search the library does not have by that name yet (the library's own wins).
fn import_saved_search(conn: &Connection, saved: &SavedSearchRecord) -> Result<()> {
    let name = crate::names::clean_name("name", &saved.name)?;
    crate::search::query::parse(&saved.query)?;
    conn.execute(
        "INSERT OR IGNORE INTO saved_search (name, key, query) VALUES (?1, ?2, ?3)",
        params![name, name_key(&name), saved.query.trim()],
    )?;
    Ok(())
}

fn import_show(
    conn: &Connection,
    record: &ShowRecord,
    map: &mut Mapping,
    report: &mut ImportReport,
) -> Result<()> {
    let input = ShowInput {
        title: record.title.clone(),
        native_title: record.native_title.clone(),
        aliases: record.aliases.clone(),
        network: record.network.clone(),
        year: record.year,
    };
    let id = match same_show(conn, &input)? {
        Some(id) => {
            conn.execute(
                "UPDATE show SET native_title = coalesce(native_title, ?2), native_key = coalesce(native_key, ?3),
                 network = coalesce(network, ?4), year = coalesce(year, ?5) WHERE id = ?1",
                params![id, input.native_title, input.native_title.as_deref().map(name_key), input.network, input.year],
            )?;
            aliases::add(conn, AliasTable::Show, id, &input.aliases)?;
            report.shows_merged += 1;
            id
        }
        None => {
            report.shows_added += 1;
            insert_show(conn, &input)?
        }
    };
    map.show.insert(record.id, id);
    for episode in &record.episodes {
        let episode_id = ensure_episode(conn, id, episode.number)?;
        conn.execute(
            "UPDATE episode SET title = coalesce(title, ?2), air_date = coalesce(air_date, ?3) WHERE id = ?1",
            params![
                episode_id,
                clean_optional("episode title", episode.title.as_deref())?,
                check_date("air_date", episode.air_date.as_deref())?
            ],
        )?;
    }
    for scene in &record.scenes {
        let title = crate::names::clean_name("scene title", &scene.title)?;
        let episode_id = scene.episode.map(|n| ensure_episode(conn, id, n)).transpose()?;
        // The library's scene of that title, in the same episode if it has one
        // there; a scene another record of this file already took is not a
        // match (two episodes may each have a "Rooftop talk").
        let candidates: Vec<(i64, Option<i64>)> = conn
            .prepare_cached(
                "SELECT id, episode_id FROM scene WHERE show_id = ?1 AND title_key = ?2 ORDER BY id",
            )?
            .query_map(params![id, name_key(&title)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let existing = candidates
            .into_iter()
            .filter(|(scene_id, _)| !map.scene.values().any(|taken| taken == scene_id))
            .filter(|(_, episode)| episode.is_none() || episode_id.is_none() || *episode == episode_id)
            .min_by_key(|(scene_id, episode)| (*episode != episode_id, *scene_id))
            .map(|(scene_id, _)| scene_id);
        let scene_id = match existing {
            Some(scene_id) => {
                conn.execute(
                    "UPDATE scene SET episode_id = coalesce(episode_id, ?2), description = coalesce(description, ?3)
                     WHERE id = ?1",
                    params![scene_id, episode_id, clean_optional("description", scene.description.as_deref())?],
                )?;
                scene_id
            }
            None => {
                conn.execute(
                    "INSERT INTO scene (show_id, episode_id, title, title_key, description) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        id,
                        episode_id,
                        title,
                        name_key(&title),
                        clean_optional("description", scene.description.as_deref())?
                    ],
                )?;
                conn.last_insert_rowid()
            }
        };
        map.scene.insert(scene.id, scene_id);
    }
    Ok(())
}

fn import_person(
    conn: &Connection,
    record: &PersonRecord,
    map: &mut Mapping,
    report: &mut ImportReport,
) -> Result<()> {
    let input = PersonInput {
        name: record.name.clone(),
        native_name: record.native_name.clone(),
        aliases: record.aliases.clone(),
    };
    let mut existing = people_named(conn, &name_key(&record.name))?.into_iter().min();
    if existing.is_none()
        && let Some(native) = &record.native_name
    {
        existing = people_named(conn, &name_key(native))?.into_iter().min();
    }
    let id = match existing {
        Some(id) => {
            let known = load_person(conn, id)?;
            conn.execute(
                "UPDATE person SET native_name = coalesce(native_name, ?2), native_key = coalesce(native_key, ?3)
                 WHERE id = ?1",
                params![id, input.native_name, input.native_name.as_deref().map(name_key)],
            )?;
            let own = [Some(name_key(&known.name)), known.native_name.as_deref().map(name_key)];
            let mut names = vec![record.name.clone()];
            names.extend(record.native_name.clone());
            names.extend(record.aliases.iter().cloned());
            names.retain(|n| !own.contains(&Some(name_key(n))));
            aliases::add(conn, AliasTable::Person, id, &names)?;
            report.people_merged += 1;
            id
        }
        None => {
            report.people_added += 1;
            insert_person(conn, &input)?
        }
    };
    map.person.insert(record.id, id);
    for role in &record.roles {
        let show = map.show[&role.show];
        let existing: Option<i64> = conn
            .query_row(
                "SELECT id FROM role WHERE person_id = ?1 AND show_id = ?2 AND character_key = ?3",
                params![id, show, name_key(&role.character)],
                |r| r.get(0),
            )
            .optional()?;
        let role_id = match existing {
            Some(role_id) => role_id,
            None => insert_role(
                conn,
                id,
                show,
                &RoleInput {
                    character: role.character.clone(),
                    native_character: role.native_character.clone(),
                },
            )?,
        };
        map.role.insert(role.id, role_id);
    }
    Ok(())
}

fn import_tag(
    conn: &Connection,
    record: &TagRecord,
    map: &mut Mapping,
    report: &mut ImportReport,
) -> Result<()> {
    let name = full_name(record.namespace.as_deref(), &record.name);
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM tag WHERE key = ?1 UNION SELECT tag_id FROM tag_alias WHERE key = ?1 LIMIT 1",
            [tag_key(&name)],
            |r| r.get(0),
        )
        .optional()?;
    let id = match existing {
        Some(id) => {
            report.tags_merged += 1;
            id
        }
        None => {
            report.tags_added += 1;
            insert_tag(conn, &name)?
        }
    };
    for alias in &record.aliases {
        match add_alias(conn, id, alias) {
            // The alias names another tag in this library: that tag keeps it.
            Err(Error::AlreadyExists { .. }) => {}
            other => other?,
        }
    }
    map.tag.insert(record.id, id);
    Ok(())
}

/// The library's clip for this record: one sharing a fingerprint, else a path;
/// for a record without copies, a copyless clip of that title added at that
/// time and not already `taken` by an earlier record of the same file.
fn matching_clip(
    conn: &Connection,
    record: &ClipRecord,
    added_at: &str,
    taken: &[i64],
) -> Result<Option<i64>> {
    for file in &record.files {
        if let Some(hash) = &file.oshash {
            let found = conn
                .query_row(
                    "SELECT clip_id FROM file WHERE oshash = ?1 ORDER BY id LIMIT 1",
                    [hash.to_ascii_lowercase()],
                    |r| r.get(0),
                )
                .optional()?;
            if found.is_some() {
                return Ok(found);
            }
        }
    }
    for file in &record.files {
        let found = conn
            .query_row("SELECT clip_id FROM file WHERE path = ?1", [&file.path], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    if record.files.is_empty() {
        let mut statement = conn.prepare_cached(
            "SELECT id FROM clip WHERE title_key = ?1 AND added_at = ?2
             AND NOT EXISTS (SELECT 1 FROM file WHERE file.clip_id = clip.id) ORDER BY id",
        )?;
        let ids = statement.query_map(params![name_key(&record.title), added_at], |r| r.get(0))?;
        for id in ids {
            let id: i64 = id?;
            if !taken.contains(&id) {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

fn import_clip(
    conn: &Connection,
    record: &ClipRecord,
    map: &Mapping,
    taken: &[i64],
    report: &mut ImportReport,
) -> Result<i64> {
    let show_id = record.show.map(|s| map.show[&s]);
    let input = ClipInput {
        title: record.title.clone(),
        description: record.description.clone(),
        note: record.note.clone(),
        source_url: record.source_url.clone(),
        uploader: record.uploader.clone(),
        published: record.published.clone(),
        duration_ms: record.duration_ms,
        width: record.width,
        height: record.height,
        video_codec: record.video_codec.clone(),
        audio_codec: record.audio_codec.clone(),
        fps: record.fps,
        rotation: record.rotation,
        show_id,
        episode: record.episode,
        files: Vec::new(),
    };
    if record.added_at.is_empty() {
        return Err(Error::invalid("added_at", "is missing"));
    }
    let added_at = check_instant("added_at", &record.added_at)?;
    let created = check_optional_instant("created", record.created.as_deref())?;
    let id = match matching_clip(conn, record, &added_at, taken)? {
        Some(id) => {
            merge_clip_fields(conn, id, &input)?;
            report.clips_merged += 1;
            id
        }
        None => {
            report.clips_added += 1;
            insert_clip(conn, &input, Some(&added_at))?
        }
    };
    conn.execute(
        "UPDATE clip SET created = coalesce(created, ?2), source_id = coalesce(source_id, ?3),
             title_by_user = max(title_by_user, ?4),
             show_guessed = CASE WHEN show_id IS ?5 THEN ?6 ELSE show_guessed END
         WHERE id = ?1",
        params![id, created, record.source_id, record.title_by_user, show_id, record.show_guessed],
    )?;
    for (j, file) in record.files.iter().enumerate() {
        let taken: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM file WHERE path = ?1)", [&file.path], |r| r.get(0))?;
        if !taken {
            let input = FileInput {
                path: file.path.clone(),
                size: file.size,
                mtime_ms: file.mtime_ms,
                oshash: file.oshash.clone(),
                status: Some(file.status),
            };
            insert_file(conn, id, &input)
                .map_err(|e| Error::invalid(format!("files[{j}]"), e.to_string()))?;
        }
    }
    for scene in &record.scenes {
        conn.execute(
            "INSERT OR IGNORE INTO clip_scene (clip_id, scene_id) VALUES (?1, ?2)",
            [id, map.scene[scene]],
        )?;
    }
    for tag in &record.tags {
        conn.execute("INSERT OR IGNORE INTO clip_tag (clip_id, tag_id) VALUES (?1, ?2)", [id, map.tag[tag]])?;
    }
    for credit in &record.credits {
        conn.execute(
            "INSERT OR IGNORE INTO credit (clip_id, person_id, role_id, character) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                map.person[&credit.person],
                credit.role.map(|r| map.role[&r]),
                clean_optional("character", credit.character.as_deref())?
            ],
        )?;
    }
    for (j, marker) in record.markers.iter().enumerate() {
        import_marker(conn, id, marker, map, report)
            .map_err(|e| Error::invalid(format!("markers[{j}]"), e.to_string()))?;
    }
    import_cues(conn, id, &record.cues, report)?;
    for chapter in &record.chapters_taken {
        conn.execute(
            "INSERT OR IGNORE INTO clip_chapter (clip_id, start_ms, title) VALUES (?1, ?2, ?3)",
            params![id, chapter.start_ms, chapter.title],
        )?;
    }
    Ok(id)
}

/// Fills the fields a clip lacks from a record, checked and cleaned as
/// `insert_clip` does, so a merged field is stored as a new clip's would be
/// (and the library exports a file that imports again).
fn merge_clip_fields(conn: &Connection, id: i64, input: &ClipInput) -> Result<()> {
    check_clip_numbers(input)?;
    let episode_id = match (input.show_id, input.episode) {
        (Some(show), Some(number)) => Some(ensure_episode(conn, show, number)?),
        _ => None,
    };
    conn.execute(
        "UPDATE clip SET description = coalesce(description, ?2), note = coalesce(note, ?3),
            source_url = coalesce(source_url, ?4), uploader = coalesce(uploader, ?5), published = coalesce(published, ?6),
            duration_ms = coalesce(duration_ms, ?7), width = coalesce(width, ?8), height = coalesce(height, ?9),
            video_codec = coalesce(video_codec, ?10), audio_codec = coalesce(audio_codec, ?11), fps = coalesce(fps, ?12),
            rotation = coalesce(rotation, ?13),
            episode_id = CASE WHEN show_id IS NULL THEN ?15 ELSE episode_id END,
            show_id = coalesce(show_id, ?14)
         WHERE id = ?1",
        params![
            id,
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
            input.show_id,
            episode_id
        ],
    )?;
    Ok(())
}

fn import_marker(
    conn: &Connection,
    clip_id: i64,
    marker: &MarkerRecord,
    map: &Mapping,
    report: &mut ImportReport,
) -> Result<()> {
    let duplicate: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM marker WHERE clip_id = ?1 AND start_ms = ?2 AND end_ms IS ?3 AND title IS ?4)",
        params![clip_id, marker.start_ms, marker.end_ms, marker.title],
        |r| r.get(0),
    )?;
    if duplicate {
        return Ok(());
    }
    let input = MarkerInput {
        start_ms: marker.start_ms,
        end_ms: marker.end_ms,
        title: marker.title.clone(),
        scene_id: marker.scene.map(|s| map.scene[&s]),
        cast: Vec::new(),
        // Tags go in by id below: a bare name such as "emotional" may also
        // name `mood:emotional` and would be ambiguous.
        tags: Vec::new(),
        note: marker.note.clone(),
        quote: marker.quote.clone(),
    };
    if marker.created_at.is_empty() {
        return Err(Error::invalid("created_at", "is missing"));
    }
    let created_at = check_instant("created_at", &marker.created_at)?;
    let id = insert_marker(conn, clip_id, &input, Some(&created_at))?;
    for tag in &marker.tags {
        conn.execute(
            "INSERT OR IGNORE INTO marker_tag (marker_id, tag_id) VALUES (?1, ?2)",
            [id, map.tag[tag]],
        )?;
    }
    // Cast goes in as exported (role or character text), not re-derived.
    for member in &marker.cast {
        conn.execute(
            "INSERT OR IGNORE INTO marker_person (marker_id, person_id, role_id, character) VALUES (?1, ?2, ?3, ?4)",
            params![
                id,
                map.person[&member.person],
                member.role.map(|r| map.role[&r]),
                clean_optional("character", member.character.as_deref())?
            ],
        )?;
    }
    report.markers_added += 1;
    Ok(())
}

fn import_cues(conn: &Connection, clip_id: i64, cues: &[CueRecord], report: &mut ImportReport) -> Result<()> {
    let mut by_lang: Vec<(&str, Vec<CueInput>)> = Vec::new();
    for cue in cues {
        let input = CueInput { start_ms: cue.start_ms, end_ms: cue.end_ms, text: cue.text.clone() };
        match by_lang.iter_mut().find(|(lang, _)| *lang == cue.lang) {
            Some((_, list)) => list.push(input),
            None => by_lang.push((&cue.lang, vec![input])),
        }
    }
    for (lang, list) in by_lang {
        // A language the clip already has subtitles in came from the same file: keep the library's.
        let has: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM cue WHERE clip_id = ?1 AND lang = ?2)",
            params![clip_id, lang],
            |r| r.get(0),
        )?;
        if !has {
            report.cues_added += insert_cues(conn, clip_id, lang, &list)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn export_with_clip(fields: &str) -> String {
        format!(
            r#"{{"format": "outtake-library", "version": 2, "clips": [{{"id": 1, "title": "Making-of",
                "added_at": "2024-05-01T09:30:00Z", "files": [{{"path": "/videos/a.mp4", "size": 1,
                "oshash": "8f3b2c1d0e9a7b65", "status": "present"}}]{fields}}}]}}"#
        )
    }

    /// Found by the fuzzer (`crates/outtake-fuzz`): fields merged into a clip
    /// the library already had were stored raw (a decomposed "é", a blank
    /// description, an impossible date, a negative duration), unlike a new
    /// clip's, so the library's export no longer imported as itself.
    #[test]
    fn merged_clip_fields_are_checked_like_new_ones() {
        let mut library = Library::open_in_memory().unwrap();
        let import = |library: &mut Library, fields: &str| {
            library.import_json(export_with_clip(fields).as_bytes(), Path::new("x.json"))
        };
        import(&mut library, "").unwrap();
        let report = import(&mut library, r#", "note": "e\u0301", "description": " ""#).unwrap();
        assert_eq!(report.clips_merged, 1);
        let export = library.export_json().unwrap();
        assert!(export.contains(r#""note": "é""#) && export.contains(r#""description": null"#), "{export}");
        for bad in [r#", "published": "2021-02-30""#, r#", "duration_ms": -5"#, r#", "uploader": "\u0000""#] {
            assert!(import(&mut library, bad).is_err(), "{bad}");
        }
        let mut again = Library::open_in_memory().unwrap();
        again.import_json(export.as_bytes(), Path::new("export.json")).unwrap();
        assert_eq!(again.export_json().unwrap(), export);
    }
}
