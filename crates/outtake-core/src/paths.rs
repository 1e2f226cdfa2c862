//! A file's path as the library keeps it: the exact bytes the disk has, and
//! the text a fan reads. Most names are UTF-8 and are both at once. A name
//! unzipped from a Windows archive may be CP949 or Shift-JIS bytes: the
//! library keeps those bytes exactly (every lookup, open and export uses
//! them) and shows the name decoded with the subtitle reader's detection.
//!
//! In SQL a path is two columns, `path` (the text) and `path_hex` (the exact
//! bytes as lowercase hex, only when they are not UTF-8; hex because the
//! history's JSON cannot hold a BLOB). [`PATH_KEY`] turns them back into the
//! bytes; the unique indexes and every lookup by path use it.

use std::path::{Path, PathBuf};

use encoding_rs::Encoding;

/// The exact bytes of a stored path, as SQL: every table with `path` and
/// `path_hex` has a unique index on this expression, so a lookup written with
/// it (and the bytes bound as a BLOB) is one index seek.
pub(crate) const PATH_KEY: &str = "coalesce(unhex(path_hex), CAST(path AS BLOB))";

/// A path as stored: the text shown, and the exact bytes when that text is a decoding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StoredPath {
    text: String,
    /// The bytes on disk, when they are not UTF-8.
    raw: Option<Vec<u8>>,
}

impl StoredPath {
    /// The path of a file as the disk names it.
    pub fn from_path(path: &Path) -> StoredPath {
        let bytes = path.as_os_str().as_encoded_bytes();
        match std::str::from_utf8(bytes) {
            Ok(text) => StoredPath { text: text.to_string(), raw: None },
            Err(_) => StoredPath { text: decode(bytes).0, raw: Some(bytes.to_vec()) },
        }
    }

    /// A path from its two columns (or the export's two fields); the hex must
    /// be the exact bytes of a name that is not UTF-8.
    pub fn from_columns(text: String, hex: Option<&str>) -> Result<StoredPath, String> {
        let Some(hex) = hex else { return Ok(StoredPath { text, raw: None }) };
        let raw = from_hex(hex).ok_or_else(|| format!("\"{hex}\" is not an even number of hex digits"))?;
        if std::str::from_utf8(&raw).is_ok() {
            return Err(format!("\"{hex}\" is UTF-8: such a path is written as text alone"));
        }
        if raw.contains(&0) {
            return Err("the bytes contain a NUL, which no file name can".into());
        }
        Ok(StoredPath { text, raw: Some(raw) })
    }

    /// The path if it can name a file. It is kept exactly as the file system
    /// has it: a name may hold control characters, and Korean names from a Mac
    /// are decomposed (NFD), so cleaning or normalising it would name a file
    /// that does not exist.
    pub(crate) fn checked(&self) -> crate::error::Result<&StoredPath> {
        let invalid = |why: &str| crate::error::Error::invalid("file path", why);
        if self.text.trim().is_empty() {
            return Err(invalid("may not be empty"));
        }
        if self.text.contains('\0') {
            return Err(invalid("contains a NUL character, which no file name can"));
        }
        Ok(self)
    }

    /// What a fan reads: the path itself, or its decoding when it is not UTF-8.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The exact bytes as lowercase hex, when they are not UTF-8 (the `path_hex` column).
    pub fn hex(&self) -> Option<String> {
        self.raw.as_deref().map(to_hex)
    }

    /// The exact bytes: bound as a BLOB against [`PATH_KEY`].
    pub fn key(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
    }

    /// The path to open: the very bytes the disk has.
    pub fn to_path_buf(&self) -> PathBuf {
        match &self.raw {
            None => PathBuf::from(&self.text),
            Some(raw) => path_from_bytes(raw),
        }
    }

    /// The encoding the shown text was decoded from (`EUC-KR`, `Shift_JIS`,
    /// …), or `None` when the path is UTF-8 and shown exactly.
    pub fn encoding(&self) -> Option<&'static str> {
        self.raw.as_deref().map(|raw| decode(raw).1)
    }

    /// The file's name without its extension, as the fan reads it.
    pub fn stem_text(&self) -> String {
        Path::new(&self.text).file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default()
    }
}

impl From<&str> for StoredPath {
    fn from(text: &str) -> StoredPath {
        StoredPath { text: text.to_string(), raw: None }
    }
}

impl From<String> for StoredPath {
    fn from(text: String) -> StoredPath {
        StoredPath { text, raw: None }
    }
}

