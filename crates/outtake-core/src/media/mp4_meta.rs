//! What an MP4/MOV movie header says about its video beyond the tracks: the
//! iTunes-style tags in `udta/meta/ilst` (four-letter keys or QuickTime's
//! `mdta` key names), QuickTime's `udta` ©-atoms, Nero chapters (`chpl`), and
//! where the cover art (`covr`) lies. All of it is read from the `moov` bytes
//! already in memory; a damaged box is left out and named in `damaged`.

use super::boxes::{boxes, child, damage};
use super::bytes::{u16_at, u32_at, u64_at};
use super::{Chapter, Cover, MAX_CHAPTERS, Metadata, tag_text};

/// What the movie header carries besides its tracks.
#[derive(Debug, Default)]
pub(super) struct Embedded {
    pub metadata: Metadata,
    pub chapters: Vec<Chapter>,
    pub cover: Option<Cover>,
    pub damaged: Vec<String>,
}

/// Reads `moov/udta` (and `moov/meta`, where QuickTime puts `mdta` tags);
/// `moov_at` is where the `moov` payload starts in the file.
pub(super) fn read(moov: &[u8], moov_at: u64) -> Embedded {
    let mut found = Reader { moov, moov_at, out: Embedded::default(), long_description: None };
    if let Some((kind, why)) = damage(moov)
        && matches!(kind.as_slice(), b"udta" | b"meta")
    {
        found.damaged(format!("moov: {why}"));
    }
    for (kind, payload) in boxes(moov) {
        match kind {
            b"udta" => found.udta(payload),
            b"meta" => found.meta(payload, "moov/meta"),
            _ => {}
        }
    }
    let mut out = found.out;
    if let Some(long) = found.long_description
        && out.metadata.description.as_ref().is_none_or(|short| long.len() >= short.len())
    {
        out.metadata.description = Some(long);
    }
    settle_comment(&mut out.metadata);
    out
}

/// yt-dlp writes the page's address as the comment (MP4 keeps no `purl` from
/// ffmpeg), and ffmpeg's MOV writer copies the comment into `©des`: a comment
/// that is an address is the source URL, never the description. A comment
/// that is prose describes the video when nothing else does.
pub(super) fn settle_comment(metadata: &mut Metadata) {
    let Some(comment) = metadata.comment.clone() else { return };
    if is_url(&comment) {
        metadata.url.get_or_insert(comment.clone());
        if metadata.description.as_deref() == Some(comment.as_str()) {
            metadata.description = None;
        }
    } else {
        metadata.description.get_or_insert(comment);
    }
}

pub(super) fn is_url(text: &str) -> bool {
    let text = text.trim();
    (text.starts_with("https://") || text.starts_with("http://")) && !text.contains(char::is_whitespace)
}

struct Reader<'a> {
    moov: &'a [u8],
    moov_at: u64,
    out: Embedded,
    long_description: Option<String>,
}

