//! ISO base media files (MP4, MOV, M4V, 3GP). Top-level boxes are walked with
//! seeks, never reading media data; `moov` (and each small `moof`, one at a
//! time) is read whole and parsed in memory with bounds-checked slicing.

use std::io::{Read, Seek, SeekFrom};

use super::boxes::{boxes, child};
use super::bytes::{i32_at, u16_at, u32_at, u64_at};
use super::{
    Container, Probe, SubtitleStream, blank, mp4_chapters, mp4_meta, rfc3339, round_fps, settle_chapters,
};

/// The movie header of a long clip is a few MB; more than this is not a header.
const MAX_MOOV: u64 = 64 << 20;
const MAX_MOOF: u64 = 8 << 20;
/// Fragments counted at most (a fragment every 2 s is 55 hours).
const MAX_MOOFS: usize = 100_000;
/// Fragmented files have a moof/mdat pair every few seconds; this bounds hostile files.
const MAX_TOP_LEVEL_BOXES: usize = 500_000;
/// Real files have a few tracks. Each track box read is kept while the header
/// is read, and 8 MiB of empty `trex` boxes once made 260,000 of them.
const MAX_TRACKS: usize = 256;
/// Seconds between 1904-01-01 (the format's epoch) and 1970-01-01.
const MP4_EPOCH_OFFSET: i64 = 2_082_844_800;

#[derive(Debug, Default)]
struct Track {
    id: u32,
    language: Option<String>,
    handler: [u8; 4],
    /// Tracks this one names as its chapter titles (`tref/chap`).
    chapter_tracks: Vec<u32>,
    timescale: u32,
    duration: u64,
    codec: Option<String>,
    width: u32,
    height: u32,
    samples: u64,
    sample_time: u64,
    matrix: [i32; 4],
    default_duration: u32,
    fragment_samples: u64,
    fragment_time: u64,
}

#[derive(Debug, Default)]
struct Movie {
    timescale: u32,
    duration: u64,
    created: u64,
    fragment_duration: u64,
    tracks: Vec<Track>,
    embedded: mp4_meta::Embedded,
}

/// Reads the file's structure; `Ok(None)` when it has no audio or video track this reader knows.
pub(super) fn probe(reader: &mut (impl Read + Seek), len: u64) -> Result<Option<Probe>, String> {
    let mut moov: Option<(Vec<u8>, u64)> = None;
    // Where each fragment's payload is (at, len), read one at a time once the
    // movie header is known: holding them all held the whole of a file made
    // of big fragments (about 1 GB of memory for a 1 GB file).
    let mut moofs: Vec<(u64, u64)> = Vec::new();
    let mut truncated = false;
    let mut pos = 0u64;
    let mut count = 0;
    while pos + 8 <= len {
        count += 1;
        if count > MAX_TOP_LEVEL_BOXES {
            return Err("too many top-level boxes".into());
        }
        let mut header = [0u8; 16];
        reader.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
        let available = (len - pos).min(16) as usize;
        reader.read_exact(&mut header[..available]).map_err(|e| e.to_string())?;
        let kind = &header[4..8];
        let (size, header_len) = match u32_at(&header, 0).unwrap_or(0) {
            0 => (len - pos, 8),
            1 if available >= 16 => (u64_at(&header, 8).unwrap_or(0), 16),
            1 => (u64::MAX, 16),
            n => (u64::from(n), 8),
        };
        if size < header_len {
            return Err(format!("box at byte {pos} has an impossible size {size}"));
        }
        if size > len - pos {
            truncated = true;
            break;
        }
        match kind {
            b"moov" if size <= MAX_MOOV => {
                moov = Some((read_payload(reader, pos + header_len, size - header_len)?, pos + header_len))
            }
            b"moov" => return Err(format!("the movie header claims {size} bytes")),
            b"moof" if size <= MAX_MOOF && moofs.len() < MAX_MOOFS => {
                moofs.push((pos + header_len, size - header_len))
            }
            _ => {}
        }
        pos += size;
    }
    let Some((moov, moov_at)) = moov else {
        if truncated {
            return Ok(Some(Probe { truncated: true, ..blank(Container::Mp4) }));
        }
        return Err("no movie header ('moov' box)".into());
    };
    let mut movie = parse_moov(&moov);
    movie.embedded = mp4_meta::read(&moov, moov_at);
    // Without a Nero list, the chapters are the titles of a QuickTime chapter track.
    let chapter_track = movie.tracks.iter().flat_map(|t| t.chapter_tracks.iter()).next().copied();
    if let Some(id) = chapter_track.filter(|_| movie.embedded.chapters.is_empty()) {
        movie.embedded.chapters = mp4_chapters::read(&moov, id, reader, len, &mut movie.embedded.damaged);
    }
    drop(moov);
    for (at, len) in moofs {
        add_fragment(&mut movie, &read_payload(reader, at, len)?);
    }
    Ok(describe(movie, truncated))
}

