//! Probing: real fixtures, recorded ffprobe output, clips made by ffmpeg, and hostile bytes.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

fn shared(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures/real")).join(sub);
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("shared/fixtures/real/{sub} is absent: skipped");
        None
    }
}

fn has_ffmpeg() -> bool {
    let found = Command::new("ffmpeg").arg("-version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("ffmpeg is not installed: generated-clip probe tests skipped");
    }
    found
}

#[test]
fn sniffs_by_content() {
    let rows: &[(&[u8], Option<Container>)] = &[
        (b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41", Some(Container::Mp4)),
        (b"\0\0\0\x14ftypqt  \0\0\0\0qt  ", Some(Container::Mov)),
        (b"\0\0\0\x18ftyp3gp4\0\0\0\0isom3gp4", Some(Container::ThreeGp)),
        (b"\0\0\x01\0moov\0\0\0\x6cmvhd", Some(Container::Mov)),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm", Some(Container::WebM)),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", Some(Container::Matroska)),
        (b"RIFF\0\0\0\0AVI LIST", Some(Container::Avi)),
        (b"\xff\xd8\xff\xe0\0\x10JFIF", None),
        (b"\x89PNG\r\n\x1a\n", None),
        (b"{\"id\": 1}", None),
        (b"", None),
        (b"\0\0\0\x04ftyp", None),
    ];
    for (header, expected) in rows {
        assert_eq!(sniff(header), *expected, "{header:?}");
    }
    let mut ts = vec![0u8; 600];
    for at in [0, 188, 376] {
        ts[at] = 0x47;
    }
    assert_eq!(sniff(&ts), Some(Container::MpegTs));
}

#[test]
fn real_media_fixtures_agree_with_ffprobe() {
    let Some(dir) = shared("media") else { return };
    let ffprobe = has_ffmpeg();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut fast_read = 0;
    for path in &files {
        let fast = probe_fast(path);
        let slow = if ffprobe { probe_ffprobe(path, FFPROBE_TIMEOUT).ok() } else { None };
        match (fast, slow) {
            (Ok(Some(fast)), Some(slow)) if !fast.truncated => {
                fast_read += 1;
                agree(path, &fast, &slow);
            }
            (Ok(_), _) => {}
            (Err(error), _) => {
                let text = error.to_string();
                assert!(text.contains(path.file_name().unwrap().to_str().unwrap()), "{text}");
            }
        }
    }
    assert!(fast_read >= 8, "the fast reader read only {fast_read} of {} real files", files.len());
}

/// Fast and ffprobe readings of one file match: duration within a frame (or 50 ms), size, codecs.
fn agree(path: &Path, fast: &Probe, slow: &Probe) {
    let name = path.display();
    let frame_ms = slow.fps.map_or(50.0, |f| (1000.0 / f).max(50.0));
    // An init segment has no samples: ffprobe says 0 where the header gives the movie's length.
    if let (Some(a), Some(b)) = (fast.duration_ms, slow.duration_ms.filter(|d| *d > 0)) {
        assert!(((a - b).abs() as f64) <= frame_ms, "{name}: duration {a} vs ffprobe {b}");
    }
    assert_eq!((fast.width, fast.height), (slow.width, slow.height), "{name}: size");
    assert_eq!(fast.video_codec, slow.video_codec, "{name}: video codec");
    if slow.audio_codec.is_some() && fast.audio_codec.is_some() {
        assert_eq!(fast.audio_codec, slow.audio_codec, "{name}: audio codec");
    }
    assert_eq!(fast.rotation, slow.rotation, "{name}: rotation");
}

