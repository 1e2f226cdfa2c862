//! A pack's records. **API Boundary:** this is the versioned pack format
//! (`format: "outtake-pack"`, `version: 1`) that fans send each other, and
//! that outlives the Outtake that wrote it. Changing a record means a new
//! version number and a reader for the old one.
//!
//! A pack is one show's curation without the videos: the show (native title,
//! aliases, episodes, scenes), its people (names, aliases, roles) and tags,
//! and per clip what finds the clip in another library (its content keys),
//! its title and web address, credits, tags and markers. It never holds a
//! path on the fan's disk, and holds notes only when the fan asks.
//! Show, scene, person, role and tag records are the export format's, so
//! names and aliases merge the same way; ids are local to one pack.

use serde::{Deserialize, Serialize};

use crate::export::format::{CastRecord, MarkerRecord, PersonRecord, ShowRecord, TagRecord};

pub(crate) const FORMAT: &str = "outtake-pack";
pub(crate) const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PackFile {
    pub(crate) format: String,
    pub(crate) version: u32,
    /// The Outtake that wrote it, for people reading the file.
    pub(crate) made_by: String,
    pub(crate) show: ShowRecord,
    pub(crate) people: Vec<PersonRecord>,
    pub(crate) tags: Vec<TagRecord>,
    pub(crate) clips: Vec<PackClip>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PackClip {
    pub(crate) title: String,
    /// The page the video came from (not a file: never a path).
    pub(crate) source_url: Option<String>,
    pub(crate) keys: PackKeys,
    pub(crate) episode: Option<i64>,
    pub(crate) scenes: Vec<i64>,
    pub(crate) tags: Vec<i64>,
    pub(crate) credits: Vec<CastRecord>,
    /// Markers; their `note` is only filled when the pack was made with notes.
    pub(crate) markers: Vec<MarkerRecord>,
    /// The fan's note on the clip, only when the pack was made with notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
}

/// What finds the clip in another library, strongest first.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PackKeys {
    /// The download site and its id for the video, as `site:id` (`youtube.com:abc`).
    pub(crate) source: Option<String>,
    /// The oshashes of the copies the fan has (16 hex digits each).
    pub(crate) oshash: Vec<String>,
    pub(crate) duration_ms: Option<i64>,
    /// The picture hash, 16 hex digits.
    pub(crate) phash: Option<String>,
    /// The sound fingerprint: Chromaprint's raw words, little-endian, in base64.
    pub(crate) audio: Option<String>,
}
