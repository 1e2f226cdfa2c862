//! Reading a pack, which is untrusted: a size limit, strict JSON (no unknown
//! field, every type checked), then every record checked before anything is
//! written. A malformed pack is refused whole, and the error names the place
//! at fault as a JSON path (`clips[3].keys.phash`).

use std::collections::HashSet;
use std::path::Path;

use base64::Engine;

use super::format::{FORMAT, PackFile, VERSION};
use crate::error::{Error, Result};
use crate::export::format::CastRecord;

/// The largest pack read: 5,000 clips with an hour of sound each come to
/// about 150 MiB (the sound fingerprints are nearly all of it).
pub const MAX_PACK_BYTES: u64 = 256 << 20;
/// The most clips, people and tags a pack may hold, and markers per clip.
const MAX_CLIPS: usize = 100_000;
const MAX_NAMED: usize = 100_000;
const MAX_MARKERS: usize = 10_000;
/// The longest sound fingerprint: two hours.
const MAX_AUDIO_WORDS: usize = 60_000;

/// Reads and checks the pack at `path`; the error names the file and the place.
pub(crate) fn read_pack(path: &Path) -> Result<PackFile> {
    use std::io::Read;
    let bad = |message: String| Error::BadImport { path: path.to_path_buf(), message };
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(bad("is not a regular file (a folder, device or pipe): name a pack file".into()));
    }
    if meta.len() > MAX_PACK_BYTES {
        return Err(bad(format!(
            "is {} bytes; a pack holds at most {} MiB",
            meta.len(),
            MAX_PACK_BYTES >> 20
        )));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path).map_err(io)?.take(MAX_PACK_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_PACK_BYTES {
        return Err(bad(format!("grew past {} MiB while read", MAX_PACK_BYTES >> 20)));
    }
    parse_pack(&bytes).map_err(bad)
}

/// Parses and checks a pack held in memory.
pub(crate) fn parse_pack(bytes: &[u8]) -> std::result::Result<PackFile, String> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let pack: PackFile = crate::export::deserialize_whole(&mut deserializer)?;
    if pack.format != FORMAT {
        return Err(format!("format: \"{}\" is not an Outtake pack (expected \"{FORMAT}\")", pack.format));
    }
    if pack.version != VERSION {
        return Err(format!(
            "version: {} is not a version this Outtake reads (it reads {VERSION})",
            pack.version
        ));
    }
    check(&pack)?;
    Ok(pack)
}

/// Ids defined once each, and returned.
fn defined(
    kind: &str,
    ids: impl Iterator<Item = (String, i64)>,
) -> std::result::Result<HashSet<i64>, String> {
    let mut seen = HashSet::new();
    for (at, id) in ids {
        if !seen.insert(id) {
            return Err(format!("{at}.id: {kind} id {id} is used twice"));
        }
    }
    Ok(seen)
}

fn need(at: String, kind: &str, ids: &HashSet<i64>, id: i64) -> std::result::Result<(), String> {
    if ids.contains(&id) { Ok(()) } else { Err(format!("{at}: no {kind} with id {id} in this pack")) }
}

