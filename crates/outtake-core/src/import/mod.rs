//! Taking files into the library: walk folders, recognise videos by content,
//! fingerprint and probe them, read their sidecars, and keep a clip's identity
//! (and everything the fan added) when its file moves.
//!
//! A file's writes land together or not at all, and a scan's writes gather into
//! a transaction committed every fifth of a second (`Library::gather_writes`),
//! so an import killed at any moment leaves a sound library and running it
//! again finishes the job. The user's files are only ever read.

pub mod boards;
mod container;
mod embedded;
pub mod fingerprint;
pub mod info_json;
pub mod naming;
mod sidecars;
mod store;
pub mod thumbs;
pub mod walk;
pub mod worker;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::Result;
use crate::library::Library;
use crate::media::{self, Probe};
use crate::paths::StoredPath;
use walk::{Found, Walked};

/// What one scan did, as `outtake scan --json` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScanSummary {
    pub added: usize,
    pub updated: usize,
    pub moved: usize,
    pub missing: usize,
    pub offline: usize,
    pub skipped: usize,
    pub failed: Vec<Failure>,
}

/// A file (video or sidecar) that could not be taken in, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ImportProblem"))]
pub struct Failure {
    /// The path as the fan reads it (decoded when it is not UTF-8).
    pub path: String,
    /// The encoding `path` was decoded from, when the name is not UTF-8.
    pub path_encoding: Option<String>,
    pub error: String,
    /// The exact path on disk.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub exact: PathBuf,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Added(i64),
    Updated(i64),
    Moved(i64),
    /// Same path, size and mtime as last time: not even opened.
    Unchanged,
    /// Not a video (and not named like one): ignored.
    Ignored,
    Failed(String),
}

/// Progress of a scan, for a terminal bar or the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanEvent<'a> {
    /// The walk is done: this many files will be looked at.
    Walked { total: usize },
    /// One file is done.
    File { done: usize, total: usize, path: &'a Path, outcome: &'a Outcome },
}

