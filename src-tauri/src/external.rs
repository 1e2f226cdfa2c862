//! "Open in external player at this time": the player the settings name, else
//! mpv or VLC when installed (they can start at a time), else whatever the
//! system opens videos with. A named player that is mpv or VLC gets the time too.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::ipc::IpcError;

/// Players that take a start time, and how to say it.
const PLAYERS: &[(&str, &str)] = &[("mpv", "--start="), ("vlc", "--start-time=")];

/// Plays the file at its exact path (a CP949 name is passed as its bytes),
/// with `chosen` (a path or a name on `PATH`) when the fan set one.
pub fn play(path: &Path, at_ms: i64, chosen: Option<&str>) -> Result<(), IpcError> {
    let seconds = format!("{:.3}", at_ms.max(0) as f64 / 1000.0);
    if let Some(chosen) = chosen {
        let program = if chosen.contains('/') { Some(PathBuf::from(chosen)) } else { find_program(chosen) };
        let program = program.filter(|p| is_executable(p)).ok_or_else(|| {
            IpcError::app(format!("the player in the settings, {chosen}, is not a program here"))
        })?;
        let name = program.file_stem().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        let flag =
            PLAYERS.iter().find(|(player, _)| *player == name).map(|(_, flag)| format!("{flag}{seconds}"));
        return spawn(&program, flag, path);
    }
    for (player, flag) in PLAYERS {
        let Some(program) = find_program(player) else { continue };
        return spawn(&program, Some(format!("{flag}{seconds}")), path);
    }
    // The plugin's free function takes any path; its `OpenerExt` method only UTF-8 text.
    tauri_plugin_opener::open_path(path, None::<&str>)
        .map_err(|e| IpcError::app(format!("no video player could open {}: {e}", path.display())))
}

fn spawn(program: &Path, flag: Option<String>, path: &Path) -> Result<(), IpcError> {
    Command::new(program)
        .args(flag)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|error| IpcError::app(format!("cannot start {}: {error}", program.display())))
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