fn read_payload(reader: &mut (impl Read + Seek), at: u64, len: u64) -> Result<Vec<u8>, String> {
    reader.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
    let mut payload = Vec::with_capacity(len as usize);
    reader.take(len).read_to_end(&mut payload).map_err(|e| e.to_string())?;
    Ok(payload)
}

fn parse_moov(moov: &[u8]) -> Movie {
    let mut movie = Movie::default();
    if let Some(mvhd) = child(moov, b"mvhd") {
        let v1 = mvhd.first() == Some(&1);
        if v1 {
            movie.created = u64_at(mvhd, 4).unwrap_or(0);
            movie.timescale = u32_at(mvhd, 20).unwrap_or(0);
            movie.duration = u64_at(mvhd, 24).unwrap_or(0);
        } else {
            movie.created = u64::from(u32_at(mvhd, 4).unwrap_or(0));
            movie.timescale = u32_at(mvhd, 12).unwrap_or(0);
            movie.duration = u64::from(u32_at(mvhd, 16).unwrap_or(0));
        }
    }
    if let Some(mvex) = child(moov, b"mvex") {
        if let Some(mehd) = child(mvex, b"mehd") {
            movie.fragment_duration = if mehd.first() == Some(&1) {
                u64_at(mehd, 4).unwrap_or(0)
            } else {
                u64::from(u32_at(mehd, 4).unwrap_or(0))
            };
        }
        for (_, trex) in boxes(mvex).filter(|(kind, _)| *kind == b"trex").take(MAX_TRACKS) {
            let id = u32_at(trex, 4).unwrap_or(0);
            let duration = u32_at(trex, 12).unwrap_or(0);
            movie.tracks.push(Track { id, default_duration: duration, ..Track::default() });
        }
    }
    for (_, trak) in boxes(moov).filter(|(kind, _)| *kind == b"trak").take(MAX_TRACKS) {
        let track = parse_trak(trak);
        match movie.tracks.iter_mut().find(|t| t.id == track.id && t.handler == [0; 4]) {
            Some(slot) => *slot = Track { default_duration: slot.default_duration, ..track },
            None => movie.tracks.push(track),
        }
    }
    movie
}

