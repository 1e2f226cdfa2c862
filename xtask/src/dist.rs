//! `cargo xtask dist`: the Debian package a fan installs (`.deb`, made by the
//! Tauri CLI from the UI's npm packages; AppImage bundling needs downloads and
//! does not work offline). It holds the desktop app and the `outtake` CLI
//! (`bundle > linux > deb` in `tauri.conf.json` says which other packages it
//! needs). The package is checked before its path is printed: its control
//! file, and the two programs and the desktop entry inside it.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{build_ui, cargo, root, step};

pub fn dist() -> Result<()> {
    let root = root();
    build_ui()?;
    // The CLI goes into the package beside the app (`files` in tauri.conf.json).
    step(
        "build the outtake CLI (release)",
        cargo().args(["build", "--release", "--package", "outtake-cli", "--locked"]),
    )?;
    let tauri = root.join("ui/node_modules/.bin/tauri");
    if !tauri.exists() {
        bail!("the Tauri CLI is missing from ui/node_modules: run `npm ci` in ui/");
    }
    step(
        "build the app and its .deb (release; a few minutes)",
        Command::new(&tauri)
            .current_dir(&root)
            .args(["build", "--bundles", "deb", "--ci"])
            // Several package.json files (tests/e2e has one): the CLI must
            // take the UI's, and then runs its build command inside ui/.
            .env("TAURI_FRONTEND_PATH", "ui")
            .args(["--config", r#"{"build": {"beforeBuildCommand": "npm run build"}}"#]),
    )?;
    let deb = newest_deb(&root.join("target/release/bundle/deb"))?;
    check(&deb)?;
    println!("{}", deb.display());
    Ok(())
}

fn newest_deb(dir: &Path) -> Result<PathBuf> {
    let mut debs: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .with_context(|| format!("no bundle was made in {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "deb"))
        .filter_map(|path| Some((path.metadata().ok()?.modified().ok()?, path)))
        .collect();
    debs.sort();
    debs.pop().map(|(_, path)| path).with_context(|| format!("no .deb in {}", dir.display()))
}

/// What the package must hold, read back with dpkg-deb.
fn check(deb: &Path) -> Result<()> {
    let output = |args: &[&str]| -> Result<String> {
        let out = Command::new("dpkg-deb").args(args).arg(deb).output().context("could not run dpkg-deb")?;
        if !out.status.success() {
            bail!(
                "dpkg-deb {} {} failed: {}",
                args.join(" "),
                deb.display(),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let control = output(&["--field"])?;
    let contents = output(&["--contents"])?;
    for needed in ["Package: outtake", "Depends:", "ffmpeg", "gstreamer1.0-libav", "gstreamer1.0-plugins-bad"]
    {
        if !control.contains(needed) {
            bail!("{}: the control file lacks {needed:?}:\n{control}", deb.display());
        }
    }
    // One line per entry, its path last (`usr/bin/outtake`, or `./usr/…` from older dpkg).
    let paths: Vec<&str> = contents
        .lines()
        .filter_map(|line| line.split_whitespace().last())
        .map(|path| path.trim_start_matches("./"))
        .collect();
    for needed in ["usr/bin/outtake-desktop", "usr/bin/outtake", "usr/share/applications/Outtake.desktop"] {
        if !paths.contains(&needed) {
            bail!("{}: the package lacks {needed}:\n{contents}", deb.display());
        }
    }
    eprintln!("\n{control}");
    Ok(())
}
