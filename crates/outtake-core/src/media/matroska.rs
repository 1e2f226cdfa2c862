//! Matroska and WebM: the EBML header, then the Segment's Info and Tracks,
//! read element by element with seeks; reading stops at the first Cluster
//! (the media data) once both are known.

use std::io::{Read, Seek, SeekFrom};

use super::bytes::uint;
use super::ebml::{children, float, header};
use super::matroska_meta::{self, ATTACHMENTS, CHAPTERS, SEEK_HEAD, TAGS};
use super::{Container, Probe, SubtitleStream, blank, rfc3339, round_fps, settle_chapters};

const EBML: u32 = 0x1A45_DFA3;
const DOC_TYPE: u32 = 0x4282;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const DATE_UTC: u32 = 0x4461;
const TITLE: u32 = 0x7BA9;
const TRACKS: u32 = 0x1654_AE6B;
const TRACK_ENTRY: u32 = 0xAE;
const TRACK_TYPE: u32 = 0x83;
const TRACK_UID: u32 = 0x73C5;
const CODEC_ID: u32 = 0x86;
const LANGUAGE: u32 = 0x22_B59C;
const LANGUAGE_BCP47: u32 = 0x22_B59D;
const DEFAULT_DURATION: u32 = 0x23_E383;
const VIDEO: u32 = 0xE0;
const PIXEL_WIDTH: u32 = 0xB0;
const PIXEL_HEIGHT: u32 = 0xBA;
const CLUSTER: u32 = 0x1F43_B675;

/// Header elements are small; a bigger one is damage or hostility.
const MAX_ELEMENT: u64 = 16 << 20;
const MAX_ELEMENTS: usize = 100_000;
/// Real files have a few tracks. Each TrackEntry read is kept until the
/// headers are read, and a two-byte empty one is a TrackEntry: a 20 MB file
/// of them once held 1 GB.
const MAX_TRACKS: usize = 256;
/// Codec ids are short (`V_MPEG4/ISO/AVC`); a longer one is no codec we know
/// and is not kept whole.
const MAX_CODEC_ID: usize = 64;
/// Seconds between 1970-01-01 and Matroska's epoch, 2001-01-01.
const MATROSKA_EPOCH: i64 = 978_307_200;

/// One TrackEntry: type (1 video, 2 audio), codec id, frame duration (ns), pixel size.
#[derive(Default)]
struct TrackEntry {
    kind: u64,
    uid: u64,
    language: Option<String>,
    codec: String,
    frame_ns: Option<u64>,
    width: Option<u64>,
    height: Option<u64>,
}

#[derive(Default)]
struct Found {
    scale: Option<u64>,
    duration: Option<f64>,
    created: Option<i64>,
    tracks: Vec<TrackEntry>,
    embedded: matroska_meta::Embedded,
}

