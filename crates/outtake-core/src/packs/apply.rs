//! Applying a matched pack: the show, people and tags merge by name and
//! alias as an export's do; each matched clip gets the pack's scenes, tags,
//! credits and markers (times moved by the match's shift), and the show when
//! it has none. What the library has is kept, and nothing is duplicated, so
//! a second import of the same pack changes nothing.

use rusqlite::{Connection, params};

use super::format::{PackClip, PackFile};
use super::{PackClipMatch, PackReport};
use crate::error::{Error, Result};
use crate::export::ImportReport;
use crate::export::format::MarkerRecord;
use crate::export::merge::{Mapping, import_marker, import_person, import_show, import_tag};
use crate::names::clean_optional;
use crate::shows::ensure_episode;

type Located<T> = std::result::Result<T, (String, Error)>;

fn at(place: impl Fn() -> String) -> impl Fn(Error) -> (String, Error) {
    move |error| (place(), error)
}

pub(super) fn apply(conn: &Connection, pack: &PackFile, matches: &[PackClipMatch]) -> Located<PackReport> {
    let mut merged = ImportReport::default();
    let mut map = Mapping::default();
    import_show(conn, &pack.show, &mut map, &mut merged).map_err(at(|| "show".into()))?;
    for (i, person) in pack.people.iter().enumerate() {
        import_person(conn, person, &mut map, &mut merged).map_err(at(|| format!("people[{i}]")))?;
    }
    for (i, tag) in pack.tags.iter().enumerate() {
        import_tag(conn, tag, &mut map, &mut merged).map_err(at(|| format!("tags[{i}]")))?;
    }
    let mut report = PackReport {
        show: pack.show.title.clone(),
        clips: matches.to_vec(),
        matched: matches.iter().filter(|m| m.clip_id.is_some()).count(),
        unmatched: matches.iter().filter(|m| m.clip_id.is_none()).count(),
        people_added: merged.people_added,
        people_merged: merged.people_merged,
        tags_added: merged.tags_added,
        ..PackReport::default()
    };
    for found in matches {
        let Some(clip_id) = found.clip_id else { continue };
        let i = found.index;
        apply_clip(conn, clip_id, &pack.clips[i], found.shift_ms, map.show[&pack.show.id], &map, &mut report)
            .map_err(at(|| format!("clips[{i}]")))?;
    }
    Ok(report)
}

fn apply_clip(
    conn: &Connection,
    clip_id: i64,
    clip: &PackClip,
    shift_ms: i64,
    show_id: i64,
    map: &Mapping,
    report: &mut PackReport,
) -> Result<()> {
    let episode_id = clip.episode.map(|n| ensure_episode(conn, show_id, n)).transpose()?;
    conn.execute(
        "UPDATE clip SET episode_id = CASE WHEN show_id IS NULL THEN ?3 ELSE episode_id END,
             show_id = coalesce(show_id, ?2), note = coalesce(note, ?4)
         WHERE id = ?1",
        params![clip_id, show_id, episode_id, clean_optional("note", clip.note.as_deref())?],
    )?;
    for scene in &clip.scenes {
        conn.execute(
            "INSERT OR IGNORE INTO clip_scene (clip_id, scene_id) VALUES (?1, ?2)",
            [clip_id, map.scene[scene]],
        )?;
    }
    for tag in &clip.tags {
        conn.execute(
            "INSERT OR IGNORE INTO clip_tag (clip_id, tag_id) VALUES (?1, ?2)",
            [clip_id, map.tag[tag]],
        )?;
    }
    for credit in &clip.credits {
        report.credits_added += conn.execute(
            "INSERT OR IGNORE INTO credit (clip_id, person_id, role_id, character) VALUES (?1, ?2, ?3, ?4)",
            params![
                clip_id,
                map.person[&credit.person],
                credit.role.map(|r| map.role[&r]),
                clean_optional("character", credit.character.as_deref())?
            ],
        )?;
    }
    let duration: Option<i64> =
        conn.query_row("SELECT duration_ms FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))?;
    let mut merged = ImportReport::default();
    for (j, marker) in clip.markers.iter().enumerate() {
        let start_ms = marker.start_ms + shift_ms;
        if start_ms < 0 || duration.is_some_and(|d| start_ms > d) {
            report.markers_outside += 1;
            continue;
        }
        let end_ms = marker.end_ms.map(|end| (end + shift_ms).max(start_ms));
        let end_ms = match (end_ms, duration) {
            (Some(end), Some(d)) => Some(end.min(d)),
            (end, _) => end,
        };
        let moved = MarkerRecord {
            start_ms,
            end_ms,
            title: marker.title.clone(),
            scene: marker.scene,
            cast: marker.cast.clone(),
            tags: marker.tags.clone(),
            note: marker.note.clone(),
            quote: marker.quote.clone(),
            created_at: marker.created_at.clone(),
        };
        import_marker(conn, clip_id, &moved, map, &mut merged)
            .map_err(|e| Error::invalid(format!("markers[{j}]"), e.to_string()))?;
    }
    report.markers_added += merged.markers_added;
    Ok(())
}
