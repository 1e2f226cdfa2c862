//! QuickTime chapter tracks: a text track that a video track names in `tref/chap`,
//! whose samples are the chapter titles (a 16-bit length, then the text) and
//! whose sample times are the chapters' starts. Apple's tools, HandBrake and
//! ffmpeg with `-movflags disable_chpl` write only these, no Nero `chpl` list.
//! Where each title lies is worked out from the track's sample table in the
//! `moov` bytes already in memory; then each title (a few bytes) is read from
//! the file. A table that points outside the file is named in `damaged`.

use std::io::{Read, Seek, SeekFrom};

use super::boxes::{boxes, child};
use super::bytes::{u16_at, u32_at, u64_at};
use super::{Chapter, MAX_CHAPTERS, tag_text};

/// A chapter title longer than this is not a title.
const MAX_TITLE_SAMPLE: u32 = 4096;

/// One title sample: where it lies, how long it is, and when it starts and how long it lasts.
#[derive(Debug, PartialEq)]
struct Sample {
    offset: u64,
    size: u32,
    start: u64,
    duration: u64,
}

/// The chapters held by the track numbered `track_id` in `moov`, read from the
/// file `len` bytes long. Problems go to `damaged`; what could be read is kept.
pub(super) fn read(
    moov: &[u8],
    track_id: u32,
    reader: &mut (impl Read + Seek),
    len: u64,
    damaged: &mut Vec<String>,
) -> Vec<Chapter> {
    let Some(trak) = boxes(moov)
        .filter(|(kind, _)| *kind == b"trak")
        .map(|(_, trak)| trak)
        .find(|trak| track_number(trak) == Some(track_id))
    else {
        damaged.push(format!(
            "chapter track {track_id}: the movie names it but holds no such track; chapters were left out"
        ));
        return Vec::new();
    };
    let Some(mdia) = child(trak, b"mdia") else { return Vec::new() };
    let timescale = child(mdia, b"mdhd").and_then(|mdhd| {
        let at = if mdhd.first() == Some(&1) { 20 } else { 12 };
        u32_at(mdhd, at)
    });
    let Some(timescale) = timescale.filter(|t| *t > 0) else {
        damaged.push(format!("chapter track {track_id}: no time scale; chapters were left out"));
        return Vec::new();
    };
    let Some(stbl) = child(mdia, b"minf").and_then(|minf| child(minf, b"stbl")) else { return Vec::new() };
    let samples = match sample_table(stbl) {
        Ok(samples) => samples,
        Err(why) => {
            damaged.push(format!("chapter track {track_id}: {why}; chapters were left out"));
            return Vec::new();
        }
    };
    let ms =
        |ticks: u64| i64::try_from(ticks.saturating_mul(1000) / u64::from(timescale)).unwrap_or(i64::MAX);
    let mut chapters = Vec::new();
    for (n, sample) in samples.iter().enumerate() {
        let fits = sample.offset.checked_add(u64::from(sample.size)).is_some_and(|end| end <= len);
        if sample.size > MAX_TITLE_SAMPLE || !fits {
            damaged.push(format!(
                "chapter track {track_id}: title {} claims {} bytes at byte {} of a {len}-byte file; it was left out",
                n + 1,
                sample.size,
                sample.offset
            ));
            continue;
        }
        let mut bytes = vec![0; sample.size as usize];
        if reader.seek(SeekFrom::Start(sample.offset)).and_then(|_| reader.read_exact(&mut bytes)).is_err() {
            damaged.push(format!(
                "chapter track {track_id}: title {} could not be read; it was left out",
                n + 1
            ));
            continue;
        }
        let Some(title) = title(&bytes) else { continue };
        let start_ms = ms(sample.start);
        let end_ms = (sample.duration > 0).then(|| ms(sample.start.saturating_add(sample.duration)));
        chapters.push(Chapter { start_ms, end_ms, title });
    }
    chapters
}

fn track_number(trak: &[u8]) -> Option<u32> {
    let tkhd = child(trak, b"tkhd")?;
    u32_at(tkhd, if tkhd.first() == Some(&1) { 20 } else { 12 })
}

