//! From words read frame by frame to timed lines: low-confidence words and
//! stray characters dropped, the same caption in consecutive frames merged
//! into one line with its start and end, a reading seen only once dropped
//! (a caption stays up for seconds; a misreading of the picture rarely
//! comes back the same).

use super::regions::Rect;
use super::tesseract::Word;

/// Words Tesseract is less sure of than this are dropped.
const MIN_WORD_CONF: f32 = 40.0;
/// A line whose words average less than this is dropped.
const MIN_LINE_CONF: f32 = 60.0;
/// Readings this similar (1 − normalised edit distance) are the same caption.
const SAME_CAPTION: f64 = 0.6;
/// The most characters a line keeps.
const MAX_LINE_CHARS: usize = 300;

/// One caption line read in one frame.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub text: String,
    pub conf: f32,
    pub place: Rect,
}

/// A caption as shown: its text and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenLine {
    pub start_ms: i64,
    pub end_ms: i64,
    pub text: String,
}

/// The words worth keeping as one line, or `None` when nothing is.
/// `spaces` are the crop's ink-free runs as wide as a space.
pub(crate) fn clean(words: &[Word], spaces: &[(usize, usize)], place: Rect) -> Option<Reading> {
    let kept: Vec<&Word> = words.iter().filter(|w| w.conf >= MIN_WORD_CONF && !stray(&w.text)).collect();
    if kept.is_empty() {
        return None;
    }
    let text: String = joined(&kept, spaces).chars().take(MAX_LINE_CHARS).collect();
    let conf = kept.iter().map(|w| w.conf).sum::<f32>() / kept.len() as f32;
    let letters = text.chars().filter(|c| c.is_alphanumeric()).count();
    (letters >= 2 && conf >= MIN_LINE_CONF).then_some(Reading { text, conf, place })
}

/// The words as one line. Tesseract's word boxes often split a Hangul word
/// between its syllables, so a word is spaced from the one before only where
/// the crop has a space-wide gap between their left edges (the right edges
/// of its boxes are not to be trusted: they overlap the next word's).
fn joined(words: &[&Word], spaces: &[(usize, usize)]) -> String {
    let mut text = String::new();
    for (i, word) in words.iter().enumerate() {
        let left = |w: &Word| w.left.max(0) as usize;
        if i > 0 && spaces.iter().any(|(from, to)| *from >= left(words[i - 1]) && *to <= left(word) + 3) {
            text.push(' ');
        }
        text.push_str(&word.text);
    }
    text
}

/// A word that is one character and no letter of a script (`|`, `~`), or a
/// lone Latin letter or digit (what edges of the picture read as).
fn stray(word: &str) -> bool {
    let mut chars = word.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return false };
    !is_hangul(c) && !c.is_alphabetic() || c.is_ascii_alphanumeric()
}

pub(crate) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// The language of a line from its script: Hangul is Korean, Latin letters
/// alone English, anything else unknown.
pub fn language_of(text: &str) -> &'static str {
    if text.chars().any(is_hangul) {
        "ko"
    } else if text.chars().any(|c| c.is_ascii_alphabetic()) {
        "en"
    } else {
        ""
    }
}

/// 1 − the edit distance over the longer length, by characters, spaces ignored.
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = a.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = b.chars().filter(|c| !c.is_whitespace()).collect();
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    1.0 - edit_distance(&a, &b) as f64 / longest as f64
}

/// Levenshtein distance, one row at a time.
pub fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (row[j + 1] + 1).min(row[j] + 1).min(diagonal + usize::from(x != y));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// A caption being followed from frame to frame.
struct Track {
    place: Rect,
    readings: Vec<(String, f32)>,
    first_ms: i64,
    last_ms: i64,
}

/// Follows captions across frames sampled every `step_ms`.
pub(crate) struct Merger {
    step_ms: i64,
    open: Vec<Track>,
    done: Vec<ScreenLine>,
}

impl Merger {
    pub(crate) fn new(step_ms: i64) -> Merger {
        Merger { step_ms, open: Vec::new(), done: Vec::new() }
    }

    /// Adds the lines read in the frame at `at_ms`.
    pub(crate) fn add(&mut self, at_ms: i64, readings: Vec<Reading>) {
        for reading in readings {
            let same = self.open.iter_mut().find(|t| {
                t.last_ms < at_ms
                    && (t.place.near(&reading.place, 24) || t.place.y.abs_diff(reading.place.y) <= 8)
                    && similarity(&best(&t.readings), &reading.text) >= SAME_CAPTION
            });
            match same {
                Some(track) => {
                    track.last_ms = at_ms;
                    track.place = reading.place;
                    track.readings.push((reading.text, reading.conf));
                }
                None => self.open.push(Track {
                    place: reading.place,
                    readings: vec![(reading.text, reading.conf)],
                    first_ms: at_ms,
                    last_ms: at_ms,
                }),
            }
        }
        // A caption missed in one frame (a flash, a misreading) goes on;
        // missed in two, it has ended.
        let (ended, open): (Vec<Track>, Vec<Track>) =
            std::mem::take(&mut self.open).into_iter().partition(|t| at_ms - t.last_ms > self.step_ms);
        self.open = open;
        self.close(ended);
    }

