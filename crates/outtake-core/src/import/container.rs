//! What a video's own container says about it — yt-dlp's `--embed-metadata`
//! and `--embed-chapters`, a phone editor's or ripper's tags — filled into its
//! clip. The fan's edits win, then the `.info.json`, then the container, then
//! the file name: the container fills blanks and replaces only what it gave
//! before (`clip_embedded` remembers that), and a later `.info.json` replaces
//! what the container gave. Damaged metadata is the file's recorded problem;
//! the clip is imported all the same.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::info_json::{MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};
use super::{Failure, naming};
use crate::clips::ClipInput;
use crate::error::Result;
use crate::media::Probe;
use crate::names::{name_key, text_from_file};
use crate::tags::ensure_tag;

/// The clip fields a container can fill, cleaned as any text from a file is.
#[derive(Debug, Default, PartialEq)]
struct Said {
    title: Option<String>,
    description: Option<String>,
    uploader: Option<String>,
    published: Option<String>,
    source_url: Option<String>,
    source_id: Option<String>,
}

impl Said {
    fn of(probe: &Probe) -> Said {
        let metadata = &probe.metadata;
        let line = |text: &Option<String>| {
            text.as_deref().map(|t| text_from_file(t, MAX_TITLE_CHARS, true)).filter(|t| !t.is_empty())
        };
        let source_url =
            line(&metadata.url).filter(|url| url.starts_with("https://") || url.starts_with("http://"));
        Said {
            title: line(&metadata.title),
            description: metadata
                .description
                .as_deref()
                .map(|t| text_from_file(t, MAX_DESCRIPTION_CHARS, false))
                .filter(|t| !t.is_empty()),
            uploader: line(&metadata.artist),
            published: metadata.date.as_deref().and_then(calendar_date),
            source_id: source_url.as_deref().and_then(naming::source_id_from_url),
            source_url,
        }
    }

    fn is_empty(&self) -> bool {
        *self == Said::default()
    }
}

