//! Matroska/WebM mutations that know EBML elements: sizes set to edges or to
//! "unknown", re-encoded at other lengths, values of the header elements the
//! probe reads (durations, scales, codec ids, languages, dates) swapped for
//! edge values, elements duplicated, dropped, renamed, and hand-made track
//! entries and Info elements inserted — with the sizes of the masters around
//! them mended, most of the time, so the damage reaches the reader.

use crate::bytes;
use crate::rng::Rng;

const EBML: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const VIDEO: u32 = 0xE0;
const CLUSTER: u32 = 0x1F43_B675;
const DOC_TYPE: u32 = 0x4282;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const DATE_UTC: u32 = 0x4461;
const TRACK_TYPE: u32 = 0x83;
const CODEC_ID: u32 = 0x86;
const LANGUAGE: u32 = 0x22_B59C;
const LANGUAGE_BCP47: u32 = 0x22_B59D;
const DEFAULT_DURATION: u32 = 0x23_E383;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;

/// Elements made of elements (the reader descends into the first six).
const MASTERS: &[u32] =
    &[EBML, SEGMENT, INFO, TRACKS, TRACK_ENTRY, VIDEO, 0xE1, 0x114D_9B74, 0x4DBB, 0x1254_C367, 0x7373];
const STRINGS: &[u32] = &[DOC_TYPE, CODEC_ID, LANGUAGE, LANGUAGE_BCP47];
const IDS: &[u32] = &[
    EBML,
    SEGMENT,
    INFO,
    TRACKS,
    TRACK_ENTRY,
    VIDEO,
    CLUSTER,
    DOC_TYPE,
    TIMESTAMP_SCALE,
    DURATION,
    DATE_UTC,
    TRACK_TYPE,
    CODEC_ID,
    LANGUAGE,
    LANGUAGE_BCP47,
    DEFAULT_DURATION,
    PIXEL_WIDTH,
    PIXEL_HEIGHT,
    0xEC,
    0xBF,
];
const TEXTS: &[&str] = &[
    "webm",
    "matroska",
    "",
    "\0",
    "webm\0\0",
    "V_VP9",
    "V_AV1",
    "V_MPEG4/ISO/AVC",
    "V_MPEGH/ISO/HEVC",
    "A_OPUS",
    "A_AAC/MPEG4/LC",
    "A_AAC",
    "S_TEXT/UTF8",
    "S_TEXT/ASS",
    "S_HDMV/PGS",
    "kor",
    "und",
    "eng",
    "ko-KR",
    "zh-Hant-TW",
    "-",
    "x-\u{fffd}",
    "\u{ff}\u{fe}",
];

/// One element found in the input.
#[derive(Debug, Clone)]
struct Element {
    start: usize,
    id: u32,
    /// Where the size field starts and how long it is.
    size_at: usize,
    size_len: usize,
    data: usize,
    end: usize,
    unknown: bool,
    parent: Option<usize>,
}

/// A variable-length integer at `at`: (value without the marker, length).
fn vint(data: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *data.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 || (keep_marker && len > 4) {
        return None;
    }
    let mut value = u64::from(if keep_marker { first } else { first & (0xFFu16 >> len) as u8 });
    for i in 1..len {
        value = (value << 8) | u64::from(*data.get(at + i)?);
    }
    Some((value, len))
}

/// `value` as a size field of `len` bytes, if it fits (all ones means "unknown").
fn encode_size(value: u64, len: usize) -> Option<Vec<u8>> {
    let bits = 7 * len as u32;
    if !(1..=8).contains(&len) || value >= (1u64 << bits) - 1 {
        return None;
    }
    let marked = value | (1u64 << bits);
    Some(marked.to_be_bytes()[8 - len..].to_vec())
}

fn unknown_size(len: usize) -> Vec<u8> {
    let bits = 7 * len as u32;
    (((1u64 << bits) - 1) | (1u64 << bits)).to_be_bytes()[8 - len..].to_vec()
}

fn encode_id(id: u32) -> Vec<u8> {
    let bytes = id.to_be_bytes();
    let skip = bytes.iter().position(|b| *b != 0).unwrap_or(3);
    bytes[skip..].to_vec()
}

fn element(id: u32, payload: &[u8]) -> Vec<u8> {
    let len = (1..=8).find(|&l| encode_size(payload.len() as u64, l).is_some()).unwrap_or(8);
    [encode_id(id), encode_size(payload.len() as u64, len).unwrap_or_default(), payload.to_vec()].concat()
}

fn elements(data: &[u8]) -> Vec<Element> {
    let mut out = Vec::new();
    walk(data, 0, data.len(), None, &mut out, 0);
    out
}

