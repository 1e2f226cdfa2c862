//! Reading an export: parsing the JSON (naming the line and record of the
//! first problem) and checking what its records refer to before anything is written.

use std::collections::HashMap;

use super::format::{CastRecord, FORMAT, LibraryFile, READS, VERSION};
use crate::tags::full_name;

/// Parses the JSON, naming the line, column and record path of the first problem.
pub(super) fn parse(bytes: &[u8]) -> Result<LibraryFile, String> {
    parse_from(serde_json::Deserializer::from_slice(bytes))
}

/// Reads one JSON value and nothing after it; an error names the JSON path
/// and the line and column at fault (the export and the pack read alike).
pub(crate) fn deserialize_whole<'de, T: serde::Deserialize<'de>, R: serde_json::de::Read<'de>>(
    deserializer: &mut serde_json::Deserializer<R>,
) -> Result<T, String> {
    let value: T = serde_path_to_error::deserialize(&mut *deserializer).map_err(|error| {
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
    Ok(value)
}

pub(super) fn parse_from<'de, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
) -> Result<LibraryFile, String> {
    let file: LibraryFile = deserialize_whole(&mut deserializer)?;
    if file.format != FORMAT {
        return Err(format!(
            "format: \"{}\" is not an Outtake library export (expected \"{FORMAT}\")",
            file.format
        ));
    }
    if !READS.contains(&file.version) {
        return Err(format!(
            "version: {} is not a version this Outtake reads (it reads 1 to {VERSION})",
            file.version
        ));
    }
    Ok(file)
}

/// Every file id a record refers to must be defined in the file, once.
pub(super) fn check_references(file: &LibraryFile) -> Result<(), String> {
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
        for (j, cue) in clip.cues.iter().enumerate() {
            if let Some(kind) = &cue.kind
                && !matches!(kind.as_str(), "sign" | "song")
            {
                return Err(format!("{at}.cues[{j}].kind: \"{kind}\" is not a kind of line (sign or song)"));
            }
            if let Some(source) = &cue.source
                && !matches!(source.as_str(), "screen" | "speech")
            {
                return Err(format!(
                    "{at}.cues[{j}].source: \"{source}\" is not where a line comes from (screen or speech)"
                ));
            }
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
