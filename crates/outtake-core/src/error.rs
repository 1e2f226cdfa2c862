//! The one error type of the core: every variant says what went wrong and to which thing.

use std::fmt;
use std::path::PathBuf;

/// The kinds of things a library holds (an entity kind, not an error kind):
/// the word messages use for each, and the table that holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    Show,
    Episode,
    Scene,
    Person,
    Role,
    Clip,
    File,
    Marker,
    Tag,
    Cue,
    Folder,
    SavedSearch,
    Reel,
    Edit,
}

impl EntityKind {
    /// The table rows of this kind live in.
    pub(crate) fn table(self) -> &'static str {
        match self {
            EntityKind::Show => "show",
            EntityKind::Episode => "episode",
            EntityKind::Scene => "scene",
            EntityKind::Person => "person",
            EntityKind::Role => "role",
            EntityKind::Clip => "clip",
            EntityKind::File => "file",
            EntityKind::Marker => "marker",
            EntityKind::Tag => "tag",
            EntityKind::Cue => "cue",
            EntityKind::Folder => "watched_folder",
            EntityKind::SavedSearch => "saved_search",
            EntityKind::Reel => "reel",
            EntityKind::Edit => "edit",
        }
    }

    /// The word used for this kind in messages and in `{kind}` fields.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Show => "show",
            EntityKind::Episode => "episode",
            EntityKind::Scene => "scene",
            EntityKind::Person => "person",
            EntityKind::Role => "role",
            EntityKind::Clip => "clip",
            EntityKind::File => "file",
            EntityKind::Marker => "marker",
            EntityKind::Tag => "tag",
            EntityKind::Cue => "subtitle cue",
            EntityKind::Folder => "watched folder",
            EntityKind::SavedSearch => "saved search",
            EntityKind::Reel => "reel",
            EntityKind::Edit => "edit",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of several things a name could mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub label: String,
}

impl fmt::Display for Candidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{} {}", self.id, self.label)
    }
}

