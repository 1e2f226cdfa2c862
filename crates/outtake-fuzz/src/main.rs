//! `outtake-fuzz`: runs fuzz targets and prints, per target, the executions,
//! crashes, hangs, speed and slowest input; exits 1 when any input failed.
//!
//! Each target runs in a child process of its own, so an input that aborts
//! the process (a stack overflow) is caught too: the run is then repeated
//! from the last progress mark, writing each input to a file before running
//! it, and the file left behind is the culprit.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use outtake_fuzz::run::{Failure, PROGRESS_EVERY, Report, default_failures_dir, replay};
use outtake_fuzz::targets::{KNOWN_ISSUES, KnownIssue};
use outtake_fuzz::{Corpus, Options, Target, corpus, run};

const USAGE: &str = "usage: outtake-fuzz [--target NAME|GROUP|all] [--execs N] [--seed S] [--jobs J]
                    [--hang-ms MS] [--corpus DIR] [--extra-seeds DIR]... [--failures DIR]
       outtake-fuzz --target NAME --replay FILE...
       outtake-fuzz --target NAME --seed S --input N
       outtake-fuzz --list

  --target     a target, a group (srt, vtt, sami, subtitles) or all; commas for several (default: all)
  --execs      inputs per target (default: 1000000)
  --seed       picks the inputs; the same seed gives the same inputs (default: 1)
  --jobs       targets run at once, each in its own process (default: 1)
  --hang-ms    an input slower than this is a hang (default: 2000)
  --corpus     the seed folders (default: crates/outtake-fuzz/corpus)
  --extra-seeds  more seed files for the chosen targets (e.g. ../shared/fixtures/real/media)
  --failures   where failing inputs are written (default: target/fuzz-failures)
  --replay     run saved inputs, in order, on one state, and say which fail
  --input      write input number N of the run with seed S to the failures folder (to look at it)";

#[derive(Debug, Clone)]
struct Args {
    targets: String,
    execs: u64,
    seed: u64,
    jobs: usize,
    hang_ms: u64,
    corpus: PathBuf,
    extra: Vec<PathBuf>,
    failures: PathBuf,
    replay: Vec<PathBuf>,
    input: Option<u64>,
    list: bool,
    /// Internal: this process runs one target for a parent.
    worker: bool,
    from: u64,
    trace: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        targets: "all".into(),
        execs: 1_000_000,
        seed: 1,
        jobs: 1,
        hang_ms: 2000,
        corpus: corpus::default_dir(),
        extra: Vec::new(),
        failures: default_failures_dir(),
        replay: Vec::new(),
        input: None,
        list: false,
        worker: false,
        from: 0,
        trace: None,
    };
    let mut raw = std::env::args().skip(1);
    let number = |flag: &str, value: Option<String>| -> Result<u64, String> {
        let value = value.ok_or(format!("{flag} needs a value"))?;
        value.replace('_', "").parse().map_err(|_| format!("{flag}: `{value}` is not a number"))
    };
    while let Some(flag) = raw.next() {
        match flag.as_str() {
            "--target" => args.targets = raw.next().ok_or("--target needs a value")?,
            "--execs" => args.execs = number("--execs", raw.next())?,
            "--seed" => args.seed = number("--seed", raw.next())?,
            "--jobs" => args.jobs = number("--jobs", raw.next())?.max(1) as usize,
            "--hang-ms" => args.hang_ms = number("--hang-ms", raw.next())?,
            "--corpus" => args.corpus = raw.next().ok_or("--corpus needs a folder")?.into(),
            "--extra-seeds" => args.extra.push(raw.next().ok_or("--extra-seeds needs a folder")?.into()),
            "--failures" => args.failures = raw.next().ok_or("--failures needs a folder")?.into(),
            "--replay" => args.replay.extend(raw.by_ref().map(PathBuf::from)),
            "--input" => args.input = Some(number("--input", raw.next())?),
            "--list" => args.list = true,
            "--worker" => args.worker = true,
            "--from" => args.from = number("--from", raw.next())?,
            "--trace" => args.trace = Some(raw.next().ok_or("--trace needs a file")?.into()),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(error) if error.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("outtake-fuzz: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match dispatch(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => {
            eprintln!("outtake-fuzz: {error}");
            ExitCode::from(2)
        }
    }
}

