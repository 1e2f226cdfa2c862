//! What a Matroska/WebM file says about its video beyond the tracks: the
//! Segment's `Tags` (global ones, and a track's language), its `Chapters`, and
//! where an attached cover picture lies. Elements after the media data (where
//! mkvmerge puts tags) are found through the `SeekHead`. A damaged element is
//! left out and named in `damaged`; it never fails the probe.

use std::io::{Read, Seek, SeekFrom};

use super::bytes::uint;
use super::ebml::{children, exact_children, header};
use super::{Chapter, Cover, MAX_CHAPTERS, Metadata, tag_text};

pub(super) const SEEK_HEAD: u32 = 0x114D_9B74;
const SEEK: u32 = 0x4DBB;
const SEEK_ID: u32 = 0x53AB;
const SEEK_POSITION: u32 = 0x53AC;
pub(super) const TAGS: u32 = 0x1254_C367;
const TAG: u32 = 0x7373;
const TARGETS: u32 = 0x63C0;
const TARGET_TYPE_VALUE: u32 = 0x68CA;
const TAG_TRACK_UID: u32 = 0x63C5;
const TAG_OTHER_UIDS: [u32; 3] = [0x63C9, 0x63C4, 0x63C6];
const SIMPLE_TAG: u32 = 0x67C8;
const TAG_NAME: u32 = 0x45A3;
const TAG_STRING: u32 = 0x4487;
pub(super) const CHAPTERS: u32 = 0x1043_A770;
const EDITION_ENTRY: u32 = 0x45B9;
const EDITION_FLAG_DEFAULT: u32 = 0x45DB;
const CHAPTER_ATOM: u32 = 0xB6;
const CHAPTER_TIME_START: u32 = 0x91;
const CHAPTER_TIME_END: u32 = 0x92;
const CHAPTER_FLAG_HIDDEN: u32 = 0x98;
const CHAPTER_FLAG_ENABLED: u32 = 0x4598;
const CHAPTER_DISPLAY: u32 = 0x80;
const CHAP_STRING: u32 = 0x85;
pub(super) const ATTACHMENTS: u32 = 0x1941_A469;
const ATTACHED_FILE: u32 = 0x61A7;
const FILE_NAME: u32 = 0x466E;
const FILE_MIME_TYPE: u32 = 0x4660;
const FILE_DATA: u32 = 0x465C;

/// Attached files looked at (fonts of a fansub are a few dozen).
const MAX_ATTACHMENTS: usize = 256;
/// An attachment's name or type longer than this is not kept whole.
const MAX_NAME: u64 = 1024;

/// What the Segment carries besides its tracks.
#[derive(Debug, Default)]
pub(super) struct Embedded {
    pub metadata: Metadata,
    pub chapters: Vec<Chapter>,
    pub cover: Option<Cover>,
    pub damaged: Vec<String>,
    /// Languages the tags give tracks, by TrackUID.
    pub track_languages: Vec<(u64, String)>,
    long_description: Option<String>,
}

/// Where the SeekHead says top-level elements are: (id, offset from the Segment's data).
pub(super) fn seek_entries(data: &[u8]) -> Vec<(u32, u64)> {
    children(data)
        .into_iter()
        .filter(|(id, _)| *id == SEEK)
        .filter_map(|(_, seek)| {
            let fields = children(seek);
            let id = fields.iter().find(|(id, _)| *id == SEEK_ID).and_then(|(_, v)| uint(v))?;
            let at = fields.iter().find(|(id, _)| *id == SEEK_POSITION).and_then(|(_, v)| uint(v))?;
            Some((u32::try_from(id).ok()?, at))
        })
        .collect()
}

impl Embedded {
    pub(super) fn damaged(&mut self, element: &str, why: &str) {
        self.damaged.push(format!("metadata {element}: {why}; it was left out"));
    }

