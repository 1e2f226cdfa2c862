//! The export file's records. **API Boundary:** this is the versioned export
//! format (`format: "outtake-library"`, `version: 3`) that files outlive the
//! Outtake that wrote them in. Changing a record means a new version number
//! and an importer for the old one; the byte-stable round-trip tests
//! (`tests/integration/roundtrip.rs`) fail on drift.

use serde::{Deserialize, Serialize};

use crate::clips::FileStatus;

pub(super) const FORMAT: &str = "outtake-library";
/// Version 2 added `chapters_taken` to clips; a version 1 file reads as one without it.
/// Version 3 added `path_bytes` to files (an older file has only UTF-8 paths)
/// and `kind` to cues (`sign` or `song`; absent for dialogue, as in older files).
pub(super) const VERSION: u32 = 3;
/// The versions this Outtake imports.
pub(super) const READS: [u32; 3] = [1, 2, 3];

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct LibraryFile {
    pub(super) format: String,
    pub(super) version: u32,
    pub(super) shows: Vec<ShowRecord>,
    pub(super) people: Vec<PersonRecord>,
    pub(super) tags: Vec<TagRecord>,
    pub(super) clips: Vec<ClipRecord>,
    pub(super) watched_folders: Vec<FolderRecord>,
    pub(super) saved_searches: Vec<SavedSearchRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ShowRecord {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) native_title: Option<String>,
    pub(super) aliases: Vec<String>,
    pub(super) network: Option<String>,
    pub(super) year: Option<i32>,
    pub(super) episodes: Vec<EpisodeRecord>,
    pub(super) scenes: Vec<SceneRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct EpisodeRecord {
    pub(super) number: i64,
    pub(super) title: Option<String>,
    pub(super) air_date: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SceneRecord {
    pub(super) id: i64,
    pub(super) episode: Option<i64>,
    pub(super) title: String,
    pub(super) description: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct PersonRecord {
    pub(super) id: i64,
    pub(super) name: String,
    pub(super) native_name: Option<String>,
    pub(super) aliases: Vec<String>,
    pub(super) roles: Vec<RoleRecord>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RoleRecord {
    pub(super) id: i64,
    pub(super) show: i64,
    pub(super) character: String,
    pub(super) native_character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct TagRecord {
    pub(super) id: i64,
    pub(super) namespace: Option<String>,
    pub(super) name: String,
    pub(super) aliases: Vec<String>,
    pub(super) parents: Vec<i64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ClipRecord {
    pub(super) id: i64,
    pub(super) title: String,
    pub(super) description: Option<String>,
    pub(super) note: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) uploader: Option<String>,
    pub(super) published: Option<String>,
    pub(super) duration_ms: Option<i64>,
    pub(super) width: Option<i64>,
    pub(super) height: Option<i64>,
    pub(super) video_codec: Option<String>,
    pub(super) audio_codec: Option<String>,
    pub(super) fps: Option<f64>,
    pub(super) rotation: Option<i64>,
    pub(super) created: Option<String>,
    pub(super) source_id: Option<String>,
    pub(super) added_at: String,
    pub(super) title_by_user: bool,
    pub(super) show: Option<i64>,
    pub(super) show_guessed: bool,
    pub(super) episode: Option<i64>,
    pub(super) scenes: Vec<i64>,
    pub(super) tags: Vec<i64>,
    pub(super) files: Vec<FileRecord>,
    pub(super) credits: Vec<CastRecord>,
    pub(super) markers: Vec<MarkerRecord>,
    pub(super) cues: Vec<CueRecord>,
    /// Chapters of the clip's `.info.json` already made markers (renamed or
    /// deleted since, they stay so when the sidecar is read again).
    pub(super) chapters_taken: Vec<ChapterRecord>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileRecord {
    /// The path as the fan reads it; when the name on disk is not UTF-8,
    /// a decoding of `path_bytes`.
    pub(super) path: String,
    /// The exact bytes of the path as lowercase hex, only when they are not
    /// UTF-8 (a CP949 or Shift-JIS name): these, not `path`, name the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) path_bytes: Option<String>,
    pub(super) size: i64,
    #[serde(default)]
    pub(super) mtime_ms: Option<i64>,
    #[serde(default)]
    pub(super) oshash: Option<String>,
    pub(super) status: FileStatus,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct CastRecord {
    pub(super) person: i64,
    pub(super) role: Option<i64>,
    pub(super) character: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct MarkerRecord {
    pub(super) start_ms: i64,
    pub(super) end_ms: Option<i64>,
    pub(super) title: Option<String>,
    pub(super) scene: Option<i64>,
    pub(super) cast: Vec<CastRecord>,
    pub(super) tags: Vec<i64>,
    pub(super) note: Option<String>,
    pub(super) quote: Option<String>,
    pub(super) created_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ChapterRecord {
    pub(super) start_ms: i64,
    pub(super) title: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct CueRecord {
    pub(super) lang: String,
    pub(super) start_ms: i64,
    pub(super) end_ms: i64,
    pub(super) text: String,
    /// `sign` or `song`; dialogue has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) kind: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct FolderRecord {
    pub(super) path: String,
    pub(super) added_at: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SavedSearchRecord {
    pub(super) name: String,
    pub(super) query: String,
}
