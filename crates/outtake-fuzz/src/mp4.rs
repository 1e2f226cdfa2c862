//! MP4/MOV mutations that know boxes: a box's size set to an edge (0, 1, one
//! short, past the end), fields inside a header box overwritten, boxes
//! duplicated, dropped, renamed, moved to 64-bit sizes, and hand-made boxes
//! (`trun`, `stts`, `esds`, `sinf`…) put where the probe looks — with the
//! sizes of the boxes around them mended, most of the time, so the damage
//! reaches the parser behind the walk instead of stopping it.

use crate::bytes::{self, INTERESTING};
use crate::rng::Rng;

/// Boxes whose payload is nothing but boxes.
const CONTAINERS: &[&[u8; 4]] = &[
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"moof", b"traf", b"edts", b"dinf", b"udta",
    b"sinf", b"schi", b"mfra",
];
const VIDEO_ENTRIES: &[&[u8; 4]] =
    &[b"avc1", b"avc3", b"hvc1", b"hev1", b"mp4v", b"encv", b"av01", b"vp09", b"s263", b"jpeg"];
const AUDIO_ENTRIES: &[&[u8; 4]] = &[b"mp4a", b"enca", b"Opus", b"fLaC", b"ac-3", b"sowt", b"twos", b"samr"];
/// Every type the probe reads, and a few it does not.
const KINDS: &[&[u8; 4]] = &[
    b"ftyp", b"moov", b"moof", b"mdat", b"free", b"trak", b"mdia", b"minf", b"stbl", b"mvex", b"traf",
    b"mvhd", b"tkhd", b"mdhd", b"hdlr", b"stts", b"stsd", b"mehd", b"trex", b"tfhd", b"trun", b"esds",
    b"sinf", b"frma", b"avc1", b"mp4v", b"mp4a", b"encv", b"enca", b"hvc1", b"Opus", b"jpeg", b"png ",
    b"uuid", b"wide", b"skip",
];