    pub(super) fn tags(&mut self, data: &[u8]) {
        let (tags, damage) = exact_children(data);
        for (id, tag) in tags {
            if id == TAG {
                self.tag(tag);
            }
        }
        if let Some(why) = damage {
            self.damaged("Tags", &why);
        }
    }

    fn tag(&mut self, tag: &[u8]) {
        let (fields, damage) = exact_children(tag);
        if let Some(why) = damage {
            self.damaged("Tags/Tag", &why);
        }
        let targets =
            fields.iter().find(|(id, _)| *id == TARGETS).map(|(_, t)| children(t)).unwrap_or_default();
        let level = targets.iter().find(|(id, _)| *id == TARGET_TYPE_VALUE).and_then(|(_, v)| uint(v));
        let track = targets.iter().find(|(id, _)| *id == TAG_TRACK_UID).and_then(|(_, v)| uint(v));
        let other = targets.iter().any(|(id, v)| TAG_OTHER_UIDS.contains(id) && uint(v).unwrap_or(0) != 0);
        for (id, simple) in &fields {
            if *id != SIMPLE_TAG {
                continue;
            }
            let parts = children(simple);
            let text =
                |wanted: u32| parts.iter().find(|(id, _)| *id == wanted).and_then(|(_, v)| tag_text(v));
            let (Some(name), Some(value)) = (text(TAG_NAME), text(TAG_STRING)) else { continue };
            let name = name.to_ascii_uppercase();
            match track.filter(|uid| *uid != 0) {
                Some(uid) if name == "LANGUAGE" => self.track_languages.push((uid, value)),
                Some(_) => {}
                None if other => {}
                None => self.field(&name, value, level.unwrap_or(50)),
            }
        }
    }

    /// A global tag; at the collection level (70) a TITLE names the show.
    fn field(&mut self, name: &str, value: String, level: u64) {
        let metadata = &mut self.metadata;
        let slot = match name {
            "TITLE" if level >= 70 => &mut metadata.show,
            "TITLE" => &mut metadata.title,
            "ARTIST" | "AUTHOR" => &mut metadata.artist,
            "DATE_RELEASED" | "DATE" => &mut metadata.date,
            "DESCRIPTION" => &mut metadata.description,
            "SYNOPSIS" | "SUMMARY" => &mut self.long_description,
            "COMMENT" => &mut metadata.comment,
            "PURL" | "URL" => &mut metadata.url,
            "SHOW" => &mut metadata.show,
            "EPISODE_SORT" | "EPISODE" => {
                metadata.episode = metadata.episode.or(value.trim().parse().ok());
                return;
            }
            "SEASON_NUMBER" | "SEASON" => {
                metadata.season = metadata.season.or(value.trim().parse().ok());
                return;
            }
            _ => return,
        };
        slot.get_or_insert(value);
    }

    /// The Info element's own title (ffmpeg writes the title there, not in Tags).
    pub(super) fn info_title(&mut self, title: &[u8]) {
        if let Some(title) = tag_text(title) {
            self.metadata.title.get_or_insert(title);
        }
    }

