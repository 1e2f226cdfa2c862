//! `outtake`: the whole Outtake library from a terminal.
//!
//! Exit codes: 0 on success, 1 when the command could not be done (one line on
//! stderr says why). Never a panic trace: a bug prints one line and exits 2.

mod args;
mod commands;
mod complete;
mod progress;
mod reels;
mod render;
mod watching;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!("outtake: internal error (please report it): {message}");
    }));
    // The shell asking for completions is answered, and the program exits.
    complete::answer_the_shell();
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let outcome = std::panic::catch_unwind(|| commands::run(cli));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(error)) => {
            eprintln!("outtake: {}", message(&error));
            ExitCode::from(1)
        }
        Err(_) => ExitCode::from(2),
    }
}

/// Help and version go to stdout with success; a usage mistake is one line on stderr.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        let _ = write!(std::io::stdout(), "{}", error.render());
        return ExitCode::SUCCESS;
    }
    if error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = write!(std::io::stderr(), "{}", error.render());
        return ExitCode::from(1);
    }
    let rendered = error.render().to_string();
    let problem: Vec<&str> = rendered.lines().take_while(|l| !l.trim().is_empty()).collect();
    let problem = one_line(&problem.join(" ")).trim_start_matches("error: ").to_string();
    let usage = rendered.lines().find_map(|l| l.strip_prefix("Usage: ")).unwrap_or("outtake --help");
    eprintln!("outtake: {problem} (usage: {})", usage.trim());
    ExitCode::from(1)
}

/// The error and its causes on one line, without repeating a cause that the
/// message before it already quotes.
fn message(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let cause = one_line(&cause.to_string());
        if !text.contains(&cause) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&cause);
        }
    }
    text
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