fn check(pack: &PackFile) -> std::result::Result<(), String> {
    for (field, count, most) in [
        ("clips", pack.clips.len(), MAX_CLIPS),
        ("people", pack.people.len(), MAX_NAMED),
        ("tags", pack.tags.len(), MAX_NAMED),
    ] {
        if count > most {
            return Err(format!("{field}: holds {count} {field}; a pack holds at most {most}"));
        }
    }
    if pack.show.title.trim().is_empty() {
        return Err("show.title: is empty".into());
    }
    let scenes = defined(
        "scene",
        pack.show.scenes.iter().enumerate().map(|(i, s)| (format!("show.scenes[{i}]"), s.id)),
    )?;
    let people =
        defined("person", pack.people.iter().enumerate().map(|(i, p)| (format!("people[{i}]"), p.id)))?;
    let roles = defined(
        "role",
        pack.people.iter().enumerate().flat_map(|(i, p)| {
            p.roles.iter().enumerate().map(move |(j, r)| (format!("people[{i}].roles[{j}]"), r.id))
        }),
    )?;
    let tags = defined("tag", pack.tags.iter().enumerate().map(|(i, t)| (format!("tags[{i}]"), t.id)))?;
    for (i, person) in pack.people.iter().enumerate() {
        for (j, role) in person.roles.iter().enumerate() {
            if role.show != pack.show.id {
                return Err(format!(
                    "people[{i}].roles[{j}].show: {} is not the pack's show ({})",
                    role.show, pack.show.id
                ));
            }
        }
    }
    for (i, tag) in pack.tags.iter().enumerate() {
        if !tag.parents.is_empty() {
            return Err(format!("tags[{i}].parents: a pack does not carry how tags nest"));
        }
    }
    let check_cast = |at: String, cast: &[CastRecord]| -> std::result::Result<(), String> {
        for (k, member) in cast.iter().enumerate() {
            need(format!("{at}[{k}].person"), "person", &people, member.person)?;
            if let Some(role) = member.role {
                need(format!("{at}[{k}].role"), "role", &roles, role)?;
            }
        }
        Ok(())
    };
    for (i, clip) in pack.clips.iter().enumerate() {
        let at = format!("clips[{i}]");
        if let Some(url) = &clip.source_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(format!("{at}.source_url: \"{url}\" is not a web address (http or https)"));
        }
        if let Some(episode) = clip.episode
            && episode < 0
        {
            return Err(format!("{at}.episode: {episode} is not an episode number"));
        }
        for (j, scene) in clip.scenes.iter().enumerate() {
            need(format!("{at}.scenes[{j}]"), "scene", &scenes, *scene)?;
        }
        for (j, tag) in clip.tags.iter().enumerate() {
            need(format!("{at}.tags[{j}]"), "tag", &tags, *tag)?;
        }
        check_cast(format!("{at}.credits"), &clip.credits)?;
        if clip.markers.len() > MAX_MARKERS {
            return Err(format!("{at}.markers: more than {MAX_MARKERS} markers"));
        }
        for (j, marker) in clip.markers.iter().enumerate() {
            if marker.start_ms < 0 || marker.end_ms.is_some_and(|end| end < marker.start_ms) {
                return Err(format!("{at}.markers[{j}]: starts before 0 or ends before it starts"));
            }
            if let Some(scene) = marker.scene {
                need(format!("{at}.markers[{j}].scene"), "scene", &scenes, scene)?;
            }
            for (k, tag) in marker.tags.iter().enumerate() {
                need(format!("{at}.markers[{j}].tags[{k}]"), "tag", &tags, *tag)?;
            }
            check_cast(format!("{at}.markers[{j}].cast"), &marker.cast)?;
        }
        check_keys(&format!("{at}.keys"), &clip.keys)?;
    }
    Ok(())
}

fn is_hex16(text: &str) -> bool {
    text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_keys(at: &str, keys: &super::format::PackKeys) -> std::result::Result<(), String> {
    for (j, hash) in keys.oshash.iter().enumerate() {
        if !is_hex16(hash) {
            return Err(format!("{at}.oshash[{j}]: \"{hash}\" is not 16 hex digits"));
        }
    }
    if let Some(phash) = &keys.phash
        && !is_hex16(phash)
    {
        return Err(format!("{at}.phash: \"{phash}\" is not 16 hex digits"));
    }
    if keys.duration_ms.is_some_and(|d| d < 0) {
        return Err(format!("{at}.duration_ms: is negative"));
    }
    if let Some(source) = &keys.source
        && (!source.contains(':') || source.len() > 300)
    {
        return Err(format!("{at}.source: \"{source}\" is not a site and an id (site:id)"));
    }
    if let Some(audio) = &keys.audio {
        audio_words(audio).map_err(|why| format!("{at}.audio: {why}"))?;
    }
    Ok(())
}

/// A pack's sound fingerprint as words.
pub(crate) fn audio_words(text: &str) -> std::result::Result<Vec<u32>, String> {
    if text.len() > MAX_AUDIO_WORDS * 4 * 4 / 3 + 4 {
        return Err(format!("is longer than {MAX_AUDIO_WORDS} words (two hours of sound)"));
    }
    let bytes =
        base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| format!("is not base64: {e}"))?;
    if bytes.len() % 4 != 0 || bytes.is_empty() {
        return Err("is not a whole number of 32-bit words".into());
    }
    Ok(crate::keys::audio::from_bytes(&bytes))
}