fn walk(data: &[u8], mut at: usize, end: usize, parent: Option<usize>, out: &mut Vec<Element>, depth: usize) {
    while at < end && depth < 12 && out.len() < 4096 {
        let Some((id, id_len)) = vint(data, at, true) else { return };
        let size_at = at + id_len;
        let Some((size, size_len)) = vint(data, size_at, false) else { return };
        let data_at = size_at + size_len;
        let unknown = size == (1u64 << (7 * size_len)) - 1;
        let stop = if unknown { end } else { data_at.saturating_add(size as usize) };
        if data_at > end || stop > end {
            return;
        }
        let index = out.len();
        let id = id as u32;
        out.push(Element { start: at, id, size_at, size_len, data: data_at, end: stop, unknown, parent });
        if MASTERS.contains(&id) {
            walk(data, data_at, stop, Some(index), out, depth + 1);
        }
        at = stop;
    }
}

/// Adds `delta` bytes to the sizes of `node` and the masters around it,
/// lengthening a size field that no longer fits (which grows the masters
/// around it by as much). Elements of unknown size stay unknown.
fn mend(data: &mut Vec<u8>, found: &[Element], mut node: Option<usize>, mut delta: i64) {
    while let Some(index) = node {
        let e = &found[index];
        if !e.unknown {
            let size = (e.end - e.data) as i64 + delta;
            let Ok(size) = u64::try_from(size) else { return };
            let field = (e.size_len..=8).find_map(|len| encode_size(size, len));
            let Some(field) = field else { return };
            delta += field.len() as i64 - e.size_len as i64;
            data.splice(e.size_at..e.size_at + e.size_len, field);
        }
        node = e.parent;
    }
}

/// A value for a leaf the probe reads, by the leaf's kind.
fn value_for(rng: &mut Rng, id: u32) -> Vec<u8> {
    if id == DURATION {
        let floats = [f64::NAN, f64::INFINITY, -1.0, 0.0, 1e308, 5e-324, 200.0, -0.0, 1e18];
        let value = *rng.pick(&floats);
        return match rng.below(4) {
            0 => (value as f32).to_be_bytes().to_vec(),
            1 => (0..rng.below(10)).map(|_| rng.next_u64() as u8).collect(),
            _ => value.to_be_bytes().to_vec(),
        };
    }
    if id == DATE_UTC {
        let dates = [i64::MIN, i64::MAX, 0, -1, 1_000_000_000_000_000_000, -978_307_200_000_000_000];
        return rng.pick(&dates).to_be_bytes().to_vec();
    }
    if STRINGS.contains(&id) {
        return rng.pick(TEXTS).as_bytes().to_vec();
    }
    // Unsigned integers of 0 to 9 bytes (more than 8 is not a number).
    let width = rng.below(10);
    let value = bytes::integer(rng, 8);
    let bytes = value.to_be_bytes();
    if width <= 8 { bytes[8 - width..].to_vec() } else { [vec![0], bytes.to_vec()].concat() }
}

/// A hand-made element the reader looks for: a track entry, an Info, a Cluster.
fn synthetic(rng: &mut Rng) -> Vec<u8> {
    match rng.below(4) {
        0 | 1 => {
            let mut entry = element(TRACK_TYPE, &[*rng.pick(&[1u8, 2, 17, 0, 255])]);
            for id in [CODEC_ID, LANGUAGE, LANGUAGE_BCP47, DEFAULT_DURATION] {
                if rng.one_in(2) {
                    entry.extend(element(id, &value_for(rng, id)));
                }
            }
            if rng.one_in(2) {
                let video = [
                    element(PIXEL_WIDTH, &value_for(rng, PIXEL_WIDTH)),
                    element(PIXEL_HEIGHT, &value_for(rng, PIXEL_HEIGHT)),
                ];
                entry.extend(element(VIDEO, &video.concat()));
            }
            element(TRACK_ENTRY, &entry)
        }
        2 => {
            let mut info = Vec::new();
            for id in [TIMESTAMP_SCALE, DURATION, DATE_UTC] {
                if !rng.one_in(3) {
                    info.extend(element(id, &value_for(rng, id)));
                }
            }
            element(INFO, &info)
        }
        _ => {
            let mut cluster = encode_id(CLUSTER);
            cluster.extend(if rng.one_in(2) {
                unknown_size(8)
            } else {
                encode_size(0, 1).unwrap_or_default()
            });
            cluster
        }
    }
}