/// Reads the headers; `Ok(None)` when they lack a duration or tracks (ffprobe can count).
pub(super) fn probe(reader: &mut (impl Read + Seek), len: u64) -> Result<Option<Probe>, String> {
    reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    let (id, size, head) = header(reader).ok_or("no EBML header")?;
    if id != EBML {
        return Err("no EBML header".into());
    }
    let ebml = read(reader, head, size.ok_or("EBML header of unknown size")?)?;
    let doc_type = children(&ebml).into_iter().find(|(id, _)| *id == DOC_TYPE).map(|(_, v)| v.to_vec());
    let container = match doc_type.as_deref() {
        Some(b"webm") => Container::WebM,
        Some(b"matroska") => Container::Matroska,
        _ => return Err("the EBML document is not Matroska or WebM".into()),
    };
    let mut pos = head + size.unwrap_or(0);
    reader.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
    let (id, segment_size, segment_head) = header(reader).ok_or("no Segment after the EBML header")?;
    if id != SEGMENT {
        return Err("no Segment after the EBML header".into());
    }
    pos += segment_head;
    let segment_at = pos;
    // A Segment that claims more bytes than the file has was cut short.
    let truncated = segment_size.is_some_and(|s| pos.saturating_add(s) > len);
    let end = segment_size.map_or(len, |s| pos.saturating_add(s).min(len));
    let mut found = Found::default();
    let (mut seeks, mut seen) = (Vec::new(), Vec::new());
    let mut count = 0;
    while pos < end && count < MAX_ELEMENTS {
        count += 1;
        reader.seek(SeekFrom::Start(pos)).map_err(|e| e.to_string())?;
        let Some((id, size, head)) = header(reader) else { break };
        match id {
            INFO | TRACKS => {
                let size = size.ok_or("a header element of unknown size")?;
                let data = read(reader, pos + head, size)?;
                if id == INFO { info(&data, &mut found) } else { tracks(&data, &mut found) }
            }
            SEEK_HEAD => {
                if let Some(data) = size.and_then(|size| read(reader, pos + head, size).ok()) {
                    seeks.extend(matroska_meta::seek_entries(&data));
                }
            }
            TAGS | CHAPTERS | ATTACHMENTS => {
                embedded(reader, &mut found, (id, pos + head, size), len);
                seen.push(id);
            }
            CLUSTER if found.duration.is_some() && !found.tracks.is_empty() => break,
            _ => {}
        }
        let Some(size) = size else { break }; // an unknown-size cluster runs to the end
        pos = pos.saturating_add(head).saturating_add(size);
    }
    // Tags written after the media data (mkvmerge does) are found through the SeekHead.
    for id in [TAGS, CHAPTERS, ATTACHMENTS] {
        let Some((_, offset)) = seeks.iter().find(|(seek, _)| *seek == id) else { continue };
        let at = segment_at.saturating_add(*offset);
        if seen.contains(&id) || at >= end {
            continue;
        }
        reader.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
        if let Some((found_id, size, head)) = header(reader)
            && found_id == id
        {
            embedded(reader, &mut found, (id, at + head, size), len);
        }
    }
    Ok(describe(container, found, truncated))
}

/// Reads one of Tags, Chapters or Attachments (`element`: id, where its data
/// starts, its size); damage is noted in the probe, never an error.
fn embedded(reader: &mut (impl Read + Seek), found: &mut Found, element: (u32, u64, Option<u64>), len: u64) {
    let (id, at, size) = element;
    let name = match id {
        TAGS => "Tags",
        CHAPTERS => "Chapters",
        _ => "Attachments",
    };
    let Some(size) = size else {
        return found.embedded.damaged(name, "the element's size is unknown");
    };
    if id == ATTACHMENTS {
        return found.embedded.attachments(reader, at, size, len);
    }
    if at.saturating_add(size) > len {
        return found.embedded.damaged(name, &format!("it claims {size} bytes, past the end of the file"));
    }
    match read(reader, at, size) {
        Ok(data) if id == TAGS => found.embedded.tags(&data),
        Ok(data) => found.embedded.chapters(&data),
        Err(why) => found.embedded.damaged(name, &why),
    }
}

fn read(reader: &mut (impl Read + Seek), at: u64, size: u64) -> Result<Vec<u8>, String> {
    if size > MAX_ELEMENT {
        return Err(format!("a header element claims {size} bytes"));
    }
    reader.seek(SeekFrom::Start(at)).map_err(|e| e.to_string())?;
    let mut data = Vec::with_capacity(size as usize);
    reader.take(size).read_to_end(&mut data).map_err(|e| e.to_string())?;
    Ok(data)
}

fn info(data: &[u8], found: &mut Found) {
    for (id, value) in children(data) {
        match id {
            TIMESTAMP_SCALE => found.scale = uint(value),
            DURATION => found.duration = float(value),
            TITLE => found.embedded.info_title(value),
            DATE_UTC if value.len() == 8 => {
                let nanos = i64::from_be_bytes(value.try_into().unwrap_or([0; 8]));
                found.created = Some(MATROSKA_EPOCH + nanos / 1_000_000_000);
            }
            _ => {}
        }
    }
}

