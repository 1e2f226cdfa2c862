//! A run over many clips, for on-screen text and speech alike: each clip's
//! file is found (a clip with none on the disk now is skipped as offline),
//! read, and its lines kept; one clip's failure is that clip's and the run
//! goes on, while an error that stops every clip (a missing program, the
//! library failing) or being stopped ends it. The fan's run (`read-text`,
//! `transcribe`) sums up what it did; the window's background pass says each
//! clip through a `ReadSink`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{ReadProblem, ReadProgress, ReadSink, ReadSummary, Which};
use crate::library::Library;

/// What a run needs of its error.
pub(crate) trait RunError: std::fmt::Display + From<crate::error::Error> {
    /// The run was asked to stop.
    fn cancelled(&self) -> bool;
    /// Every clip would fail the same way (or the run was stopped).
    fn stops_the_run(&self) -> bool;
}

/// Reads `clips` one by one with `read` (given the clip and its file, it
/// keeps the clip's lines and returns how many), saying each through
/// `progress`; what it did, or the error that stopped every clip.
pub(crate) fn read_each<E: RunError>(
    library: &mut Library,
    clips: &[(i64, String)],
    progress: &mut dyn FnMut(&ReadProgress),
    mut read: impl FnMut(&mut Library, i64, &Path) -> Result<usize, E>,
) -> Result<ReadSummary, E> {
    let mut summary = ReadSummary::default();
    for (i, (clip_id, title)) in clips.iter().enumerate() {
        progress(&ReadProgress {
            clip_id: *clip_id,
            title: title.clone(),
            number: i + 1,
            total: clips.len(),
        });
        let Some(path) = library.reachable_path(*clip_id)? else {
            summary.offline += 1;
            continue;
        };
        match read(library, *clip_id, &path) {
            Ok(lines) => {
                summary.lines += lines;
                summary.clips_read += 1;
            }
            Err(error) if error.cancelled() => {
                summary.stopped = true;
                break;
            }
            Err(error) if error.stops_the_run() => return Err(error),
            Err(error) => {
                tracing::warn!("clip #{clip_id}: {error}");
                summary.problems.push(ReadProblem { clip_id: *clip_id, error: error.to_string() });
            }
        }
    }
    Ok(summary)
}

/// One background pass over the clips not yet read for `source` (those
/// imported meanwhile come with the next wake), until `paused` is set.
/// One clip's error is logged (`what` names the kind of reading) and the
/// clip is tried again with the next pass.
pub(crate) fn read_unread<E: RunError>(
    library: &mut Library,
    source: &str,
    what: &str,
    paused: &AtomicBool,
    sink: &mut dyn ReadSink,
    mut read: impl FnMut(&mut Library, i64, &Path) -> Result<usize, E>,
) -> Result<(), E> {
    let clips = library.clips_to_read(&Which::Unread, source)?;
    let total = clips.len();
    for (i, (clip_id, title)) in clips.into_iter().enumerate() {
        if paused.load(Ordering::Relaxed) {
            break;
        }
        sink.reading(Some(&ReadProgress { clip_id, title, number: i + 1, total }));
        let outcome = match library.reachable_path(clip_id) {
            Ok(Some(path)) => read(library, clip_id, &path),
            Ok(None) => continue,
            Err(error) => Err(E::from(error)),
        };
        match outcome {
            Ok(lines) => sink.read(clip_id, lines),
            Err(error) if error.cancelled() => break,
            Err(error) if error.stops_the_run() => return Err(error),
            Err(error) => tracing::info!("{what} of clip #{clip_id}: {error}"),
        }
    }
    sink.reading(None);
    Ok(())
}
