//! "Open in external player at this time": mpv or VLC when installed (they
//! can start at a time), else whatever the system opens videos with.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::ipc::IpcError;

/// Players that take a start time, and how to say it.
const PLAYERS: &[(&str, &str)] = &[("mpv", "--start="), ("vlc", "--start-time=")];

/// Plays the file at its exact path (a CP949 name is passed as its bytes).
pub fn play(path: &Path, at_ms: i64) -> Result<(), IpcError> {
    let seconds = format!("{:.3}", at_ms.max(0) as f64 / 1000.0);
    for (player, flag) in PLAYERS {
        let Some(program) = find_program(player) else { continue };
        let spawned = Command::new(&program)
            .arg(format!("{flag}{seconds}"))
            .arg(path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        return match spawned {
            Ok(_) => Ok(()),
            Err(error) => Err(IpcError::app(format!("cannot start {}: {error}", program.display()))),
        };
    }
    // The plugin's free function takes any path; its `OpenerExt` method only UTF-8 text.
    tauri_plugin_opener::open_path(path, None::<&str>)
        .map_err(|e| IpcError::app(format!("no video player could open {}: {e}", path.display())))
}

/// The program's path when it is on `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).map(|dir| dir.join(name)).find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}