    /// Every line, in order of start.
    pub(crate) fn finish(mut self) -> Vec<ScreenLine> {
        let open = std::mem::take(&mut self.open);
        self.close(open);
        self.done.sort_by(|a, b| (a.start_ms, &a.text).cmp(&(b.start_ms, &b.text)));
        self.done
    }

    fn close(&mut self, tracks: Vec<Track>) {
        for track in tracks.into_iter().filter(|t| t.readings.len() >= 2) {
            self.done.push(ScreenLine {
                start_ms: track.first_ms,
                end_ms: track.last_ms + self.step_ms,
                text: best(&track.readings),
            });
        }
    }
}

/// The reading seen most often; among those, the surest.
fn best(readings: &[(String, f32)]) -> String {
    let count = |text: &str| readings.iter().filter(|(t, _)| t == text).count();
    readings
        .iter()
        .max_by(|a, b| count(&a.0).cmp(&count(&b.0)).then(a.1.total_cmp(&b.1)))
        .map(|(t, _)| t.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A word at the start of the line, where `SPACED` has a space.
    fn word(text: &str, conf: f32) -> Word {
        Word { text: text.into(), conf, ..Word::default() }
    }

    const SPACED: &[(usize, usize)] = &[(0, 0)];

    const HERE: Rect = Rect { x: 400, y: 600, w: 400, h: 40 };

    fn reading(text: &str) -> Reading {
        Reading { text: text.into(), conf: 90.0, place: HERE }
    }

    #[test]
    fn cleaning_drops_unsure_words_and_strays() {
        let cases: &[(&[Word], Option<&str>)] = &[
            (&[word("말", 80.0), word("타는", 90.0), word("|", 95.0)], Some("말 타는")),
            (&[word("장면", 95.0), word("x", 95.0), word("촬영", 20.0)], Some("장면")),
            (&[word("중", 95.0)], None),
            (&[word("~", 95.0), word("=", 95.0)], None),
            (&[word("Hello", 50.0), word("there", 55.0)], None),
            (&[word("Hello", 90.0), word("there", 85.0)], Some("Hello there")),
        ];
        for (words, expected) in cases {
            assert_eq!(clean(words, SPACED, HERE).map(|r| r.text).as_deref(), *expected, "{words:?}");
        }
    }

    #[test]
    fn words_closer_than_a_space_are_one() {
        let at = |text: &str, left: i64, right: i64| Word {
            text: text.into(),
            conf: 90.0,
            left,
            right,
            height: 40,
        };
        // Tesseract's boxes: 타 overlaps 는, and starts a little after the gap.
        let words = [at("말", 0, 40), at("타", 58, 100), at("는", 96, 136), at("장면", 163, 240)];
        assert_eq!(clean(&words, &[(42, 55), (138, 160)], HERE).unwrap().text, "말 타는 장면");
    }

    #[test]
    fn language_comes_from_the_script() {
        assert_eq!(language_of("말 타는 장면"), "ko");
        assert_eq!(language_of("BTS 비하인드"), "ko");
        assert_eq!(language_of("Behind the scenes"), "en");
        assert_eq!(language_of("2024"), "");
    }

    #[test]
    fn similarity_is_one_minus_the_normalised_distance() {
        assert_eq!(similarity("말 타는 장면", "말타는장면"), 1.0);
        assert!((similarity("말 타는 장면 촬영 중", "말 타는 장면 찰영 중") - 7.0 / 8.0).abs() < 1e-9);
        assert_eq!(similarity("", "abc"), 0.0);
        assert_eq!(edit_distance(&['a', 'b'], &['b', 'a']), 2);
    }

    #[test]
    fn the_same_caption_in_consecutive_frames_is_one_line() {
        let mut merger = Merger::new(500);
        merger.add(0, vec![]);
        merger.add(500, vec![reading("말 타는 장면 촬영 중")]);
        merger.add(1000, vec![reading("말 타는 장면 찰영 중")]);
        merger.add(1500, vec![]); // missed once: goes on
        merger.add(2000, vec![reading("말 타는 장면 촬영 중")]);
        merger.add(2500, vec![reading("다음 장면")]);
        merger.add(3000, vec![reading("다음 장면")]);
        merger.add(3500, vec![reading("한 번 보인 것")]);
        merger.add(4000, vec![]);
        merger.add(4500, vec![]);
        let lines = merger.finish();
        assert_eq!(
            lines,
            vec![
                ScreenLine { start_ms: 500, end_ms: 2500, text: "말 타는 장면 촬영 중".into() },
                ScreenLine { start_ms: 2500, end_ms: 3500, text: "다음 장면".into() },
            ]
        );
    }

    #[test]
    fn two_captions_at_once_are_two_lines() {
        let mut merger = Merger::new(500);
        let low = Reading { place: Rect { y: 660, ..HERE }, ..reading("아래 줄") };
        for at in [0, 500, 1000] {
            merger.add(at, vec![reading("위 줄입니다"), low.clone()]);
        }
        let texts: Vec<String> = merger.finish().into_iter().map(|l| l.text).collect();
        assert_eq!(texts, vec!["아래 줄", "위 줄입니다"]);
    }
}
