//! The one integration test binary of Outtake: core API, CLI binary, workspace rules.

mod browse;
mod cascade;
mod cli;
mod endurance;
mod entities;
mod hardening;
mod history;
mod import_edges;
mod library;
mod lookup;
mod merge;
mod migrations;
mod names;
mod reels;
mod roundtrip;
mod scan;
mod search;
mod subtitles;
mod tidy;
mod watch;
mod workspace;
