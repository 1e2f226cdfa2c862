//! `outtake watch`: the core's import worker in the foreground — a first scan,
//! then imports as the folders change, until interrupted — reported on the
//! terminal. The app runs the same worker.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use outtake_core::Library;
use outtake_core::import::ScanSummary;
use outtake_core::import::worker::{self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink};
use outtake_core::watch::WatchMode;

use crate::render::{self, Out};

pub fn watch(library: &mut Library, out: &mut Out, dirs: &[PathBuf]) -> Result<()> {
    let roots: Vec<PathBuf> = dirs
        .iter()
        .map(|dir| dir.canonicalize().unwrap_or_else(|_| std::path::absolute(dir).unwrap_or(dir.clone())))
        .collect();
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(0) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut sink = TerminalSink { out, bar, first: true, failed: None };
    let (feed, jobs) = mpsc::channel();
    // Runs until Ctrl-C ends the process (the worker keeps a sender of its own).
    worker::run(library, Followed::These(roots), &mut sink, FolderStates::default(), feed, jobs)?;
    Ok(())
}

/// The worker's news as lines on the terminal and a bar on stderr.
struct TerminalSink<'a> {
    out: &'a mut Out,
    bar: ProgressBar,
    /// The first scan is always summed up; later batches only when they did something.
    first: bool,
    /// Writing to stdout failed (a closed pipe): said once.
    failed: Option<std::io::Error>,
}

impl TerminalSink<'_> {
    fn line(&mut self, text: String) {
        if self.failed.is_some() {
            return;
        }
        let bar = self.bar.clone();
        if let Err(error) = bar.suspend(|| self.out.line(text)) {
            eprintln!("outtake: watch: cannot write: {error}");
            self.failed = Some(std::io::Error::other(error.to_string()));
        }
    }
}

impl ImportSink for TerminalSink<'_> {
    fn progress(&mut self, progress: ImportProgress) {
        match progress.phase {
            ImportPhase::Scanning
            | ImportPhase::Thumbnails
            | ImportPhase::Storyboards
            | ImportPhase::Keys
            | ImportPhase::Reading
            | ImportPhase::Listening => {
                if let Some(total) = progress.total {
                    self.bar.set_length(total as u64);
                }
                self.bar.set_position(progress.done as u64);
                let name = progress.current.as_deref().map(Path::new).and_then(Path::file_name);
                let what = match progress.phase {
                    ImportPhase::Thumbnails => "thumbnail ",
                    ImportPhase::Storyboards => "storyboard ",
                    ImportPhase::Keys => "content keys ",
                    ImportPhase::Reading => "on-screen text ",
                    ImportPhase::Listening => "speech ",
                    _ => "",
                };
                self.bar
                    .set_message(format!("{what}{}", name.map(|n| n.to_string_lossy()).unwrap_or_default()));
            }
            ImportPhase::Idle => self.bar.finish_and_clear(),
        }
    }

    fn changed(&mut self, _clip_ids: Vec<i64>) {}

    fn imported(&mut self, summary: &ScanSummary) {
        let worth_telling =
            summary.added + summary.updated + summary.moved + summary.missing + summary.offline > 0
                || !summary.failed.is_empty();
        if std::mem::take(&mut self.first) || worth_telling {
            let text = render::scan_summary(summary);
            self.line(text.trim_end().to_string());
        }
    }

    fn following(&mut self, folder: &Path, mode: &WatchMode) {
        match mode {
            WatchMode::Native => self.line(format!("watching {}", folder.display())),
            WatchMode::Polling(why) => {
                self.line(format!("watching {} by polling every few seconds ({why})", folder.display()))
            }
            WatchMode::Absent => self.bar.suspend(|| {
                eprintln!(
                    "outtake: {} is not reachable: its clips are marked offline until it comes back",
                    folder.display()
                )
            }),
        }
    }

    fn problem(&mut self, message: &str) {
        self.bar.suspend(|| eprintln!("outtake: watch: {message}"));
    }
}