#[test]
fn recorded_ffprobe_output() {
    let Some(dir) = shared("ffprobe_json") else { return };
    let read = |name: &str| parse_ffprobe_json(&std::fs::read(dir.join(name)).unwrap()).unwrap();
    let mkv = read("jellyfin__video_web_like_mkv_with_subtitle.json");
    assert_eq!(mkv.container, Container::Matroska);
    assert!(mkv.duration_ms.unwrap() > 0 && mkv.video_codec.is_some(), "{mkv:?}");
    let mp4 = read("jellyfin__video_mp4_metadata.json");
    assert_eq!((mp4.video_codec.as_deref(), mp4.audio_codec.as_deref()), (Some("h264"), Some("aac")));
    let ts = read("jellyfin__video_ts.json");
    assert_eq!(ts.container, Container::MpegTs);
    let mjpeg = read("jellyfin__video_single_frame_mjpeg.json");
    assert!(mjpeg.video_codec.is_some());
    for name in
        ["jellyfin__video_metadata.json", "jellyfin__video_mp4_metadata.json", "jellyfin__video_webm.json"]
    {
        let probe = read(name);
        assert!(probe.width.is_some_and(|w| w > 0) && probe.fps.is_some(), "{name}: {probe:?}");
    }
    assert!(
        parse_ffprobe_json(b"{\"format\": {}, \"streams\": []}").unwrap_err().contains("no audio or video")
    );
    assert!(parse_ffprobe_json(b"not json").is_err());
}

/// Makes a 2-second clip; returns its path.
fn make(dir: &Path, name: &str, input: &[&str], output: &[&str]) -> PathBuf {
    let path = dir.join(name);
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(input)
        .args(output)
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg could not make {name}");
    path
}

#[test]
fn generated_clips() {
    if !has_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let av = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=2",
    ];
    let h264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"];
    // (file, fast reader expected to read it, width, height, video, audio, fps, rotation)
    type Row<'a> = (PathBuf, bool, i64, i64, &'a str, Option<&'a str>, f64, i64);
    let rows: Vec<Row> = vec![
        (
            make(d, "fast.mp4", &av, &[&h264[..], &["-movflags", "+faststart"]].concat()),
            true,
            320,
            240,
            "h264",
            Some("aac"),
            25.0,
            0,
        ),
        (make(d, "end.mp4", &av, &h264), true, 320, 240, "h264", Some("aac"), 25.0, 0),
        (
            make(d, "frag.mp4", &av, &[&h264[..], &["-movflags", "frag_keyframe+empty_moov"]].concat()),
            true,
            320,
            240,
            "h264",
            Some("aac"),
            25.0,
            0,
        ),
        (
            make(d, "vp9.webm", &av, &["-c:v", "libvpx-vp9", "-b:v", "100k", "-c:a", "libopus"]),
            true,
            320,
            240,
            "vp9",
            Some("opus"),
            25.0,
            0,
        ),
        (make(d, "x.mkv", &av, &h264), true, 320, 240, "h264", Some("aac"), 25.0, 0),
        (make(d, "x.mov", &av, &h264), true, 320, 240, "h264", Some("aac"), 25.0, 0),
        (make(d, "x.ts", &av, &h264), false, 320, 240, "h264", Some("aac"), 25.0, 0),
        (
            make(
                d,
                "ntsc.mp4",
                &["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30000/1001:duration=2"],
                &["-c:v", "libx264", "-pix_fmt", "yuv420p"],
            ),
            true,
            320,
            240,
            "h264",
            None,
            29.97,
            0,
        ),
        // ffmpeg 5 turns the `rotate` tag into a display matrix that ffprobe calls 90° counter-clockwise.
        (
            make(
                d,
                "rotated.mp4",
                &["-i", d.join("end.mp4").to_str().unwrap()],
                &["-c", "copy", "-metadata:s:v:0", "rotate=90"],
            ),
            true,
            240,
            320,
            "h264",
            Some("aac"),
            25.0,
            270,
        ),
    ];
    for (path, fast_reads, width, height, video, audio, fps, rotation) in rows {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let slow = probe_ffprobe(&path, FFPROBE_TIMEOUT).unwrap();
        let probe = probe(&path).unwrap();
        assert_eq!(probe.source == ProbeSource::Fast, fast_reads, "{name}: {probe:?}");
        assert_eq!((probe.width, probe.height), (Some(width), Some(height)), "{name}");
        assert_eq!(
            (probe.video_codec.as_deref(), probe.audio_codec.as_deref()),
            (Some(video), audio),
            "{name}"
        );
        assert_eq!(probe.fps, Some(fps), "{name}");
        assert_eq!(probe.rotation, rotation, "{name}");
        assert!((1950..=2100).contains(&probe.duration_ms.unwrap()), "{name}: {:?}", probe.duration_ms);
        assert!(!probe.truncated, "{name}");
        agree(&path, &probe, &slow);
    }
}

