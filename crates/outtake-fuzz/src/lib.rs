//! Outtake's fuzzer: the readers of bytes that come from outside (the search
//! box, subtitle files in every encoding, yt-dlp's `.info.json`, library
//! exports, MP4 and Matroska headers) fed millions of damaged inputs on
//! stable Rust. No coverage instrumentation (cargo-fuzz needs nightly):
//! instead the mutators know each format — boxes and elements with mended
//! sizes, JSON values, lines and tokens — so inputs get deep, and every
//! input is a pure function of (seed, target, number), so any failure is
//! made again from its number alone.
//!
//! `cargo xtask fuzz` runs every target a million times (the `fuzz` profile:
//! optimised, with overflow checks); `outtake-fuzz --help` has the options;
//! short runs of every target are tests of this crate (`cargo xtask test`).

mod bytes;
mod checks;
pub mod corpus;
mod ebml;
mod json;
mod mp4;
pub mod rng;
pub mod run;
pub mod targets;
mod text;

pub use corpus::Corpus;
pub use run::{Options, Report, run};
pub use targets::Target;
pub use text::{Encoding, encode as text_encode};
