//! Finding a clip among many by its content keys, strongest first: the same
//! source (site and id), the same oshash, a picture hash within
//! `PHASH_DISTANCE` with a duration within 1 % (and, where both have sound,
//! sound that lines up), then sound alone lining up at an offset. Used by
//! pack import (a pack's clip against the library) and by duplicates (each
//! clip against the others).

use std::collections::HashMap;

use serde::Serialize;

use super::{AudioIndex, ClipKeys, PHASH_DISTANCE, align, distance};

/// How two clips were found to be the same video.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum How {
    /// The same download (site and id): one timeline.
    Source,
    /// The same file contents (oshash): one timeline.
    Oshash,
    /// Another encoding of the same picture (phash this many bits apart,
    /// durations within 1 %).
    Reencode { phash_bits: u32 },
    /// The same sound, at an offset: an intro added or cut, or one inside the other.
    Sound { bit_error: f64 },
}

/// A clip found for another, and how to move a time from the other onto it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Found {
    pub clip_id: i64,
    pub how: How,
    /// A moment at `t` ms in the clip looked for is at `t + shift_ms` in this one.
    pub shift_ms: i64,
}

impl Found {
    /// True when the two are the same bytes or the same download (times need no care).
    pub fn is_exact(&self) -> bool {
        matches!(self.how, How::Source | How::Oshash)
    }
}

/// Whether two durations are within 1 % of the longer.
pub fn durations_agree(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() * 100 <= a.max(b),
        _ => false,
    }
}

/// The library's clips, indexed by each key.
pub struct Candidates<'a> {
    clips: &'a [ClipKeys],
    by_source: HashMap<&'a str, usize>,
    by_oshash: HashMap<&'a str, usize>,
    /// (duration, position in `clips`) of clips with a phash, by duration.
    by_length: Vec<(i64, usize)>,
    sound: AudioIndex<usize>,
}

