//! Walking folders for clips: which files are worth a look, which are sidecars,
//! and which to leave alone (hidden, partial downloads, still being written).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A file that may be a video (its content decides).
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub path: PathBuf,
    pub size: u64,
    pub mtime_ms: i64,
}

/// What one walk of a folder tree saw.
#[derive(Debug, Default)]
pub struct Walked {
    pub candidates: Vec<Found>,
    pub sidecars: Vec<Found>,
    /// Left alone this time, with the reason (partial downloads, files still growing).
    pub skipped: Vec<(PathBuf, &'static str)>,
    /// Folders or files that could not be read.
    pub errors: Vec<(PathBuf, std::io::Error)>,
}

/// Extensions of files that travel with a video rather than being one.
const SIDECAR_EXTENSIONS: &[&str] = &[
    "json",
    "vtt",
    "srt",
    "smi",
    "sami",
    "ass",
    "ssa",
    "jpg",
    "jpeg",
    "png",
    "webp",
    "nfo",
    "txt",
    "description",
];

/// Extensions that say "video" (a file with one that is not a video is reported).
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "ts", "m2ts", "mts", "3gp", "flv", "wmv", "mpg", "mpeg", "ogv",
];

/// A file whose mtime is this recent may still be growing (a copy in progress)...
pub const SETTLE_TIME: Duration = Duration::from_secs(2);
/// ...so it is looked at twice, this far apart, and taken only if it did not change.
const RECHECK_AFTER: Duration = Duration::from_millis(300);

pub fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Why a file should not be imported yet, judged from its name alone.
pub fn partial_download(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let partial_suffixes =
        [".part", ".ytdl", ".tmp", ".temp", ".crdownload", ".download", ".partial", ".aria2"];
    if partial_suffixes.iter().any(|s| lower.ends_with(s)) || lower.contains(".part-frag") {
        return Some("partial download");
    }
    // yt-dlp's per-format files (`Title [id].f137.mp4`) are merged into one and deleted.
    let stem = lower.rsplit_once('.').map_or(lower.as_str(), |(stem, _)| stem);
    if let Some((_, format)) = stem.rsplit_once(".f")
        && !format.is_empty()
        && format.len() <= 4
        && format.bytes().all(|b| b.is_ascii_digit())
    {
        return Some("yt-dlp format file waiting to be merged");
    }
    None
}

/// Walks `root` (following symlinks, never around a loop), skipping hidden entries.
pub fn walk(root: &Path) -> Walked {
    let mut walked = Walked::default();
    let mut seen_dirs = HashSet::new();
    let mut stack = vec![root.to_path_buf()];
    let mut young = Vec::new();
    let now = SystemTime::now();
    while let Some(dir) = stack.pop() {
        match dir.canonicalize() {
            Ok(real) if !seen_dirs.insert(real.clone()) => continue,
            Err(error) => {
                walked.errors.push((dir, explain(error)));
                continue;
            }
            Ok(_) => {}
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                walked.errors.push((dir, explain(error)));
                continue;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for path in children.into_iter().rev() {
            visit(path, now, &mut walked, &mut young, &mut stack);
        }
    }
    settle(young, &mut walked);
    walked.candidates.sort_by(|a, b| a.path.cmp(&b.path));
    walked.sidecars.sort_by(|a, b| a.path.cmp(&b.path));
    walked
}

/// Recently modified files are taken if they stay the same for a moment (a
/// finished download just renamed), and skipped while they still grow.
fn settle(young: Vec<Found>, walked: &mut Walked) {
    if young.is_empty() {
        return;
    }
    std::thread::sleep(RECHECK_AFTER);
    for found in young {
        let now =
            std::fs::metadata(&found.path).ok().map(|m| (m.len(), m.modified().map(mtime_ms).unwrap_or(0)));
        if now == Some((found.size, found.mtime_ms)) {
            walked.candidates.push(found);
        } else {
            walked.skipped.push((found.path, "still being written"));
        }
    }
}

fn visit(
    path: PathBuf,
    now: SystemTime,
    walked: &mut Walked,
    young: &mut Vec<Found>,
    stack: &mut Vec<PathBuf>,
) {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if name.starts_with('.') {
        return;
    }
    // Follows symlinks; a dangling one (or a file gone since the listing) is just skipped.
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return,
        Err(error) => {
            walked.errors.push((path, explain(error)));
            return;
        }
    };
    if meta.is_dir() {
        stack.push(path);
        return;
    }
    if !meta.is_file() {
        return;
    }
    if let Some(reason) = partial_download(&name) {
        walked.skipped.push((path, reason));
        return;
    }
    let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let found = Found { path, size: meta.len(), mtime_ms: mtime_ms(modified) };
    if SIDECAR_EXTENSIONS.contains(&extension(&found.path).as_str()) {
        walked.sidecars.push(found);
    } else if now.duration_since(modified).is_ok_and(|age| age < SETTLE_TIME) || modified > now {
        young.push(found);
    } else {
        walked.candidates.push(found);
    }
}