fn parse_trak(trak: &[u8]) -> Track {
    let mut track = Track::default();
    if let Some(tkhd) = child(trak, b"tkhd") {
        let v1 = tkhd.first() == Some(&1);
        let (id_at, matrix_at) = if v1 { (20, 52) } else { (12, 40) };
        track.id = u32_at(tkhd, id_at).unwrap_or(0);
        track.matrix = [0, 1, 3, 4].map(|i| i32_at(tkhd, matrix_at + i * 4).unwrap_or(0));
        track.width = u32_at(tkhd, matrix_at + 36).unwrap_or(0) >> 16;
        track.height = u32_at(tkhd, matrix_at + 40).unwrap_or(0) >> 16;
    }
    if let Some(chap) = child(trak, b"tref").and_then(|tref| child(tref, b"chap")) {
        track.chapter_tracks = chap.chunks_exact(4).take(MAX_TRACKS).filter_map(|id| u32_at(id, 0)).collect();
    }
    let Some(mdia) = child(trak, b"mdia") else { return track };
    if let Some(mdhd) = child(mdia, b"mdhd") {
        let language_at = if mdhd.first() == Some(&1) {
            track.timescale = u32_at(mdhd, 20).unwrap_or(0);
            track.duration = u64_at(mdhd, 24).unwrap_or(0);
            32
        } else {
            track.timescale = u32_at(mdhd, 12).unwrap_or(0);
            track.duration = u64::from(u32_at(mdhd, 16).unwrap_or(0));
            20
        };
        track.language = u16_at(mdhd, language_at).and_then(packed_language);
    }
    if let Some(handler) = child(mdia, b"hdlr").and_then(|h| h.get(8..12)) {
        track.handler.copy_from_slice(handler);
    }
    let Some(stbl) = child(mdia, b"minf").and_then(|m| child(m, b"stbl")) else { return track };
    if let Some(stts) = child(stbl, b"stts") {
        let entries = u32_at(stts, 4).unwrap_or(0) as usize;
        for i in 0..entries.min(stts.len() / 8) {
            let (count, delta) =
                (u32_at(stts, 8 + i * 8).unwrap_or(0), u32_at(stts, 12 + i * 8).unwrap_or(0));
            // Hostile counts can sum past u64: saturate (a nonsense rate, not a panic).
            track.samples = track.samples.saturating_add(u64::from(count));
            track.sample_time = track.sample_time.saturating_add(u64::from(count) * u64::from(delta));
        }
    }
    if let Some(stsd) = child(stbl, b"stsd") {
        sample_entry(&mut track, stsd.get(8..).unwrap_or(&[]));
    }
    track
}

/// The codec (and coded size) from the first sample description.
fn sample_entry(track: &mut Track, entries: &[u8]) {
    let Some((fourcc, entry)) = boxes(entries).next() else { return };
    let is_video = &track.handler == b"vide";
    let mut fourcc = fourcc.to_vec();
    let children_at = if is_video { 78 } else { audio_children_at(entry) };
    let children = entry.get(children_at..).unwrap_or(&[]);
    // Encrypted tracks name their real codec in sinf/frma.
    if (fourcc == b"encv" || fourcc == b"enca")
        && let Some(original) =
            child(children, b"sinf").and_then(|s| child(s, b"frma")).and_then(|f| f.get(..4))
    {
        fourcc = original.to_vec();
    }
    if is_video {
        track.width = u32::from(u16_at(entry, 24).unwrap_or(0));
        track.height = u32::from(u16_at(entry, 26).unwrap_or(0));
    }
    let object_type = child(children, b"esds").and_then(object_type_indication);
    track.codec = codec_name(&fourcc, object_type).map(str::to_string);
}

/// Where an audio sample entry's child boxes start (QuickTime versions 1 and 2 are longer).
fn audio_children_at(entry: &[u8]) -> usize {
    match u16_at(entry, 8) {
        Some(1) => 44,
        Some(2) => 64,
        _ => 28,
    }
}

/// The objectTypeIndication of an MPEG-4 `esds` (ES_Descriptor → DecoderConfigDescriptor).
fn object_type_indication(esds: &[u8]) -> Option<u8> {
    let mut at = 4; // version and flags
    let (tag, body) = descriptor(esds, &mut at)?;
    if tag != 0x03 {
        return None;
    }
    let flags = *esds.get(body + 2)?;
    let mut at = body + 3;
    if flags & 0x80 != 0 {
        at += 2;
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(*esds.get(at)?);
    }
    if flags & 0x20 != 0 {
        at += 2;
    }
    let (tag, body) = descriptor(esds, &mut at)?;
    let object_type = (tag == 0x04).then(|| esds.get(body).copied()).flatten()?;
    // MPEG-4 audio names its real kind in the AudioSpecificConfig: ALS is not AAC.
    let mut at = body + 13;
    if object_type == 0x40
        && let Some((0x05, config)) = descriptor(esds, &mut at)
        && audio_object_type(esds.get(config..)?) == Some(36)
    {
        return Some(ALS);
    }
    Some(object_type)
}

/// Not a real objectTypeIndication: marks MPEG-4 ALS found in the AudioSpecificConfig.
const ALS: u8 = 0xFE;