impl<'a> Candidates<'a> {
    /// Indexes `clips` (with their sound fingerprints, if sound is to be matched).
    pub fn new(clips: &'a [ClipKeys]) -> Candidates<'a> {
        let mut by_source = HashMap::new();
        let mut by_oshash = HashMap::new();
        let mut by_length = Vec::new();
        let mut sounds = Vec::new();
        for (i, clip) in clips.iter().enumerate() {
            if let Some(source) = &clip.source {
                by_source.entry(source.as_str()).or_insert(i);
            }
            for hash in &clip.oshashes {
                by_oshash.entry(hash.as_str()).or_insert(i);
            }
            if let (Some(_), Some(duration)) = (clip.phash, clip.duration_ms) {
                by_length.push((duration, i));
            }
            if let Some(audio) = &clip.audio {
                sounds.push((i, audio.clone()));
            }
        }
        by_length.sort_unstable();
        Candidates { clips, by_source, by_oshash, by_length, sound: AudioIndex::new(sounds) }
    }

    /// The clip `wanted` is, by its strongest key; `skip` says which clips
    /// may not be chosen (the clip itself, ones already taken).
    pub fn find(&self, wanted: &ClipKeys, skip: &dyn Fn(i64) -> bool) -> Option<Found> {
        let exact = |position: Option<&usize>, how: How| {
            let clip = &self.clips[*position?];
            (!skip(clip.clip_id)).then_some(Found { clip_id: clip.clip_id, how, shift_ms: 0 })
        };
        if let Some(found) = wanted.source.as_deref().and_then(|s| exact(self.by_source.get(s), How::Source))
        {
            return Some(found);
        }
        for hash in &wanted.oshashes {
            if let Some(found) = exact(self.by_oshash.get(hash.as_str()), How::Oshash) {
                return Some(found);
            }
        }
        self.reencode(wanted, skip).or_else(|| self.same_sound(wanted, skip))
    }

    /// A clip of about the same length whose picture hash is close, and whose
    /// sound (when both have it) lines up.
    fn reencode(&self, wanted: &ClipKeys, skip: &dyn Fn(i64) -> bool) -> Option<Found> {
        let (phash, duration) = (wanted.phash?, wanted.duration_ms?);
        let lowest = duration - duration / 100;
        let start = self.by_length.partition_point(|(d, _)| *d < lowest);
        let mut best: Option<(u32, i64, Found)> = None;
        for &(length, i) in &self.by_length[start..] {
            if length * 99 > duration * 100 {
                break;
            }
            let clip = &self.clips[i];
            let bits = distance(phash, clip.phash.expect("indexed with a phash"));
            if bits > PHASH_DISTANCE || skip(clip.clip_id) || !durations_agree(Some(duration), Some(length)) {
                continue;
            }
            let shift_ms = match (&wanted.audio, &clip.audio) {
                (Some(a), Some(b)) => match align(a, b) {
                    Some(found) => found.shift_ms(),
                    // Pictures alike, sound not: two clips shot in one place.
                    None => continue,
                },
                _ => 0,
            };
            let rank = (bits, (length - duration).abs());
            if best.as_ref().is_none_or(|(b, d, _)| rank < (*b, *d)) {
                best = Some((
                    bits,
                    rank.1,
                    Found { clip_id: clip.clip_id, how: How::Reencode { phash_bits: bits }, shift_ms },
                ));
            }
        }
        best.map(|(_, _, found)| found)
    }

    /// Every clip whose sound `audio` lines up with, best first, with where.
    pub fn by_sound(&self, audio: &[u32]) -> Vec<(i64, super::Alignment)> {
        self.sound.find(audio).into_iter().map(|(i, found)| (self.clips[i].clip_id, found)).collect()
    }

    /// The clip whose sound `wanted`'s lines up with best.
    fn same_sound(&self, wanted: &ClipKeys, skip: &dyn Fn(i64) -> bool) -> Option<Found> {
        let audio = wanted.audio.as_ref()?;
        self.sound.find(audio).into_iter().find(|(i, _)| !skip(self.clips[*i].clip_id)).map(|(i, found)| {
            Found {
                clip_id: self.clips[i].clip_id,
                how: How::Sound { bit_error: found.bit_error },
                shift_ms: found.shift_ms(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_agree_within_one_percent() {
        assert!(durations_agree(Some(100_000), Some(99_000)));
        assert!(!durations_agree(Some(100_000), Some(98_900)));
        assert!(!durations_agree(None, Some(1)));
    }

    fn clip(clip_id: i64, duration_ms: i64, phash: u64) -> ClipKeys {
        ClipKeys { clip_id, duration_ms: Some(duration_ms), phash: Some(phash), ..Default::default() }
    }

    #[test]
    fn the_strongest_key_wins_and_skipped_clips_are_passed_over() {
        let mut by_source = clip(1, 60_000, 0);
        by_source.source = Some("youtube.com:abc".into());
        let mut by_hash = clip(2, 60_000, u64::MAX);
        by_hash.oshashes = vec!["8e245d9679d31e12".into()];
        let library = [by_source, by_hash, clip(3, 60_300, 0b1011), clip(4, 90_000, 0b1)];
        let candidates = Candidates::new(&library);
        let none = |_| false;
        let mut wanted = clip(9, 60_000, 0b11);
        wanted.source = Some("youtube.com:abc".into());
        wanted.oshashes = vec!["8e245d9679d31e12".into()];
        assert_eq!(candidates.find(&wanted, &none).map(|f| (f.clip_id, f.how)), Some((1, How::Source)));
        assert_eq!(
            candidates.find(&wanted, &|id| id == 1).map(|f| (f.clip_id, f.how)),
            Some((2, How::Oshash))
        );
        // By picture: #1 is 2 bits away at the same length, #3 1 bit at 0.5 % longer; #4 is too long.
        let found = candidates.find(&wanted, &|id| id <= 2).unwrap();
        assert_eq!((found.clip_id, found.how), (3, How::Reencode { phash_bits: 1 }));
        assert_eq!(candidates.find(&wanted, &|id| id != 4), None);
    }
}