/// The error a fan can act on; "File name too long" alone does not say what to do.
fn explain(error: std::io::Error) -> std::io::Error {
    if error.raw_os_error() == Some(36) {
        // ENAMETOOLONG
        return std::io::Error::new(
            error.kind(),
            "the path is longer than the system allows (4,096 bytes): move the file to a shorter folder to import it",
        );
    }
    error
}

pub fn mtime_ms(time: SystemTime) -> i64 {
    match time.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(since) => since.as_millis() as i64,
        Err(before) => -(before.duration().as_millis() as i64),
    }
}

/// The sidecars of a video: files in its folder named `STEM.something`, where
/// no longer video stem claims them (`a.mp4` and `a.b.mp4` beside `a.b.en.srt`).
pub fn sidecars_of<'a>(video: &Path, videos_here: &[&Path], sidecars: &'a [Found]) -> Vec<&'a Found> {
    let Some(stem) = video.file_stem().map(|s| s.to_string_lossy().to_string()) else { return Vec::new() };
    let dir = video.parent();
    sidecars
        .iter()
        .filter(|s| s.path.parent() == dir)
        .filter(|s| {
            let name = s.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            name.starts_with(&format!("{stem}.")) && !claimed_by_longer(&name, &stem, videos_here)
        })
        .collect()
}

fn claimed_by_longer(name: &str, stem: &str, videos: &[&Path]) -> bool {
    videos.iter().filter_map(|v| v.file_stem().map(|s| s.to_string_lossy().to_string())).any(|other| {
        other.len() > stem.len() && other.starts_with(stem) && name.starts_with(&format!("{other}."))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_downloads_by_name() {
        let rows = [
            ("Clip [abc].mp4.part", true),
            ("Clip [abc].mp4.ytdl", true),
            ("Clip [abc].f137.mp4.part-Frag12", true),
            ("Clip [abc].f137.mp4", true),
            ("Clip [abc].f251.webm", true),
            ("Clip [abc].temp.mkv", false),
            ("Clip [abc].mp4", false),
            ("Clip.f.mp4", false),
            ("Clip [abc].mp4.tmp", true),
        ];
        for (name, partial) in rows {
            assert_eq!(partial_download(name).is_some(), partial, "{name}");
        }
    }

    #[test]
    fn walks_skipping_hidden_partial_and_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |rel: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"x").unwrap();
            let old = SystemTime::now() - Duration::from_secs(60);
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        };
        write("a.mp4");
        write("a.info.json");
        write("a.ko.vtt");
        write("sub/b.webm");
        write(".hidden/c.mp4");
        write(".d.mp4");
        write("e.mp4.part");
        std::fs::write(root.join("fresh.mkv"), b"just finished").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("sub/loop")).unwrap();
        let walked = walk(root);
        let names = |list: &[Found]| {
            list.iter().map(|f| f.path.strip_prefix(root).unwrap().to_path_buf()).collect::<Vec<_>>()
        };
        // fresh.mkv is young but does not change while it is looked at: taken.
        assert_eq!(
            names(&walked.candidates),
            [PathBuf::from("a.mp4"), PathBuf::from("fresh.mkv"), PathBuf::from("sub/b.webm")]
        );
        assert_eq!(names(&walked.sidecars), [PathBuf::from("a.info.json"), PathBuf::from("a.ko.vtt")]);
        let skipped: Vec<_> =
            walked.skipped.iter().map(|(p, why)| (p.file_name().unwrap().to_owned(), *why)).collect();
        assert!(skipped.contains(&("e.mp4.part".into(), "partial download")), "{skipped:?}");
    }

    #[test]
    fn sidecars_go_to_the_longest_stem() {
        let found = |p: &str| Found { path: PathBuf::from(p), size: 1, mtime_ms: 0 };
        let sidecars =
            vec![found("/v/a.info.json"), found("/v/a.b.en.srt"), found("/v/a.ko.vtt"), found("/w/a.ko.vtt")];
        let videos = [Path::new("/v/a.mp4"), Path::new("/v/a.b.mp4")];
        let of_a: Vec<_> =
            sidecars_of(videos[0], &videos, &sidecars).iter().map(|f| f.path.clone()).collect();
        assert_eq!(of_a, [PathBuf::from("/v/a.info.json"), PathBuf::from("/v/a.ko.vtt")]);
        let of_ab: Vec<_> =
            sidecars_of(videos[1], &videos, &sidecars).iter().map(|f| f.path.clone()).collect();
        assert_eq!(of_ab, [PathBuf::from("/v/a.b.en.srt")]);
    }
}
