//! The Tauri shell of Outtake: opens the library and hosts the Svelte UI.
//!
//! Commands here stay thin: take state, call `outtake_core`, map the error.
//! Until the browse issue lands the window shows a static start page; the
//! library is still opened (and migrated) at start-up so a broken library is
//! reported before the window appears.

use std::sync::Mutex;

use outtake_core::Library;

/// The library the window works on, opened once at start-up.
struct AppState {
    #[allow(dead_code)] // read by the commands of the browse issue
    library: Mutex<Library>,
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
    tauri::Builder::default()
        .manage(AppState { library: Mutex::new(library) })
        .run(tauri::generate_context!())
        .expect("error while running the Outtake window");
}