/// A title sample: a 16-bit length, then UTF-8 text, or UTF-16 when it opens
/// with a byte-order mark; what follows the text (an `encd` box) is not title.
fn title(sample: &[u8]) -> Option<String> {
    let len = usize::from(u16_at(sample, 0)?);
    let text = sample.get(2..2 + len).unwrap_or(sample.get(2..)?);
    match text {
        [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
        [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
        _ => tag_text(text),
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Option<String> {
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    tag_text(text.as_bytes())
}

/// Where each of the first [`MAX_CHAPTERS`] samples lies and when it plays, from
/// the sample table's times (`stts`), sizes (`stsz`), chunking (`stsc`) and
/// chunk offsets (`stco`/`co64`).
fn sample_table(stbl: &[u8]) -> Result<Vec<Sample>, String> {
    let stts = child(stbl, b"stts").ok_or("no sample times (stts)")?;
    let stsz = child(stbl, b"stsz").ok_or("no sample sizes (stsz)")?;
    let stsc = child(stbl, b"stsc").ok_or("no sample chunks (stsc)")?;
    let offsets = chunk_offsets(stbl)?;

    let fixed_size = u32_at(stsz, 4).ok_or("the sample sizes (stsz) are cut short")?;
    let count = (u32_at(stsz, 8).ok_or("the sample sizes (stsz) are cut short")? as usize).min(MAX_CHAPTERS);
    let size = |n: usize| if fixed_size > 0 { Some(fixed_size) } else { u32_at(stsz, 12 + n * 4) };

    let mut times = Vec::with_capacity(count);
    let mut clock = 0u64;
    for entry in 0..(u32_at(stts, 4).unwrap_or(0) as usize).min(stts.len() / 8) {
        let (run, delta) =
            (u32_at(stts, 8 + entry * 8).unwrap_or(0), u32_at(stts, 12 + entry * 8).unwrap_or(0));
        for _ in 0..run {
            if times.len() == count {
                break;
            }
            times.push((clock, u64::from(delta)));
            clock = clock.saturating_add(u64::from(delta));
        }
    }

    let runs: Vec<(u32, u32)> = (0..(u32_at(stsc, 4).unwrap_or(0) as usize).min(stsc.len() / 12))
        .filter_map(|entry| Some((u32_at(stsc, 8 + entry * 12)?, u32_at(stsc, 12 + entry * 12)?)))
        .collect();
    let mut samples = Vec::with_capacity(count);
    for (chunk, offset) in offsets.iter().enumerate() {
        let chunk = chunk as u32 + 1;
        let per_chunk = runs.iter().rev().find(|(first, _)| *first <= chunk).map_or(0, |(_, n)| *n);
        let mut at = *offset;
        for _ in 0..per_chunk {
            let n = samples.len();
            if n == count {
                return Ok(samples);
            }
            let size =
                size(n).ok_or_else(|| format!("the sample sizes (stsz) hold no size for title {}", n + 1))?;
            let (start, duration) = times.get(n).copied().unwrap_or((clock, 0));
            samples.push(Sample { offset: at, size, start, duration });
            at = at.saturating_add(u64::from(size));
        }
    }
    Ok(samples)
}

fn chunk_offsets(stbl: &[u8]) -> Result<Vec<u64>, String> {
    if let Some(stco) = child(stbl, b"stco") {
        let count =
            (u32_at(stco, 4).unwrap_or(0) as usize).min(MAX_CHAPTERS).min(stco.len().saturating_sub(8) / 4);
        return Ok((0..count).filter_map(|n| u32_at(stco, 8 + n * 4).map(u64::from)).collect());
    }
    if let Some(co64) = child(stbl, b"co64") {
        let count =
            (u32_at(co64, 4).unwrap_or(0) as usize).min(MAX_CHAPTERS).min(co64.len().saturating_sub(8) / 8);
        return Ok((0..count).filter_map(|n| u64_at(co64, 8 + n * 8)).collect());
    }
    Err("no chunk offsets (stco or co64)".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_in_utf8_and_utf16_and_what_follows_them() {
        assert_eq!(title(b"\x00\x0AHorse rideencd").as_deref(), Some("Horse ride"));
        let korean = "말 타는 장면".encode_utf16().flat_map(u16::to_be_bytes);
        let mut sample = vec![0, 0, 0xFE, 0xFF];
        sample.extend(korean);
        sample[1] = (sample.len() - 2) as u8;
        assert_eq!(title(&sample).as_deref(), Some("말 타는 장면"));
        assert_eq!(title(b"\x00\x00"), None, "an empty title is no chapter");
        assert_eq!(title(b"\x00"), None, "a sample cut short is no chapter");
        assert_eq!(
            title(b"\x00\x40short").as_deref(),
            Some("short"),
            "a length past the sample keeps what is there"
        );
    }
}
