//! `outtake watch`: a first scan, then imports as the folders change, until interrupted.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError};

use anyhow::Result;
use outtake_core::Library;
use outtake_core::import::ScanSummary;
use outtake_core::watch::{CHECK_FOLDERS_EVERY, FolderWatcher, WatchMessage, WatchMode};

use crate::render::{self, Out};

pub fn watch(library: &mut Library, out: &mut Out, dirs: &[PathBuf]) -> Result<()> {
    let (sender, receiver) = mpsc::channel();
    let mut watcher = FolderWatcher::new(sender)?;
    let mut roots = Vec::new();
    for dir in dirs {
        let root = dir.canonicalize().unwrap_or_else(|_| std::path::absolute(dir).unwrap_or(dir.clone()));
        roots.push(root.clone());
        match watcher.watch(&root)? {
            WatchMode::Native => out.line(format!("watching {}", root.display()))?,
            WatchMode::Polling(why) => {
                out.line(format!("watching {} by polling every few seconds ({why})", root.display()))?
            }
            // It is scanned below (its clips go offline) and watched when it comes back.
            WatchMode::Absent => eprintln!(
                "outtake: {} is not reachable: its clips are marked offline until it comes back",
                dir.display()
            ),
        }
    }
    let summary = crate::progress::scan(library, &roots)?;
    out.text(render::scan_summary(&summary))?;
    crate::progress::thumbnails(library)?;
    // Runs until Ctrl-C ends the process: every batch is its own set of
    // transactions, and no batch's failure ends the watch.
    loop {
        let imported = match receiver.recv_timeout(CHECK_FOLDERS_EVERY) {
            Ok(WatchMessage::Changed(paths)) => library.import_changes(&roots, &paths, &mut |_| {}),
            Ok(WatchMessage::Problem(problem)) => {
                eprintln!("outtake: watch: {problem}");
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {
                let changes = watcher.check_folders();
                if changes.is_empty() {
                    continue;
                }
                for root in &changes.returned {
                    out.line(format!("{} is back: watching it again", root.display()))?;
                }
                let folders: Vec<PathBuf> = changes.vanished.into_iter().chain(changes.returned).collect();
                library.scan(&folders, &mut |_| {})
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        match imported {
            Ok(summary) if worth_telling(&summary) => {
                out.text(render::scan_summary(&summary))?;
                crate::progress::thumbnails(library)?;
            }
            Ok(_) => {}
            Err(error) => eprintln!("outtake: watch: {error} (still watching)"),
        }
    }
}

fn worth_telling(summary: &ScanSummary) -> bool {
    summary.added + summary.updated + summary.moved + summary.missing + summary.offline > 0
        || !summary.failed.is_empty()
}
