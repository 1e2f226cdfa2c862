//! The export file's records. **API Boundary:** this is the versioned export
//! format (`format: "outtake-library"`, `version: 4`) that files outlive the
//! Outtake that wrote them in. Changing a record means a new version number
//! and an importer for the old one; the byte-stable round-trip tests
//! (`tests/integration/roundtrip.rs`) fail on drift.

use serde::{Deserialize, Serialize};

use crate::clips::FileStatus;

pub(crate) const FORMAT: &str = "outtake-library";
/// Version 2 added `chapters_taken` to clips; a version 1 file reads as one without it.
/// Version 3 added `path_bytes` to files (an older file has only UTF-8 paths)
/// and `kind` to cues (`sign` or `song`; absent for dialogue, as in older files).
/// Version 4 added `source` (`screen` or `speech`; absent for a subtitle file's
/// or the fan's line) and `machine` (absent when false) to cues.
pub(crate) const VERSION: u32 = 4;
/// The versions this Outtake imports.
pub(crate) const READS: [u32; 4] = [1, 2, 3, 4];

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct LibraryFile {
    pub(crate) format: String,
    pub(crate) version: u32,
    pub(crate) shows: Vec<ShowRecord>,
    pub(crate) people: Vec<PersonRecord>,
    pub(crate) tags: Vec<TagRecord>,
    pub(crate) clips: Vec<ClipRecord>,
    pub(crate) watched_folders: Vec<FolderRecord>,
    pub(crate) saved_searches: Vec<SavedSearchRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ShowRecord {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) native_title: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) network: Option<String>,
    pub(crate) year: Option<i32>,
    pub(crate) episodes: Vec<EpisodeRecord>,
    pub(crate) scenes: Vec<SceneRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct EpisodeRecord {
    pub(crate) number: i64,
    pub(crate) title: Option<String>,
    pub(crate) air_date: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SceneRecord {
    pub(crate) id: i64,
    pub(crate) episode: Option<i64>,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct PersonRecord {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) native_name: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) roles: Vec<RoleRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct RoleRecord {
    pub(crate) id: i64,
    pub(crate) show: i64,
    pub(crate) character: String,
    pub(crate) native_character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct TagRecord {
    pub(crate) id: i64,
    pub(crate) namespace: Option<String>,
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) parents: Vec<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ClipRecord {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) description: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) source_url: Option<String>,
    pub(crate) uploader: Option<String>,
    pub(crate) published: Option<String>,
    pub(crate) duration_ms: Option<i64>,
    pub(crate) width: Option<i64>,
    pub(crate) height: Option<i64>,
    pub(crate) video_codec: Option<String>,
    pub(crate) audio_codec: Option<String>,
    pub(crate) fps: Option<f64>,
    pub(crate) rotation: Option<i64>,
    pub(crate) created: Option<String>,
    pub(crate) source_id: Option<String>,
    pub(crate) added_at: String,
    pub(crate) title_by_user: bool,
    pub(crate) show: Option<i64>,
    pub(crate) show_guessed: bool,
    pub(crate) episode: Option<i64>,
    pub(crate) scenes: Vec<i64>,
    pub(crate) tags: Vec<i64>,
    pub(crate) files: Vec<FileRecord>,
    pub(crate) credits: Vec<CastRecord>,
    pub(crate) markers: Vec<MarkerRecord>,
    pub(crate) cues: Vec<CueRecord>,
    /// Chapters of the clip's `.info.json` already made markers (renamed or
    /// deleted since, they stay so when the sidecar is read again).
    pub(crate) chapters_taken: Vec<ChapterRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileRecord {
    /// The path as the fan reads it; when the name on disk is not UTF-8,
    /// a decoding of `path_bytes`.
    pub(crate) path: String,
    /// The exact bytes of the path as lowercase hex, only when they are not
    /// UTF-8 (a CP949 or Shift-JIS name): these, not `path`, name the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) path_bytes: Option<String>,
    pub(crate) size: i64,
    #[serde(default)]
    pub(crate) mtime_ms: Option<i64>,
    #[serde(default)]
    pub(crate) oshash: Option<String>,
    pub(crate) status: FileStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CastRecord {
    pub(crate) person: i64,
    pub(crate) role: Option<i64>,
    pub(crate) character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct MarkerRecord {
    pub(crate) start_ms: i64,
    pub(crate) end_ms: Option<i64>,
    pub(crate) title: Option<String>,
    pub(crate) scene: Option<i64>,
    pub(crate) cast: Vec<CastRecord>,
    pub(crate) tags: Vec<i64>,
    pub(crate) note: Option<String>,
    pub(crate) quote: Option<String>,
    pub(crate) created_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct ChapterRecord {
    pub(crate) start_ms: i64,
    pub(crate) title: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct CueRecord {
    pub(crate) lang: String,
    pub(crate) start_ms: i64,
    pub(crate) end_ms: i64,
    pub(crate) text: String,
    /// `sign` or `song`; dialogue has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kind: Option<String>,
    /// `screen` (read off the picture) or `speech` (heard); a subtitle file's
    /// or the fan's line has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<String>,
    /// As the machine made it, not edited by the fan since.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) machine: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct FolderRecord {
    pub(crate) path: String,
    pub(crate) added_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct SavedSearchRecord {
    pub(crate) name: String,
    pub(crate) query: String,
}