/// A phash as a pack writes it.
pub(crate) fn phash_text(phash: u64) -> String {
    format!("{phash:016x}")
}

/// A pack's phash (checked to be 16 hex digits).
pub(crate) fn phash_value(text: &str) -> Option<u64> {
    u64::from_str_radix(text, 16).ok()
}

/// A sound fingerprint as a pack writes it.
pub(crate) fn audio_text(words: &[u32]) -> String {
    base64::engine::general_purpose::STANDARD.encode(crate::keys::audio::to_bytes(words))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack with `clips` clips, `people` people and `tags` tags, each as
    /// small as a record can be (every field has a default; people and tags
    /// need ids of their own).
    fn pack_of(clips: usize, people: usize, tags: usize) -> Vec<u8> {
        let numbered = |n: usize| (0..n).map(|id| format!(r#"{{"id":{id}}}"#)).collect::<Vec<_>>().join(",");
        format!(
            r#"{{"format":"{FORMAT}","version":{VERSION},"show":{{"title":"Lovers of the Red Sky"}},"clips":[{}],"people":[{}],"tags":[{}]}}"#,
            vec!["{}"; clips].join(","),
            numbered(people),
            numbered(tags)
        )
        .into_bytes()
    }

    #[test]
    fn a_pack_past_the_size_limit_is_refused_unread_naming_the_limit_and_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.outtake-pack.json");
        // Sparse: the size is there, the 256 MiB of bytes are not written.
        std::fs::File::create(&path).unwrap().set_len(MAX_PACK_BYTES + 1).unwrap();
        let error = read_pack(&path).unwrap_err().to_string();
        let limit = format!("at most {} MiB", MAX_PACK_BYTES >> 20);
        assert!(
            error.contains(&path.display().to_string())
                && error.contains(&limit)
                && error.contains(&(MAX_PACK_BYTES + 1).to_string()),
            "{error}"
        );
        assert_eq!(MAX_PACK_BYTES, 256 * 1024 * 1024);
    }

    #[test]
    fn a_pack_with_too_many_clips_people_or_tags_is_refused_naming_which() {
        for (clips, people, tags, field, most) in [
            (MAX_CLIPS + 1, 0, 0, "clips", MAX_CLIPS),
            (0, MAX_NAMED + 1, 0, "people", MAX_NAMED),
            (0, 0, MAX_NAMED + 1, "tags", MAX_NAMED),
        ] {
            // Not unwrap_err: a pack read by mistake would print all of its records.
            let error = match parse_pack(&pack_of(clips, people, tags)) {
                Err(error) => error,
                Ok(_) => panic!("a pack of {clips} clips, {people} people and {tags} tags was read"),
            };
            let expected = format!("{field}: holds {} {field}; a pack holds at most {most}", most + 1);
            assert_eq!(error, expected);
        }
        // At the limits, the same pack is read.
        let pack = parse_pack(&pack_of(MAX_CLIPS, MAX_NAMED, MAX_NAMED)).unwrap();
        assert_eq!((pack.clips.len(), pack.people.len(), pack.tags.len()), (MAX_CLIPS, MAX_NAMED, MAX_NAMED));
    }
}
