//! Making and keeping content keys: a run over the clips that lack them,
//! one clip at a time, kept as each is done, so a run that is stopped goes
//! on where it was. Keys are made from the video, not by the fan: they are
//! not edits and are not in the history (like storyboards).

use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{KeyProblem, audio, source_key, video_keys};
use crate::error::{EntityKind, Error, Result};
use crate::library::{Library, now, require};

/// Which clips a run makes keys for.
#[derive(Debug, Clone, PartialEq)]
pub enum KeysWhich {
    /// Clips without keys yet (what runs in the background after an import
    /// and after an upgrade).
    Missing,
    /// Every clip, again.
    All,
    /// These clips, again.
    Clips(Vec<i64>),
}

/// Where a run is: the clip it is at, the `number`th of `total`.
#[derive(Debug, Clone, Serialize)]
pub struct KeyProgress {
    pub clip_id: i64,
    pub title: String,
    pub number: usize,
    pub total: usize,
}

/// A clip whose keys could not be made, or were made without one of them.
#[derive(Debug, Clone, Serialize)]
pub struct KeysProblem {
    pub clip_id: i64,
    pub problem: String,
    /// True when the clip is tried again next run (the file could not be
    /// read); false when the reason is kept as the clip's answer (no sound).
    pub retried: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeysSummary {
    /// Clips whose keys were made and kept.
    pub clips_done: usize,
    /// Seconds of video they hold.
    pub seconds: f64,
    pub problems: Vec<KeysProblem>,
    /// Clips without a copy on disk now, as the library knows it or as the
    /// file system says (skipped; tried again next run).
    pub offline: usize,
    /// The run was stopped before every clip was done.
    pub stopped: bool,
}

/// Everything that finds one clip again: the keys kept for it and beside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClipKeys {
    pub clip_id: i64,
    pub title: String,
    pub duration_ms: Option<i64>,
    /// `source_key` of its address and id.
    pub source: Option<String>,
    pub oshashes: Vec<String>,
    pub phash: Option<u64>,
    pub audio: Option<Vec<u32>>,
}

impl Library {
    /// Makes the content keys of `which` clips. A clip that cannot be read is
    /// recorded and the run goes on; a missing ffmpeg or fpcalc, a failing
    /// library or `cancel` stop it (every clip finished before is kept).
    pub fn make_content_keys(
        &mut self,
        which: &KeysWhich,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(&KeyProgress),
    ) -> std::result::Result<KeysSummary, KeysError> {
        let clips = self.clips_for_keys(which)?;
        let mut summary = KeysSummary::default();
        for (i, (clip_id, title, duration_ms)) in clips.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                summary.stopped = true;
                break;
            }
            progress(&KeyProgress {
                clip_id: *clip_id,
                title: title.clone(),
                number: i + 1,
                total: clips.len(),
            });
            // A copy the library still counts on may be gone since the last
            // scan (a drive unplugged): no ffmpeg and fpcalc started for it.
            let Some(path) = self.reachable_path(*clip_id)? else {
                summary.offline += 1;
                continue;
            };
            let keys = video_keys(&path, *duration_ms);
            let phash = outcome(*clip_id, keys.phash, &mut summary)?;
            let audio = outcome(*clip_id, keys.audio, &mut summary)?;
            // A key that failed is tried again next run: nothing is kept yet.
            let (Some(phash), Some(audio)) = (phash, audio) else { continue };
            self.write(|tx| store_keys(tx, *clip_id, &phash, &audio))?;
            summary.clips_done += 1;
            summary.seconds += duration_ms.unwrap_or(0) as f64 / 1000.0;
        }
        Ok(summary)
    }

    /// The clips `which` names, with their titles and lengths.
    fn clips_for_keys(&self, which: &KeysWhich) -> Result<Vec<(i64, String, Option<i64>)>> {
        let sql = match which {
            KeysWhich::Missing => {
                "SELECT id, title, duration_ms FROM clip c
                 WHERE NOT EXISTS (SELECT 1 FROM content_key k WHERE k.clip_id = c.id) ORDER BY id"
            }
            KeysWhich::All => "SELECT id, title, duration_ms FROM clip ORDER BY id",
            KeysWhich::Clips(ids) => {
                let mut clips = Vec::new();
                for id in ids {
                    require(&self.conn, EntityKind::Clip, *id)?;
                    clips.push(self.conn.query_row(
                        "SELECT id, title, duration_ms FROM clip WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?);
                }
                return Ok(clips);
            }
        };
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first clip without content keys after clip `after`, in id order
    /// (the background makes them one clip at a time, between imports, going
    /// on from the last it tried: a pass over a library whose files are all
    /// offline reads each clip once, not once per clip before it).
    pub fn next_clip_without_keys(&self, after: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT id FROM clip c WHERE id > ?1
                 AND NOT EXISTS (SELECT 1 FROM content_key k WHERE k.clip_id = c.id) ORDER BY id LIMIT 1",
            )?
            .query_row([after], |r| r.get(0))
            .optional()?)
    }

    /// How many clips have content keys, and how many have none yet.
    pub fn content_key_counts(&self) -> Result<(usize, usize)> {
        let made: i64 = self.conn.query_row("SELECT count(*) FROM content_key", [], |r| r.get(0))?;
        let clips: i64 = self.conn.query_row("SELECT count(*) FROM clip", [], |r| r.get(0))?;
        Ok((made as usize, (clips - made).max(0) as usize))
    }

    /// The keys of every clip (`with_audio`: with their sound fingerprints,
    /// which are large), in id order.
    pub fn clip_keys(&self, with_audio: bool) -> Result<Vec<ClipKeys>> {
        load_keys(&self.conn, with_audio)
    }
}

