//! Reading a video's sidecars into its clip: yt-dlp's `.info.json`,
//! `.description`, thumbnail picture, and subtitle files. A bad sidecar is
//! recorded and reported; it never blocks the video.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::container::take_chapters;
use super::info_json::{self, InfoJson, MAX_DESCRIPTION_CHARS};
use super::store::guess_show;
use super::walk::{self, Found};
use crate::cues::{CueInput, insert_cues};
use crate::error::Result;
use crate::library::Library;
use crate::paths::{PATH_KEY, StoredPath};
use crate::subtitles::{self, MAX_SUBTITLE_BYTES, SubtitleFormat};
use crate::tags::ensure_tag;

/// At most this many of a video's site tags become `yt:` tags (some uploaders add hundreds).
const MAX_SITE_TAGS: usize = 40;
/// A sidecar larger than this is refused unread. yt-dlp's `.info.json` with
/// every format is a few hundred KiB, with comments a few MiB. Subtitle files
/// have a bound of their own, [`MAX_SUBTITLE_BYTES`].
pub const MAX_SIDECAR_BYTES: u64 = 64 * 1024 * 1024;

/// Pictures yt-dlp's `--write-thumbnail` leaves beside a video (`NAME.webp`).
pub(crate) const PICTURE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "png", "webp"];

enum Kind {
    Info,
    /// yt-dlp's `--write-description`: the page's description as text.
    Description,
    /// The thumbnail the uploader chose: the clip's poster (`thumbs.rs` reads it).
    Picture,
    Subtitles(SubtitleFormat),
}

fn kind_of(path: &Path, video: &Path) -> Option<Kind> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".info.json") {
        return Some(Kind::Info);
    }
    let extension = walk::extension(path);
    // Only `NAME.jpg` is the video's own picture; `NAME.something.jpg` is another's.
    if path.file_stem() == video.file_stem() {
        if extension == "description" {
            return Some(Kind::Description);
        }
        if PICTURE_EXTENSIONS.contains(&extension.as_str()) {
            return Some(Kind::Picture);
        }
    }
    SubtitleFormat::from_extension(&extension).map(Kind::Subtitles)
}

