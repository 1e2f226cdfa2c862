//! Running a target: inputs one after another, each under `catch_unwind`
//! and timed, a watchdog thread for the input that never returns, and every
//! failing input saved to a file with what it takes to run it again.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::corpus::Corpus;
use crate::targets::{KNOWN_ISSUES, State, Target};

/// A run reports its progress every this many inputs (every input when tracing).
pub const PROGRESS_EVERY: u64 = 1024;

/// How a run goes.
#[derive(Debug, Clone)]
pub struct Options {
    pub execs: u64,
    pub seed: u64,
    /// The first input's number (a run picked up where another stopped).
    pub from: u64,
    /// An input that takes longer than this is a hang (saved and counted).
    pub hang: Duration,
    /// An input still running after this ends the process, once it is saved.
    pub stuck: Duration,
    /// Where failing inputs are written.
    pub failures: PathBuf,
    /// Write every input here before running it, to catch one that aborts
    /// the whole process (a stack overflow, an allocation failure).
    pub trace: Option<PathBuf>,
}

impl Options {
    pub fn new(execs: u64, seed: u64) -> Options {
        Options {
            execs,
            seed,
            from: 0,
            hang: Duration::from_secs(2),
            stuck: Duration::from_secs(60),
            failures: default_failures_dir(),
            trace: None,
        }
    }
}

/// `target/fuzz-failures` of this workspace (or of `CARGO_TARGET_DIR`).
pub fn default_failures_dir() -> PathBuf {
    let workspace =
        Path::new(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).expect("the crate sits in crates/");
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from);
    target.join("fuzz-failures")
}

/// One input that failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub index: u64,
    /// `crash` (a panic), `hang` (slower than the limit), `stuck` or `abort` (the process died).
    pub kind: String,
    pub message: String,
    /// The input, preceded by the inputs of its batch that ran before it on the same state.
    pub saved: Vec<PathBuf>,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub target: String,
    pub seed: u64,
    pub from: u64,
    pub execs: u64,
    pub crashes: u64,
    pub hangs: u64,
    /// Failures of a [`KNOWN_ISSUES`] entry: counted, the first one saved, not failing the run.
    pub known: u64,
    pub seconds: f64,
    pub slowest_ms: f64,
    pub slowest_index: u64,
    pub failures: Vec<Failure>,
    /// The first failure of a known issue.
    pub known_example: Option<Failure>,
    /// How far the inputs got (`imported`, `refused by the checks`…): how many of each.
    pub outcomes: BTreeMap<String, u64>,
}

impl Report {
    pub fn clean(&self) -> bool {
        self.failures.is_empty()
    }
}

thread_local! {
    /// Set while an input runs: its panic is recorded here instead of printed.
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Panics of fuzzed inputs are expected: keep their message for the report
/// and keep them off the terminal. Every other panic prints as usual.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if RUNNING.with(Cell::get) {
                PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

/// What the watchdog sees of the running input.
struct Watch {
    /// The running input's number plus one; 0 between inputs.
    current: AtomicU64,
    /// When it started, in nanoseconds since the run began.
    started: AtomicU64,
    done: AtomicBool,
}

/// Runs `options.execs` inputs of `target`, calling `progress` with the next
/// input's number every so often.
pub fn run(target: &Target, corpus: &Corpus, options: &Options, progress: &mut dyn FnMut(u64)) -> Report {
    install_panic_hook();
    let begin = Instant::now();
    let watch =
        Watch { current: AtomicU64::new(0), started: AtomicU64::new(0), done: AtomicBool::new(false) };
    let mut report = Report {
        target: target.name.clone(),
        seed: options.seed,
        from: options.from,
        execs: 0,
        crashes: 0,
        hangs: 0,
        known: 0,
        seconds: 0.0,
        slowest_ms: 0.0,
        slowest_index: options.from,
        failures: Vec::new(),
        known_example: None,
        outcomes: BTreeMap::new(),
    };
    std::thread::scope(|scope| {
        scope.spawn(|| watchdog(target, corpus, options, &watch, begin));
        let mut state = State::default();
        let mut batch_start = options.from;
        for index in options.from..options.from.saturating_add(options.execs) {
            if index % target.batch() == 0 {
                state.reset();
                batch_start = index;
            }
            if index % PROGRESS_EVERY == 0 || options.trace.is_some() {
                progress(index);
            }
            let input = target.input(corpus, options.seed, index);
            if let Some(trace) = &options.trace {
                std::fs::write(trace, &input).expect("the trace file is writable");
            }
            watch.started.store(begin.elapsed().as_nanos() as u64, Ordering::Relaxed);
            watch.current.store(index + 1, Ordering::Release);
            let start = Instant::now();
            RUNNING.with(|r| r.set(true));
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| target.exec(&mut state, &input)));
            RUNNING.with(|r| r.set(false));
            let took = start.elapsed();
            watch.current.store(0, Ordering::Release);
            report.execs += 1;
            if took.as_secs_f64() * 1000.0 > report.slowest_ms {
                report.slowest_ms = took.as_secs_f64() * 1000.0;
                report.slowest_index = index;
            }
            if let Ok(reached) = outcome {
                *report.outcomes.entry(reached.to_string()).or_default() += 1;
            }
            let failure = match outcome {
                Err(_) => {
                    let message = PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default();
                    if known(target, &message) {
                        report.known += 1;
                        (report.known == 1).then_some(("known", message))
                    } else {
                        report.crashes += 1;
                        Some(("crash", message))
                    }
                }
                // A busy machine can stall any input: a slow one is timed again before it counts.
                Ok(_)
                    if took > options.hang
                        && retime(target, corpus, options, batch_start, index) > options.hang =>
                {
                    report.hangs += 1;
                    Some(("hang", format!("took {:.1} s", took.as_secs_f64())))
                }
                Ok(_) => None,
            };
            if let Some((kind, message)) = failure {
                let saved = save(target, corpus, options, kind, batch_start, index);
                let failure = Failure { index, kind: kind.into(), message, saved };
                if kind == "known" {
                    report.known_example = Some(failure);
                } else {
                    report.failures.push(failure);
                }
                // A panic may leave the shared state half-changed: the batch starts afresh.
                state.reset();
                batch_start = index + 1;
            }
        }
        watch.done.store(true, Ordering::Release);
    });
    report.seconds = begin.elapsed().as_secs_f64();
    report
}

