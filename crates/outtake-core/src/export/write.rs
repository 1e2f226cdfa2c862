//! Export: the library read into records, in one pass per kind, each record
//! numbered with a file id in the order it is written.

use std::collections::HashMap;

use rusqlite::Connection;

use super::format::{
    CastRecord, ChapterRecord, ClipRecord, CueRecord, EpisodeRecord, FORMAT, FileRecord, FolderRecord,
    LibraryFile, MarkerRecord, PersonRecord, RoleRecord, SavedSearchRecord, SceneRecord, ShowRecord,
    TagRecord, VERSION,
};
use crate::clips::load_files;
use crate::error::Result;
use crate::people::load_person;
use crate::shows::load_show;
use crate::tags::load_tag;

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

pub(super) fn export_file(conn: &Connection) -> Result<LibraryFile> {
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
    fn cast(&self, member: &crate::cast::CastMember, character_text: Option<String>) -> CastRecord {
        CastRecord {
            person: self.person.get(member.person_id),
            role: member.role_id.map(|r| self.role.get(r)),
            character: character_text,
        }
    }
}

fn export_show(conn: &Connection, id: i64, file_id: i64, scene_ids: &mut Numbering) -> Result<ShowRecord> {
    show_record(conn, id, file_id, &mut |scene| scene_ids.assign(scene))
}

/// A show's record, numbered `file_id`, its scenes numbered by `scene_number`
/// (also a pack's show).
pub(crate) fn show_record(
    conn: &Connection,
    id: i64,
    file_id: i64,
    scene_number: &mut dyn FnMut(i64) -> i64,
) -> Result<ShowRecord> {
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
            id: scene_number(scene),
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
    let cues = crate::cues::load_cues(conn, id, None)?
        .into_iter()
        .map(|c| CueRecord {
            lang: c.lang,
            start_ms: c.start_ms,
            end_ms: c.end_ms,
            text: c.text,
            kind: (c.kind != crate::cues::CueKind::Dialogue).then(|| c.kind.as_str().to_string()),
            source: (c.source != crate::cues::CueSource::File).then(|| c.source.as_str().to_string()),
            machine: c.machine,
        })
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
            .map(|f| {
                Ok(FileRecord {
                    path_bytes: conn
                        .query_row("SELECT path_hex FROM file WHERE id = ?1", [f.id], |r| r.get(0))?,
                    path: f.path,
                    size: f.size,
                    mtime_ms: f.mtime_ms,
                    oshash: f.oshash,
                    status: f.status,
                })
            })
            .collect::<Result<_>>()?,
        credits,
        markers,
        cues,
        chapters_taken,
    })
}