impl Library {
    /// Reads one sidecar into a clip unless it is unchanged since last time.
    /// Returns the sidecar's error, if it has one.
    pub(super) fn apply_sidecar(
        &mut self,
        clip_id: i64,
        video: &Path,
        sidecar: &Found,
    ) -> Result<Option<String>> {
        let Some(kind) = kind_of(&sidecar.path, video) else { return Ok(None) };
        let path = &StoredPath::from_path(&sidecar.path);
        let known: Option<(i64, i64, i64, Option<String>)> = self
            .conn
            .query_row(
                &format!("SELECT clip_id, size, mtime_ms, error FROM sidecar WHERE {PATH_KEY} = ?1"),
                [path.key()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        if let Some((known_clip, size, mtime, error)) = known
            && known_clip == clip_id
            && size == sidecar.size as i64
            && mtime == sidecar.mtime_ms
        {
            return Ok(error);
        }
        if let Kind::Picture = kind {
            // The picture is read when the poster is made; a changed one makes it again.
            self.write(|tx| record(tx, path, clip_id, (sidecar.size as i64, sidecar.mtime_ms), None))?;
            self.forget_poster(clip_id)?;
            return Ok(None);
        }
        let limit = match kind {
            Kind::Info | Kind::Description | Kind::Picture => MAX_SIDECAR_BYTES,
            Kind::Subtitles(_) => MAX_SUBTITLE_BYTES as u64,
        };
        let bytes = match read_bounded(&sidecar.path, limit) {
            Ok(bytes) => bytes,
            Err(error) => {
                self.write(|tx| {
                    record(tx, path, clip_id, (sidecar.size as i64, sidecar.mtime_ms), Some(&error))
                })?;
                return Ok(Some(error));
            }
        };
        // The language is in the name's ASCII tail (`.ko.vtt`), which a legacy encoding leaves alone.
        let video_stem = StoredPath::from_path(video).stem_text();
        let file_name =
            Path::new(path.text()).file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let shows = self.show_name_keys()?;
        let applied = self.write(|tx| {
            match kind {
                Kind::Info => {
                    let info = info_json::parse(&bytes)
                        .map_err(|e| crate::Error::invalid("info.json", format!("not readable: {e}")))?;
                    apply_info(tx, clip_id, &info)?;
                    guess_show(tx, clip_id, &shows)?;
                }
                Kind::Description => {
                    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                    let text = crate::names::text_from_file(
                        &String::from_utf8_lossy(bytes),
                        MAX_DESCRIPTION_CHARS,
                        false,
                    );
                    if !text.is_empty() {
                        tx.execute(
                            "UPDATE clip SET description = coalesce(description, ?2) WHERE id = ?1",
                            params![clip_id, text],
                        )?;
                    }
                }
                Kind::Picture => {}
                Kind::Subtitles(format) => {
                    let lang = subtitles::lang_from_file_name(&video_stem, &file_name);
                    apply_subtitles(tx, clip_id, &bytes, format, lang.as_deref())?;
                }
            }
            record(tx, path, clip_id, (sidecar.size as i64, sidecar.mtime_ms), None)
        });
        match applied {
            Ok(()) => Ok(None),
            // The sidecar's own fault: the transaction rolled back; keep the reason.
            Err(error) if error.is_user_error() => {
                let message = error.to_string();
                self.write(|tx| {
                    record(tx, path, clip_id, (sidecar.size as i64, sidecar.mtime_ms), Some(&message))
                })?;
                Ok(Some(message))
            }
            Err(error) => Err(error),
        }
    }
}

/// Reads a regular file of at most `limit` bytes; anything else is refused
/// without reading it (a pipe would block, a device never ends).
pub(crate) fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot be read: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.len() > limit {
        return Err(format!(
            "is {} bytes; a sidecar may be at most {} MiB",
            meta.len(),
            limit / (1024 * 1024)
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!("grew past {} MiB while being read", limit / (1024 * 1024)));
    }
    Ok(bytes)
}

/// Remembers a sidecar as read (with its error, if any), in place of what was known of it.
pub(super) fn record(
    conn: &Connection,
    path: &StoredPath,
    clip_id: i64,
    (size, mtime_ms): (i64, i64),
    error: Option<&str>,
) -> Result<()> {
    // An upsert cannot name the bytes' index (an expression): replace the row.
    conn.execute(&format!("DELETE FROM sidecar WHERE {PATH_KEY} = ?1"), [path.key()])?;
    conn.execute(
        "INSERT INTO sidecar (path, path_hex, clip_id, size, mtime_ms, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![path.text(), path.hex(), clip_id, size, mtime_ms, error],
    )?;
    Ok(())
}

/// Fills the clip from the download page's facts. The title follows the
/// sidecar until the fan edits it; other fields only fill blanks.
fn apply_info(conn: &Connection, clip_id: i64, info: &InfoJson) -> Result<()> {
    let clean = |field: &str, text: &Option<String>| crate::names::clean_optional(field, text.as_deref());
    if let Some(title) = clean("title", &info.title)? {
        conn.execute(
            "UPDATE clip SET title = ?2, title_key = ?3 WHERE id = ?1 AND title_by_user = 0",
            params![clip_id, title, crate::names::name_key(&title)],
        )?;
    }
    // The page's facts fill blanks, and replace what the video's container
    // gave (`clip_embedded`), never what the fan typed.
    let fields = [
        ("description", clean("description", &info.description)?),
        ("uploader", clean("uploader", &info.uploader_name())?),
        ("source_url", clean("url", &info.url())?),
        ("published", info.published()),
        ("source_id", clean("id", &info.id)?),
    ];
    for (column, value) in fields {
        if value.is_some() {
            // The column names are this list's own, never text from a file.
            conn.execute(
                &format!(
                    "UPDATE clip SET {column} = ?2 WHERE id = ?1 AND ({column} IS NULL
                         OR {column} IS (SELECT {column} FROM clip_embedded WHERE clip_id = ?1))"
                ),
                params![clip_id, value],
            )?;
        }
    }
    conn.execute(
        "UPDATE clip SET duration_ms = coalesce(duration_ms, ?2) WHERE id = ?1",
        params![clip_id, info.duration.map(|d| (d * 1000.0).round() as i64)],
    )?;
    for tag in info.tags.iter().flatten().filter(|t| !t.trim().is_empty()).take(MAX_SITE_TAGS) {
        // A tag that cannot be a tag name (control characters) is skipped, not fatal.
        if let Ok(tag_id) = ensure_tag(conn, &format!("yt:{}", tag.trim())) {
            conn.execute(
                "INSERT OR IGNORE INTO clip_tag (clip_id, tag_id) VALUES (?1, ?2)",
                [clip_id, tag_id],
            )?;
        }
    }
    take_chapters(conn, clip_id, &info.chapter_markers())
}

/// Replaces the clip's cues in each language the file holds.
fn apply_subtitles(
    conn: &Connection,
    clip_id: i64,
    bytes: &[u8],
    format: SubtitleFormat,
    lang: Option<&str>,
) -> Result<()> {
    let tracks = subtitles::read_subtitles(bytes, format)
        .map_err(|e| crate::Error::invalid("subtitles", format!("not readable: {e}")))?;
    for track in tracks {
        let lang = track.lang.as_deref().or(lang).unwrap_or("");
        let lang =
            if lang.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') { lang } else { "" };
        conn.execute(
            "DELETE FROM cue WHERE clip_id = ?1 AND lang = ?2 AND source = 'file'",
            params![clip_id, lang],
        )?;
        insert_cues(conn, clip_id, lang, &storable(track.cues))?;
    }
    Ok(())
}

/// Cues as the library keeps them: text without control characters, and an
/// end never before the start. WebVTT and ASS keep such an end as written;
/// players never show that cue, but its words are in the file, so the
/// library keeps them as a moment of no length at its start.
pub(super) fn storable(mut cues: Vec<CueInput>) -> Vec<CueInput> {
    for cue in &mut cues {
        cue.text.retain(|c| !c.is_control() || c == '\n' || c == '\t');
        cue.end_ms = cue.end_ms.max(cue.start_ms);
    }
    cues
}
