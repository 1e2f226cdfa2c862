//! Structure-blind byte mutations (AFL's havoc stage): bit flips, interesting
//! integers, inserts, deletes, copies, truncation and splices with another seed.

use crate::rng::Rng;

/// Integers that sit on the edges parsers get wrong: zero, one, sign bits,
/// all ones, powers of two and their neighbours.
pub const INTERESTING: &[u64] = &[
    0,
    1,
    2,
    7,
    8,
    9,
    15,
    16,
    17,
    31,
    32,
    60,
    63,
    64,
    100,
    127,
    128,
    255,
    256,
    1000,
    1024,
    4096,
    32_767,
    32_768,
    65_535,
    65_536,
    1 << 20,
    16 << 20,
    (16 << 20) + 1,
    (64 << 20) + 1,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    1 << 32,
    0x7FFF_FFFF_FFFF_FFFF,
    0x8000_0000_0000_0000,
    u64::MAX - 1,
    u64::MAX,
];

/// An integer for a field of `width` bytes: interesting, near-interesting or random.
pub fn integer(rng: &mut Rng, width: usize) -> u64 {
    let mask = if width >= 8 { u64::MAX } else { (1u64 << (8 * width)) - 1 };
    let value = match rng.below(4) {
        0 => rng.next_u64(),
        1 => rng.pick(INTERESTING).wrapping_add(rng.below(3) as u64).wrapping_sub(1),
        _ => *rng.pick(INTERESTING),
    };
    value & mask
}

/// Writes `value` as a `width`-byte big-endian (or, one time in four, little-endian) integer.
pub fn put_int(data: &mut [u8], at: usize, width: usize, value: u64, rng: &mut Rng) {
    let Some(slot) = data.get_mut(at..at + width) else { return };
    let be = value.to_be_bytes();
    slot.copy_from_slice(&be[8 - width..]);
    if rng.one_in(4) {
        slot.reverse();
    }
}

/// One byte-level mutation; `other` is another seed to splice from. Never grows past `max_len`.
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8], max_len: usize) {
    let len = data.len();
    let at = rng.below(len);
    match rng.below(11) {
        0 if len > 0 => data[at] ^= 1 << rng.below(8),
        1 if len > 0 => data[at] = *rng.pick(&[0u8, 0xFF, 0x7F, 0x80, 0x01, b'0', b'\n', b'"', b'<', 0x1A]),
        2 if len > 0 => data[at] = rng.next_u64() as u8,
        3 if len > 0 => {
            let width = *rng.pick(&[1usize, 2, 4, 8]);
            let value = integer(rng, width);
            put_int(data, at, width, value, rng);
        }
        4 if len > 0 => {
            let n = rng.small_len(len - at);
            data.drain(at..at + n);
        }
        5 if len > 0 => data.truncate(at),
        6 if len > 0 => {
            // Duplicate a chunk in place: repeated records, repeated headers.
            let n = rng.small_len(len - at);
            let chunk = data[at..at + n].to_vec();
            let times = if rng.one_in(8) { 1 + rng.below(64) } else { 1 };
            for _ in 0..times {
                if data.len() + chunk.len() > max_len {
                    break;
                }
                data.splice(at..at, chunk.iter().copied());
            }
        }
        7 if len > 0 => {
            // Copy a chunk over another place in the same input.
            let n = rng.small_len(len - at);
            let chunk = data[at..at + n].to_vec();
            let to = rng.below(len);
            let end = (to + n).min(len);
            data[to..end].copy_from_slice(&chunk[..end - to]);
        }
        8 if !other.is_empty() => {
            // Splice: this input's head with the other seed's tail.
            let from = rng.below(other.len());
            data.truncate(at);
            data.extend_from_slice(&other[from..]);
        }
        9 if !other.is_empty() => {
            let from = rng.below(other.len());
            let n = rng.small_len(other.len() - from);
            data.splice(at..at, other[from..from + n].iter().copied());
        }
        _ => {
            let n = rng.small_len(32);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, bytes);
        }
    }
    data.truncate(max_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_stay_within_bounds() {
        let mut rng = Rng::new(3);
        let other = b"another seed entirely".to_vec();
        for start in [Vec::new(), b"x".to_vec(), vec![7; 300]] {
            for _ in 0..5000 {
                let mut data = start.clone();
                for _ in 0..rng.stack() {
                    mutate(&mut rng, &mut data, &other, 400);
                }
                assert!(data.len() <= 400);
            }
        }
    }
}
