//! The command line in the shell: completion for bash, zsh and fish, with the
//! names of shows, people and tags completed from the library as they are
//! typed (clap_complete's dynamic completion: the shell asks `outtake` itself,
//! so the names are the library's own), and the manual page, both made from
//! the grammar in `args.rs`.
//!
//! `outtake completions bash` prints what a shell sources (the Debian package
//! installs one per shell); `outtake manpage` prints `outtake.1`.

use std::ffi::OsStr;
use std::io::Write;

use clap::CommandFactory;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{CompleteEnv, Shells};
use outtake_core::{Library, SuggestionKind, default_library_path};

use crate::args::Cli;

/// The environment variable a shell sets when it asks for completions.
const VAR: &str = "COMPLETE";

/// Answers the shell and exits, when the shell is asking; otherwise returns.
pub fn answer_the_shell() {
    CompleteEnv::with_factory(Cli::command).var(VAR).complete();
}

/// What a kind of name completes from.
#[derive(Debug, Clone, Copy)]
pub enum Names {
    Show,
    Person,
    Tag,
}

/// A completer of the names of one kind that start like the word typed
/// (names and aliases, Hangul or romanised, as the search box suggests them).
pub fn names(kind: Names) -> ArgValueCompleter {
    ArgValueCompleter::new(move |current: &OsStr| candidates(kind, &current.to_string_lossy()))
}

fn candidates(kind: Names, typed: &str) -> Vec<CompletionCandidate> {
    // The library the shell's `outtake` would open; a completion never
    // creates one, and any failure just completes nothing.
    let Ok(library) = Library::open_read_only(&default_library_path()) else { return Vec::new() };
    let (prefix, wanted) = match kind {
        Names::Show => ("show:", SuggestionKind::Show),
        Names::Person => ("cast:", SuggestionKind::Cast),
        Names::Tag => ("tag:", SuggestionKind::Tag),
    };
    let Ok(found) = library.suggest(&format!("{prefix}{typed}")) else { return Vec::new() };
    found
        .into_iter()
        .filter(|s| s.kind == wanted)
        .map(|s| {
            let candidate = CompletionCandidate::new(&s.label);
            match s.detail {
                Some(detail) => candidate.help(Some(detail.into())),
                None => candidate,
            }
        })
        .collect()
}

/// Prints what `shell` sources to complete `outtake`.
pub fn print_script(shell: &str) -> Result<(), String> {
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        let known: Vec<&str> = shells.names().collect();
        return Err(format!("no completion for the shell \"{shell}\" (known: {})", known.join(", ")));
    };
    let mut out = std::io::stdout().lock();
    completer
        .write_registration(VAR, "outtake", "outtake", "outtake", &mut out)
        .and_then(|()| out.flush())
        .map_err(|error| format!("cannot write the completion script: {error}"))
}

/// Prints the manual page (roff), made from the grammar.
pub fn print_manpage() -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    clap_mangen::Man::new(Cli::command())
        .render(&mut out)
        .and_then(|()| out.flush())
        .map_err(|error| format!("cannot write the manual page: {error}"))
}