/// Ok(false) when an input failed.
fn dispatch(args: &Args) -> Result<bool, String> {
    let targets = Target::select(&args.targets)?;
    if args.list {
        for target in &targets {
            println!("{:<16} corpus/{}", target.name, target.corpus());
        }
        return Ok(true);
    }
    if let Some(index) = args.input {
        let [target] = targets.as_slice() else { return Err("--input needs exactly one --target".into()) };
        let bytes = target.input(&load(args, target)?, args.seed, index);
        std::fs::create_dir_all(&args.failures).map_err(|e| format!("{}: {e}", args.failures.display()))?;
        let path = args.failures.join(format!("{}-input-seed{}-{index}.bin", target.name, args.seed));
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
        return Ok(true);
    }
    if !args.replay.is_empty() {
        let [target] = targets.as_slice() else { return Err("--replay needs exactly one --target".into()) };
        let mut clean = true;
        for (file, outcome) in replay(target, &args.replay)? {
            match outcome {
                Ok(()) => println!("ok     {}", file.display()),
                Err(message) => {
                    clean = false;
                    println!("FAILED {}\n{message}", file.display());
                }
            }
        }
        return Ok(clean);
    }
    if args.worker {
        let [target] = targets.as_slice() else { return Err("--worker runs exactly one target".into()) };
        return worker(args, target);
    }
    supervise(args, &targets)
}

fn options(args: &Args) -> Options {
    Options {
        from: args.from,
        hang: Duration::from_millis(args.hang_ms),
        stuck: Duration::from_millis(args.hang_ms.saturating_mul(30).max(30_000)),
        failures: args.failures.clone(),
        trace: args.trace.clone(),
        ..Options::new(args.execs, args.seed)
    }
}

fn load(args: &Args, target: &Target) -> Result<Corpus, String> {
    Corpus::load(&args.corpus, target.corpus(), &args.extra, target.max_len())
}

/// Runs one target, printing `progress N` lines and a last `report {json}` line for the parent.
fn worker(args: &Args, target: &Target) -> Result<bool, String> {
    let corpus = load(args, target)?;
    let mut progress = |index: u64| println!("progress {index}");
    let report = run(target, &corpus, &options(args), &mut progress);
    for failure in &report.failures {
        eprintln!(
            "outtake-fuzz: {} #{}: {} — {}",
            target.name,
            failure.index,
            failure.kind,
            failure.message.trim()
        );
    }
    let line = serde_json::to_string(&report).map_err(|e| e.to_string())?;
    println!("report {line}");
    Ok(report.clean())
}

/// Runs every target in a child process, `args.jobs` at a time, then prints the table.
fn supervise(args: &Args, targets: &[Target]) -> Result<bool, String> {
    for target in targets {
        load(args, target)?;
    }
    println!(
        "outtake-fuzz: {} target(s), {} inputs each, seed {}, hang limit {} ms",
        targets.len(),
        group(args.execs),
        args.seed,
        args.hang_ms
    );
    let queue = Mutex::new(targets.iter());
    let reports = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.min(targets.len()) {
            scope.spawn(|| {
                while let Some(target) = queue.lock().expect("queue").next() {
                    let report = supervised(args, target);
                    if let Ok(report) = &report {
                        println!("{}", row(report));
                    }
                    reports.lock().expect("reports").push((target.name.clone(), report));
                }
            });
        }
    });
    let mut reports = reports.into_inner().expect("reports");
    reports.sort_by_key(|(name, _)| targets.iter().position(|t| &t.name == name));
    println!("\n{}", header());
    let mut clean = true;
    let (mut execs, mut seconds) = (0, 0.0);
    for (name, report) in &reports {
        match report {
            Ok(report) => {
                println!("{}", row(report));
                println!("{:<16} {}", "", outcomes(report));
                execs += report.execs;
                seconds += report.seconds;
                for failure in report.failures.iter().chain(&report.known_example) {
                    clean &= failure.kind == "known";
                    println!("  {} #{}: {}", failure.kind, failure.index, failure.message.trim());
                    for file in &failure.saved {
                        println!("    {}", file.display());
                    }
                }
            }
            Err(error) => {
                clean = false;
                println!("{name:<16} could not run: {error}");
            }
        }
    }
    let verdict = if clean { "no crash, no hang" } else { "FAILED" };
    println!("total: {} inputs in {:.0} s; {verdict}", group(execs), seconds);
    let known: Vec<&KnownIssue> = KNOWN_ISSUES
        .iter()
        .filter(|k| reports.iter().any(|(n, r)| n == k.target && r.as_ref().is_ok_and(|r| r.known > 0)))
        .collect();
    for issue in known {
        println!("known issue ({}), not failing the run: {}", issue.target, issue.about);
    }
    Ok(clean)
}

