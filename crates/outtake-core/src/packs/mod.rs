//! Packs: one show's curation (people, roles, scenes, tags, credits and
//! markers) that travels between fans without the videos, and lands on each
//! fan's own copies of them, found by content and aligned in time.
//!
//! `format` holds the records (the API Boundary), `write` makes a pack from
//! a show, `read` parses and checks one (it is untrusted), `apply` merges a
//! matched pack into the library. Matching is `keys::Candidates`: source,
//! oshash, picture hash with duration, then sound at an offset, which moves
//! the pack's marker times onto the fan's copy.

mod apply;
mod format;
mod read;
mod write;

use std::path::Path;

use serde::Serialize;

pub use read::MAX_PACK_BYTES;

use crate::error::{Error, Result};
use crate::keys::{Candidates, ClipKeys, How};
use crate::library::Library;
use format::PackFile;

/// What a pack's clip was found as in the library.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackClipMatch {
    /// The clip's place in the pack (`clips[N]`).
    pub index: usize,
    pub title: String,
    /// The library's clip, when one was found.
    pub clip_id: Option<i64>,
    pub clip_title: Option<String>,
    pub how: Option<How>,
    /// A pack time `t` lands at `t + shift_ms` in the library's clip.
    pub shift_ms: i64,
    pub markers: usize,
}

impl PackClipMatch {
    /// How it matched, in words: exact, a re-encode, or shifted by N s.
    pub fn how_in_words(&self) -> String {
        let shifted = |what: &str| {
            if self.shift_ms == 0 {
                what.to_string()
            } else {
                format!("{what}, shifted by {:+.1} s", self.shift_ms as f64 / 1000.0)
            }
        };
        match self.how {
            None => "not in this library".into(),
            Some(How::Source) => "exact (same download)".into(),
            Some(How::Oshash) => "exact (same file)".into(),
            Some(How::Reencode { phash_bits }) => {
                shifted(&format!("re-encode (picture {phash_bits} bits apart)"))
            }
            Some(How::Sound { .. }) => shifted("same sound"),
        }
    }
}

/// What importing a pack found, and (unless a dry run) did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackReport {
    pub show: String,
    pub clips: Vec<PackClipMatch>,
    pub matched: usize,
    pub unmatched: usize,
    /// Nothing was written (a dry run); the counts below say what would be.
    pub dry_run: bool,
    pub people_added: usize,
    pub people_merged: usize,
    pub tags_added: usize,
    pub markers_added: usize,
    pub credits_added: usize,
    /// Markers that land outside the fan's copy once shifted (an intro the
    /// pack's copy has and this one lacks), left out.
    pub markers_outside: usize,
}

/// What exporting a pack wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PackSummary {
    pub show: String,
    pub clips: usize,
    pub markers: usize,
    pub people: usize,
    /// Clips written without content keys (made by `outtake keys`): another
    /// library can then find them only by source or oshash.
    pub without_keys: usize,
}

impl Library {
    /// The pack of a show's clips as JSON (ending in a newline); the fan's
    /// notes go in only `with_notes`.
    pub fn export_pack(&mut self, show_id: i64, with_notes: bool) -> Result<(String, PackSummary)> {
        self.pack_text(show_id, None, with_notes)
    }

    /// The pack of some clips of one show (a selection in the window): the
    /// show's records, and only those clips. Clips of no show, or of two
    /// shows, are refused, naming them.
    pub fn export_pack_of_clips(
        &mut self,
        clip_ids: &[i64],
        path: &Path,
        with_notes: bool,
    ) -> Result<PackSummary> {
        let mut show = None;
        for clip in clip_ids {
            crate::library::require(&self.conn, crate::error::EntityKind::Clip, *clip)?;
            let of: Option<i64> =
                self.conn.query_row("SELECT show_id FROM clip WHERE id = ?1", [clip], |r| r.get(0))?;
            let Some(of) = of else {
                return Err(Error::invalid(
                    "selection",
                    format!("clip #{clip} is in no show; place it in one first"),
                ));
            };
            if show.is_some_and(|show| show != of) {
                return Err(Error::invalid(
                    "selection",
                    "its clips are of more than one show; a pack holds one",
                ));
            }
            show = Some(of);
        }
        let show = show.ok_or_else(|| Error::invalid("selection", "it is empty"))?;
        let (text, summary) = self.pack_text(show, Some(clip_ids), with_notes)?;
        crate::export::write_whole(self.path(), path, &text)?;
        Ok(summary)
    }