#[test]
fn cut_short_and_broken_files() {
    if !has_ffmpeg() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let av = [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=25:duration=2",
        "-f",
        "lavfi",
        "-i",
        "sine=duration=2",
    ];
    let sources = [
        make(
            d,
            "fast.mp4",
            &av,
            &["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-movflags", "+faststart"],
        ),
        make(d, "end.mp4", &av, &["-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"]),
        make(d, "x.webm", &av, &["-c:v", "libvpx-vp9", "-b:v", "100k", "-c:a", "libopus"]),
    ];
    for source in &sources {
        let bytes = std::fs::read(source).unwrap();
        let cut = d.join(format!("cut-{}", source.file_name().unwrap().to_string_lossy()));
        std::fs::write(&cut, &bytes[..bytes.len() * 6 / 10]).unwrap();
        let probe = probe_fast(&cut).unwrap().expect("read");
        assert!(probe.truncated, "{}: {probe:?}", cut.display());
    }
    let empty = d.join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(probe(&empty), Err(ProbeError::NotVideo { .. })));
    let jpeg = make(
        d,
        "poster.mkv",
        &["-f", "lavfi", "-i", "testsrc2=size=64x64"],
        &["-frames:v", "1", "-f", "mjpeg"],
    );
    assert!(matches!(probe_fast(&jpeg), Err(ProbeError::NotVideo { .. })));
    let garbage = d.join("garbage.mp4");
    std::fs::write(&garbage, b"\0\0\0\x18ftypisom\0\0\0\0isomiso2\0\0\0\x03junk and more bytes").unwrap();
    let error = probe(&garbage).unwrap_err().to_string();
    assert!(error.contains("garbage.mp4"), "{error}");
}

#[test]
fn hostile_bytes_never_panic() {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut seeds: Vec<Vec<u8>> = vec![
        b"\0\0\0\x18ftypisom\0\0\0\0isomiso2\0\0\0\x6cmoov\0\0\0\x64mvhd\0\0\0\0".to_vec(),
        b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x18\x53\x80\x67\x01\0\0\0\0\0\0\x30\x15\x49\xa9\x66\x88\x2a\xd7\xb1\x83\x0f\x42\x40".to_vec(),
    ];
    if let Some(dir) = shared("media") {
        for entry in std::fs::read_dir(dir).unwrap().take(12) {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            seeds.push(bytes[..bytes.len().min(64 * 1024)].to_vec());
        }
    }
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone();
        for _ in 0..(1 + next() % 6) {
            if bytes.is_empty() {
                break;
            }
            let at = (next() as usize) % bytes.len();
            match next() % 5 {
                0 => bytes[at] = next() as u8,
                1 => bytes.truncate(at),
                2 => bytes[at..].iter_mut().take(4).for_each(|b| *b = 0xFF),
                3 => bytes[at..].iter_mut().take(4).for_each(|b| *b = 0),
                _ => bytes.splice(at..at, seeds[0][..16].iter().copied()).for_each(drop),
            }
        }
        let len = bytes.len() as u64;
        let mut cursor = Cursor::new(bytes);
        let _ = mp4::probe(&mut cursor, len);
        let _ = matroska::probe(&mut cursor, len);
    }
}