/// One box found in the input: where it starts, where its children (or
/// fields) start, where it ends, and the box it sits in.
#[derive(Debug, Clone)]
struct Node {
    start: usize,
    payload: usize,
    end: usize,
    parent: Option<usize>,
    /// Where its child boxes start, for boxes that have them.
    children: Option<usize>,
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// The box tree, in file order; walking stops at the first box that does not fit.
fn tree(data: &[u8]) -> Vec<Node> {
    let mut nodes = Vec::new();
    walk(data, 0, data.len(), None, &mut nodes, 0);
    nodes
}

fn walk(data: &[u8], mut at: usize, end: usize, parent: Option<usize>, nodes: &mut Vec<Node>, depth: usize) {
    while at + 8 <= end && depth < 16 && nodes.len() < 4096 {
        let Some(size32) = u32_at(data, at) else { return };
        let kind: [u8; 4] = data[at + 4..at + 8].try_into().expect("four bytes");
        let (size, header) = match size32 {
            0 => (end - at, 8),
            1 => match data.get(at + 8..at + 16) {
                Some(large) => (u64::from_be_bytes(large.try_into().expect("eight bytes")) as usize, 16),
                None => return,
            },
            n => (n as usize, 8),
        };
        if size < header || at.checked_add(size).is_none_or(|e| e > end) {
            return;
        }
        let payload = at + header;
        let children = if CONTAINERS.contains(&&kind) {
            Some(payload)
        } else if &kind == b"stsd" {
            Some(payload + 8)
        } else if VIDEO_ENTRIES.contains(&&kind) {
            Some(payload + 78)
        } else if AUDIO_ENTRIES.contains(&&kind) {
            let version = data.get(payload + 8..payload + 10).map_or(0, |v| u16::from_be_bytes([v[0], v[1]]));
            Some(payload + [28, 44, 64][usize::from(version.min(2))])
        } else {
            None
        };
        let index = nodes.len();
        nodes.push(Node { start: at, payload, end: at + size, parent, children });
        if let Some(first) = children {
            walk(data, first, at + size, Some(index), nodes, depth + 1);
        }
        at += size;
    }
}

/// Adds `delta` to the size of `node` and every box around it (unless the
/// size says "to the end of the file", or would not fit its field).
fn mend(data: &mut [u8], nodes: &[Node], mut node: Option<usize>, delta: i64) {
    while let Some(index) = node {
        let start = nodes[index].start;
        match u32_at(data, start) {
            Some(0) | None => {}
            Some(1) => {
                if let Some(field) = data.get_mut(start + 8..start + 16) {
                    let size = u64::from_be_bytes(field.as_ref().try_into().expect("eight bytes"));
                    field.copy_from_slice(&size.wrapping_add_signed(delta).to_be_bytes());
                }
            }
            Some(size) => {
                if let Ok(size) = u32::try_from(i64::from(size) + delta) {
                    data[start..start + 4].copy_from_slice(&size.to_be_bytes());
                }
            }
        }
        node = nodes[index].parent;
    }
}

fn make_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = ((payload.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

fn be32(rng: &mut Rng) -> [u8; 4] {
    (bytes::integer(rng, 4) as u32).to_be_bytes()
}

fn version_flags(rng: &mut Rng, flags: u32) -> Vec<u8> {
    (((rng.below(2) as u32) << 24) | (flags & 0x00FF_FFFF)).to_be_bytes().to_vec()
}

/// A track run: per-sample fields present or not, a count far past its entries.
fn trun(rng: &mut Rng) -> Vec<u8> {
    let flags = *rng.pick(&[0x000F01, 0x000101, 0x000301, 0x000005, 0x000100]);
    let mut p = version_flags(rng, flags);
    p.extend(be32(rng));
    for _ in 0..rng.below(6) {
        p.extend(be32(rng));
    }
    make_box(b"trun", &p)
}

fn tfhd(rng: &mut Rng) -> Vec<u8> {
    let flags = *rng.pick(&[0x08, 0x0B, 0x01, 0x02, 0x00]);
    let mut p = version_flags(rng, flags);
    p.extend(1u32.to_be_bytes());
    for _ in 0..rng.below(4) {
        p.extend(be32(rng));
    }
    make_box(b"tfhd", &p)
}

/// `mdhd` or `mvhd`, version 0 or 1, times and timescale at edges.
fn media_header(rng: &mut Rng) -> Vec<u8> {
    let v1 = rng.one_in(2);
    let mut p = vec![u8::from(v1), 0, 0, 0];
    let width = if v1 { 8 } else { 4 };
    for _ in 0..3 {
        let value = bytes::integer(rng, width);
        p.extend(&value.to_be_bytes()[8 - width..]);
    }
    p.extend(be32(rng));
    let value = bytes::integer(rng, width);
    p.extend(&value.to_be_bytes()[8 - width..]);
    p.extend([0x15, 0xC7, 0, 0]);
    make_box(if rng.one_in(2) { b"mdhd" } else { b"mvhd" }, &p)
}

/// An esds with ES, DecoderConfig and DecoderSpecificInfo descriptors, flags and lengths at edges.
fn esds(rng: &mut Rng) -> Vec<u8> {
    let mut p = vec![0, 0, 0, 0, 0x03, 0x80 | rng.below(128) as u8, 0x80, 0x80, rng.below(64) as u8];
    p.extend([0, 1, *rng.pick(&[0x00, 0x80, 0x40, 0x20, 0xE0]), rng.below(8) as u8]);
    p.extend([0x04, 0x11, *rng.pick(&[0x40, 0x21, 0x60, 0x6A, 0x6C, 0x69, 0xA5, 0xAD, 0xFE])]);
    p.extend([0x15; 12]);
    p.extend([0x05, rng.below(4) as u8, *rng.pick(&[0x12, 0xF8, 0xFF, 0x08, 0x00]), rng.next_u64() as u8]);
    p.truncate(p.len() - rng.below(6));
    make_box(b"esds", &p)
}

/// A tkhd whose matrix turns the picture, with a display size at the edges.
fn tkhd(rng: &mut Rng) -> Vec<u8> {
    let turns: [[i32; 4]; 5] = [[0, 1, -1, 0], [-1, 0, 0, -1], [0, -1, 1, 0], [1, 0, 0, 1], [0, 0, 0, 0]];
    let mut matrix = [0u8; 36];
    for (v, at) in rng.pick(&turns).iter().zip([0, 4, 12, 16]) {
        matrix[at..at + 4].copy_from_slice(&(v << 16).to_be_bytes());
    }
    let mut p = vec![0; 12];
    p.extend(1u32.to_be_bytes());
    p.extend([0; 24]);
    p.extend(matrix);
    p.extend(be32(rng));
    p.extend(be32(rng));
    make_box(b"tkhd", &p)
}

/// A hand-made box of a kind the probe reads, with fields at edges.
fn synthetic(rng: &mut Rng) -> Vec<u8> {
    match rng.below(12) {
        0 => trun(rng),
        1 => tfhd(rng),
        2 => {
            let mut p = version_flags(rng, 0);
            p.extend(be32(rng));
            for _ in 0..rng.below(6) {
                p.extend(be32(rng));
                p.extend(be32(rng));
            }
            make_box(b"stts", &p)
        }
        3 => media_header(rng),
        4 => {
            let mut p = vec![0; 8];
            p.extend(*rng.pick(&[b"vide", b"soun", b"sbtl", b"text", b"subt", b"hint"]));
            p.extend([0; 12]);
            make_box(b"hdlr", &p)
        }
        5 => esds(rng),
        6 => {
            let frma = make_box(b"frma", *rng.pick(&[b"avc1", b"mp4a", b"hvc1", b"\0\0\0\0"]));
            make_box(b"sinf", &frma[..frma.len() - rng.below(3)])
        }
        7 => {
            let mut p = version_flags(rng, 0);
            let width = if p[0] == 1 { 8 } else { 4 };
            let value = bytes::integer(rng, width);
            p.extend(&value.to_be_bytes()[8 - width..]);
            make_box(b"mehd", &p)
        }
        8 => {
            let mut p = version_flags(rng, 0);
            for _ in 0..5 {
                p.extend(be32(rng));
            }
            make_box(b"trex", &p)
        }
        9 => tkhd(rng),
        10 => {
            let traf = [tfhd(rng), trun(rng)].concat();
            make_box(b"moof", &make_box(b"traf", &traf))
        }
        _ => {
            // A box whose size 0 means "to the end of the file".
            let mut out = 0u32.to_be_bytes().to_vec();
            out.extend(*rng.pick(KINDS));
            out
        }
    }
}

/// One box-aware mutation (or, one time in five, a blind byte mutation).
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], max_len: usize) {
    let nodes = tree(data);
    if nodes.is_empty() || rng.one_in(5) {
        bytes::mutate(rng, data, other, max_len);
        return;
    }
    let index = rng.below(nodes.len());
    let node = nodes[index].clone();
    // Damage that stays damage: one time in eight the sizes around are left as they were.
    let mend_sizes = !rng.one_in(8);
    match rng.below(8) {
        0 => {
            let real = (node.end - node.start) as u64;
            let size = match rng.below(4) {
                0 => real.wrapping_add(rng.below(17) as u64).wrapping_sub(8),
                1 => (data.len() - node.start) as u64 + rng.below(3) as u64,
                _ => *rng.pick(INTERESTING),
            };
            data[node.start..node.start + 4].copy_from_slice(&(size as u32).to_be_bytes());
        }
        1 => {
            // Header fields (version, flags, counts, times) sit in the first bytes of a payload.
            let len = node.end - node.payload;
            if len > 0 {
                let reach = if rng.one_in(4) { len } else { len.min(40) };
                let at = node.payload + rng.below(reach);
                let width = *rng.pick(&[1usize, 2, 4, 8]);
                let value = bytes::integer(rng, width);
                bytes::put_int(data, at, width, value, rng);
            }
        }
        2 => {
            let copy = data[node.start..node.end].to_vec();
            if data.len() + copy.len() <= max_len {
                data.splice(node.end..node.end, copy.iter().copied());
                if mend_sizes {
                    mend(data, &nodes, node.parent, copy.len() as i64);
                }
            }
        }
        3 => {
            let removed = (node.end - node.start) as i64;
            data.drain(node.start..node.end);
            if mend_sizes {
                mend(data, &nodes, node.parent, -removed);
            }
        }
        4 => data[node.start + 4..node.start + 8].copy_from_slice(*rng.pick(KINDS)),
        5 => {
            // A hand-made box into a box with children (or the top level), at a child boundary.
            let containers: Vec<usize> = (0..nodes.len()).filter(|&i| nodes[i].children.is_some()).collect();
            let parent = (!containers.is_empty() && !rng.one_in(4)).then(|| *rng.pick(&containers));
            let bounds: Vec<usize> = match parent {
                Some(p) => std::iter::once(nodes[p].children.unwrap_or(nodes[p].end).min(nodes[p].end))
                    .chain(nodes.iter().filter(|n| n.parent == Some(p)).map(|n| n.end))
                    .collect(),
                None => std::iter::once(0)
                    .chain(nodes.iter().filter(|n| n.parent.is_none()).map(|n| n.end))
                    .collect(),
            };
            let at = *rng.pick(&bounds);
            let made = synthetic(rng);
            if data.len() + made.len() <= max_len {
                data.splice(at..at, made.iter().copied());
                if mend_sizes {
                    mend(data, &nodes, parent, made.len() as i64);
                }
            }
        }
        6 => {
            // The same box with a 64-bit size: `size 1` and the real size after the type.
            let size32 = u32_at(data, node.start).unwrap_or(0);
            if size32 > 1 {
                let large = u64::from(size32) + 8;
                data[node.start..node.start + 4].copy_from_slice(&1u32.to_be_bytes());
                let large = if rng.one_in(4) { bytes::integer(rng, 8) } else { large };
                data.splice(node.start + 8..node.start + 8, large.to_be_bytes());
                if mend_sizes {
                    mend(data, &nodes, node.parent, 8);
                }
            }
        }
        _ => {
            // Blind damage aimed inside one box.
            let mut inner = data[node.start..node.end].to_vec();
            let before = inner.len() as i64;
            bytes::mutate(rng, &mut inner, other, max_len);
            let delta = inner.len() as i64 - before;
            data.splice(node.start..node.end, inner);
            if mend_sizes && delta != 0 {
                mend(data, &nodes, Some(index), delta);
            }
        }
    }
    data.truncate(max_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mvhd = make_box(b"mvhd", &[0; 20]);
        let trak = make_box(b"trak", &make_box(b"tkhd", &[0; 84]));
        let moov = make_box(b"moov", &[mvhd, trak].concat());
        [make_box(b"ftyp", b"isom\0\0\0\0"), moov, make_box(b"mdat", &[1, 2, 3])].concat()
    }

    #[test]
    fn finds_nested_boxes() {
        let nodes = tree(&sample());
        let kinds: Vec<(usize, Option<usize>)> = nodes.iter().map(|n| (n.start, n.parent)).collect();
        assert_eq!(kinds, [(0, None), (16, None), (24, Some(1)), (52, Some(1)), (60, Some(3)), (152, None)]);
    }

    #[test]
    fn mended_sizes_still_walk() {
        let mut data = sample();
        let nodes = tree(&data);
        // Insert 8 bytes into the trak and mend: the tree still spans the whole file.
        data.splice(60..60, make_box(b"free", &[]));
        mend(&mut data, &nodes, Some(3), 8);
        let after = tree(&data);
        assert_eq!(after.iter().filter(|n| n.parent.is_none()).map(|n| n.end).max(), Some(data.len()));
        assert_eq!(after.len(), 7);
    }

    #[test]
    fn mutations_are_bounded() {
        let mut rng = Rng::new(2);
        for _ in 0..3000 {
            let mut data = sample();
            for _ in 0..rng.stack() {
                mutate(&mut rng, &mut data, b"other", 2048);
            }
            assert!(data.len() <= 2048);
        }
    }
}