/// Reads a path's two columns (`path`, `path_hex`) from a row.
pub(crate) fn from_row<I: rusqlite::RowIndex + Copy>(
    row: &rusqlite::Row<'_>,
    text: I,
    hex: I,
) -> rusqlite::Result<StoredPath> {
    let (path, path_hex): (String, Option<String>) = (row.get(text)?, row.get(hex)?);
    StoredPath::from_columns(path, path_hex.as_deref()).map_err(|why| {
        let column = hex.idx(row.as_ref()).unwrap_or_default();
        rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, why.into())
    })
}

/// The exact bytes of a path, for comparing with [`PATH_KEY`] (a folder's prefix, say).
pub(crate) fn bytes_of(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

/// The path with exactly these bytes.
#[cfg(unix)]
pub(crate) fn path_from_bytes(raw: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(raw))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(raw: &[u8]) -> PathBuf {
    // Only Unix file systems hand out names that are not Unicode.
    PathBuf::from(String::from_utf8_lossy(raw).into_owned())
}

/// A path that is not UTF-8, decoded one step (folder or file name) at a
/// time: steps that are UTF-8 stay as they are, each other one is read in the
/// legacy encoding the subtitle reader would guess from it (a Korean folder
/// may hold a Japanese name). The encoding said is the last step's: the file's.
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let mut encoding = encoding_rs::UTF_8;
    let steps: Vec<String> = bytes
        .split(|b| *b == b'/')
        .map(|step| match std::str::from_utf8(step) {
            Ok(text) => text.to_string(),
            Err(_) => {
                encoding = guess(step);
                decode_step(step, encoding)
            }
        })
        .collect();
    (steps.join("/"), encoding.name())
}

/// The legacy encoding of a name, guessed without its extension (a trailing
/// `.webm` tips a short kana name over to windows-1252), and from its legacy
/// bytes alone when it mixes UTF-8 in.
fn guess(step: &[u8]) -> &'static Encoding {
    let step = without_extension(step);
    if !mixes_utf8(step) {
        return crate::subtitles::guess_legacy(step);
    }
    let legacy: Vec<&[u8]> = runs(step).into_iter().filter(|(utf8, _)| !utf8).map(|(_, run)| run).collect();
    crate::subtitles::guess_legacy(&legacy.join(b" ".as_slice()))
}

/// Whether a name holds UTF-8 Hangul or kana (two characters in a row at
/// least): legacy bytes that happen to be valid UTF-8 make other characters
/// (Shift-JIS `ら` is the bytes of U+70AA).
fn mixes_utf8(step: &[u8]) -> bool {
    let hangul_or_kana = |c: char| matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{3040}'..='\u{30FF}');
    runs(step).iter().filter(|(utf8, _)| *utf8).any(|(_, run)| {
        let text = String::from_utf8_lossy(run);
        text.chars().collect::<Vec<_>>().windows(2).any(|pair| pair.iter().all(|c| hangul_or_kana(*c)))
    })
}

fn without_extension(step: &[u8]) -> &[u8] {
    match step.iter().rposition(|b| *b == b'.') {
        Some(dot) if dot > 0 && step[dot + 1..].iter().all(u8::is_ascii_alphanumeric) => &step[..dot],
        _ => step,
    }
}

fn decode_step(step: &[u8], encoding: &'static Encoding) -> String {
    if let Ok(text) = std::str::from_utf8(step) {
        return text.to_string();
    }
    if let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(step) {
        return text.into_owned();
    }
    if !mixes_utf8(step) {
        return encoding.decode_without_bom_handling(step).0.into_owned();
    }
    // A name that mixes UTF-8 with legacy bytes (renamed in part on a newer system).
    runs(step)
        .into_iter()
        .map(|(utf8, run)| match utf8 {
            true => String::from_utf8_lossy(run).into_owned(),
            false => encoding.decode_without_bom_handling(run).0.into_owned(),
        })
        .collect()
}