/// One element-aware mutation (or, one time in five, a blind byte mutation).
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], max_len: usize) {
    let found = elements(data);
    if found.is_empty() || rng.one_in(5) {
        bytes::mutate(rng, data, other, max_len);
        return;
    }
    let index = rng.below(found.len());
    let e = found[index].clone();
    let mend_sizes = !rng.one_in(8);
    let grew = |data: &mut Vec<u8>, parent: Option<usize>, delta: i64| {
        if mend_sizes && delta != 0 {
            mend(data, &found, parent, delta);
        }
    };
    match rng.below(8) {
        0 => {
            // Another size in the same field: an edge, one off, or unknown.
            let real = (e.end - e.data) as u64;
            let size = match rng.below(4) {
                0 => real.wrapping_add(rng.below(5) as u64).wrapping_sub(2),
                1 => bytes::integer(rng, 8),
                _ => u64::MAX,
            };
            let field = encode_size(size, e.size_len).unwrap_or_else(|| unknown_size(e.size_len));
            data[e.size_at..e.size_at + e.size_len].copy_from_slice(&field);
        }
        1 => {
            // The same size written at another length.
            let len = 1 + rng.below(8);
            if let Some(field) = encode_size((e.end - e.data) as u64, len).filter(|_| !e.unknown) {
                let delta = field.len() as i64 - e.size_len as i64;
                data.splice(e.size_at..e.size_at + e.size_len, field);
                grew(data, e.parent, delta);
            }
        }
        2 if !MASTERS.contains(&e.id) => {
            let made = element(e.id, &value_for(rng, e.id));
            let delta = made.len() as i64 - (e.end - e.start) as i64;
            data.splice(e.start..e.end, made);
            grew(data, e.parent, delta);
        }
        3 => {
            let copy = data[e.start..e.end].to_vec();
            let times = if rng.one_in(8) { 1 + rng.below(100) } else { 1 };
            let copies: Vec<u8> = (0..times).flat_map(|_| copy.iter().copied()).collect();
            if data.len() + copies.len() <= max_len {
                let delta = copies.len() as i64;
                data.splice(e.end..e.end, copies);
                grew(data, e.parent, delta);
            }
        }
        4 => {
            let removed = (e.end - e.start) as i64;
            data.drain(e.start..e.end);
            grew(data, e.parent, -removed);
        }
        5 => {
            let id = encode_id(*rng.pick(IDS));
            let old = e.size_at - e.start;
            let delta = id.len() as i64 - old as i64;
            data.splice(e.start..e.size_at, id);
            grew(data, e.parent, delta);
        }
        6 => {
            // A hand-made element into a master, after one of its children (or first).
            let masters: Vec<usize> = (0..found.len()).filter(|&i| MASTERS.contains(&found[i].id)).collect();
            if let Some(&parent) = (!masters.is_empty()).then(|| rng.pick(&masters)) {
                let bounds: Vec<usize> = std::iter::once(found[parent].data)
                    .chain(found.iter().filter(|c| c.parent == Some(parent)).map(|c| c.end))
                    .collect();
                let at = *rng.pick(&bounds);
                let made = synthetic(rng);
                if data.len() + made.len() <= max_len {
                    let delta = made.len() as i64;
                    data.splice(at..at, made);
                    grew(data, Some(parent), delta);
                }
            }
        }
        _ => {
            // Blind damage aimed inside one element's payload.
            let mut inner = data[e.data..e.end].to_vec();
            let before = inner.len() as i64;
            bytes::mutate(rng, &mut inner, other, max_len);
            let delta = inner.len() as i64 - before;
            data.splice(e.data..e.end, inner);
            grew(data, Some(index), delta);
        }
    }
    data.truncate(max_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let header = element(EBML, &element(DOC_TYPE, b"webm"));
        let info = element(
            INFO,
            &[element(TIMESTAMP_SCALE, &[0x0F, 0x42, 0x40]), element(DURATION, &1000f64.to_be_bytes())]
                .concat(),
        );
        let entry = element(TRACK_ENTRY, &[element(TRACK_TYPE, &[1]), element(CODEC_ID, b"V_VP9")].concat());
        let segment = element(SEGMENT, &[info, element(TRACKS, &entry)].concat());
        [header, segment].concat()
    }

    #[test]
    fn sizes_encode_and_read_back() {
        for (value, len) in [(0, 1), (126, 1), (127, 2), (5000, 2), (1 << 40, 7)] {
            let field = encode_size(value, len).unwrap();
            assert_eq!(vint(&field, 0, false), Some((value, len)));
        }
        assert_eq!(encode_size(127, 1), None);
        assert_eq!(vint(&unknown_size(1), 0, false), Some((127, 1)));
    }

    #[test]
    fn finds_the_tree_and_mends_it() {
        let mut data = sample();
        let found = elements(&data);
        let ids: Vec<u32> = found.iter().map(|e| e.id).collect();
        assert_eq!(
            ids,
            [
                EBML,
                DOC_TYPE,
                SEGMENT,
                INFO,
                TIMESTAMP_SCALE,
                DURATION,
                TRACKS,
                TRACK_ENTRY,
                TRACK_TYPE,
                CODEC_ID
            ]
        );
        // 200 bytes and more into the track entry: its one-byte size must grow to two.
        let entry = found.iter().position(|e| e.id == TRACK_ENTRY).unwrap();
        let at = found[entry].end;
        let void = element(0xEC, &[0; 198]);
        data.splice(at..at, void.iter().copied());
        mend(&mut data, &found, Some(entry), void.len() as i64);
        let after = elements(&data);
        assert_eq!(after.len(), found.len() + 1);
        assert_eq!(after.iter().find(|e| e.id == SEGMENT).unwrap().end, data.len());
    }

    #[test]
    fn mutations_are_bounded() {
        let mut rng = Rng::new(4);
        for _ in 0..3000 {
            let mut data = sample();
            for _ in 0..rng.stack() {
                mutate(&mut rng, &mut data, b"other", 4096);
            }
            assert!(data.len() <= 4096);
        }
    }
}
