//! The sound's key: Chromaprint's raw fingerprint (Debian's `fpcalc`, from
//! `libchromaprint-tools`), one 32-bit word per 0.1238 s of sound, and
//! finding where two fingerprints line up. Lining up gives the offset between
//! two copies of one video (a re-upload with an intro, a copy with the start
//! cut off, a compilation that contains a clip), and so how far to move
//! marker times from one to the other.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use super::KeyProblem;
use crate::process::{RunError, run};

/// The Debian package that has `fpcalc`.
pub const FPCALC_PACKAGES: &str = "libchromaprint-tools";

/// Seconds of sound per fingerprint word: Chromaprint hears at 11,025 Hz in
/// frames of 4096 samples, each a third of a frame after the one before.
pub const WORD_SECONDS: f64 = 4096.0 / 3.0 / 11025.0;

/// The longest sound fingerprinted (two hours: a long compilation; 58,000 words).
const MAX_SECONDS: u32 = 7200;

/// Two fingerprints line up when, over at least this many words (5 s) side
/// by side, at most `MAX_BIT_ERROR` of their bits differ. The same sound
/// re-encoded differs in 5–15 % of bits; unrelated sound in about half
/// (AcoustID treats under 35 % as "the same" for whole tracks: shorter
/// overlaps need a stricter bar).
const MIN_OVERLAP: usize = 40;
pub const MAX_BIT_ERROR: f64 = 0.25;

/// Words used to find candidate offsets are cut to their top 20 bits (as
/// AcoustID's index does): a re-encode keeps them more often than all 32.
const KEY_SHIFT: u32 = 12;

/// A word that recurs more often than this in one fingerprint (silence, a
/// held tone) says nothing about where it is, and is not indexed.
const MAX_REPEATS: usize = 16;

/// The fingerprint of the sound of the video at `path`, read by `fpcalc`.
pub(crate) fn fingerprint(path: &Path) -> Result<Vec<u32>, KeyProblem> {
    let mut command = crate::process::low_priority("fpcalc");
    command.args(["-raw", "-length", &MAX_SECONDS.to_string()]).arg(path);
    // "FINGERPRINT=" and up to eleven characters per word.
    let most = 64 + (f64::from(MAX_SECONDS) / WORD_SECONDS) as usize * 12;
    let finished = run(&mut command, Duration::from_secs(600), most).map_err(|error| match error {
        RunError::Missing => KeyProblem::Missing { program: "fpcalc", packages: FPCALC_PACKAGES },
        RunError::TimedOut => KeyProblem::Failed("fpcalc took more than 10 minutes".into()),
        RunError::TooMuchOutput(_) => KeyProblem::Failed("fpcalc printed more than a fingerprint".into()),
        RunError::Io(error) => KeyProblem::Failed(format!("cannot run fpcalc: {error}")),
    })?;
    let stdout = String::from_utf8_lossy(&finished.stdout);
    let words = stdout.lines().find_map(|line| line.strip_prefix("FINGERPRINT="));
    match words {
        Some(words) if !words.trim().is_empty() => words
            .trim()
            .split(',')
            .map(|w| w.trim().parse::<u32>())
            .collect::<Result<Vec<u32>, _>>()
            .map_err(|_| KeyProblem::Failed("fpcalc printed a fingerprint that is not numbers".into())),
        _ if finished.stderr.contains("Could not find any audio stream") => {
            Err(KeyProblem::Skipped("the clip has no sound".into()))
        }
        _ if finished.stderr.contains("Empty fingerprint") => {
            Err(KeyProblem::Skipped("the sound is too short or too quiet to fingerprint".into()))
        }
        _ => {
            let reason = finished.stderr.lines().find(|l| !l.contains("decoding audio frame")).unwrap_or("");
            Err(KeyProblem::Failed(format!("fpcalc made no fingerprint: {}", reason.trim())))
        }
    }
}

/// The fingerprint as stored: little-endian words.
pub(crate) fn to_bytes(words: &[u32]) -> Vec<u8> {
    words.iter().flat_map(|w| w.to_le_bytes()).collect()
}

