//! Writing a pack: one show's clips, with the people, roles, scenes and tags
//! they use, numbered in the order written. Nothing of the fan's disk goes
//! in (no path, no file name), and notes only when asked.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use super::format::{FORMAT, PackClip, PackFile, PackKeys, VERSION};
use super::read::{audio_text, phash_text};
use crate::error::Result;
use crate::export::format::{CastRecord, MarkerRecord, PersonRecord, RoleRecord, TagRecord};
use crate::keys::ClipKeys;

/// Database id → number in the pack, in write order.
#[derive(Default)]
struct Numbering(HashMap<i64, i64>);

impl Numbering {
    fn assign(&mut self, db_id: i64) -> i64 {
        let next = self.0.len() as i64 + 1;
        *self.0.entry(db_id).or_insert(next)
    }

    fn get(&self, db_id: i64) -> Option<i64> {
        self.0.get(&db_id).copied()
    }
}

fn column(conn: &Connection, sql: &str, id: i64) -> Result<Vec<i64>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Someone in a clip or marker: (person, role, character text).
type CastRow = (i64, Option<i64>, Option<String>);

/// Who is in a clip or marker, in order.
fn cast_rows(conn: &Connection, sql: &str, id: i64) -> Result<Vec<CastRow>> {
    let mut statement = conn.prepare_cached(sql)?;
    let rows = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The pack of show `show_id`'s clips; `keys` are every clip's content keys.
pub(crate) fn pack_of_show(
    conn: &Connection,
    show_id: i64,
    only: Option<&[i64]>,
    keys: &[ClipKeys],
    with_notes: bool,
) -> Result<PackFile> {
    let mut scenes = Numbering::default();
    // The export's show record: its scene numbers are the pack's.
    let show = crate::export::show_record(conn, show_id, 1, &mut |scene| scenes.assign(scene))?;
    let mut clips = column(conn, "SELECT id FROM clip WHERE show_id = ?1 ORDER BY id", show_id)?;
    // A selection's pack: only those of the show's clips.
    if let Some(only) = only {
        clips.retain(|clip| only.contains(clip));
    }
    // People: the show's cast first, then anyone credited in its clips or markers.
    let mut people = Numbering::default();
    let mut order =
        column(conn, "SELECT DISTINCT person_id FROM role WHERE show_id = ?1 ORDER BY person_id", show_id)?;
    let mut tags = Numbering::default();
    for clip in &clips {
        order.extend(column(
            conn,
            "SELECT person_id FROM credit WHERE clip_id = ?1 ORDER BY person_id",
            *clip,
        )?);
        order.extend(column(
            conn,
            "SELECT mp.person_id FROM marker_person mp JOIN marker m ON m.id = mp.marker_id
             WHERE m.clip_id = ?1 ORDER BY mp.person_id",
            *clip,
        )?);
        for tag in column(conn, "SELECT tag_id FROM clip_tag WHERE clip_id = ?1 ORDER BY tag_id", *clip)? {
            tags.assign(tag);
        }
        for tag in column(
            conn,
            "SELECT mt.tag_id FROM marker_tag mt JOIN marker m ON m.id = mt.marker_id
             WHERE m.clip_id = ?1 ORDER BY mt.tag_id",
            *clip,
        )? {
            tags.assign(tag);
        }
    }
    let mut roles = Numbering::default();
    let mut person_records = Vec::new();
    for person_id in order {
        if people.get(person_id).is_some() {
            continue;
        }
        let person = crate::people::load_person(conn, person_id)?;
        let mut role_records = Vec::new();
        for role in crate::people::load_roles(conn, "role.person_id = ?1", person_id)? {
            if role.show_id == show_id {
                role_records.push(RoleRecord {
                    id: roles.assign(role.id),
                    show: 1,
                    character: role.character,
                    native_character: role.native_character,
                });
            }
        }
        person_records.push(PersonRecord {
            id: people.assign(person_id),
            name: person.name,
            native_name: person.native_name,
            aliases: person.aliases,
            roles: role_records,
        });
    }
    let mut tag_ids: Vec<(i64, i64)> = tags.0.iter().map(|(db, n)| (*n, *db)).collect();
    tag_ids.sort_unstable();
    let mut tag_records = Vec::new();
    for (number, tag_id) in tag_ids {
        let tag = crate::tags::load_tag(conn, tag_id)?;
        tag_records.push(TagRecord {
            id: number,
            namespace: tag.namespace,
            name: tag.name,
            aliases: tag.aliases,
            parents: Vec::new(),
        });
    }
    let keys: HashMap<i64, &ClipKeys> = keys.iter().map(|k| (k.clip_id, k)).collect();
    let numbers = Numbers { scenes, people, roles, tags };
    let mut clip_records = Vec::new();
    for clip in clips {
        clip_records.push(pack_clip(conn, clip, keys.get(&clip).copied(), &numbers, with_notes)?);
    }
    Ok(PackFile {
        format: FORMAT.into(),
        version: VERSION,
        made_by: format!("Outtake {}", env!("CARGO_PKG_VERSION")),
        show,
        people: person_records,
        tags: tag_records,
        clips: clip_records,
    })
}

struct Numbers {
    scenes: Numbering,
    people: Numbering,
    roles: Numbering,
    tags: Numbering,
}

impl Numbers {
    /// A cast row as a record; a role in another show becomes its character's name.
    fn cast(
        &self,
        conn: &Connection,
        (person, role, character): (i64, Option<i64>, Option<String>),
    ) -> Result<CastRecord> {
        let pack_role = role.and_then(|r| self.roles.get(r));
        let character = match (role, pack_role) {
            (Some(role), None) => {
                Some(conn.query_row("SELECT character FROM role WHERE id = ?1", [role], |r| r.get(0))?)
            }
            _ => character,
        };
        Ok(CastRecord {
            person: self.people.get(person).expect("numbered above"),
            role: pack_role,
            character,
        })
    }
}

fn pack_clip(
    conn: &Connection,
    id: i64,
    keys: Option<&ClipKeys>,
    n: &Numbers,
    with_notes: bool,
) -> Result<PackClip> {
    let (title, source_url, episode, note): (String, Option<String>, Option<i64>, Option<String>) = conn.query_row(
        "SELECT c.title, c.source_url, e.number, c.note FROM clip c LEFT JOIN episode e ON e.id = c.episode_id
         WHERE c.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    let mut credits = Vec::new();
    for row in cast_rows(
        conn,
        "SELECT person_id, role_id, character FROM credit WHERE clip_id = ?1 ORDER BY rowid",
        id,
    )? {
        credits.push(n.cast(conn, row)?);
    }
    let mut statement = conn.prepare_cached(
        "SELECT id, start_ms, end_ms, title, scene_id, note, quote, created_at FROM marker
         WHERE clip_id = ?1 ORDER BY start_ms, id",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        i64,
        Option<i64>,
        Option<String>,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
    )> = statement
        .query_map(params![id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut markers = Vec::new();
    for (marker, start_ms, end_ms, title, scene, marker_note, quote, created_at) in rows {
        let mut cast = Vec::new();
        for row in cast_rows(
            conn,
            "SELECT person_id, role_id, character FROM marker_person WHERE marker_id = ?1 ORDER BY rowid",
            marker,
        )? {
            cast.push(n.cast(conn, row)?);
        }
        markers.push(MarkerRecord {
            start_ms,
            end_ms,
            title,
            scene: scene.and_then(|s| n.scenes.get(s)),
            cast,
            tags: column(conn, "SELECT tag_id FROM marker_tag WHERE marker_id = ?1 ORDER BY rowid", marker)?
                .into_iter()
                .filter_map(|t| n.tags.get(t))
                .collect(),
            note: marker_note.filter(|_| with_notes),
            quote,
            created_at,
        });
    }
    let pack_keys = match keys {
        Some(keys) => PackKeys {
            source: keys.source.clone(),
            oshash: keys.oshashes.clone(),
            duration_ms: keys.duration_ms,
            phash: keys.phash.map(phash_text),
            audio: keys.audio.as_deref().map(audio_text),
        },
        None => PackKeys::default(),
    };
    Ok(PackClip {
        title,
        source_url,
        keys: pack_keys,
        episode,
        scenes: column(conn, "SELECT scene_id FROM clip_scene WHERE clip_id = ?1 ORDER BY rowid", id)?
            .into_iter()
            .filter_map(|s| n.scenes.get(s))
            .collect(),
        tags: column(conn, "SELECT tag_id FROM clip_tag WHERE clip_id = ?1 ORDER BY rowid", id)?
            .into_iter()
            .filter_map(|t| n.tags.get(t))
            .collect(),
        credits,
        markers,
        note: note.filter(|_| with_notes),
    })
}
