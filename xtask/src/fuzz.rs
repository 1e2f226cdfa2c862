//! `cargo xtask fuzz`: every fuzz target at full length — a million inputs
//! each unless `--execs` says otherwise — built in the `fuzz` profile
//! (optimised, with overflow checks), the run whose figures SECURITY.md
//! quotes. Other arguments go to `outtake-fuzz` as they are (`--target`,
//! `--seed`, `--jobs`; see `crates/outtake-fuzz`). `cargo xtask test` runs
//! the short version of each target as tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

const FULL_EXECS: &str = "1000000";

pub fn fuzz(root: &Path, cargo: impl Fn() -> Command, args: Vec<String>) -> Result<()> {
    eprintln!("\n== build the fuzzer (profile fuzz)");
    let status =
        cargo().args(["build", "--profile", "fuzz", "--package", "outtake-fuzz", "--locked"]).status()?;
    if !status.success() {
        bail!("building outtake-fuzz failed ({status})");
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let fuzzer = target.join("fuzz/outtake-fuzz");
    let mut command = Command::new(&fuzzer);
    if !args.iter().any(|a| a == "--execs") {
        command.args(["--execs", FULL_EXECS]);
    }
    command.args(&args).current_dir(root);
    eprintln!("== {} {}", fuzzer.display(), args.join(" "));
    let status = command.status().with_context(|| format!("could not start {}", fuzzer.display()))?;
    if !status.success() {
        bail!(
            "the fuzzer found failing inputs (saved under target/fuzz-failures) or could not run ({status})"
        );
    }
    Ok(())
}