fn list(candidates: &[Candidate]) -> String {
    candidates.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// The kinds of [`Error`], as the window receives them (`"not_found"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    NotFound,
    Ambiguous,
    AlreadyExists,
    Invalid,
    BadImport,
    Io,
    TooNew,
    NoLibrary,
    NotALibrary,
    ReadOnly,
    NeedsUpgrade,
    Busy,
    DiskFull,
    Database,
    Migration,
    /// ffmpeg or ffprobe is not installed.
    ToolMissing,
    /// The file to write is there already (and replacing it was not asked).
    OutputExists,
    /// ffmpeg or ffprobe could not do it.
    ToolFailed,
    /// The fan stopped it.
    Cancelled,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no {kind} named \"{name}\"")]
    NotFound { kind: EntityKind, name: String },

    #[error("\"{name}\" could be more than one {kind}: {} (name one by its #id)", list(.candidates))]
    Ambiguous { kind: EntityKind, name: String, candidates: Vec<Candidate> },

    #[error("{kind} \"{name}\" already exists as #{id}")]
    AlreadyExists { kind: EntityKind, name: String, id: i64 },

    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    #[error("cannot import {path}: {message}")]
    BadImport { path: PathBuf, message: String },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("the library {path} was written by a newer Outtake (schema {found}, this one knows {known})")]
    TooNew { path: PathBuf, found: i64, known: i64 },

    #[error("there is no library at {path} (to make a new one there, add --create)")]
    NoLibrary { path: PathBuf },

    #[error("{path} is not an Outtake library: {why}; it was left untouched")]
    NotALibrary { path: PathBuf, why: String },

    #[error("the library {path} is open read-only (a read-only disk or file), so nothing can be changed")]
    ReadOnly { path: PathBuf },

    #[error(
        "the library {path} was written by an older Outtake (schema {found} of {known}) and must be upgraded, which needs write access: open it once where it can be written"
    )]
    NeedsUpgrade { path: PathBuf, found: i64, known: i64 },

    #[error("the library is busy: another Outtake is writing to it; try again in a moment")]
    Busy,

    #[error(
        "the disk holding the library {path} is full: nothing was changed; free some space and try again"
    )]
    DiskFull { path: PathBuf },

    #[error("{tool} is not installed (Debian: apt install ffmpeg); reels and cuts need it")]
    ToolMissing { tool: &'static str },

    #[error("{path} already exists; choose another name, or replace it (--force)")]
    OutputExists { path: PathBuf },

    #[error("{tool} could not make or read {path}: {reason}")]
    ToolFailed { tool: &'static str, path: PathBuf, reason: String },

    #[error("stopped before {path} was made; nothing was left there")]
    Cancelled { path: PathBuf },

    #[error("the disk holding {path} is full: no part of it was left there; free some space and try again")]
    OutputDiskFull { path: PathBuf },

    #[error("library database: {0}")]
    Database(rusqlite::Error),

    #[error("library schema migration: {0}")]
    Migration(#[from] rusqlite_migration::Error),
}

impl Error {
    /// What kind of failure this is, for `{kind, message}` at the IPC edge:
    /// the window switches on it (a closed set, so a typo there is a type error).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Ambiguous { .. } => ErrorKind::Ambiguous,
            Error::AlreadyExists { .. } => ErrorKind::AlreadyExists,
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::BadImport { .. } => ErrorKind::BadImport,
            Error::Io { .. } => ErrorKind::Io,
            Error::TooNew { .. } => ErrorKind::TooNew,
            Error::NoLibrary { .. } => ErrorKind::NoLibrary,
            Error::NotALibrary { .. } => ErrorKind::NotALibrary,
            Error::ReadOnly { .. } => ErrorKind::ReadOnly,
            Error::NeedsUpgrade { .. } => ErrorKind::NeedsUpgrade,
            Error::Busy => ErrorKind::Busy,
            Error::DiskFull { .. } => ErrorKind::DiskFull,
            Error::Database(_) => ErrorKind::Database,
            Error::Migration(_) => ErrorKind::Migration,
            Error::ToolMissing { .. } => ErrorKind::ToolMissing,
            Error::OutputExists { .. } => ErrorKind::OutputExists,
            Error::ToolFailed { .. } => ErrorKind::ToolFailed,
            Error::Cancelled { .. } => ErrorKind::Cancelled,
            Error::OutputDiskFull { .. } => ErrorKind::DiskFull,
        }
    }

    /// True when the user can fix it by changing what they asked for
    /// (as opposed to a broken disk or database).
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Database(_) | Error::Migration(_) | Error::Io { .. })
            && !self.is_library_wide()
    }

    /// True when the library itself cannot go on (full disk, read-only, busy,
    /// damaged): an import stops on these, while any other error is the
    /// problem of the one file being imported, recorded, and the import goes on.
    pub fn is_library_wide(&self) -> bool {
        use rusqlite::ErrorCode::*;
        match self {
            Error::Busy
            | Error::DiskFull { .. }
            | Error::ReadOnly { .. }
            | Error::NoLibrary { .. }
            | Error::NotALibrary { .. }
            | Error::NeedsUpgrade { .. }
            | Error::TooNew { .. }
            | Error::Migration(_) => true,
            Error::Database(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                DiskFull
                    | ReadOnly
                    | SystemIoFailure
                    | DatabaseCorrupt
                    | NotADatabase
                    | CannotOpen
                    | OutOfMemory
            ),
            _ => false,
        }
    }

    /// The library could not be written because the disk or file is full
    /// (SQLITE_FULL): worth a word of its own, since deleting files fixes it.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Error::DiskFull { .. })
            || matches!(self, Error::Database(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DiskFull)
    }

    pub(crate) fn not_found(kind: EntityKind, name: impl Into<String>) -> Self {
        Error::NotFound { kind, name: name.into() }
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid { field: field.into(), message: message.into() }
    }
}

impl From<rusqlite::Error> for Error {
    /// SQLITE_BUSY after the busy timeout means another writer held the library
    /// that long: say so in words, never "database is locked".
    fn from(error: rusqlite::Error) -> Self {
        match &error {
            rusqlite::Error::SqliteFailure(e, _)
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) =>
            {
                Error::Busy
            }
            _ => Error::Database(error),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
