//! The oshash fingerprint (OpenSubtitles' hash, as Stash uses it): cheap to
//! compute (128 KiB read whatever the size) and unchanged by renames and moves.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const CHUNK: u64 = 64 * 1024;

/// The oshash of a file as 16 lowercase hex digits: the file size plus the
/// first and last 64 KiB read as little-endian u64 words, all added wrapping.
pub fn oshash(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    oshash_of(&mut file, size)
}

/// [`oshash`] of any seekable reader of `size` bytes.
pub fn oshash_of(reader: &mut (impl Read + Seek), size: u64) -> std::io::Result<String> {
    let mut hash = size;
    let head = CHUNK.min(size);
    reader.seek(SeekFrom::Start(0))?;
    hash = hash.wrapping_add(sum_words(reader, head)?);
    // Small files are read twice over, exactly as the reference does.
    let tail_start = size.saturating_sub(CHUNK);
    reader.seek(SeekFrom::Start(tail_start))?;
    hash = hash.wrapping_add(sum_words(reader, size - tail_start)?);
    Ok(format!("{hash:016x}"))
}

/// Sums `len` bytes as little-endian u64 words; a last partial word is zero-padded.
fn sum_words(reader: &mut impl Read, len: u64) -> std::io::Result<u64> {
    let mut buffer = vec![0u8; len as usize];
    reader.read_exact(&mut buffer)?;
    let mut sum = 0u64;
    for word in buffer.chunks(8) {
        let mut bytes = [0u8; 8];
        bytes[..word.len()].copy_from_slice(word);
        sum = sum.wrapping_add(u64::from_le_bytes(bytes));
    }
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    /// A reader of `size` bytes where byte i is `pattern(i)`, without allocating it all.
    struct Pattern {
        size: u64,
        at: u64,
    }

    impl Read for Pattern {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = (self.size - self.at).min(out.len() as u64) as usize;
            for (i, byte) in out[..n].iter_mut().enumerate() {
                *byte = ((self.at + i as u64) % 251) as u8;
            }
            self.at += n as u64;
            Ok(n)
        }
    }

    impl Seek for Pattern {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.at = match to {
                SeekFrom::Start(at) => at,
                SeekFrom::End(back) => (self.size as i64 + back) as u64,
                SeekFrom::Current(by) => (self.at as i64 + by) as u64,
            };
            Ok(self.at)
        }
    }

    #[test]
    fn known_values() {
        // Zero bytes everywhere: the hash is the size.
        let zeros = vec![0u8; 200_000];
        assert_eq!(oshash_of(&mut Cursor::new(&zeros), 200_000).unwrap(), format!("{:016x}", 200_000));
        // An empty file hashes to zero.
        assert_eq!(oshash_of(&mut Cursor::new(Vec::new()), 0).unwrap(), "0000000000000000");
        // One word of 1s in little-endian, read as head and as tail: 8 + 2·0x0101…
        let ones = [1u8; 8];
        let expected = 8u64.wrapping_add(0x0101_0101_0101_0101u64.wrapping_mul(2));
        assert_eq!(oshash_of(&mut Cursor::new(&ones), 8).unwrap(), format!("{expected:016x}"));
    }

    #[test]
    fn head_and_tail_only() {
        // Changing a byte in the middle of a big file leaves the hash alone;
        // changing one in the head or tail does not.
        let mut data: Vec<u8> = (0..400_000u32).map(|i| (i % 253) as u8).collect();
        let base = oshash_of(&mut Cursor::new(&data), 400_000).unwrap();
        data[200_000] ^= 0xff;
        assert_eq!(oshash_of(&mut Cursor::new(&data), 400_000).unwrap(), base);
        data[10] ^= 0xff;
        assert_ne!(oshash_of(&mut Cursor::new(&data), 400_000).unwrap(), base);
        data[10] ^= 0xff;
        data[399_999] ^= 0xff;
        assert_ne!(oshash_of(&mut Cursor::new(&data), 400_000).unwrap(), base);
    }

    #[test]
    fn large_sizes_only_read_the_ends() {
        // 12 GB: only 128 KiB is read; the size itself enters the sum.
        let size = 12_000_000_000u64;
        let a = oshash_of(&mut Pattern { size, at: 0 }, size).unwrap();
        let b = oshash_of(&mut Pattern { size: size + 1, at: 0 }, size + 1).unwrap();
        assert_eq!(a.len(), 16);
        assert_ne!(a, b);
    }

    #[test]
    fn matches_the_reference_implementation() {
        // Value from OpenSubtitles' published Python snippet (struct '<q' words over
        // the first and last 64 KiB plus the size) run on the same bytes.
        let data: Vec<u8> = (0..300_001u32).map(|i| ((i * 7 + 3) % 256) as u8).collect();
        assert_eq!(oshash_of(&mut Cursor::new(&data), data.len() as u64).unwrap(), "4080bfff3f8433e1");
    }
}
