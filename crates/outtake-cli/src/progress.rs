//! Progress of long commands on a terminal (a bar on stderr; nothing when piped).

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};
use outtake_core::Library;
use outtake_core::import::boards::{BoardError, make_storyboard};
use outtake_core::import::thumbs::{ThumbError, make_thumbnail};
use outtake_core::import::{ScanEvent, ScanSummary};
use outtake_core::keys::{KeysSummary, KeysWhich};
use outtake_core::screen_text::{ReadSummary, Which};
use outtake_core::settings::{load, settings_path};
use outtake_core::speech::{Listening, SpeechError, SpeechModel, Spoken};

/// Runs a scan with a progress bar when stderr is a terminal.
pub fn scan(library: &mut Library, dirs: &[PathBuf]) -> anyhow::Result<ScanSummary> {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("looking for clips…");
    let summary = library.scan(dirs, &mut |event| match event {
        ScanEvent::Walked { total } => bar.set_length(total as u64),
        ScanEvent::File { done, path, .. } => {
            bar.set_position(done as u64);
            bar.set_message(path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        }
    })?;
    bar.finish_and_clear();
    Ok(summary)
}

/// Makes the thumbnails the library lacks; returns (made, failed). Without
/// ffmpeg it says so once and makes none.
pub fn thumbnails(library: &Library) -> anyhow::Result<(usize, usize)> {
    let jobs = library.pending_thumbnails()?;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_message("thumbnails");
    let (mut made, mut failed) = (0, 0);
    for job in &jobs {
        match make_thumbnail(job) {
            Ok(()) => made += 1,
            Err(ThumbError::FfmpegMissing) => {
                bar.finish_and_clear();
                eprintln!("outtake: ffmpeg is not installed, so no thumbnails were made");
                return Ok((made, jobs.len() - made));
            }
            Err(error) => {
                failed += 1;
                bar.suspend(|| eprintln!("outtake: thumbnail: {error}"));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok((made, failed))
}

/// Reads the captions of `which` clips, saying on stderr which clip it is
/// at (a bar on a terminal, a line per clip otherwise).
pub fn read_text(library: &mut Library, which: &Which) -> anyhow::Result<ReadSummary> {
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} reading {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let never = std::sync::atomic::AtomicBool::new(false);
    let summary = library.read_screen_text(which, &never, &mut |at| {
        if terminal {
            bar.set_length(at.total as u64);
            bar.set_position(at.number as u64 - 1);
            bar.set_message(at.title.clone());
        } else {
            eprintln!("outtake: reading {}/{}: #{} {}", at.number, at.total, at.clip_id, at.title);
        }
    });
    bar.finish_and_clear();
    Ok(summary?)
}

/// The speech model: `--model`, else the settings' `speech_model`; checked
/// and loaded (a missing or damaged file is one line naming it).
pub fn speech_model(chosen: Option<PathBuf>) -> anyhow::Result<SpeechModel> {
    let path = match chosen {
        Some(path) => path,
        None => settings()?.speech_model.map(PathBuf::from).ok_or(SpeechError::NoModel)?,
    };
    Ok(SpeechModel::load(&path)?)
}

/// The settings' `speech_language`, else `auto`.
pub fn speech_language() -> anyhow::Result<Spoken> {
    let chosen = settings()?.speech_language;
    Ok(chosen.map(|l| l.parse()).transpose().map_err(anyhow::Error::msg)?.unwrap_or_default())
}

fn settings() -> anyhow::Result<outtake_core::settings::Settings> {
    let loaded = load(&settings_path());
    if let Some(problem) = loaded.problem {
        eprintln!("outtake: {problem}");
    }
    Ok(loaded.settings)
}

/// Hears the speech of `which` clips, saying on stderr which clip it is at
/// (a bar on a terminal, a line per clip otherwise).
pub fn transcribe(
    library: &mut Library,
    which: &Which,
    model: &SpeechModel,
    spoken: Spoken,
) -> anyhow::Result<ReadSummary> {
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} listening to {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let never = std::sync::atomic::AtomicBool::new(false);
    let summary = library.transcribe(which, model, Listening::all_cores(spoken), &never, &mut |at| {
        if terminal {
            bar.set_length(at.total as u64);
            bar.set_position(at.number as u64 - 1);
            bar.set_message(at.title.clone());
        } else {
            eprintln!("outtake: listening {}/{}: #{} {}", at.number, at.total, at.clip_id, at.title);
        }
    });
    bar.finish_and_clear();
    Ok(summary?)
}

/// Makes the content keys of `which` clips, saying on stderr which clip it
/// is at (a bar on a terminal, a line per clip otherwise).
pub fn content_keys(library: &mut Library, which: &KeysWhich) -> anyhow::Result<KeysSummary> {
    let terminal = std::io::stderr().is_terminal();
    let bar = if terminal { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} keys of {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let never = std::sync::atomic::AtomicBool::new(false);
    let summary = library.make_content_keys(which, &never, &mut |at| {
        if terminal {
            bar.set_length(at.total as u64);
            bar.set_position(at.number as u64 - 1);
            bar.set_message(at.title.clone());
        } else {
            eprintln!("outtake: keys {}/{}: #{} {}", at.number, at.total, at.clip_id, at.title);
        }
    });
    bar.finish_and_clear();
    Ok(summary?)
}

/// What `storyboards` did.
#[derive(Debug, Default)]
pub struct Boards {
    pub made: usize,
    pub partial: usize,
    pub failed: usize,
}

/// Makes the storyboards the library lacks (the background queue's list:
/// evicted ones stay evicted), one clip at a time, with a bar.
pub fn storyboards(library: &Library) -> anyhow::Result<Boards> {
    let jobs = library.pending_storyboards()?;
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(jobs.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} storyboards {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut boards = Boards::default();
    for job in &jobs {
        bar.set_message(job.video.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        match make_storyboard(job) {
            Ok(made) => {
                library.record_storyboard(&job.oshash, Ok(&made))?;
                boards.made += 1;
                if let Some(problem) = &made.problem {
                    boards.partial += 1;
                    bar.suspend(|| eprintln!("outtake: storyboard: {problem}"));
                }
            }
            Err(BoardError::FfmpegMissing) => {
                bar.finish_and_clear();
                eprintln!("outtake: ffmpeg is not installed, so no storyboards were made");
                boards.failed = jobs.len() - boards.made;
                return Ok(boards);
            }
            Err(error) => {
                library.record_storyboard(&job.oshash, Err(&error.to_string()))?;
                boards.failed += 1;
                bar.suspend(|| eprintln!("outtake: storyboard: {error}"));
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(boards)
}