/// The 5-bit (or escaped 6-bit + 32) audioObjectType at the start of an AudioSpecificConfig.
fn audio_object_type(config: &[u8]) -> Option<u8> {
    let first = *config.first()? >> 3;
    if first != 31 {
        return Some(first);
    }
    let escaped = ((u16_at(config, 0)? >> 5) & 0x3F) as u8;
    Some(32 + escaped)
}

/// A descriptor's tag and where its body starts; advances `at` past the header.
fn descriptor(data: &[u8], at: &mut usize) -> Option<(u8, usize)> {
    let tag = *data.get(*at)?;
    *at += 1;
    for _ in 0..4 {
        let byte = *data.get(*at)?;
        *at += 1;
        if byte & 0x80 == 0 {
            break;
        }
    }
    Some((tag, *at))
}

fn codec_name(fourcc: &[u8], object_type: Option<u8>) -> Option<&'static str> {
    Some(match fourcc {
        b"avc1" | b"avc3" => "h264",
        b"hvc1" | b"hev1" => "hevc",
        b"av01" => "av1",
        b"vp09" => "vp9",
        b"vp08" => "vp8",
        b"s263" | b"h263" => "h263",
        b"jpeg" | b"mjpa" | b"mjpb" => "mjpeg",
        b"png " => "png",
        b"apch" | b"apcn" | b"apcs" | b"apco" | b"ap4h" | b"ap4x" => "prores",
        b"mp4v" => match object_type {
            Some(0x21) => "h264",
            Some(0x60..=0x65) => "mpeg2video",
            Some(0x6A) => "mpeg1video",
            Some(0x6C) => "mjpeg",
            _ => "mpeg4",
        },
        b"mp4a" => match object_type {
            Some(0x69 | 0x6B) => "mp3",
            Some(0xA5) => "ac3",
            Some(0xA6) => "eac3",
            Some(0xA9) => "dts",
            Some(0xAD) => "opus",
            Some(ALS) => "mp4als",
            _ => "aac",
        },
        b"Opus" => "opus",
        b"fLaC" => "flac",
        b"ac-3" => "ac3",
        b"ec-3" => "eac3",
        b".mp3" => "mp3",
        b"alac" => "alac",
        b"samr" => "amr_nb",
        b"sawb" => "amr_wb",
        b"sowt" => "pcm_s16le",
        b"twos" => "pcm_s16be",
        b"lpcm" | b"ipcm" => "pcm",
        _ => return None,
    })
}

/// Sums the sample durations of one movie fragment into its tracks.
fn add_fragment(movie: &mut Movie, moof: &[u8]) {
    for (kind, traf) in boxes(moof) {
        if kind != b"traf" {
            continue;
        }
        let Some(tfhd) = child(traf, b"tfhd") else { continue };
        let flags = u32_at(tfhd, 0).unwrap_or(0) & 0x00FF_FFFF;
        let id = u32_at(tfhd, 4).unwrap_or(0);
        let mut at = 8;
        if flags & 0x1 != 0 {
            at += 8;
        }
        if flags & 0x2 != 0 {
            at += 4;
        }
        let Some(track) = movie.tracks.iter_mut().find(|t| t.id == id) else { continue };
        let default = if flags & 0x8 != 0 { u32_at(tfhd, at).unwrap_or(0) } else { track.default_duration };
        for (kind, trun) in boxes(traf) {
            if kind == b"trun" {
                let (samples, time) = trun_time(trun, default);
                track.fragment_samples = track.fragment_samples.saturating_add(samples);
                track.fragment_time = track.fragment_time.saturating_add(time);
            }
        }
    }
}

/// (sample count, total duration) of a track run.
fn trun_time(trun: &[u8], default: u32) -> (u64, u64) {
    let flags = u32_at(trun, 0).unwrap_or(0) & 0x00FF_FFFF;
    let count = u64::from(u32_at(trun, 4).unwrap_or(0));
    let mut at = 8 + if flags & 0x1 != 0 { 4 } else { 0 } + if flags & 0x4 != 0 { 4 } else { 0 };
    if flags & 0x100 == 0 {
        return (count, count * u64::from(default));
    }
    let stride = 4 * [0x100, 0x200, 0x400, 0x800].iter().filter(|f| flags & **f != 0).count();
    let mut total = 0u64;
    for _ in 0..count {
        let Some(duration) = u32_at(trun, at) else { break };
        total = total.saturating_add(u64::from(duration));
        at += stride;
    }
    (count, total)
}