/// A name split into runs of whole 3- and 4-byte UTF-8 characters (true) and
/// the bytes between (false), which the legacy decoder reads. ASCII goes with
/// the legacy bytes (Shift-JIS second bytes can be ASCII letters), and so does
/// two-byte UTF-8: CP949 Hangul pairs such as `C8 AB` (홍) are valid two-byte UTF-8.
fn runs(step: &[u8]) -> Vec<(bool, &[u8])> {
    let mut runs: Vec<(bool, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < step.len() {
        let width = match step[i] {
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        let utf8 = width > 0 && step.get(i..i + width).is_some_and(|c| std::str::from_utf8(c).is_ok());
        let width = if utf8 { width } else { 1 };
        match runs.last_mut() {
            Some((kind, _, end)) if *kind == utf8 => *end = i + width,
            _ => runs.push((utf8, i, i + width)),
        }
        i += width;
    }
    runs.into_iter().map(|(utf8, from, to)| (utf8, &step[from..to])).collect()
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cp949(text: &str) -> Vec<u8> {
        encoding_rs::EUC_KR.encode(text).0.into_owned()
    }

    fn sjis(text: &str) -> Vec<u8> {
        encoding_rs::SHIFT_JIS.encode(text).0.into_owned()
    }

    #[test]
    fn names_read_as_the_fan_reads_them() {
        let mixed =
            [b"/v/".as_slice(), "홍천기_".as_bytes(), &cp949("메이킹 말 타는 장면"), b".mp4"].concat();
        let rows: Vec<(&str, Vec<u8>, &str, Option<&str>)> = vec![
            ("utf-8", "/v/홍천기.mp4".into(), "/v/홍천기.mp4", None),
            (
                "cp949",
                [b"/v/".as_slice(), &cp949("홍천기 메이킹 말 타는 장면"), b".mp4"].concat(),
                "/v/홍천기 메이킹 말 타는 장면.mp4",
                Some("EUC-KR"),
            ),
            (
                "cp949 folder",
                [b"/v/".as_slice(), &cp949("홍천기 3화"), b"/clip.mp4"].concat(),
                "/v/홍천기 3화/clip.mp4",
                Some("EUC-KR"),
            ),
            (
                "shift-jis in a cp949 folder",
                [b"/v/".as_slice(), &cp949("촬영장"), b"/", &sjis("メイキング映像"), b".mp4"].concat(),
                "/v/촬영장/メイキング映像.mp4",
                Some("Shift_JIS"),
            ),
            (
                "shift-jis",
                [b"/v/".as_slice(), &sjis("メイキング映像 撮影現場"), b".mp4"].concat(),
                "/v/メイキング映像 撮影現場.mp4",
                Some("Shift_JIS"),
            ),
            (
                "short cp949",
                [b"/v/".as_slice(), &cp949("홍천기 3화"), b".mp4"].concat(),
                "/v/홍천기 3화.mp4",
                Some("EUC-KR"),
            ),
            (
                "kanji",
                [b"/v/".as_slice(), &sjis("撮影現場"), b".mp4"].concat(),
                "/v/撮影現場.mp4",
                Some("Shift_JIS"),
            ),
            (
                "kana",
                [b"/v/".as_slice(), &sjis("ひらがな"), b".webm"].concat(),
                "/v/ひらがな.webm",
                Some("Shift_JIS"),
            ),
            ("mixed", mixed, "/v/홍천기_메이킹 말 타는 장면.mp4", Some("EUC-KR")),
        ];
        for (name, bytes, text, encoding) in rows {
            let path = path_from_bytes(&bytes);
            let stored = StoredPath::from_path(&path);
            assert_eq!((stored.text(), stored.encoding()), (text, encoding), "{name}");
            assert_eq!(stored.key(), bytes.as_slice(), "{name}");
            assert_eq!(stored.to_path_buf(), path, "{name}");
            let back = StoredPath::from_columns(stored.text().into(), stored.hex().as_deref()).unwrap();
            assert_eq!(back, stored, "{name}");
        }
    }

    #[test]
    fn bad_columns_are_refused() {
        for hex in ["abc", "zz", "2f61", "2f00ff"] {
            assert!(StoredPath::from_columns("/a".into(), Some(hex)).is_err(), "{hex}");
        }
    }
}

#[cfg(test)]
mod plans {
    use super::PATH_KEY;

    fn plan(sql: &str) -> String {
        let library = crate::Library::open_in_memory().unwrap();
        let mut statement = library.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = statement.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.collect::<rusqlite::Result<Vec<_>>>().unwrap().join("; ")
    }

    #[test]
    fn lookups_by_path_are_index_seeks() {
        for table in ["file", "sidecar", "import_problem"] {
            let seek = plan(&format!("SELECT rowid FROM {table} WHERE {PATH_KEY} = x'2f61'"));
            assert!(seek.contains(&format!("USING INDEX {table}_path ")), "{table}: {seek}");
            let range = plan(&format!("SELECT count(*) FROM {table} WHERE path > '/a/' AND path < '/a0'"));
            assert!(range.contains(&format!("{table}_path_text")), "{table}: {range}");
        }
    }
}
