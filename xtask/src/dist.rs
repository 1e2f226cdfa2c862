//! `cargo xtask dist`: the Debian package a fan installs (`.deb`, made by the
//! Tauri CLI from the UI's npm packages; AppImage bundling needs downloads and
//! does not work offline). It holds the desktop app and the `outtake` CLI
//! (`bundle > linux > deb` in `tauri.conf.json` says which other packages it
//! needs). It also holds the CLI's manual page and shell completions (made by
//! the CLI from its grammar: `outtake manpage`, `outtake completions SHELL`),
//! the AppStream metadata and a desktop entry with its Korean name
//! (`packaging/`). The package is checked before its path is printed: its
//! control file, everything above inside it, the desktop entry's Korean name,
//! and the AppStream file validated by `appstreamcli`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{build_ui, cargo, root, step};

/// Debian packages the packaging needs beyond the build's: `appstreamcli`.
pub const PACKAGES: &[&str] = &["appstream"];

/// Where the files the CLI makes for the package go (`files` in tauri.conf.json).
const EXTRA: &str = "target/dist-extra";

pub fn dist() -> Result<()> {
    let root = root();
    build_ui()?;
    // The CLI goes into the package beside the app (`files` in tauri.conf.json).
    step(
        "build the outtake CLI (release)",
        cargo()
            .args(["build", "--release", "--package", "outtake-cli", "--locked"])
            .env("GGML_NATIVE", "OFF"),
    )?;
    make_extras(&root)?;
    step(
        "validate the AppStream metadata",
        Command::new("appstreamcli")
            .args(["validate", "--no-net", "--pedantic"])
            .arg(root.join("packaging/io.github.outtake.Outtake.metainfo.xml")),
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
            // whisper.cpp for any x86-64, not only this machine's CPU.
            .env("GGML_NATIVE", "OFF")
            .args(["--config", r#"{"build": {"beforeBuildCommand": "npm run build"}}"#]),
    )?;
    let deb = newest_deb(&root.join("target/release/bundle/deb"))?;
    check(&deb)?;
    println!("{}", deb.display());
    Ok(())
}

/// The manual page (gzipped, as Debian keeps them) and one completion script
/// per shell, from the release CLI just built.
fn make_extras(root: &Path) -> Result<()> {
    let extra = root.join(EXTRA);
    std::fs::create_dir_all(&extra)?;
    let outtake = root.join("target/release/outtake");
    let run = |args: &[&str]| -> Result<Vec<u8>> {
        let out = Command::new(&outtake)
            .args(args)
            .output()
            .with_context(|| format!("could not run {}", outtake.display()))?;
        if !out.status.success() {
            bail!("outtake {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        }
        Ok(out.stdout)
    };
    std::fs::write(extra.join("outtake.1"), run(&["manpage"])?)?;
    step("gzip the manual page", Command::new("gzip").args(["-9nf"]).arg(extra.join("outtake.1")))?;
    for (shell, file) in [("bash", "outtake.bash"), ("zsh", "_outtake"), ("fish", "outtake.fish")] {
        std::fs::write(extra.join(file), run(&["completions", shell])?)?;
    }
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
    for needed in [
        "usr/bin/outtake-desktop",
        "usr/bin/outtake",
        "usr/share/applications/Outtake.desktop",
        "usr/share/man/man1/outtake.1.gz",
        "usr/share/bash-completion/completions/outtake",
        "usr/share/zsh/vendor-completions/_outtake",
        "usr/share/fish/vendor_completions.d/outtake.fish",
        "usr/share/metainfo/io.github.outtake.Outtake.metainfo.xml",
        "usr/share/icons/hicolor/32x32/apps/outtake-desktop.png",
        "usr/share/icons/hicolor/64x64/apps/outtake-desktop.png",
        "usr/share/icons/hicolor/128x128/apps/outtake-desktop.png",
        "usr/share/icons/hicolor/256x256/apps/outtake-desktop.png",
    ] {
        if !paths.contains(&needed) {
            bail!("{}: the package lacks {needed}:\n{contents}", deb.display());
        }
    }
    let entry = Command::new("sh")
        .arg("-c")
        .arg("dpkg-deb --fsys-tarfile \"$1\" | tar -xO --wildcards '*usr/share/applications/Outtake.desktop'")
        .arg("sh")
        .arg(deb)
        .output()
        .context("could not read the desktop entry")?;
    let entry = String::from_utf8_lossy(&entry.stdout);
    if !entry.contains("Name[ko]=아웃테이크") {
        bail!("{}: the desktop entry has no Korean name:\n{entry}", deb.display());
    }
    eprintln!("\n{control}");
    Ok(())
}
