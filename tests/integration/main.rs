//! The one integration test binary of Outtake: core API, CLI binary, workspace rules.

mod cli;
mod import_edges;
mod library;
mod scan;
mod search;
mod watch;
mod workspace;