/// The ISO 639-2 code packed as three 5-bit letters in `mdhd`.
fn packed_language(packed: u16) -> Option<String> {
    let letters: String =
        [10, 5, 0].iter().map(|shift| char::from(b'a' - 1 + ((packed >> shift) & 0x1F) as u8)).collect();
    letters
        .chars()
        .all(|c| c.is_ascii_lowercase())
        .then_some(letters)
        .and_then(|code| super::short_lang(&code))
}

/// Clockwise rotation from a track matrix (a, b, c, d in 16.16 fixed point).
fn rotation(matrix: [i32; 4]) -> i64 {
    match matrix.map(i32::signum) {
        [0, 1, -1, 0] => 90,
        [-1, 0, 0, -1] => 180,
        [0, -1, 1, 0] => 270,
        _ => 0,
    }
}

fn seconds(value: u64, timescale: u32) -> Option<f64> {
    (timescale > 0 && value > 0 && value != u64::from(u32::MAX) && value != u64::MAX)
        .then(|| value as f64 / f64::from(timescale))
}

fn describe(mut movie: Movie, truncated: bool) -> Option<Probe> {
    let is_cover = |t: &&Track| {
        matches!(t.codec.as_deref(), Some("mjpeg" | "png")) && t.samples + t.fragment_samples <= 1
    };
    let video = movie.tracks.iter().filter(|t| &t.handler == b"vide").find(|t| !is_cover(t));
    let audio = movie.tracks.iter().find(|t| &t.handler == b"soun");
    if video.is_none() && audio.is_none() {
        return None;
    }
    let track_seconds =
        |t: &Track| seconds(t.duration, t.timescale).or_else(|| seconds(t.fragment_time, t.timescale));
    let duration = seconds(movie.duration, movie.timescale)
        .or_else(|| seconds(movie.fragment_duration, movie.timescale))
        .or_else(|| movie.tracks.iter().filter_map(track_seconds).reduce(f64::max))?;
    let mut probe =
        Probe { truncated, duration_ms: Some((duration * 1000.0).round() as i64), ..blank(Container::Mp4) };
    if let Some(video) = video {
        probe.video_codec = video.codec.clone();
        probe.rotation = rotation(video.matrix);
        let (samples, time) = if video.samples > 0 {
            (video.samples, video.sample_time)
        } else {
            (video.fragment_samples, video.fragment_time)
        };
        probe.fps = (time > 0 && video.timescale > 0)
            .then(|| samples as f64 * f64::from(video.timescale) / time as f64)
            .and_then(round_fps);
        let (w, h) = (i64::from(video.width), i64::from(video.height));
        let (w, h) = if probe.rotation % 180 == 90 { (h, w) } else { (w, h) };
        (probe.width, probe.height) = ((w > 0).then_some(w), (h > 0).then_some(h));
    }
    probe.audio_codec = audio.and_then(|a| a.codec.clone());
    // A QuickTime chapter track is a text track too, but it holds chapter titles, not lines.
    let chapter_tracks: Vec<u32> = movie.tracks.iter().flat_map(|t| t.chapter_tracks.clone()).collect();
    let text_tracks = movie
        .tracks
        .iter()
        .filter(|t| matches!(&t.handler, b"sbtl" | b"text" | b"subt") && !chapter_tracks.contains(&t.id));
    probe.subtitles = text_tracks
        .enumerate()
        .map(|(index, t)| SubtitleStream { index, lang: t.language.clone(), ass: false })
        .collect();
    probe.created = i64::try_from(movie.created).ok().and_then(|c| rfc3339(c - MP4_EPOCH_OFFSET));
    let embedded = std::mem::take(&mut movie.embedded);
    probe.metadata = embedded.metadata;
    probe.chapters = embedded.chapters;
    settle_chapters(&mut probe.chapters, probe.duration_ms);
    probe.cover = embedded.cover;
    probe.damaged = embedded.damaged;
    Some(probe)
}
