//! Import: an export's records merged into a library. Shows, people and tags
//! merge by name, clips by fingerprint or path; what the library already has
//! is kept, and nothing is duplicated.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::format::{
    ClipRecord, CueRecord, FileRecord, LibraryFile, MarkerRecord, PersonRecord, SavedSearchRecord,
    ShowRecord, TagRecord,
};
use crate::aliases::{self, AliasTable};
use crate::clips::{ClipInput, FileInput, check_clip_numbers, insert_clip, insert_file};
use crate::cues::{CueInput, CueSource, insert_lines};
use crate::dates::{check_date, check_instant, check_optional_instant};
use crate::error::{Error, Result};
use crate::markers::{MarkerInput, insert_marker};
use crate::names::{clean_optional, name_key};
use crate::paths::{PATH_KEY, StoredPath};
use crate::people::{PersonInput, RoleInput, insert_person, insert_role, load_person, people_named};
use crate::shows::{ShowInput, ensure_episode, insert_show, same_show};
use crate::tags::{add_alias, add_parent, full_name, insert_tag, tag_key};

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

/// File id → database id, per kind, filled as records are imported.
#[derive(Default)]
pub(crate) struct Mapping {
    pub(crate) show: HashMap<i64, i64>,
    pub(crate) scene: HashMap<i64, i64>,
    pub(crate) person: HashMap<i64, i64>,
    pub(crate) role: HashMap<i64, i64>,
    pub(crate) tag: HashMap<i64, i64>,
}

pub(super) type Located<T> = std::result::Result<T, (String, Error)>;

fn at(place: impl Fn() -> String) -> impl Fn(Error) -> (String, Error) {
    move |error| (place(), error)
}

pub(super) fn import_file(conn: &Connection, file: &LibraryFile) -> Located<ImportReport> {
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
        let path = crate::folders::check_folder_path(&folder.path).map_err(at(place))?;
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
    let name = crate::names::clean_lookup_name("name", &saved.name)?;
    crate::search::query::parse(&saved.query)?;
    conn.execute(
        "INSERT OR IGNORE INTO saved_search (name, key, query) VALUES (?1, ?2, ?3)",
        params![name, name_key(&name), saved.query.trim()],
    )?;
    Ok(())
}

pub(crate) fn import_show(
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
    // Merged fields are cleaned as a new show's are (blank is none).
    let native = crate::names::clean_optional_lookup_name("native title", input.native_title.as_deref())?;
    let network = clean_optional("network", input.network.as_deref())?;
    let id = match same_show(conn, &input)? {
        Some(id) => {
            conn.execute(
                "UPDATE show SET native_title = coalesce(native_title, ?2), native_key = coalesce(native_key, ?3),
                 network = coalesce(network, ?4), year = coalesce(year, ?5) WHERE id = ?1",
                params![id, native, native.as_deref().map(name_key), network, input.year],
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
        let title = crate::names::clean_lookup_name("scene title", &scene.title)?;
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

pub(crate) fn import_person(
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
    // Cleaned as a new person's is (a blank native name is none).
    let native = crate::names::clean_optional_lookup_name("native name", record.native_name.as_deref())?;
    let id = match existing {
        Some(id) => {
            let known = load_person(conn, id)?;
            // A native name that is the person's own name already (the file's
            // "김유정" found the library's 김유정) is not a second name.
            conn.execute(
                "UPDATE person SET native_name = coalesce(native_name, ?2), native_key = coalesce(native_key, ?3)
                 WHERE id = ?1 AND name_key IS NOT ?3",
                params![id, native, native.as_deref().map(name_key)],
            )?;
            let own = [Some(name_key(&known.name)), known.native_name.as_deref().map(name_key)];
            let mut names = vec![record.name.clone()];
            names.extend(record.native_name.clone());
            names.extend(record.aliases.iter().cloned());
            // A blank native name is no name (a new person's is dropped the same way).
            names.retain(|n| !n.trim().is_empty() && !own.contains(&Some(name_key(n))));
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

pub(crate) fn import_tag(
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

/// A file record's path: its exact bytes when it has them.
fn stored_path(file: &FileRecord) -> std::result::Result<StoredPath, String> {
    StoredPath::from_columns(file.path.clone(), file.path_bytes.as_deref())
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
        let Ok(path) = stored_path(file) else { continue };
        let found = conn
            .query_row(&format!("SELECT clip_id FROM file WHERE {PATH_KEY} = ?1"), [path.key()], |r| r.get(0))
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
        let path = stored_path(file).map_err(|why| Error::invalid(format!("files[{j}].path_bytes"), why))?;
        let taken: bool = conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM file WHERE {PATH_KEY} = ?1)"),
            [path.key()],
            |r| r.get(0),
        )?;
        if !taken {
            let input = FileInput {
                path,
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

pub(crate) fn import_marker(
    conn: &Connection,
    clip_id: i64,
    marker: &MarkerRecord,
    map: &Mapping,
    report: &mut ImportReport,
) -> Result<()> {
    // Compared as it would be stored (a decomposed "é", a blank title), so
    // the same marker imported twice is found the second time (the pack fuzzer's find).
    let title = clean_optional("marker title", marker.title.as_deref())?;
    let duplicate: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM marker WHERE clip_id = ?1 AND start_ms = ?2 AND end_ms IS ?3 AND title IS ?4)",
        params![clip_id, marker.start_ms, marker.end_ms, title],
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

/// The file's lines, by language and where they came from. Lines of a
/// language and source the clip already has came from the same place (the
/// subtitle file beside it, a reading of its picture): the library's stay.
/// Lines a machine made mark the clip as read, so it is not read again.
fn import_cues(conn: &Connection, clip_id: i64, cues: &[CueRecord], report: &mut ImportReport) -> Result<()> {
    type Group<'a> = ((&'a str, CueSource, bool), Vec<CueInput>);
    let mut groups: Vec<Group> = Vec::new();
    for cue in cues {
        let mut input = CueInput::new(cue.start_ms, cue.end_ms, cue.text.clone());
        // Checked when the file was read: only `sign` and `song`, `screen` and `speech` get here.
        input.kind = cue.kind.as_deref().and_then(crate::cues::CueKind::from_name).unwrap_or_default();
        let source = cue.source.as_deref().map(CueSource::from_name).unwrap_or_default();
        let key = (cue.lang.as_str(), source, cue.machine);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(input),
            None => groups.push((key, vec![input])),
        }
    }
    let had: Vec<(String, String)> = conn
        .prepare("SELECT DISTINCT lang, source FROM cue WHERE clip_id = ?1")?
        .query_map([clip_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for ((lang, source, machine), list) in groups {
        if had.iter().any(|(l, s)| l == lang && s == source.as_str()) {
            continue;
        }
        let added = insert_lines(conn, clip_id, lang, &list, source, machine)?;
        report.cues_added += added;
        if source != CueSource::File {
            conn.execute(
                "INSERT INTO machine_read (clip_id, source, lines, read_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (clip_id, source) DO UPDATE SET lines = lines + excluded.lines",
                params![clip_id, source.as_str(), added as i64, crate::library::now(conn)?],
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::library::Library;

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
