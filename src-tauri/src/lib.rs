//! The Tauri shell of Outtake: opens the library, starts the loopback media
//! server and the importer, and hosts the Svelte UI.
//!
//! Commands stay thin (see `commands.rs`): take state, call `outtake_core`,
//! map the error. Nothing here knows SQL or video containers.

mod commands;
mod external;
mod importer;
mod ipc;
mod jobs;
mod reader;
mod rendering;

use std::sync::{Mutex, MutexGuard};

use outtake_core::Library;
use outtake_core::settings::{self, Settings};
use outtake_serve::MediaServer;

use crate::importer::Importer;

/// What every command can reach.
pub struct App {
    /// The window's connection: reads, and the fan's own small writes. The
    /// importer writes through a connection of its own.
    library: Mutex<Library>,
    /// A second read connection for the sidebar's counts, which take most of a
    /// second on a 100k-clip library: searching never waits behind them.
    counts: Mutex<Library>,
    media_base: String,
    importer: Importer,
    /// Read the text on screen and hear the speech of clips not read yet (`reader.rs`).
    readers: reader::Readers,
    /// The fan's settings (`settings.json`), and what was wrong with the file
    /// at start, said once to the window.
    settings: Mutex<Settings>,
    settings_problem: Mutex<Option<String>>,
    /// Reel videos and cuts, one at a time in the background (`jobs.rs`).
    jobs: jobs::Jobs,
    /// Kept so the server lives as long as the app.
    _media: MediaServer,
}

impl App {
    fn library(&self) -> MutexGuard<'_, Library> {
        // A command that panicked mid-read leaves nothing half-written
        // (writes are transactions), so a poisoned lock is still usable.
        self.library.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn counts(&self) -> MutexGuard<'_, Library> {
        self.counts.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The library to open: `$OUTTAKE_LIBRARY` when set, then the one chosen in
/// the settings (another library, a new one, or where a move put it), then
/// the default place.
fn library_to_open(from_env: Option<std::ffi::OsString>, chosen: Option<&str>) -> std::path::PathBuf {
    if let Some(path) = from_env.filter(|path| !path.is_empty()) {
        return path.into();
    }
    match chosen.filter(|chosen| !chosen.trim().is_empty()) {
        Some(chosen) => chosen.into(),
        None => outtake_core::default_library_path(),
    }
}

/// The TypeScript the UI imports (`ui/src/lib/api/bindings.ts`).
pub fn typescript_bindings() -> String {
    ipc::typescript(commands::signatures, commands::events)
}

/// Opens the library (from `$OUTTAKE_LIBRARY`, the settings, or the default place) and runs the window.
///
/// Runs first in `main`: the window's drawing is chosen (`rendering.rs`)
/// before any thread starts.
pub fn run() {
    let software_only = rendering::software_only_reason();
    if software_only.is_some() {
        rendering::draw_without_compositing();
    }
    tracing_subscriber_init();
    if let Some(reason) = software_only {
        tracing::info!("the window draws without compositing: {reason}");
    }
    let loaded = settings::load(&settings::settings_path());
    if let Some(problem) = &loaded.problem {
        tracing::warn!("{problem}");
    }
    let path = library_to_open(std::env::var_os("OUTTAKE_LIBRARY"), loaded.settings.library.as_deref());
    let library = open_or_exit(&path);
    let counts = open_or_exit(&path);
    let media = match tauri::async_runtime::block_on(MediaServer::start(&path)) {
        Ok(media) => media,
        Err(error) => {
            eprintln!("outtake: cannot start the media server: {error}");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            use tauri::Manager;
            let readers = reader::Readers::start(path.clone(), app.handle().clone(), &loaded.settings);
            let importer = Importer::start(path.clone(), app.handle().clone());
            let jobs = jobs::Jobs::start(app.handle().clone());
            let media_base = media.base().to_string();
            app.manage(App {
                library: Mutex::new(library),
                counts: Mutex::new(counts),
                media_base,
                importer,
                readers,
                settings: Mutex::new(loaded.settings),
                settings_problem: Mutex::new(loaded.problem),
                jobs,
                _media: media,
            });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("error while running the Outtake window");
}

/// A connection to the library, or a one-line error and exit: a broken
/// library is reported before any window appears.
fn open_or_exit(path: &std::path::Path) -> Library {
    Library::open(path).unwrap_or_else(|error| {
        eprintln!("outtake: cannot open the library {}: {error}", path.display());
        std::process::exit(1);
    })
}

/// Logs to stderr, at `info` unless `RUST_LOG` says otherwise.
fn tracing_subscriber_init() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

#[cfg(test)]
mod tests {
    /// `ui/src/lib/api/bindings.ts` is what the commands declare. With
    /// `OUTTAKE_WRITE_BINDINGS=1` (what `cargo xtask bindings` sets) it is rewritten instead.
    #[test]
    fn typescript_bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/api/bindings.ts");
        let generated = super::typescript_bindings();
        if std::env::var_os("OUTTAKE_WRITE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).unwrap();
            return;
        }
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == generated,
            "{} is stale: run `cargo xtask bindings` and commit the result",
            path.display()
        );
    }
}