fn tracks(data: &[u8], found: &mut Found) {
    for (id, entry) in children(data) {
        if id != TRACK_ENTRY {
            continue;
        }
        if found.tracks.len() >= MAX_TRACKS {
            return;
        }
        let mut track = TrackEntry::default();
        for (id, value) in children(entry) {
            match id {
                TRACK_TYPE => track.kind = uint(value).unwrap_or(0),
                TRACK_UID => track.uid = uint(value).unwrap_or(0),
                CODEC_ID => {
                    let value = &value[..value.len().min(MAX_CODEC_ID)];
                    track.codec = String::from_utf8_lossy(value).trim_end_matches('\0').to_string()
                }
                DEFAULT_DURATION => track.frame_ns = uint(value),
                LANGUAGE if track.language.is_none() => {
                    track.language = super::short_lang(&String::from_utf8_lossy(value))
                }
                LANGUAGE_BCP47 => {
                    track.language =
                        super::short_lang(String::from_utf8_lossy(value).split('-').next().unwrap_or(""))
                }
                VIDEO => {
                    for (id, value) in children(value) {
                        match id {
                            PIXEL_WIDTH => track.width = uint(value),
                            PIXEL_HEIGHT => track.height = uint(value),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        found.tracks.push(track);
    }
}

fn codec_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "V_VP9" => "vp9",
        "V_VP8" => "vp8",
        "V_AV1" => "av1",
        "V_MPEG4/ISO/AVC" => "h264",
        "V_MPEGH/ISO/HEVC" => "hevc",
        "V_MPEG4/ISO/SP" | "V_MPEG4/ISO/ASP" | "V_MPEG4/ISO/AP" => "mpeg4",
        "V_MPEG2" => "mpeg2video",
        "V_MPEG1" => "mpeg1video",
        "V_MJPEG" => "mjpeg",
        "V_THEORA" => "theora",
        "A_OPUS" => "opus",
        "A_VORBIS" => "vorbis",
        "A_MPEG/L3" => "mp3",
        "A_MPEG/L2" => "mp2",
        "A_AC3" => "ac3",
        "A_EAC3" => "eac3",
        "A_FLAC" => "flac",
        "A_DTS" => "dts",
        "A_PCM/INT/LIT" => "pcm_s16le",
        id if id.starts_with("A_AAC") => "aac",
        _ => return None,
    })
}

fn describe(container: Container, mut found: Found, truncated: bool) -> Option<Probe> {
    for (uid, language) in std::mem::take(&mut found.embedded.track_languages) {
        if let Some(track) = found.tracks.iter_mut().find(|t| t.uid == uid && t.language.is_none()) {
            track.language = super::short_lang(&language);
        }
    }
    if truncated && found.tracks.is_empty() {
        return Some(Probe { truncated, ..blank(container) });
    }
    let scale = found.scale.unwrap_or(1_000_000) as f64;
    let duration_ms = found
        .duration
        .filter(|d| d.is_finite() && *d > 0.0)
        .map(|d| (d * scale / 1_000_000.0).round() as i64)?;
    let video = found.tracks.iter().find(|t| t.kind == 1);
    let audio = found.tracks.iter().find(|t| t.kind == 2);
    if video.is_none() && audio.is_none() {
        return None;
    }
    let mut probe = Probe { truncated, duration_ms: Some(duration_ms), ..blank(container) };
    if let Some(video) = video {
        probe.video_codec = codec_name(&video.codec).map(str::to_string);
        probe.fps = video.frame_ns.filter(|f| *f > 0).and_then(|f| round_fps(1e9 / f as f64));
        probe.width = video.width.and_then(|w| i64::try_from(w).ok());
        probe.height = video.height.and_then(|h| i64::try_from(h).ok());
    }
    probe.audio_codec = audio.and_then(|a| codec_name(&a.codec)).map(str::to_string);
    // Only text subtitles (SRT, ASS, WebVTT) become cues; picture ones (PGS, VobSub) cannot.
    let subtitles = found.tracks.iter().filter(|t| t.kind == 17);
    probe.subtitles = subtitles
        .enumerate()
        .filter(|(_, t)| t.codec.starts_with("S_TEXT/"))
        .map(|(index, t)| SubtitleStream {
            index,
            lang: t.language.clone().or_else(|| Some("en".into())),
            ass: matches!(t.codec.as_str(), "S_TEXT/ASS" | "S_TEXT/SSA"),
        })
        .collect();
    probe.created = found.created.and_then(rfc3339);
    let mut embedded = found.embedded;
    embedded.finish();
    probe.metadata = embedded.metadata;
    probe.chapters = embedded.chapters;
    settle_chapters(&mut probe.chapters, probe.duration_ms);
    probe.cover = embedded.cover;
    probe.damaged = embedded.damaged;
    Some(probe)
}