/// A made key, a reason kept in its place (`Err`), or `None` when it failed
/// and the clip is to be tried again; a missing program stops the run.
fn outcome<T>(
    clip_id: i64,
    made: std::result::Result<T, KeyProblem>,
    summary: &mut KeysSummary,
) -> std::result::Result<Option<std::result::Result<T, String>>, KeysError> {
    match made {
        Ok(key) => Ok(Some(Ok(key))),
        Err(KeyProblem::Missing { program, packages }) => Err(KeysError::Missing { program, packages }),
        Err(problem) => {
            let retried = matches!(problem, KeyProblem::Failed(_));
            tracing::info!("clip #{clip_id}: {problem}");
            summary.problems.push(KeysProblem { clip_id, problem: problem.to_string(), retried });
            Ok((!retried).then(|| Err(problem.to_string())))
        }
    }
}

fn store_keys(
    conn: &Connection,
    clip_id: i64,
    phash: &std::result::Result<u64, String>,
    audio: &std::result::Result<Vec<u32>, String>,
) -> Result<()> {
    require(conn, EntityKind::Clip, clip_id)?;
    conn.execute(
        "INSERT INTO content_key (clip_id, phash, phash_problem, audio, audio_problem, made_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (clip_id) DO UPDATE SET phash = excluded.phash, phash_problem = excluded.phash_problem,
             audio = excluded.audio, audio_problem = excluded.audio_problem, made_at = excluded.made_at",
        params![
            clip_id,
            phash.as_ref().ok().map(|h| *h as i64),
            phash.as_ref().err(),
            audio.as_ref().ok().map(|words| audio::to_bytes(words)),
            audio.as_ref().err(),
            now(conn)?
        ],
    )?;
    Ok(())
}

/// The keys of every clip, in id order (`with_audio`: with sound fingerprints).
pub(crate) fn load_keys(conn: &Connection, with_audio: bool) -> Result<Vec<ClipKeys>> {
    let mut oshashes: std::collections::HashMap<i64, Vec<String>> = std::collections::HashMap::new();
    let mut statement =
        conn.prepare("SELECT clip_id, oshash FROM file WHERE oshash IS NOT NULL ORDER BY clip_id, id")?;
    for row in statement.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (clip_id, hash) = row?;
        oshashes.entry(clip_id).or_default().push(hash.to_ascii_lowercase());
    }
    let audio_column = if with_audio { "k.audio" } else { "NULL" };
    let mut statement = conn.prepare(&format!(
        "SELECT c.id, c.title, c.duration_ms, c.source_url, c.source_id, k.phash, {audio_column}
         FROM clip c LEFT JOIN content_key k ON k.clip_id = c.id ORDER BY c.id"
    ))?;
    let mut keys = Vec::new();
    for row in statement.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<i64>>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<i64>>(5)?,
            r.get::<_, Option<Vec<u8>>>(6)?,
        ))
    })? {
        let (clip_id, title, duration_ms, url, id, phash, audio) = row?;
        keys.push(ClipKeys {
            clip_id,
            title,
            duration_ms,
            source: source_key(url.as_deref(), id.as_deref()),
            oshashes: oshashes.remove(&clip_id).unwrap_or_default(),
            phash: phash.map(|h| h as u64),
            audio: audio.map(|bytes| audio::from_bytes(&bytes)),
        });
    }
    Ok(keys)
}

/// What stops a whole run of [`Library::make_content_keys`].
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("{program} is not installed (on Debian or Ubuntu: apt install {packages})")]
    Missing { program: &'static str, packages: &'static str },
    #[error(transparent)]
    Library(#[from] Error),
}