/// A container's date as YYYY-MM-DD: `20210914`, `2021-09-14`, or the date
/// part of a time; a year alone, or no real date, is none.
fn calendar_date(text: &str) -> Option<String> {
    let text = text.trim();
    let date = match text.get(..10) {
        Some(head) if head.as_bytes().get(4) == Some(&b'-') => {
            NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
        }
        _ => NaiveDate::parse_from_str(text.get(..8)?, "%Y%m%d").ok(),
    }?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// What a container says, made ready to store: cleaned fields, chapters, the
/// show it names, and its damage.
pub(super) struct Facts {
    said: Said,
    chapters: Vec<(i64, Option<i64>, String)>,
    show: Option<String>,
    episode: Option<i64>,
    damage: Option<String>,
    /// Where the container's problem is recorded (`VIDEO#metadata`).
    label: PathBuf,
    stem_title: String,
}

impl Facts {
    pub(super) fn of(probe: &Probe, video: &Path) -> Facts {
        let chapters = probe
            .chapters
            .iter()
            .map(|c| (c.start_ms, c.end_ms, text_from_file(&c.title, MAX_TITLE_CHARS, true)))
            .filter(|(_, _, title)| !title.is_empty())
            .collect();
        Facts {
            said: Said::of(probe),
            chapters,
            show: probe.metadata.show.clone(),
            episode: probe.metadata.episode,
            damage: (!probe.damaged.is_empty()).then(|| probe.damaged.join("; ")),
            label: metadata_label(video),
            stem_title: naming::stem_title(video),
        }
    }

    /// The container's damage, as the file's problem.
    pub(super) fn problem(&self) -> Option<Failure> {
        self.damage.as_deref().map(|error| super::failure(&self.label, error))
    }

    /// A new clip's fields, straight from the container where it says them
    /// (no UPDATE after the INSERT: one row change per new clip).
    pub(super) fn fill_new(&self, input: &mut ClipInput) {
        let said = &self.said;
        if let Some(title) = &said.title {
            input.title = title.clone();
        }
        input.description = said.description.clone();
        input.uploader = said.uploader.clone();
        input.published = said.published.clone();
        input.source_url = said.source_url.clone();
    }

    /// The source id the container's page address gives.
    pub(super) fn source_id(&self) -> Option<&str> {
        self.said.source_id.as_deref()
    }

    /// Fills the clip just (re)read, inside the transaction that stores the
    /// file (one transaction and one search refresh per file: import speed);
    /// a `new` clip was filled by [`Facts::fill_new`]. True when it changed
    /// the title (the show may be guessed again from it).
    pub(super) fn apply(
        &self,
        conn: &Connection,
        clip_id: i64,
        new: bool,
        shows: &[(i64, String)],
    ) -> Result<bool> {
        let retitled = !new && !self.said.is_empty() && fill(conn, clip_id, &self.said, &self.stem_title)?;
        if !self.said.is_empty() {
            remember(conn, clip_id, &self.said)?;
        }
        take_chapters(conn, clip_id, &self.chapters)?;
        if let Some(show) = &self.show {
            guess_show_named(conn, clip_id, show, self.episode, shows)?;
        }
        // Listed beside the video by its exact bytes, like an embedded track.
        let label = crate::paths::StoredPath::from_path(&self.label);
        match &self.damage {
            Some(error) => {
                conn.prepare_cached(&format!("DELETE FROM sidecar WHERE {} = ?1", crate::paths::PATH_KEY))?
                    .execute([label.key()])?;
                conn.prepare_cached(
                    "INSERT INTO sidecar (path, path_hex, clip_id, size, mtime_ms, error) VALUES (?1, ?2, ?3, 0, 0, ?4)",
                )?
                .execute(params![label.text(), label.hex(), clip_id, error])?;
            }
            None => {
                conn.prepare_cached(&format!("DELETE FROM sidecar WHERE {} = ?1", crate::paths::PATH_KEY))?
                    .execute([label.key()])?;
            }
        };
        Ok(retitled)
    }
}

/// Fills blanks, and what the container itself gave last time; the title
/// replaces only the file name's (or the container's own earlier one), and
/// never a title the fan typed. True when it changed the title.
fn fill(conn: &Connection, clip_id: i64, said: &Said, stem_title: &str) -> Result<bool> {
    let before: Option<Said> = conn
        .prepare_cached(
            "SELECT title, description, uploader, published, source_url, source_id FROM clip_embedded WHERE clip_id = ?1",
        )?
        .query_row([clip_id], |r| {
                Ok(Said {
                    title: r.get(0)?,
                    description: r.get(1)?,
                    uploader: r.get(2)?,
                    published: r.get(3)?,
                    source_url: r.get(4)?,
                source_id: r.get(5)?,
            })
        })
        .optional()?;
    let before = before.unwrap_or_default();
    // One statement, so the edit history records the clip's change once.
    let title_fits =
        "?2 IS NOT NULL AND title_by_user = 0 AND title IS NOT ?2 AND (title = ?4 OR title IS ?5)";
    let fills = |column: &str, now: usize, then: usize| {
        format!(
            "{column} = CASE WHEN ?{now} IS NOT NULL AND ({column} IS NULL OR {column} IS ?{then}) THEN ?{now} ELSE {column} END"
        )
    };
    let sql = format!(
        "UPDATE clip SET title = CASE WHEN {title_fits} THEN ?2 ELSE title END,
             title_key = CASE WHEN {title_fits} THEN ?3 ELSE title_key END, {}, {}, {}, {}, {}
         WHERE id = ?1 RETURNING title IS ?2 AND title IS NOT ?6",
        fills("description", 7, 8),
        fills("uploader", 9, 10),
        fills("published", 11, 12),
        fills("source_url", 13, 14),
        fills("source_id", 15, 16),
    );
    let title_before: String =
        conn.prepare_cached("SELECT title FROM clip WHERE id = ?1")?.query_row([clip_id], |r| r.get(0))?;
    let retitled: bool = conn.prepare_cached(&sql)?.query_row(
        params![
            clip_id,
            said.title,
            said.title.as_deref().map(name_key),
            stem_title,
            before.title,
            title_before,
            said.description,
            before.description,
            said.uploader,
            before.uploader,
            said.published,
            before.published,
            said.source_url,
            before.source_url,
            said.source_id,
            before.source_id
        ],
        |r| r.get(0),
    )?;
    Ok(retitled)
}

/// Keeps what the container said, so it is known for what it is later.
fn remember(conn: &Connection, clip_id: i64, said: &Said) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO clip_embedded (clip_id, title, description, uploader, published, source_url, source_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
            clip_id,
            said.title,
            said.description,
            said.uploader,
            said.published,
            said.source_url,
            said.source_id
    ])?;
    Ok(())
}

