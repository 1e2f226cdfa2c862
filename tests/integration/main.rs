//! The one integration test binary of Outtake: core API, CLI binary, workspace rules.

mod browse;
mod cascade;
mod cli;
mod embedded;
mod endurance;
mod entities;
mod hardening;
mod history;
mod import_edges;
mod keys;
mod library;
mod lookup;
mod merge;
mod migrations;
mod names;
mod packs;
mod reels;
mod roundtrip;
mod scan;
mod screen_text;
mod search;
mod storyboards;
mod subtitles;
mod tidy;
mod watch;
mod workspace;
