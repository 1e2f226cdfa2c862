//! Lossless JSON export and import of a whole library (never the video files).
//!
//! Records refer to each other by *file ids*: numbers local to one export,
//! given in the order records are written. Importing a file into an empty
//! library creates rows in that same order, so exporting again gives the same
//! bytes. Importing into a library that has data merges: shows, people and
//! tags by name, clips by fingerprint or path, and nothing is duplicated.
//!
//! `format` holds the records (the API Boundary), `write` reads the library
//! into them, `read` parses and checks a file, `merge` imports one.

pub(crate) mod format;
pub(crate) mod merge;
mod read;
mod write;

use std::path::Path;

use crate::error::{Error, Result};
use crate::library::Library;
use format::LibraryFile;
pub use merge::ImportReport;
pub(crate) use read::deserialize_whole;
pub(crate) use write::show_record;

/// The largest export `import` reads: a 100,000-clip library with a million
/// subtitle lines exports to a few hundred MiB.
pub const MAX_IMPORT_BYTES: u64 = 4 << 30;

impl Library {
    /// The whole library as pretty-printed JSON (ending in a newline).
    pub fn export_json(&mut self) -> Result<String> {
        // One read transaction: the export is a snapshot even while an importer writes.
        let tx = self.conn.transaction()?;
        let file = write::export_file(&tx)?;
        drop(tx);
        let mut text = serde_json::to_string_pretty(&file).expect("library records always serialize");
        text.push('\n');
        Ok(text)
    }

    /// Writes [`Library::export_json`] to `path`, through a temporary file
    /// beside it that is renamed into place, so a failed export never leaves
    /// half a file. Refuses to write over the library itself (or its `-wal` and
    /// `-shm` files) and over anything that is not a regular file (a device, a
    /// folder, a pipe).
    pub fn export_to(&mut self, path: &Path) -> Result<()> {
        check_export_target(self.path(), path)?;
        let text = self.export_json()?;
        write_whole(self.path(), path, &text)
    }

    /// Reads an export and merges it into this library in one transaction:
    /// on any error nothing is changed, and the error names the line or record at fault.
    ///
    /// Only a regular file of at most [`MAX_IMPORT_BYTES`] is read (a device
    /// never ends, a pipe may never send), and it is parsed as it streams in.
    pub fn import_from(&mut self, path: &Path) -> Result<ImportReport> {
        use std::io::Read;
        let bad = |message: String| Error::BadImport { path: path.to_path_buf(), message };
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(bad("is not a regular file (a folder, device or pipe): name an export file".into()));
        }
        if meta.len() > MAX_IMPORT_BYTES {
            return Err(bad(format!(
                "is {} bytes; an export holds at most {} GiB",
                meta.len(),
                MAX_IMPORT_BYTES >> 30
            )));
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let reader = std::io::BufReader::with_capacity(1 << 20, file.take(MAX_IMPORT_BYTES));
        let file = read::parse_from(serde_json::Deserializer::from_reader(reader)).map_err(bad)?;
        self.import_parsed(file, path)
    }

    /// [`Library::import_from`] for JSON already in memory; `origin` names it in errors.
    pub fn import_json(&mut self, bytes: &[u8], origin: &Path) -> Result<ImportReport> {
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        let file = read::parse(bytes).map_err(bad)?;
        self.import_parsed(file, origin)
    }

    fn import_parsed(&mut self, file: LibraryFile, origin: &Path) -> Result<ImportReport> {
        let bad = |message: String| Error::BadImport { path: origin.to_path_buf(), message };
        read::check_references(&file).map_err(bad)?;
        // One edit: undoing it takes out exactly what it added or merged in.
        self.edit(format!("import {}", origin.display()), |tx| {
            merge::import_file(tx, &file).map_err(|(at, error)| match error {
                Error::Database(_) | Error::Io { .. } | Error::Migration(_) => error,
                error if error.is_library_wide() => error,
                other => bad(format!("{at}: {other}")),
            })
        })
    }
}

/// Writes `text` to `path` through a temporary file beside it that is
/// renamed into place, so a failed write never leaves half a file; refuses
/// what [`check_export_target`] refuses (also used for packs).
pub(crate) fn write_whole(library: &Path, path: &Path, text: &str) -> Result<()> {
    check_export_target(library, path)?;
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.{}.outtake-export", std::process::id()));
    let written = (|| {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    if let Err(source) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(source));
    }
    std::fs::rename(&temporary, path).map_err(|source| {
        let _ = std::fs::remove_file(&temporary);
        io(source)
    })
}

/// An export may only create or replace a regular file that is not part of the library.
fn check_export_target(library: &Path, target: &Path) -> Result<()> {
    let refuse = |why: &str| Error::invalid("export file", format!("{}: {why}", target.display()));
    match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refuse("is a symbolic link; name the file itself"));
        }
        Ok(meta) if !meta.is_file() => {
            return Err(refuse("is not a regular file; export writes only to files"));
        }
        _ => {}
    }
    let Some(target) = canonical_destination(target) else { return Ok(()) };
    let Some(library) = canonical_destination(library) else { return Ok(()) };
    let library = library.to_string_lossy().to_string();
    let target = target.to_string_lossy();
    if [library.clone(), format!("{library}-wal"), format!("{library}-shm"), format!("{library}-journal")]
        .contains(&target.to_string())
    {
        return Err(refuse("is the library itself; export to another file"));
    }
    Ok(())
}

/// Where a path points once its folder is resolved (the file itself may not exist yet).
fn canonical_destination(path: &Path) -> Option<std::path::PathBuf> {
    if let Ok(real) = path.canonicalize() {
        return Some(real);
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Some(parent.canonicalize().ok()?.join(path.file_name()?))
}