    fn pack_text(
        &mut self,
        show_id: i64,
        only: Option<&[i64]>,
        with_notes: bool,
    ) -> Result<(String, PackSummary)> {
        crate::library::require(&self.conn, crate::error::EntityKind::Show, show_id)?;
        let tx = self.conn.transaction()?;
        let keys = crate::keys::load_keys(&tx, true)?;
        let pack = write::pack_of_show(&tx, show_id, only, &keys, with_notes)?;
        drop(tx);
        let summary = PackSummary {
            show: pack.show.title.clone(),
            clips: pack.clips.len(),
            markers: pack.clips.iter().map(|c| c.markers.len()).sum(),
            people: pack.people.len(),
            without_keys: pack
                .clips
                .iter()
                .filter(|c| c.keys.phash.is_none() && c.keys.audio.is_none())
                .count(),
        };
        let mut text = serde_json::to_string_pretty(&pack).expect("pack records always serialize");
        text.push('\n');
        Ok((text, summary))
    }

    /// Writes [`Library::export_pack`] to `path` (as an export is written:
    /// whole or not at all, never over the library).
    pub fn export_pack_to(&mut self, show_id: i64, path: &Path, with_notes: bool) -> Result<PackSummary> {
        let (text, summary) = self.export_pack(show_id, with_notes)?;
        crate::export::write_whole(self.path(), path, &text)?;
        Ok(summary)
    }

    /// Reads the pack at `path` and matches its clips to the library's; then,
    /// unless `dry_run`, applies it as one edit (undone as a whole). A
    /// malformed pack is refused whole, the error naming the place at fault.
    pub fn import_pack(&mut self, path: &Path, dry_run: bool) -> Result<PackReport> {
        let pack = read::read_pack(path)?;
        self.import_pack_file(&pack, path, dry_run)
    }

    /// [`Library::import_pack`] for a pack already in memory; `origin` names it in errors.
    pub fn import_pack_json(&mut self, bytes: &[u8], origin: &Path, dry_run: bool) -> Result<PackReport> {
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        let pack = read::parse_pack(bytes).map_err(bad)?;
        self.import_pack_file(&pack, origin, dry_run)
    }

    fn import_pack_file(&mut self, pack: &PackFile, origin: &Path, dry_run: bool) -> Result<PackReport> {
        let matches = self.match_pack(pack)?;
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        let located = |(at, error): (String, Error)| match error {
            Error::Database(_) | Error::Io { .. } | Error::Migration(_) => error,
            error if error.is_library_wide() => error,
            other => bad(format!("{at}: {other}")),
        };
        if dry_run {
            // Applied in a transaction that is rolled back: the counts are
            // exactly what an import would do, and nothing is kept.
            let tx = self.conn.transaction()?;
            let report = apply::apply(&tx, pack, &matches).map_err(located)?;
            tx.rollback()?;
            return Ok(PackReport { dry_run: true, ..report });
        }
        let description = format!("import the pack {} ({})", origin.display(), pack.show.title);
        self.edit(description, |tx| apply::apply(tx, pack, &matches).map_err(located))
    }

    /// Each pack clip's match in the library, in pack order.
    fn match_pack(&self, pack: &PackFile) -> Result<Vec<PackClipMatch>> {
        let library = crate::keys::load_keys(&self.conn, true)?;
        let candidates = Candidates::new(&library);
        let titles: std::collections::HashMap<i64, &str> =
            library.iter().map(|k| (k.clip_id, k.title.as_str())).collect();
        let mut matches = Vec::new();
        for (index, clip) in pack.clips.iter().enumerate() {
            let wanted = ClipKeys {
                clip_id: -1,
                title: clip.title.clone(),
                duration_ms: clip.keys.duration_ms,
                source: clip.keys.source.clone(),
                oshashes: clip.keys.oshash.iter().map(|h| h.to_ascii_lowercase()).collect(),
                phash: clip.keys.phash.as_deref().and_then(read::phash_value),
                audio: clip.keys.audio.as_deref().and_then(|a| read::audio_words(a).ok()),
            };
            let found = candidates.find(&wanted, &|_| false);
            matches.push(PackClipMatch {
                index,
                title: clip.title.clone(),
                clip_id: found.map(|f| f.clip_id),
                clip_title: found.map(|f| titles[&f.clip_id].to_string()),
                how: found.map(|f| f.how),
                shift_ms: found.map_or(0, |f| f.shift_ms),
                markers: clip.markers.len(),
            });
        }
        Ok(matches)
    }
}
