//! The Tauri shell of Outtake: opens the library and hosts the Svelte UI.
//!
//! Commands here stay thin: take state, call `outtake_core`, map the error.
//! Until the browse issue lands the window shows a static start page; the
//! library is still opened (and migrated) at start-up so a broken library is
//! reported before the window appears, and the importer keeps the library's
//! watched folders imported in the background.

use std::sync::Mutex;

use std::path::PathBuf;

use outtake_core::Library;
use outtake_core::import::thumbs::{ThumbError, make_thumbnail};
use outtake_core::watch::{FolderWatcher, WatchMessage};

/// The library the window works on, opened once at start-up.
struct AppState {
    #[allow(dead_code)] // read by the commands of the browse issue
    library: Mutex<Library>,
}

/// Keeps the library in step with its watched folders on a thread of its own,
/// with its own connection: the one writer, while the window only reads.
fn start_importer(path: PathBuf) {
    let spawned = std::thread::Builder::new().name("importer".into()).spawn(move || {
        if let Err(error) = import_forever(&path) {
            tracing::error!("the importer stopped: {error}");
        }
    });
    if let Err(error) = spawned {
        tracing::error!("cannot start the importer: {error}");
    }
}

fn import_forever(path: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut library = Library::open(path)?;
    let (sender, receiver) = std::sync::mpsc::channel();
    let mut watcher = FolderWatcher::new(sender)?;
    let mut roots = Vec::new();
    for folder in library.folders()? {
        let root = PathBuf::from(&folder.path);
        if root.is_dir() {
            watcher.watch(&root)?;
        }
        roots.push(root);
    }
    library.scan(&roots, &mut |_| {})?;
    make_thumbnails(&library);
    for message in receiver {
        match message {
            WatchMessage::Changed(paths) => {
                library.import_changes(&roots, &paths, &mut |_| {})?;
                make_thumbnails(&library);
            }
            WatchMessage::Problem(problem) => tracing::warn!("watcher: {problem}"),
        }
    }
    Ok(())
}

fn make_thumbnails(library: &Library) {
    let Ok(jobs) = library.pending_thumbnails() else { return };
    for job in jobs {
        match make_thumbnail(&job) {
            Ok(()) => {}
            Err(ThumbError::FfmpegMissing) => return,
            Err(error) => tracing::warn!("thumbnail: {error}"),
        }
    }
}

/// Opens the library (from `$OUTTAKE_LIBRARY` or the default place) and runs the window.
pub fn run() {
    let path = outtake_core::default_library_path();
    let library = match Library::open(&path) {
        Ok(library) => library,
        Err(error) => {
            eprintln!("outtake: cannot open the library {}: {error}", path.display());
            std::process::exit(1);
        }
    };
    start_importer(path.clone());
    tauri::Builder::default()
        .manage(AppState { library: Mutex::new(library) })
        .run(tauri::generate_context!())
        .expect("error while running the Outtake window");
}