/// A stored fingerprint (a trailing partial word is dropped).
pub(crate) fn from_bytes(bytes: &[u8]) -> Vec<u32> {
    bytes.chunks_exact(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

/// Where one fingerprint lines up in another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Alignment {
    /// Word `i` of the first is word `i + offset` of the second.
    pub offset: i64,
    /// The share of bits that differ where they overlap.
    pub bit_error: f64,
    /// Words side by side.
    pub overlap: usize,
}

impl Alignment {
    /// The offset in milliseconds: a moment at `t` in the first is at `t + shift_ms()` in the second.
    pub fn shift_ms(&self) -> i64 {
        (self.offset as f64 * WORD_SECONDS * 1000.0).round() as i64
    }
}

/// The share of differing bits of `a` and `b` at `offset`, and the overlap.
fn compare(a: &[u32], b: &[u32], offset: i64) -> (f64, usize) {
    let start = (-offset).max(0) as usize;
    let end = (b.len() as i64 - offset).min(a.len() as i64);
    if end <= start as i64 {
        return (1.0, 0);
    }
    let end = end as usize;
    let differing: u32 = (start..end).map(|i| (a[i] ^ b[(i as i64 + offset) as usize]).count_ones()).sum();
    let overlap = end - start;
    (f64::from(differing) / (32 * overlap) as f64, overlap)
}

/// The best line-up of `a` against `b` among `offsets`, if it is good enough.
fn best_of(a: &[u32], b: &[u32], offsets: impl Iterator<Item = i64>) -> Option<Alignment> {
    offsets
        .flat_map(|o| [o - 1, o, o + 1])
        .map(|offset| {
            let (bit_error, overlap) = compare(a, b, offset);
            Alignment { offset, bit_error, overlap }
        })
        .filter(|found| found.overlap >= MIN_OVERLAP && found.bit_error <= MAX_BIT_ERROR)
        .min_by(|x, y| x.bit_error.total_cmp(&y.bit_error))
}

/// The number of distinct index keys (a word's top 20 bits).
const KEYS: usize = 1 << (32 - KEY_SHIFT);

/// Fingerprints of many clips, indexed by their words' top bits, so one
/// fingerprint is lined up against all of them at once: each word that
/// matches votes for an offset, and only the offsets with the most votes
/// are compared bit by bit.
pub struct AudioIndex<K> {
    clips: Vec<(K, Vec<u32>)>,
    words: Words,
}

/// (clip number, word position) of every indexed word, by key.
enum Words {
    /// For a few fingerprints (lining up two clips): a map.
    Few(HashMap<u32, Vec<(u32, u32)>>),
    /// For many (a library): grouped by key in one array, `starts[key]..starts[key + 1]`
    /// (a counting sort: two passes, no hashing; 100,000 clips index in well under a second).
    Many { starts: Vec<u32>, entries: Vec<(u32, u32)> },
}

impl Words {
    fn get(&self, key: u32) -> &[(u32, u32)] {
        match self {
            Words::Few(map) => map.get(&key).map_or(&[], Vec::as_slice),
            Words::Many { starts, entries } => {
                &entries[starts[key as usize] as usize..starts[key as usize + 1] as usize]
            }
        }
    }
}

/// The positions of a fingerprint's words worth indexing: a key that recurs
/// more than `MAX_REPEATS` times (silence, a held tone) keeps only its first.
fn kept_positions(fingerprint: &[u32]) -> Vec<u32> {
    let mut by_key: Vec<(u32, u32)> =
        fingerprint.iter().enumerate().map(|(at, word)| (word >> KEY_SHIFT, at as u32)).collect();
    by_key.sort_unstable();
    let mut kept = Vec::with_capacity(by_key.len());
    let mut run = 0;
    for (i, (key, at)) in by_key.iter().enumerate() {
        run = if i > 0 && by_key[i - 1].0 == *key { run + 1 } else { 0 };
        if run < MAX_REPEATS {
            kept.push(*at);
        }
    }
    kept
}

impl<K: Clone> AudioIndex<K> {
    /// Indexes the fingerprints of `clips`.
    pub fn new(clips: Vec<(K, Vec<u32>)>) -> AudioIndex<K> {
        let total: usize = clips.iter().map(|(_, f)| f.len()).sum();
        let words = if total < KEYS / 4 {
            let mut map: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
            for (number, (_, fingerprint)) in clips.iter().enumerate() {
                for at in kept_positions(fingerprint) {
                    map.entry(fingerprint[at as usize] >> KEY_SHIFT).or_default().push((number as u32, at));
                }
            }
            Words::Few(map)
        } else {
            let kept: Vec<Vec<u32>> = clips.iter().map(|(_, f)| kept_positions(f)).collect();
            let mut starts = vec![0u32; KEYS + 1];
            for ((_, fingerprint), positions) in clips.iter().zip(&kept) {
                for at in positions {
                    starts[(fingerprint[*at as usize] >> KEY_SHIFT) as usize + 1] += 1;
                }
            }
            for key in 0..KEYS {
                starts[key + 1] += starts[key];
            }
            let mut next = starts.clone();
            let mut entries = vec![(0u32, 0u32); starts[KEYS] as usize];
            for (number, ((_, fingerprint), positions)) in clips.iter().zip(&kept).enumerate() {
                for at in positions {
                    let key = (fingerprint[*at as usize] >> KEY_SHIFT) as usize;
                    entries[next[key] as usize] = (number as u32, *at);
                    next[key] += 1;
                }
            }
            Words::Many { starts, entries }
        };
        AudioIndex { clips, words }
    }

    pub fn len(&self) -> usize {
        self.clips.len()
    }

    pub fn is_empty(&self) -> bool {
        self.clips.is_empty()
    }

    /// The indexed clips `query` lines up with, best first: `query`'s word
    /// `i` is the clip's word `i + offset`.
    pub fn find(&self, query: &[u32]) -> Vec<(K, Alignment)> {
        let mut votes: HashMap<(u32, i64), u32> = HashMap::new();
        for at in kept_positions(query) {
            for (clip, there) in self.words.get(query[at as usize] >> KEY_SHIFT) {
                *votes.entry((*clip, i64::from(*there) - i64::from(at))).or_default() += 1;
            }
        }
        // A few votes happen by chance; a real line-up has many (a fifth of
        // the minimum overlap's words agreeing in their top bits).
        let mut by_clip: HashMap<u32, Vec<(u32, i64)>> = HashMap::new();
        for ((clip, offset), count) in votes {
            if count as usize >= MIN_OVERLAP / 5 {
                by_clip.entry(clip).or_default().push((count, offset));
            }
        }
        let mut found: Vec<(K, Alignment)> = by_clip
            .into_iter()
            .filter_map(|(clip, mut offsets)| {
                offsets.sort_by(|x, y| y.cmp(x));
                let (key, fingerprint) = &self.clips[clip as usize];
                let best = best_of(query, fingerprint, offsets.iter().take(3).map(|(_, o)| *o))?;
                Some((key.clone(), best))
            })
            .collect();
        found.sort_by(|x, y| x.1.bit_error.total_cmp(&y.1.bit_error));
        found
    }
}

/// Where `a` lines up in `b`, if it does.
pub fn align(a: &[u32], b: &[u32]) -> Option<Alignment> {
    let index = AudioIndex::new(vec![((), b.to_vec())]);
    index.find(a).into_iter().next().map(|(_, found)| found)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up fingerprint: words from a simple generator, `seed` apart.
    fn words(seed: u32, count: usize) -> Vec<u32> {
        let mut x = seed.wrapping_mul(2_654_435_761) | 1;
        (0..count)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x
            })
            .collect()
    }

    #[test]
    fn a_cut_copy_lines_up_at_its_offset_and_another_sound_does_not() {
        let whole = words(1, 400);
        let cut = whole[32..].to_vec();
        let found = align(&cut, &whole).expect("lines up");
        assert_eq!((found.offset, found.overlap), (32, 368));
        assert_eq!(found.bit_error, 0.0);
        assert_eq!(found.shift_ms(), 3963);
        // A few bits changed in every word (a re-encode) still lines up.
        let noisy: Vec<u32> = cut.iter().map(|w| w ^ 0b1001).collect();
        assert_eq!(align(&noisy, &whole).map(|f| f.offset), Some(32));
        assert_eq!(align(&words(2, 400), &whole), None);
    }

    #[test]
    fn a_library_sized_index_finds_a_clip_among_many_at_its_offset() {
        // Enough words for the array index (not the map): 1,200 clips of 30 s.
        let clips: Vec<(usize, Vec<u32>)> = (0..1200).map(|i| (i, words(i as u32 + 10, 242))).collect();
        assert!(clips.len() * 242 >= KEYS / 4);
        let index = AudioIndex::new(clips.clone());
        let query: Vec<u32> = clips[777].1[50..200].iter().map(|w| w ^ 0b110).collect();
        let found = index.find(&query);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].0, found[0].1.offset), (777, 50));
        assert!(index.find(&words(5, 200)).is_empty());
    }

    #[test]
    fn stored_words_read_back() {
        let fingerprint = words(3, 10);
        assert_eq!(from_bytes(&to_bytes(&fingerprint)), fingerprint);
    }
}