    /// Chapters of the default edition (the first when none is marked), top level only.
    pub(super) fn chapters(&mut self, data: &[u8]) {
        let (editions, damage) = exact_children(data);
        if let Some(why) = damage {
            self.damaged("Chapters", &why);
        }
        let editions: Vec<&[u8]> =
            editions.into_iter().filter(|(id, _)| *id == EDITION_ENTRY).map(|(_, e)| e).collect();
        let is_default = |edition: &&&[u8]| {
            children(edition).iter().any(|(id, v)| *id == EDITION_FLAG_DEFAULT && uint(v) == Some(1))
        };
        let Some(edition) = editions.iter().find(is_default).or(editions.first()) else { return };
        let (atoms, damage) = exact_children(edition);
        if let Some(why) = damage {
            self.damaged("Chapters/EditionEntry", &why);
        }
        for (id, atom) in atoms {
            if id != CHAPTER_ATOM || self.chapters.len() >= MAX_CHAPTERS {
                continue;
            }
            let (fields, damage) = exact_children(atom);
            if let Some(why) = damage {
                self.damaged("Chapters/EditionEntry/ChapterAtom", &why);
                continue;
            }
            let number = |wanted: u32| fields.iter().find(|(id, _)| *id == wanted).and_then(|(_, v)| uint(v));
            if number(CHAPTER_FLAG_HIDDEN) == Some(1) || number(CHAPTER_FLAG_ENABLED) == Some(0) {
                continue;
            }
            let title = fields
                .iter()
                .filter(|(id, _)| *id == CHAPTER_DISPLAY)
                .find_map(|(_, display)| children(display).into_iter().find(|(id, _)| *id == CHAP_STRING))
                .and_then(|(_, text)| tag_text(text));
            let ms = |ns: u64| i64::try_from(ns / 1_000_000).ok();
            let (Some(start_ms), Some(title)) = (number(CHAPTER_TIME_START).and_then(ms), title) else {
                continue;
            };
            let end_ms = number(CHAPTER_TIME_END).and_then(ms).filter(|end| *end > start_ms);
            self.chapters.push(Chapter { start_ms, end_ms, title });
        }
    }

    /// Walks the Attachments element at `at` (`size` bytes) with seeks, never
    /// reading an attachment's data, and keeps where a cover picture lies.
    pub(super) fn attachments(&mut self, reader: &mut (impl Read + Seek), at: u64, size: u64, file_len: u64) {
        let end = at.saturating_add(size).min(file_len);
        let mut pos = at;
        for _ in 0..MAX_ATTACHMENTS {
            if pos >= end {
                return;
            }
            let Some((id, Some(size), head)) = header_at(reader, pos) else {
                return self.damaged("Attachments", &format!("a damaged element header at byte {pos}"));
            };
            let data_at = pos + head;
            if data_at.saturating_add(size) > end {
                return self
                    .damaged("Attachments", &format!("an attachment claims {size} bytes past the end"));
            }
            if id == ATTACHED_FILE && self.cover.is_none() {
                self.cover = cover(reader, data_at, size);
            }
            pos = data_at + size;
        }
    }

    /// Settles what several tags can say: the longer description wins.
    pub(super) fn finish(&mut self) {
        if let Some(long) = self.long_description.take()
            && self.metadata.description.as_ref().is_none_or(|short| long.len() >= short.len())
        {
            self.metadata.description = Some(long);
        }
        super::mp4_meta::settle_comment(&mut self.metadata);
    }
}

fn header_at(reader: &mut (impl Read + Seek), at: u64) -> Option<(u32, Option<u64>, u64)> {
    reader.seek(SeekFrom::Start(at)).ok()?;
    header(reader)
}

/// The data of an AttachedFile named `cover*` or `thumbnail*` that is a picture.
fn cover(reader: &mut (impl Read + Seek), at: u64, size: u64) -> Option<Cover> {
    let (mut name, mut mime, mut data) = (String::new(), String::new(), None);
    let mut pos = at;
    while pos < at + size {
        let (id, Some(len), head) = header_at(reader, pos)? else { return None };
        match id {
            FILE_NAME | FILE_MIME_TYPE if len <= MAX_NAME => {
                let mut bytes = Vec::new();
                reader.by_ref().take(len).read_to_end(&mut bytes).ok()?;
                let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
                if id == FILE_NAME { name = text } else { mime = text }
            }
            FILE_DATA => data = Some(Cover { offset: pos + head, len }),
            _ => {}
        }
        pos = pos.checked_add(head + len)?;
    }
    let named = name.starts_with("cover") || name.starts_with("thumbnail");
    let picture = mime.starts_with("image/")
        || [".jpg", ".jpeg", ".png", ".webp"].iter().any(|ext| name.ends_with(ext));
    data.filter(|d| named && picture && d.len > 0 && d.offset + d.len <= at + size)
}