/// A show the container names (MP4 `tvsh`, Matroska `SHOW`) that is exactly
/// one of the library's shows, set as a guess when the clip has none.
fn guess_show_named(
    conn: &Connection,
    clip_id: i64,
    show: &str,
    episode: Option<i64>,
    shows: &[(i64, String)],
) -> Result<()> {
    let key = name_key(show);
    let mut ids: Vec<i64> = shows.iter().filter(|(_, k)| *k == key).map(|(id, _)| *id).collect();
    ids.dedup();
    let [show_id] = ids.as_slice() else { return Ok(()) };
    let has_show: bool =
        conn.query_row("SELECT show_id IS NOT NULL FROM clip WHERE id = ?1", [clip_id], |r| r.get(0))?;
    if has_show {
        return Ok(());
    }
    let episode = episode.filter(|n| (1..=10_000).contains(n));
    let episode_id = episode.map(|n| crate::shows::ensure_episode(conn, *show_id, n)).transpose()?;
    conn.execute(
        "UPDATE clip SET show_id = ?2, episode_id = ?3, show_guessed = 1 WHERE id = ?1",
        params![clip_id, show_id, episode_id],
    )?;
    Ok(())
}

/// Makes each chapter (start ms, end ms, title) a marker tagged `chapter`,
/// once: a chapter the fan renamed or deleted stays so when the file or its
/// `.info.json` is read again (`clip_chapter` remembers what was taken). The
/// same chapter from the container and the `.info.json` is one chapter.
///
/// Written here with cached statements rather than through `insert_marker`
/// (which prepares a dozen statements per marker): most downloads carry
/// chapters, and this runs for every file an import reads. The checks are
/// `insert_marker`'s: a chapter must lie within the clip.
pub(super) fn take_chapters(
    conn: &Connection,
    clip_id: i64,
    chapters: &[(i64, Option<i64>, String)],
) -> Result<()> {
    if chapters.is_empty() {
        return Ok(());
    }
    let duration: Option<i64> = conn
        .prepare_cached("SELECT duration_ms FROM clip WHERE id = ?1")?
        .query_row([clip_id], |r| r.get(0))?;
    // The tag exists after the first clip with chapters: found by its key with a cached statement.
    let known: Option<i64> = conn
        .prepare_cached("SELECT id FROM tag WHERE key = ?1")?
        .query_row([crate::tags::tag_key("chapter")], |r| r.get(0))
        .optional()?;
    let tag_id = match known {
        Some(id) => id,
        None => ensure_tag(conn, "chapter")?,
    };
    let mut taken = conn.prepare_cached(
        "INSERT OR IGNORE INTO clip_chapter (clip_id, start_ms, title) VALUES (?1, ?2, ?3)",
    )?;
    let mut marker = conn.prepare_cached(
        "INSERT INTO marker (clip_id, start_ms, end_ms, title, created_at)
         VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
    )?;
    let mut tagged =
        conn.prepare_cached("INSERT OR IGNORE INTO marker_tag (marker_id, tag_id) VALUES (?1, ?2)")?;
    for (start_ms, end_ms, title) in chapters {
        // A chapter past the clip's end (a wrong duration somewhere) is dropped.
        let within = |at: i64| at >= 0 && duration.is_none_or(|d| at <= d);
        let end_ms = end_ms.filter(|end| *end >= *start_ms);
        if !within(*start_ms) || !end_ms.is_none_or(within) || title.trim().is_empty() {
            continue;
        }
        if taken.execute(params![clip_id, start_ms, title])? == 0 {
            continue;
        }
        marker.execute(params![clip_id, start_ms, end_ms, title])?;
        tagged.execute([conn.last_insert_rowid(), tag_id])?;
    }
    Ok(())
}

/// How a video's damaged metadata is listed as a problem: beside the video,
/// by its exact bytes, like an embedded track (`store::file_behind` reads it back).
fn metadata_label(video: &Path) -> PathBuf {
    let mut label = video.as_os_str().to_os_string();
    label.push(METADATA_SUFFIX);
    PathBuf::from(label)
}

pub(super) const METADATA_SUFFIX: &str = "#metadata";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_dates() {
        let rows = [
            ("20210914", Some("2021-09-14")),
            ("2021-09-14", Some("2021-09-14")),
            ("2021-09-14T10:00:00Z", Some("2021-09-14")),
            ("2021-02-30", None),
            ("20211314", None),
            ("2021", None),
            ("", None),
            ("홍천기", None),
        ];
        for (text, expected) in rows {
            assert_eq!(calendar_date(text).as_deref(), expected, "{text}");
        }
    }
}