impl Reader<'_> {
    fn damaged(&mut self, why: String) {
        self.out.damaged.push(format!("metadata {why}; it was left out"));
    }

    fn udta(&mut self, udta: &[u8]) {
        if let Some((_, why)) = damage(udta) {
            self.damaged(format!("moov/udta: {why}"));
        }
        for (kind, payload) in boxes(udta) {
            match kind {
                b"meta" => self.meta(payload, "moov/udta/meta"),
                b"chpl" => self.chapters(payload),
                [0xA9, ..] if payload.get(4..8) == Some(b"data") => self.item(kind, payload, "moov/udta"),
                [0xA9, ..] => {
                    if let Some(text) = quicktime_text(payload) {
                        self.field(&latin1(kind), Value::Text(text));
                    }
                }
                _ => {}
            }
        }
    }

    /// A `meta` box: a full box in ISO files, a plain one in QuickTime's.
    fn meta(&mut self, meta: &[u8], path: &str) {
        let inner = if meta.get(4..8) == Some(b"hdlr") { meta } else { meta.get(4..).unwrap_or(&[]) };
        if let Some((_, why)) = damage(inner) {
            self.damaged(format!("{path}: {why}"));
        }
        let keys = child(inner, b"keys").map(key_names);
        let Some(ilst) = child(inner, b"ilst") else { return };
        if let Some((_, why)) = damage(ilst) {
            self.damaged(format!("{path}/ilst: {why}"));
        }
        for (kind, item) in boxes(ilst) {
            let name = match &keys {
                Some(keys) => {
                    let index = u32_at(kind, 0).unwrap_or(0) as usize;
                    let Some(name) = index.checked_sub(1).and_then(|i| keys.get(i)) else { continue };
                    name.clone()
                }
                None => latin1(kind),
            };
            let label = format!("{path}/ilst/{}", name.escape_default());
            self.item_named(&name, item, &label);
        }
    }

    fn item(&mut self, kind: &[u8], item: &[u8], path: &str) {
        let name = latin1(kind);
        let label = format!("{path}/{}", name.escape_default());
        self.item_named(&name, item, &label);
    }

    /// One tag: its `data` boxes (type, locale, value).
    fn item_named(&mut self, name: &str, item: &[u8], label: &str) {
        if let Some((_, why)) = damage(item) {
            self.damaged(format!("{label}: {why}"));
        }
        for (kind, data) in boxes(item) {
            if kind != b"data" || data.len() < 8 {
                continue;
            }
            let kind = u32_at(data, 0).unwrap_or(0) & 0x00FF_FFFF;
            let value = &data[8..];
            let value = match kind {
                1 => tag_text(value).map(Value::Text),
                2 => tag_text(utf16(value).as_bytes()).map(Value::Text),
                13 | 14 | 27 => Some(Value::Picture(value)),
                0 | 21 | 22 => Some(Value::Number(value)),
                _ => None,
            };
            if let Some(value) = value {
                self.field(name, value);
            }
        }
    }

    /// Files one tag's value under the field it fills; the first value of a field wins.
    fn field(&mut self, name: &str, value: Value<'_>) {
        let name = name.strip_prefix("com.apple.quicktime.").unwrap_or(name);
        let metadata = &mut self.out.metadata;
        let slot = match name {
            "©nam" | "title" => &mut metadata.title,
            "©ART" | "©aut" | "artist" | "author" => &mut metadata.artist,
            "©day" | "date" => &mut metadata.date,
            "desc" | "©des" | "©inf" | "description" => &mut metadata.description,
            "ldes" | "synopsis" => &mut self.long_description,
            "©cmt" | "comment" => &mut metadata.comment,
            "purl" | "©url" | "url" => &mut metadata.url,
            "tvsh" | "show" => &mut metadata.show,
            "tves" | "episode_sort" => {
                metadata.episode = metadata.episode.or(value.number());
                return;
            }
            "tvsn" | "season_number" => {
                metadata.season = metadata.season.or(value.number());
                return;
            }
            "covr" => {
                if let (Value::Picture(bytes), None) = (&value, self.out.cover) {
                    let offset =
                        self.moov_at + (bytes.as_ptr() as usize - self.moov.as_ptr() as usize) as u64;
                    self.out.cover = (!bytes.is_empty()).then_some(Cover { offset, len: bytes.len() as u64 });
                }
                return;
            }
            _ => return,
        };
        if slot.is_none()
            && let Value::Text(text) = value
        {
            *slot = Some(text);
        }
    }

    /// Nero's chapter list: version, flags, (a reserved word in version 1), a
    /// count, then per chapter a start in 100 ns units and a length-prefixed title.
    fn chapters(&mut self, chpl: &[u8]) {
        let mut at = if chpl.first() == Some(&0) { 4 } else { 8 };
        let Some(&count) = chpl.get(at) else {
            self.damaged("moov/udta/chpl: the chapter list is cut short".into());
            return;
        };
        at += 1;
        for read in 0..usize::from(count).min(MAX_CHAPTERS) {
            let start = u64_at(chpl, at);
            let len = chpl.get(at + 8).map(|n| usize::from(*n));
            let title = len.and_then(|len| chpl.get(at + 9..at + 9 + len));
            let (Some(start), Some(title)) = (start, title) else {
                self.damaged(format!("moov/udta/chpl: it claims {count} chapters and holds {read}"));
                return;
            };
            at += 9 + title.len();
            let (Ok(start_ms), Some(title)) = (i64::try_from(start / 10_000), tag_text(title)) else {
                continue;
            };
            self.out.chapters.push(Chapter { start_ms, end_ms: None, title });
        }
    }
}

enum Value<'a> {
    Text(String),
    Number(&'a [u8]),
    Picture(&'a [u8]),
}

impl Value<'_> {
    fn number(&self) -> Option<i64> {
        match self {
            Value::Number(bytes) if (1..=8).contains(&bytes.len()) => {
                let negative = bytes[0] & 0x80 != 0;
                let start = if negative { -1i64 } else { 0 };
                Some(bytes.iter().fold(start, |n, b| (n << 8) | i64::from(*b)))
            }
            Value::Text(text) => text.trim().parse().ok(),
            _ => None,
        }
    }
}

/// The names of a QuickTime `keys` box, in order (`ilst` items refer to them from 1).
fn key_names(keys: &[u8]) -> Vec<String> {
    let count = u32_at(keys, 4).unwrap_or(0) as usize;
    let mut names = Vec::new();
    let mut at = 8;
    while names.len() < count.min(4096) {
        let Some(size) = u32_at(keys, at).map(|n| n as usize) else { break };
        let Some(name) = size.checked_sub(8).and_then(|len| keys.get(at + 8..at + 8 + len)) else { break };
        names.push(String::from_utf8_lossy(&name[..name.len().min(256)]).into_owned());
        at += size;
    }
    names
}

/// A QuickTime user-data text: a 16-bit length and language, then the text.
fn quicktime_text(payload: &[u8]) -> Option<String> {
    let len = usize::from(u16_at(payload, 0)?);
    tag_text(payload.get(4..4 + len).unwrap_or(payload.get(4..)?))
}

/// A box type as text: its bytes are Latin-1 (`©nam` starts with 0xA9).
fn latin1(kind: &[u8]) -> String {
    kind.iter().map(|b| char::from(*b)).collect()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]])).collect();
    String::from_utf16_lossy(&units)
}