fn header() -> String {
    format!(
        "{:<16} {:>11} {:>7} {:>5} {:>7} {:>9} {:>9} {:>12}",
        "target", "execs", "crashes", "hangs", "known", "time", "execs/s", "slowest"
    )
}

fn row(report: &Report) -> String {
    format!(
        "{:<16} {:>11} {:>7} {:>5} {:>7} {:>8.1}s {:>9} {:>9.1} ms (#{})",
        report.target,
        group(report.execs),
        report.crashes,
        report.hangs,
        report.known,
        report.seconds,
        group((report.execs as f64 / report.seconds.max(1e-9)) as u64),
        report.slowest_ms,
        report.slowest_index
    )
}

/// "imported 31%, refused by the checks 52%, …", most first.
fn outcomes(report: &Report) -> String {
    let total: u64 = report.outcomes.values().sum();
    let mut counts: Vec<(&String, &u64)> = report.outcomes.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1));
    let share = |n: u64| 100.0 * n as f64 / total.max(1) as f64;
    counts.iter().map(|(what, n)| format!("{what} {:.1}%", share(**n))).collect::<Vec<_>>().join(", ")
}

/// 1000000 → 1,000,000
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Runs one target in a child process. If the child dies without a report,
/// the inputs from its last progress mark are run again, each written to a
/// file first: the file left when it dies again is the culprit.
fn supervised(args: &Args, target: &Target) -> Result<Report, String> {
    let begin = Instant::now();
    let (outcome, last) = child(args, target, args.from, args.execs, None)?;
    if let Some(report) = outcome {
        return Ok(report);
    }
    let _ = std::fs::create_dir_all(&args.failures);
    let trace = args.failures.join(format!("{}-trace-seed{}.bin", target.name, args.seed));
    // It died before announcing the next mark, so the culprit is among these.
    let window = (args.execs - (last - args.from)).min(PROGRESS_EVERY);
    let (again, index) = child(args, target, last, window, Some(&trace))?;
    let (execs, failure) = match again {
        Some(_) => {
            let message = format!(
                "the process died running inputs #{last} to #{}, but not when they ran again",
                last + window - 1
            );
            (
                last + window - args.from,
                Failure { index: last, kind: "abort".into(), message, saved: Vec::new() },
            )
        }
        None => {
            let saved = args.failures.join(format!("{}-abort-seed{}-{index}.bin", target.name, args.seed));
            std::fs::rename(&trace, &saved).map_err(|e| format!("{}: {e}", trace.display()))?;
            let message = "the process died (see the worker's last words above)".to_string();
            (index - args.from, Failure { index, kind: "abort".into(), message, saved: vec![saved] })
        }
    };
    let _ = std::fs::remove_file(&trace);
    Ok(Report {
        target: target.name.clone(),
        seed: args.seed,
        from: args.from,
        execs,
        crashes: 1,
        hangs: 0,
        known: 0,
        seconds: begin.elapsed().as_secs_f64(),
        slowest_ms: 0.0,
        slowest_index: failure.index,
        failures: vec![failure],
        known_example: None,
        outcomes: Default::default(),
    })
}

/// Runs a worker; (its report if it finished, the last input number it announced).
fn child(
    args: &Args,
    target: &Target,
    from: u64,
    execs: u64,
    trace: Option<&PathBuf>,
) -> Result<(Option<Report>, u64), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut command = Command::new(exe);
    command
        .args(["--worker", "--target", &target.name])
        .args(["--execs", &execs.to_string(), "--seed", &args.seed.to_string(), "--from", &from.to_string()])
        .args(["--hang-ms", &args.hang_ms.to_string()])
        .arg("--corpus")
        .arg(&args.corpus)
        .arg("--failures")
        .arg(&args.failures)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for extra in &args.extra {
        command.arg("--extra-seeds").arg(extra);
    }
    if let Some(trace) = trace {
        command.arg("--trace").arg(trace);
    }
    let mut process = command.spawn().map_err(|e| format!("cannot start a worker: {e}"))?;
    let stdout = process.stdout.take().expect("piped");
    let (mut report, mut last) = (None, from);
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(index) = line.strip_prefix("progress ") {
            last = index.parse().unwrap_or(last);
        } else if let Some(json) = line.strip_prefix("report ") {
            report = Some(serde_json::from_str(json).map_err(|e| format!("a worker's report: {e}"))?);
        }
    }
    let status = process.wait().map_err(|e| e.to_string())?;
    if report.is_none() {
        eprintln!("outtake-fuzz: the {} worker died ({status}) after input #{last}", target.name);
    }
    Ok((report, last))
}