/// How long input `index` takes when run again, after the inputs of its
/// batch before it, on a fresh state.
fn retime(target: &Target, corpus: &Corpus, options: &Options, batch_start: u64, index: u64) -> Duration {
    let mut state = State::default();
    RUNNING.with(|r| r.set(true));
    for earlier in batch_start..index {
        let input = target.input(corpus, options.seed, earlier);
        let _ = panic::catch_unwind(AssertUnwindSafe(|| target.exec(&mut state, &input)));
    }
    let input = target.input(corpus, options.seed, index);
    let start = Instant::now();
    let _ = panic::catch_unwind(AssertUnwindSafe(|| target.exec(&mut state, &input)));
    let took = start.elapsed();
    RUNNING.with(|r| r.set(false));
    took
}

/// Whether a panic is one of the [`KNOWN_ISSUES`] of this target.
pub fn known(target: &Target, message: &str) -> bool {
    KNOWN_ISSUES.iter().any(|k| k.target == target.name && message.contains(k.message))
}

/// Ends the process when one input runs past `options.stuck`, after saving it:
/// a loop that never ends would otherwise stop the run without a word.
fn watchdog(target: &Target, corpus: &Corpus, options: &Options, watch: &Watch, begin: Instant) {
    while !watch.done.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_millis(50));
        let current = watch.current.load(Ordering::Acquire);
        let started = Duration::from_nanos(watch.started.load(Ordering::Relaxed));
        if current != 0 && begin.elapsed().saturating_sub(started) > options.stuck {
            let index = current - 1;
            let batch_start = index - index % target.batch();
            let saved = save(target, corpus, options, "stuck", batch_start.max(options.from), index);
            eprintln!(
                "outtake-fuzz: {} input #{index} has run for over {} s; saved as {}",
                target.name,
                options.stuck.as_secs(),
                saved.last().map_or(String::new(), |p| p.display().to_string())
            );
            std::process::exit(2);
        }
    }
}

/// Writes input `index` (and the inputs of its batch before it) to the failures folder.
fn save(
    target: &Target,
    corpus: &Corpus,
    options: &Options,
    kind: &str,
    batch_start: u64,
    index: u64,
) -> Vec<PathBuf> {
    let _ = std::fs::create_dir_all(&options.failures);
    let stem = format!("{}-{kind}-seed{}-{index}", target.name, options.seed);
    let mut saved = Vec::new();
    for earlier in batch_start..index {
        let path = options.failures.join(format!("{stem}.before-{earlier}.bin"));
        if std::fs::write(&path, target.input(corpus, options.seed, earlier)).is_ok() {
            saved.push(path);
        }
    }
    let path = options.failures.join(format!("{stem}.bin"));
    if std::fs::write(&path, target.input(corpus, options.seed, index)).is_ok() {
        saved.push(path);
    }
    saved
}

/// A replayed file and how it went: Err holds the panic message.
pub type Replayed = (PathBuf, Result<(), String>);

/// Runs saved inputs in order on one state (the way their batch ran them).
pub fn replay(target: &Target, files: &[PathBuf]) -> Result<Vec<Replayed>, String> {
    install_panic_hook();
    let mut state = State::default();
    let mut results = Vec::new();
    for file in files {
        let input = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
        RUNNING.with(|r| r.set(true));
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| target.exec(&mut state, &input)));
        RUNNING.with(|r| r.set(false));
        let outcome =
            outcome.map(drop).map_err(|_| PANIC.with(|p| p.borrow_mut().take()).unwrap_or_default());
        results.push((file.clone(), outcome));
    }
    Ok(results)
}