/// The in-memory reader the fuzz harness drives answers exactly as the file reader does.
#[test]
fn bytes_and_files_probe_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<Vec<u8>> = vec![
        b"\0\0\0\x18ftypisom\0\0\0\0isomiso2\0\0\0\x6cmoov\0\0\0\x64mvhd\0\0\0\0".to_vec(),
        b"\x1a\x45\xdf\xa3\x84\x42\x82\x81\x01".to_vec(),
        b"not a video".to_vec(),
        Vec::new(),
    ];
    if let Some(media) = shared("media") {
        files.extend(std::fs::read_dir(media).unwrap().map(|e| std::fs::read(e.unwrap().path()).unwrap()));
    }
    for (n, bytes) in files.iter().enumerate() {
        let path = dir.path().join(format!("{n}.bin"));
        std::fs::write(&path, bytes).unwrap();
        let from_file = probe_fast(&path).map_err(|e| e.to_string());
        assert_eq!(probe_fast_bytes(bytes, &path).map_err(|e| e.to_string()), from_file, "file {n}");
    }
}

fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    [&((payload.len() + 8) as u32).to_be_bytes()[..], kind, payload].concat()
}

/// A movie of one video track: `stts` entries (count, delta), then a
/// fragment whose runs each hold `run_samples` samples of the default duration.
fn movie(stts: &[(u32, u32)], default_duration: u32, runs: &[u32]) -> Vec<u8> {
    let be = |n: u32| n.to_be_bytes();
    let mvhd = mp4_box(b"mvhd", &[&[0; 12][..], &be(1000), &be(1000)].concat());
    let hdlr = mp4_box(b"hdlr", &[&[0; 8][..], b"vide", &[0; 12]].concat());
    let mdhd = mp4_box(b"mdhd", &[&[0; 12][..], &be(1000), &be(1000), &[0; 4]].concat());
    let mut entries = [be(0), be(stts.len() as u32)].concat();
    for (count, delta) in stts {
        entries.extend([be(*count), be(*delta)].concat());
    }
    let stbl = mp4_box(b"stbl", &mp4_box(b"stts", &entries));
    let mdia = mp4_box(b"mdia", &[mdhd, hdlr, mp4_box(b"minf", &stbl)].concat());
    let tkhd = mp4_box(b"tkhd", &[&[0; 12][..], &be(1), &[0; 68]].concat());
    let trex = mp4_box(b"trex", &[&[0; 4][..], &be(1), &be(0), &be(default_duration), &[0; 8]].concat());
    let trak = mp4_box(b"trak", &[tkhd, mdia].concat());
    let moov = mp4_box(b"moov", &[mvhd, trak, mp4_box(b"mvex", &trex)].concat());
    let mut traf = mp4_box(b"tfhd", &[be(0), be(1)].concat());
    for samples in runs {
        traf.extend(mp4_box(b"trun", &[be(0), be(*samples)].concat()));
    }
    [mp4_box(b"ftyp", b"isom\0\0\0\0"), moov, mp4_box(b"moof", &mp4_box(b"traf", &traf))].concat()
}

/// Found by the fuzzer (`crates/outtake-fuzz`): sample counts and durations
/// near u32::MAX in two `stts` entries, or in two track runs, summed past
/// u64 and panicked ("attempt to add with overflow") in debug builds.
#[test]
fn sample_sums_past_u64_do_not_panic() {
    let max = u32::MAX;
    for file in [movie(&[(max, max), (max, max)], 1, &[1]), movie(&[(1, 1)], max, &[max, max])] {
        let probe = probe_fast_bytes(&file, Path::new("sums.mp4")).unwrap().unwrap();
        assert_eq!(probe.duration_ms, Some(1000));
    }
}

#[test]
fn frame_rates() {
    assert_eq!(round_fps(29.970_029), Some(29.97));
    assert_eq!(round_fps(23.976_023), Some(23.976));
    // A frame every few hours rounds to no rate at all, not to "0 fps".
    assert_eq!(round_fps(0.0001), None);
    assert_eq!(round_fps(f64::NAN), None);
    assert_eq!(round_fps(5000.0), None);
}

#[test]
fn dates() {
    assert_eq!(rfc3339(1_631_588_645).as_deref(), Some("2021-09-14T03:04:05Z"));
    assert_eq!(rfc3339(951_782_400).as_deref(), Some("2000-02-29T00:00:00Z"));
    assert_eq!(rfc3339(0), None);
}
