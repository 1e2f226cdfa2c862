//! `outtake watch`: a first scan, then imports as the folders change, until interrupted.

use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::Result;
use outtake_core::Library;
use outtake_core::watch::{FolderWatcher, WatchMessage, WatchMode};

use crate::render::{self, Out};

pub fn watch(library: &mut Library, out: &mut Out, dirs: &[PathBuf]) -> Result<()> {
    let (sender, receiver) = mpsc::channel();
    let mut watcher = FolderWatcher::new(sender)?;
    let mut roots = Vec::new();
    for dir in dirs {
        // An unreachable folder is scanned (its clips go offline) but cannot be watched.
        let Ok(root) = dir.canonicalize() else {
            eprintln!("outtake: {} is not reachable: its clips are marked offline", dir.display());
            roots.push(dir.clone());
            continue;
        };
        roots.push(root.clone());
        match watcher.watch(&root)? {
            WatchMode::Native => out.line(format!("watching {}", root.display()))?,
            WatchMode::Polling(why) => {
                out.line(format!("watching {} by polling every few seconds ({why})", root.display()))?
            }
        }
    }
    let summary = crate::progress::scan(library, &roots)?;
    out.text(render::scan_summary(&summary))?;
    crate::progress::thumbnails(library)?;
    // Runs until Ctrl-C ends the process: every batch is its own set of transactions.
    for message in receiver {
        match message {
            WatchMessage::Changed(paths) => {
                let summary = library.import_changes(&roots, &paths, &mut |_| {})?;
                if summary.added + summary.updated + summary.moved + summary.missing + summary.offline > 0
                    || !summary.failed.is_empty()
                {
                    out.text(render::scan_summary(&summary))?;
                    crate::progress::thumbnails(library)?;
                }
            }
            WatchMessage::Problem(problem) => eprintln!("outtake: watch: {problem}"),
        }
    }
    Ok(())
}
