//! Content keys: what finds the same video again under another name, in
//! another encoding or with an intro added or cut off — for duplicates in one
//! library and for packs shared between fans (migration 0016).
//!
//! A clip's keys are its source (the download site and its id for the video),
//! its copies' oshashes and its duration, which the importer keeps already,
//! and two made here from the video: `phash` (the picture) and `audio` (the
//! sound). `store` makes the missing ones in a resumable, cancellable run,
//! as the on-screen text is read.

pub mod audio;
mod duplicates;
mod matching;
pub mod phash;
mod store;

use std::path::Path;

pub use audio::{Alignment, AudioIndex, FPCALC_PACKAGES, WORD_SECONDS, align};
pub use duplicates::{Duplicate, Kinship, Merged};
pub use matching::{Candidates, Found, How, durations_agree};
pub use phash::{PHASH_DISTANCE, distance};
pub(crate) use store::load_keys;
pub use store::{ClipKeys, KeyProgress, KeysError, KeysProblem, KeysSummary, KeysWhich};

/// Why a key could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyProblem {
    /// A program is missing: the whole run stops.
    #[error("{program} is not installed (on Debian or Ubuntu: apt install {packages})")]
    Missing { program: &'static str, packages: &'static str },
    /// The clip has nothing to make the key from (no sound, too short): this
    /// is kept as the clip's answer and not tried again.
    #[error("{0}")]
    Skipped(String),
    /// Making it failed (an unreadable file): the clip is tried again next run.
    #[error("{0}")]
    Failed(String),
}

/// The keys made from one video.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoKeys {
    pub phash: Result<u64, KeyProblem>,
    pub audio: Result<Vec<u32>, KeyProblem>,
}

/// Makes the picture and sound keys of the video at `path`, `duration_ms`
/// long (the file is only read, by ffmpeg and fpcalc).
pub fn video_keys(path: &Path, duration_ms: Option<i64>) -> VideoKeys {
    let phash = match duration_ms {
        Some(duration_ms) => phash::video_phash(path, duration_ms),
        None => Err(KeyProblem::Skipped("the clip's length is not known".into())),
    };
    VideoKeys { phash, audio: audio::fingerprint(path) }
}

/// The picture hash of the video at `path`, `duration_ms` long.
pub fn phash_of(path: &Path, duration_ms: i64) -> Result<u64, KeyProblem> {
    phash::video_phash(path, duration_ms)
}

/// The sound fingerprint of the video at `path` (`fpcalc`).
pub fn fingerprint_of(path: &Path) -> Result<Vec<u32>, KeyProblem> {
    audio::fingerprint(path)
}

/// The download a clip came from, as one key: the site (the web address's
/// host, without `www.`) and the site's id for the video, e.g.
/// `youtube.com:dQw4w9WgXcQ`. `None` without an id or an address.
pub fn source_key(source_url: Option<&str>, source_id: Option<&str>) -> Option<String> {
    let id = source_id?.trim();
    let url = source_url?.trim();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host =
        rest.split(['/', '?', '#']).next()?.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    let host = host.trim_start_matches("www.").trim_start_matches("m.");
    let site = match host {
        "youtu.be" | "youtube-nocookie.com" | "music.youtube.com" => "youtube.com",
        other => other,
    };
    (!id.is_empty() && !site.is_empty()).then(|| format!("{site}:{id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_is_its_site_and_id() {
        let check = |url: Option<&str>, id: Option<&str>, expected: Option<&str>| {
            assert_eq!(source_key(url, id).as_deref(), expected, "{url:?} {id:?}");
        };
        check(Some("https://www.youtube.com/watch?v=abc"), Some("abc"), Some("youtube.com:abc"));
        check(Some("https://youtu.be/abc"), Some("abc"), Some("youtube.com:abc"));
        check(Some("https://m.youtube.com/watch?v=abc"), Some("abc"), Some("youtube.com:abc"));
        check(Some("https://tv.naver.com/v/123"), Some("123"), Some("tv.naver.com:123"));
        check(Some("https://user@Vimeo.com:443/5"), Some("5"), Some("vimeo.com:5"));
        check(None, Some("abc"), None);
        check(Some("https://youtu.be/abc"), None, None);
        check(Some("https://youtu.be/abc"), Some(" "), None);
    }
}