impl Library {
    /// Scans folders (recursively) and brings the library in step with them.
    ///
    /// The whole scan is one edit in the history, however many transactions
    /// it takes: undoing it takes out exactly what it brought in.
    pub fn scan(
        &mut self,
        roots: &[PathBuf],
        progress: &mut dyn FnMut(ScanEvent<'_>),
    ) -> Result<ScanSummary> {
        let folders: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        self.record_across(format!("import from {}", folders.join(", ")), |library| {
            library.gather_writes(|library| library.scan_folders(roots, progress))
        })
    }

    fn scan_folders(
        &mut self,
        roots: &[PathBuf],
        progress: &mut dyn FnMut(ScanEvent<'_>),
    ) -> Result<ScanSummary> {
        let mut summary = ScanSummary::default();
        let mut walks = Vec::new();
        for root in roots {
            match root.canonicalize() {
                Ok(real) if real.is_dir() => walks.push((real.clone(), walk::walk(&real))),
                Ok(real) => {
                    let failed = failure(&real, "is not a folder");
                    self.settle_problems(&real, std::slice::from_ref(&failed))?;
                    summary.failed.push(failed);
                }
                Err(error) => {
                    summary.offline += self.mark_offline(root)?;
                    let failed = failure(root, &format!("cannot be read: {error}"));
                    // A folder that is not there (an unplugged drive) is offline, not a
                    // problem; one that is there and cannot be read is listed.
                    if error.kind() != std::io::ErrorKind::NotFound {
                        self.settle_problems(root, std::slice::from_ref(&failed))?;
                    } else {
                        self.forget_problem(root)?;
                    }
                    summary.failed.push(failed);
                }
            }
        }
        let total = walks.iter().map(|(_, w)| w.candidates.len()).sum();
        progress(ScanEvent::Walked { total });
        let mut done = 0;
        for (root, walked) in &walks {
            let failed_before = summary.failed.len();
            summary.skipped += walked.skipped.len();
            for (path, error) in &walked.errors {
                summary.failed.push(failure(path, &error.to_string()));
            }
            let videos: Vec<&Path> = walked.candidates.iter().map(|f| f.path.as_path()).collect();
            let mut seen = HashSet::new();
            for found in &walked.candidates {
                let outcome = self.import_found(found, &videos, walked, &mut summary)?;
                seen.insert(found.path.clone());
                count(&mut summary, &found.path, &outcome);
                done += 1;
                progress(ScanEvent::File { done, total, path: &found.path, outcome: &outcome });
                self.commit_gathered(false)?;
            }
            summary.missing += self.mark_missing(root, &seen)?;
            self.settle_problems(root, &summary.failed[failed_before..])?;
        }
        Ok(summary)
    }

    /// Brings the library in step with paths a watcher saw change under `roots`:
    /// the folders holding them are scanned again (unchanged files cost a stat).
    pub fn import_changes(
        &mut self,
        roots: &[PathBuf],
        changed: &[PathBuf],
        progress: &mut dyn FnMut(ScanEvent<'_>),
    ) -> Result<ScanSummary> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        for path in changed {
            let Some(root) = roots.iter().find(|root| path.starts_with(root)) else { continue };
            let mut dir =
                if path.is_dir() { path.clone() } else { path.parent().unwrap_or(root).to_path_buf() };
            // A removed folder: look from the nearest one still there, but never
            // above the root: a removed root is scanned as itself, which marks
            // its clips offline and reads nothing outside it.
            while !dir.is_dir() && dir.starts_with(root) && &dir != root {
                dir = dir.parent().unwrap_or(root).to_path_buf();
            }
            if !dir.starts_with(root) {
                dir = root.clone();
            }
            dirs.push(dir);
        }
        dirs.sort();
        dirs.dedup();
        let outer: Vec<PathBuf> = dirs
            .iter()
            .filter(|d| !dirs.iter().any(|other| other != *d && d.starts_with(other)))
            .cloned()
            .collect();
        self.scan(&outer, progress)
    }

    /// Files that could not be imported (or whose sidecars could not be read), and why.
    pub fn import_problems(&self) -> Result<Vec<Failure>> {
        let mut statement = self.conn.prepare(
            "SELECT path, path_hex, error FROM import_problem
             UNION ALL SELECT path, path_hex, error FROM sidecar WHERE error IS NOT NULL ORDER BY 1",
        )?;
        let rows = statement.query_map([], |r| {
            let path = crate::paths::from_row(r, 0, 1)?;
            Ok(Failure {
                path: path.text().to_string(),
                path_encoding: path.encoding().map(str::to_string),
                error: r.get(2)?,
                exact: path.to_path_buf(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Imports one found file and the sidecars beside it.
    fn import_found(
        &mut self,
        found: &Found,
        videos: &[&Path],
        walked: &Walked,
        summary: &mut ScanSummary,
    ) -> Result<Outcome> {
        // A bad file is that file's problem, recorded and shown, never the
        // scan's: only an error of the library itself (full disk, read-only) stops it.
        let (outcome, probe) = match self.import_video(found) {
            Ok(imported) => imported,
            Err(error) if !error.is_library_wide() => {
                (self.record_problem(&StoredPath::from_path(&found.path), found, &error.to_string())?, None)
            }
            Err(error) => return Err(error),
        };
        if let (Outcome::Added(_) | Outcome::Updated(_), Some(probe)) = (&outcome, &probe) {
            summary.failed.extend(container::Facts::of(probe, &found.path).problem());
        }
        let embedded = probe.map(|probe| probe.subtitles).unwrap_or_default();
        if let Outcome::Added(id) | Outcome::Updated(id) = outcome
            && !embedded.is_empty()
        {
            // ffmpeg takes the tracks out: no other writer should wait on that.
            self.commit_gathered(true)?;
            match self.import_embedded(id, &found.path, &embedded) {
                Ok(errors) => {
                    for (track, error) in errors {
                        summary.failed.push(failure(&track, &error));
                    }
                }
                Err(error) if !error.is_library_wide() => {
                    summary.failed.push(failure(&found.path, &error.to_string()))
                }
                Err(error) => return Err(error),
            }
        }
        let clip_id = match outcome {
            Outcome::Added(id) | Outcome::Updated(id) | Outcome::Moved(id) => Some(id),
            Outcome::Unchanged => self.clip_of_path(&found.path)?,
            Outcome::Ignored | Outcome::Failed(_) => None,
        };
        if let Some(clip_id) = clip_id {
            for sidecar in walk::sidecars_of(&found.path, videos, &walked.sidecars) {
                match self.apply_sidecar(clip_id, &found.path, sidecar) {
                    Ok(None) => {}
                    Ok(Some(error)) => summary.failed.push(failure(&sidecar.path, &error)),
                    Err(error) if !error.is_library_wide() => {
                        summary.failed.push(failure(&sidecar.path, &error.to_string()))
                    }
                    Err(error) => return Err(error),
                }
            }
        }
        Ok(outcome)
    }

    /// Imports one video file (not its sidecars); also gives what its
    /// container says (tags, chapters, subtitle tracks), when it was (re)read.
    fn import_video(&mut self, found: &Found) -> Result<(Outcome, Option<Probe>)> {
        let path = &StoredPath::from_path(&found.path);
        if self.unchanged(path, found)? {
            return Ok((Outcome::Unchanged, None));
        }
        if let Some(error) = self.known_problem(path, found)? {
            return Ok((Outcome::Failed(error), None));
        }
        let named_like_video = walk::VIDEO_EXTENSIONS.contains(&walk::extension(&found.path).as_str());
        let (probe, oshash) = match examine(&found.path) {
            Examined::Video(probe, oshash) => (*probe, oshash),
            Examined::NotVideo(why) if named_like_video => {
                return Ok((self.record_problem(path, found, &format!("not a video: {why}"))?, None));
            }
            Examined::NotVideo(_) => return Ok((Outcome::Ignored, None)),
            Examined::Failed(error) => return Ok((self.record_problem(path, found, &error)?, None)),
        };
        let outcome = self.store_video(path, found, &probe, &oshash)?;
        Ok((outcome, Some(probe)))
    }
}

/// What reading a file's beginning, fingerprint and headers said.
enum Examined {
    Video(Box<Probe>, String),
    NotVideo(String),
    Failed(String),
}

fn examine(path: &Path) -> Examined {
    let mut header = Vec::with_capacity(4096);
    let read = std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut header));
    if let Err(error) = read {
        return Examined::Failed(format!("cannot be read: {error}"));
    }
    if header.is_empty() {
        return Examined::NotVideo("the file is empty".into());
    }
    if media::sniff(&header).is_none() {
        return Examined::NotVideo(format!("its content is not a video container ({})", describe(&header)));
    }
    let oshash = match fingerprint::oshash(path) {
        Ok(hash) => hash,
        Err(error) => return Examined::Failed(format!("cannot be read: {error}")),
    };
    match media::probe(path) {
        Ok(probe) if probe.truncated => Examined::Failed(
            "the file is cut short (an interrupted download?): its container describes more data than it holds".into(),
        ),
        Ok(probe) => Examined::Video(Box::new(probe), oshash),
        Err(error) => Examined::Failed(error.to_string()),
    }
}

/// A few words on what a non-video file seems to be, for the error message.
fn describe(header: &[u8]) -> &'static str {
    match header {
        [0xFF, 0xD8, 0xFF, ..] => "it looks like a JPEG image",
        [0x89, b'P', b'N', b'G', ..] => "it looks like a PNG image",
        [b'G', b'I', b'F', b'8', ..] => "it looks like a GIF image",
        [b'P', b'K', 3, 4, ..] => "it looks like a zip archive",
        [b'%', b'P', b'D', b'F', ..] => "it looks like a PDF",
        [b'{', ..] | [b'[', ..] => "it looks like JSON text",
        _ if header.iter().all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace()) => "it looks like text",
        _ => "unknown content",
    }
}

pub(super) fn failure(path: &Path, error: &str) -> Failure {
    let stored = StoredPath::from_path(path);
    Failure {
        path: stored.text().to_string(),
        path_encoding: stored.encoding().map(str::to_string),
        error: error.to_string(),
        exact: path.to_path_buf(),
    }
}

fn count(summary: &mut ScanSummary, path: &Path, outcome: &Outcome) {
    match outcome {
        Outcome::Added(_) => summary.added += 1,
        Outcome::Updated(_) => summary.updated += 1,
        Outcome::Moved(_) => summary.moved += 1,
        Outcome::Unchanged | Outcome::Ignored => summary.skipped += 1,
        Outcome::Failed(error) => summary.failed.push(failure(path, error)),
    }
}
