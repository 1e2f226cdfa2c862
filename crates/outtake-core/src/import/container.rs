//! What a video's own container says about it — yt-dlp's `--embed-metadata`
//! and `--embed-chapters`, a phone editor's or ripper's tags — filled into its
//! clip. The fan's edits win, then the `.info.json`, then the container, then
//! the file name: the container fills blanks and replaces only what it gave
//! before (`clip_embedded` remembers that), and a later `.info.json` replaces
//! what the container gave. Damaged metadata is the file's recorded problem;
//! the clip is imported all the same.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::info_json::{MAX_DESCRIPTION_CHARS, MAX_TITLE_CHARS};
use super::store::{guess_show, stem_title};
use super::{Failure, naming};
use crate::error::Result;
use crate::library::Library;
use crate::markers::{MarkerInput, insert_marker};
use crate::media::Probe;
use crate::names::{name_key, text_from_file};

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

impl Library {
    /// Fills a clip just (re)read from `video` with what its container says,
    /// in one transaction; returns the container's damage as problems.
    pub(super) fn apply_container(
        &mut self,
        clip_id: i64,
        video: &Path,
        probe: &Probe,
    ) -> Result<Vec<Failure>> {
        let said = Said::of(probe);
        let chapters: Vec<(i64, Option<i64>, String)> = probe
            .chapters
            .iter()
            .map(|c| (c.start_ms, c.end_ms, text_from_file(&c.title, MAX_TITLE_CHARS, true)))
            .filter(|(_, _, title)| !title.is_empty())
            .collect();
        let label = format!("{}#metadata", video.display());
        let damage = (!probe.damaged.is_empty()).then(|| probe.damaged.join("; "));
        let nothing =
            said.is_empty() && chapters.is_empty() && probe.metadata.show.is_none() && damage.is_none();
        if nothing && !self.has_sidecar_row(&label)? {
            // Most files carry nothing: no transaction for them (import speed).
            return Ok(Vec::new());
        }
        let stem = stem_title(video);
        let shows = self.show_name_keys()?;
        self.write(|tx| {
            if !said.is_empty() {
                fill(tx, clip_id, &said, &stem)?;
            }
            take_chapters(tx, clip_id, &chapters)?;
            if let Some(show) = &probe.metadata.show {
                guess_show_named(tx, clip_id, show, probe.metadata.episode, &shows)?;
            }
            guess_show(tx, clip_id, &shows)?;
            match &damage {
                Some(error) => tx.execute(
                    "INSERT INTO sidecar (path, clip_id, size, mtime_ms, error) VALUES (?1, ?2, 0, 0, ?3)
                     ON CONFLICT (path) DO UPDATE SET clip_id = excluded.clip_id, error = excluded.error",
                    params![label, clip_id, error],
                )?,
                None => tx.execute("DELETE FROM sidecar WHERE path = ?1", [&label])?,
            };
            Ok(())
        })?;
        Ok(damage.map(|error| Failure { path: label, error }).into_iter().collect())
    }
}

impl Library {
    /// Whether a problem was recorded under `label` (a file's metadata damaged last time).
    fn has_sidecar_row(&self, label: &str) -> Result<bool> {
        let mut statement = self.conn.prepare_cached("SELECT 1 FROM sidecar WHERE path = ?1")?;
        Ok(statement.exists([label])?)
    }
}

/// Fills blanks, and what the container itself gave last time; the title
/// replaces only the file name's (or the container's own earlier one), and
/// never a title the fan typed.
fn fill(conn: &Connection, clip_id: i64, said: &Said, stem_title: &str) -> Result<()> {
    let before: Option<Said> = conn
        .query_row(
            "SELECT title, description, uploader, published, source_url, source_id FROM clip_embedded WHERE clip_id = ?1",
            [clip_id],
            |r| {
                Ok(Said {
                    title: r.get(0)?,
                    description: r.get(1)?,
                    uploader: r.get(2)?,
                    published: r.get(3)?,
                    source_url: r.get(4)?,
                    source_id: r.get(5)?,
                })
            },
        )
        .optional()?;
    let before = before.unwrap_or_default();
    if let Some(title) = &said.title {
        conn.execute(
            "UPDATE clip SET title = ?2, title_key = ?3
             WHERE id = ?1 AND title_by_user = 0 AND (title = ?4 OR title IS ?5)",
            params![clip_id, title, name_key(title), stem_title, before.title],
        )?;
    }
    let fields = [
        ("description", &said.description, &before.description),
        ("uploader", &said.uploader, &before.uploader),
        ("published", &said.published, &before.published),
        ("source_url", &said.source_url, &before.source_url),
        ("source_id", &said.source_id, &before.source_id),
    ];
    for (column, now, then) in fields {
        if now.is_some() {
            // The column names are this list's own, never text from a file.
            conn.execute(
                &format!(
                    "UPDATE clip SET {column} = ?2 WHERE id = ?1 AND ({column} IS NULL OR {column} IS ?3)"
                ),
                params![clip_id, now, then],
            )?;
        }
    }
    conn.execute(
        "INSERT OR REPLACE INTO clip_embedded (clip_id, title, description, uploader, published, source_url, source_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            clip_id,
            said.title,
            said.description,
            said.uploader,
            said.published,
            said.source_url,
            said.source_id
        ],
    )?;
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
pub(super) fn take_chapters(
    conn: &Connection,
    clip_id: i64,
    chapters: &[(i64, Option<i64>, String)],
) -> Result<()> {
    for (start_ms, end_ms, title) in chapters {
        let new = conn.execute(
            "INSERT OR IGNORE INTO clip_chapter (clip_id, start_ms, title) VALUES (?1, ?2, ?3)",
            params![clip_id, start_ms, title],
        )? == 1;
        if !new {
            continue;
        }
        let input = MarkerInput {
            start_ms: *start_ms,
            end_ms: *end_ms,
            title: Some(title.clone()),
            tags: vec!["chapter".into()],
            ..MarkerInput::default()
        };
        // A chapter past the clip's end (a wrong duration somewhere) is dropped.
        match insert_marker(conn, clip_id, &input, None) {
            Err(crate::Error::Invalid { .. }) => {}
            other => {
                other?;
            }
        }
    }
    Ok(())
}

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
