//! Reels and cuts with real ffmpeg output, checked by ffprobe and played by
//! mpv headless: durations, chapters, frame counts and sizes, the ranges mpv
//! plays, refusals (an existing file, a clip as the target, a cancel) — and
//! the user's clips byte-identical after every export.

use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use outtake_core::reels::cut::{CueLine, CutFormat, CutRequest, CutSize, cut};
use outtake_core::reels::export::{PlaylistFormat, ReelEntry, VideoMode, write_playlist, write_video};
use outtake_core::{ClipInput, FileInput, Library, MarkerInput, Moment, ReelOptions, ReelSource, StoredPath};

use crate::scan::snapshot;

/// One frame at the test clips' 25 fps.
const FRAME_MS: i64 = 40;

fn ffmpeg(args: &[&str], out: &Path) -> bool {
    match Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).arg(out).status() {
        Ok(status) => {
            assert!(status.success(), "ffmpeg {args:?} failed");
            true
        }
        Err(_) => {
            eprintln!("ffmpeg is not installed: skipped");
            false
        }
    }
}

/// A 12 s clip with a keyframe every `gop` frames (25 fps), sound, at `size`.
fn make(path: &Path, size: &str, gop: &str) -> bool {
    let video = format!("testsrc2=size={size}:rate=25:duration=12");
    ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            &video,
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=12",
            "-c:v",
            "libx264",
            "-g",
            gop,
            "-keyint_min",
            gop,
            "-sc_threshold",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
        ],
        path,
    )
}

struct Clips {
    _dir: tempfile::TempDir,
    clips: PathBuf,
    out: PathBuf,
    lib: Library,
    /// 320x240, a keyframe every second.
    a: i64,
    /// The same, under a name that is CP949 bytes, not UTF-8.
    b: i64,
    /// 320x240, keyframes 10 s apart.
    c: i64,
    /// 640x480.
    d: i64,
}

fn clips() -> Option<Clips> {
    let dir = tempfile::tempdir().unwrap();
    let clips = dir.path().join("clips");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&clips).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let b_name = std::ffi::OsStr::from_bytes(b"b \xc7\xd1\xb1\xdb.mp4");
    let files = [
        (clips.join("a.mp4"), "320x240", "25"),
        (clips.join(b_name), "320x240", "25"),
        (clips.join("c.mp4"), "320x240", "250"),
        (clips.join("d.mp4"), "640x480", "25"),
    ];
    let mut lib = Library::open_in_memory().unwrap();
    let mut ids = Vec::new();
    for (path, size, gop) in &files {
        if !make(path, size, gop) {
            return None;
        }
        let (width, height) = size.split_once('x').unwrap();
        ids.push(
            lib.add_clip(&ClipInput {
                title: format!("clip {}", ids.len() + 1),
                duration_ms: Some(12_000),
                width: width.parse().ok(),
                height: height.parse().ok(),
                files: vec![FileInput { path: StoredPath::from_path(path), size: 1, ..Default::default() }],
                ..Default::default()
            })
            .unwrap(),
        );
    }
    Some(Clips { _dir: dir, clips, out, lib, a: ids[0], b: ids[1], c: ids[2], d: ids[3] })
}

impl Clips {
    fn marker(&mut self, clip: i64, start_ms: i64, end_ms: i64, title: &str) -> i64 {
        let input =
            MarkerInput { start_ms, end_ms: Some(end_ms), title: Some(title.into()), ..Default::default() };
        self.lib.add_marker(clip, &input).unwrap()
    }

    fn entries(&self, markers: &[i64]) -> Vec<ReelEntry> {
        let moments: Vec<Moment> =
            self.lib.reel(&ReelSource::Markers { ids: markers.to_vec() }, ReelOptions::default()).unwrap();
        let files = self.lib.reel_files(&moments).unwrap();
        assert!(files.offline.is_empty());
        files.entries
    }
}

fn probe(path: &Path, args: &[&str]) -> serde_json::Value {
    let output =
        Command::new("ffprobe").args(["-v", "error", "-of", "json"]).args(args).arg(path).output().unwrap();
    assert!(
        output.status.success(),
        "ffprobe {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The first video stream's length, ms.
fn video_ms(path: &Path) -> i64 {
    let value = probe(path, &["-select_streams", "v:0", "-show_entries", "stream=duration:format=duration"]);
    let seconds = value["streams"][0]["duration"].as_str().or(value["format"]["duration"].as_str()).unwrap();
    (seconds.parse::<f64>().unwrap() * 1000.0).round() as i64
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_reel_of_keyframe_safe_moments_is_copied_with_a_chapter_each() {
    let Some(mut f) = clips() else { return };
    let first = f.marker(f.a, 2_300, 5_100, "horse ride");
    let second = f.marker(f.b, 6_200, 8_000, "laugh");
    let entries = f.entries(&[first, second]);
    let before = snapshot(&f.clips);
    let target = f.out.join("reel.mp4");
    let mut modes = Vec::new();
    let report =
        write_video(&entries, &target, false, &AtomicBool::new(false), &mut |p| modes.push(p.mode)).unwrap();
    assert_eq!(report.mode, Some(VideoMode::Copy));
    assert!(modes.iter().all(|m| *m == VideoMode::Copy) && !modes.is_empty());
    let sum = 2_800 + 1_800;
    let got = video_ms(&target);
    // A copy starts on the keyframe before each in-point: at most one
    // keyframe interval (1 s) early per moment, never short.
    assert!(
        got >= sum - FRAME_MS && got <= sum + 2 * 1000,
        "copied reel is {got} ms for {sum} ms of moments"
    );
    let chapters = probe(&target, &["-show_chapters"]);
    let chapters = chapters["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), 2);
    assert_eq!(chapters[0]["tags"]["title"], "clip 1 — horse ride");
    assert_eq!(chapters[1]["tags"]["title"], "clip 2 — laugh");
    assert_eq!(before, snapshot(&f.clips), "a clip was changed");
    assert_eq!(names_in(&f.out), vec!["reel.mp4"], "something besides the reel was left");
}

#[test]
fn a_reel_that_needs_cuts_between_keyframes_is_reencoded_to_the_frame() {
    let Some(mut f) = clips() else { return };
    let first = f.marker(f.c, 4_500, 6_500, "between keyframes");
    let second = f.marker(f.d, 1_000, 2_600, "bigger clip");
    let entries = f.entries(&[first, second]);
    let before = snapshot(&f.clips);
    let target = f.out.join("reel.mkv");
    let report = write_video(&entries, &target, false, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(report.mode, Some(VideoMode::Reencode));
    let sum = 2_000 + 1_600;
    let got = video_ms(&target);
    assert!((got - sum).abs() <= FRAME_MS, "re-encoded reel is {got} ms for {sum} ms of moments");
    let streams = probe(&target, &["-show_entries", "stream=codec_name,width,height"]);
    assert_eq!(streams["streams"][0]["codec_name"], "h264");
    assert_eq!(
        (streams["streams"][0]["width"].as_i64(), streams["streams"][0]["height"].as_i64()),
        (Some(320), Some(240))
    );
    assert_eq!(streams["streams"][1]["codec_name"], "aac");
    assert_eq!(probe(&target, &["-show_chapters"])["chapters"].as_array().unwrap().len(), 2);
    assert_eq!(before, snapshot(&f.clips));
    assert_eq!(names_in(&f.out), vec!["reel.mkv"]);
}

#[test]
fn outputs_are_never_written_over_without_force_and_never_over_a_clip() {
    let Some(mut f) = clips() else { return };
    let marker = f.marker(f.a, 1_000, 2_000, "m");
    let entries = f.entries(&[marker]);
    let before = snapshot(&f.clips);
    let target = f.out.join("reel.m3u8");
    std::fs::write(&target, "mine").unwrap();
    let error = write_playlist(&entries, PlaylistFormat::M3u8, &target, false).unwrap_err();
    assert_eq!(error.kind(), outtake_core::ErrorKind::OutputExists);
    assert_eq!(std::fs::read(&target).unwrap(), b"mine");
    write_playlist(&entries, PlaylistFormat::M3u8, &target, true).unwrap();
    assert!(std::fs::read(&target).unwrap().starts_with(b"#EXTM3U\n"));
    // A clip as the target: refused even when forced.
    let clip = f.clips.join("a.mp4");
    let error = write_video(&entries, &clip, true, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert!(error.to_string().contains("one of the clips"), "{error}");
    // A cancelled job leaves nothing.
    let cancelled = AtomicBool::new(true);
    let error = write_video(&entries, &f.out.join("v.mp4"), false, &cancelled, &mut |_| {}).unwrap_err();
    assert_eq!(error.kind(), outtake_core::ErrorKind::Cancelled);
    assert_eq!(names_in(&f.out), vec!["reel.m3u8"]);
    assert_eq!(before, snapshot(&f.clips));
}

/// What mpv (headless, as fast as it decodes) printed while playing `playlist`.
fn mpv_log(playlist: &Path, extra: &[&str]) -> Option<Vec<u8>> {
    let output = Command::new("mpv")
        .args([
            "--no-config",
            "--vo=null",
            "--ao=null",
            "--ao-null-untimed",
            "--untimed",
            "--msg-level=all=v",
        ])
        .args(extra)
        .arg(playlist)
        .output();
    match output {
        Ok(output) => Some([output.stdout, output.stderr].concat()),
        Err(_) => {
            eprintln!("mpv is not installed: skipped");
            None
        }
    }
}

#[test]
fn mpv_plays_the_edl_ranges_and_every_m3u8_entry() {
    let Some(mut f) = clips() else { return };
    let first = f.marker(f.a, 2_000, 5_000, "one");
    let second = f.marker(f.b, 7_500, 9_500, "two");
    let entries = f.entries(&[first, second]);
    let before = snapshot(&f.clips);
    let edl = f.out.join("reel.edl");
    write_playlist(&entries, PlaylistFormat::Edl, &edl, false).unwrap();
    let Some(log) = mpv_log(&edl, &[]) else { return };
    let log = String::from_utf8_lossy(&log);
    // `[timeline]   0:     0.000000 -     3.000000 [    2.000000]`: where in the
    // reel, and (in brackets) where in its clip each segment plays.
    let segments: Vec<(f64, f64, f64)> = log
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("[timeline]")?.trim();
            let (_, times) = rest.split_once(": ")?;
            let (range, source) = times.split_once('[')?;
            let (from, to) = range.split_once(" - ")?;
            let (at, _) = source.split_once(']')?;
            Some((from.trim().parse().ok()?, to.trim().parse().ok()?, at.trim().parse().ok()?))
        })
        .collect();
    assert_eq!(segments, vec![(0.0, 3.0, 2.0), (3.0, 5.0, 7.5)], "mpv's log:\n{log}");
    assert!(!log.contains("Cannot open file"), "mpv could not open a clip:\n{log}");
    let m3u8 = f.out.join("reel.m3u8");
    write_playlist(&entries, PlaylistFormat::M3u8, &m3u8, false).unwrap();
    // Debian 12's mpv (0.35) ignores #EXTVLCOPT: it plays every entry (each
    // whole), in order, each from its exact bytes.
    let Some(log) = mpv_log(&m3u8, &[]) else { return };
    let played: Vec<&[u8]> =
        log.split(|b| *b == b'\n').filter_map(|l| l.strip_prefix(b"Playing: ")).collect();
    let shown = String::from_utf8_lossy(&log);
    assert_eq!(played.len(), 2, "mpv's log:\n{shown}");
    assert!(played[0].ends_with(b"/clips/a.mp4"));
    assert!(played[1].ends_with(b"/clips/b \xc7\xd1\xb1\xdb.mp4"), "{}", String::from_utf8_lossy(played[1]));
    assert!(!shown.contains("Cannot open file"), "mpv could not open a clip:\n{shown}");
    assert_eq!(before, snapshot(&f.clips));
}

fn cut_request(
    f: &Clips,
    clip: i64,
    start_ms: i64,
    end_ms: i64,
    format: CutFormat,
    size: CutSize,
    fps: u32,
) -> CutRequest {
    let plan = f.lib.cut_range(clip, start_ms, end_ms).unwrap();
    CutRequest { source: plan.source, start_ms, end_ms, format, size, fps, subtitles: Vec::new() }
}

#[test]
fn a_cut_mp4_lasts_its_moment_to_the_frame_and_is_never_enlarged() {
    let Some(f) = clips() else { return };
    let before = snapshot(&f.clips);
    let target = f.out.join("cut.mp4");
    let request = cut_request(&f, f.d, 3_300, 5_700, CutFormat::Mp4, CutSize::P240, 0);
    let mut last = 0.0;
    cut(&request, &target, false, &AtomicBool::new(false), &mut |p| last = p).unwrap();
    assert_eq!(last, 1.0);
    assert!((video_ms(&target) - 2_400).abs() <= FRAME_MS, "{} ms", video_ms(&target));
    let stream = &probe(
        &target,
        &["-select_streams", "v:0", "-show_entries", "stream=width,height,codec_name"],
    )["streams"][0];
    assert_eq!((stream["width"].as_i64(), stream["height"].as_i64()), (Some(320), Some(240)));
    let small = f.out.join("small.mp4");
    cut(
        &cut_request(&f, f.a, 0, 1_000, CutFormat::Mp4, CutSize::P720, 0),
        &small,
        false,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let stream =
        &probe(&small, &["-select_streams", "v:0", "-show_entries", "stream=width,height"])["streams"][0];
    assert_eq!((stream["width"].as_i64(), stream["height"].as_i64()), (Some(320), Some(240)));
    assert_eq!(before, snapshot(&f.clips));
    assert_eq!(names_in(&f.out), vec!["cut.mp4", "small.mp4"]);
}

#[test]
fn a_gif_has_the_presets_frame_count_and_size() {
    let Some(f) = clips() else { return };
    let target = f.out.join("moment.gif");
    cut(
        &cut_request(&f, f.d, 1_000, 3_000, CutFormat::Gif, CutSize::P240, 10),
        &target,
        false,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let stream =
        &probe(&target, &["-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames"])
            ["streams"][0];
    assert_eq!(stream["codec_name"], "gif");
    assert_eq!((stream["width"].as_i64(), stream["height"].as_i64()), (Some(320), Some(240)));
    assert_eq!(stream["nb_read_frames"], "20");
}

/// An animated WebP's canvas size and frame count, read from its RIFF chunks
/// (ffmpeg's WebP decoder does not read animations).
fn webp_frames(path: &Path) -> (u32, u32, usize) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!((&bytes[0..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
    let (mut at, mut canvas, mut frames) = (12, (0, 0), 0);
    while at + 8 <= bytes.len() {
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let body = &bytes[at + 8..];
        let u24 = |b: &[u8]| u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
        match &bytes[at..at + 4] {
            b"VP8X" => canvas = (u24(&body[4..7]) + 1, u24(&body[7..10]) + 1),
            b"ANMF" => frames += 1,
            _ => {}
        }
        at += 8 + size + size % 2;
    }
    (canvas.0, canvas.1, frames)
}

#[test]
fn a_webp_has_the_presets_frame_count_and_size_with_a_hangul_line_burned_in() {
    let Some(f) = clips() else { return };
    let plain = f.out.join("plain.webp");
    let request = cut_request(&f, f.d, 2_000, 4_000, CutFormat::Webp, CutSize::P360, 15);
    cut(&request, &plain, false, &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(webp_frames(&plain), (480, 360, 30));
    // The same moment with a line: the same frames, different pictures at the foot.
    let lined = f.out.join("lined.mp4");
    let line = CueLine { start_ms: 1_500, end_ms: 5_000, text: "말 타는 장면 촬영 중".into() };
    let mp4 = |subtitles: Vec<CueLine>, target: &Path| {
        let request =
            CutRequest { format: CutFormat::Mp4, size: CutSize::P360, subtitles, ..request.clone() };
        cut(&request, target, false, &AtomicBool::new(false), &mut |_| {}).unwrap();
    };
    mp4(vec![line], &lined);
    let bare = f.out.join("bare.mp4");
    mp4(Vec::new(), &bare);
    let frame = |path: &Path| {
        let out = Command::new("ffmpeg")
            .args(["-v", "error", "-ss", "1", "-i"])
            .arg(path)
            .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", "-"])
            .output()
            .unwrap();
        out.stdout
    };
    let (with, without) = (frame(&lined), frame(&bare));
    assert_eq!(with.len(), 480 * 360);
    let differ = |rows: std::ops::Range<usize>| {
        rows.flat_map(|y| (0..480).map(move |x| y * 480 + x))
            .filter(|&i| with[i].abs_diff(without[i]) > 60)
            .count()
    };
    let (top, foot) = (differ(0..120), differ(240..360));
    assert!(foot > 500 && top < 50, "pixels changed by the line: {foot} at the foot, {top} at the top");
}

/// A 200 KiB tmpfs, unmounted when dropped; None where this user may not mount.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: PathBuf) -> Option<SmallDisk> {
        std::fs::create_dir_all(&at).unwrap();
        let mounted =
            Command::new("mount").args(["-t", "tmpfs", "-o", "size=200k", "tmpfs"]).arg(&at).output();
        match mounted {
            Ok(output) if output.status.success() => Some(SmallDisk(at)),
            _ => {
                eprintln!("cannot mount a small tmpfs here (not root?): skipped");
                None
            }
        }
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_leaves_no_half_file() {
    let Some(mut f) = clips() else { return };
    let Some(disk) = SmallDisk::mount(f.out.join("small")) else { return };
    let before = snapshot(&f.clips);
    let request = cut_request(&f, f.d, 0, 10_000, CutFormat::Mp4, CutSize::Original, 0);
    let error =
        cut(&request, &disk.0.join("cut.mp4"), false, &AtomicBool::new(false), &mut |_| {}).unwrap_err();
    assert_eq!(error.kind(), outtake_core::ErrorKind::DiskFull, "{error}");
    let marker = f.marker(f.d, 0, 10_000, "all of it");
    let entries = f.entries(&[marker]);
    let error = write_video(&entries, &disk.0.join("reel.mkv"), false, &AtomicBool::new(false), &mut |_| {})
        .unwrap_err();
    assert_eq!(error.kind(), outtake_core::ErrorKind::DiskFull, "{error}");
    assert!(names_in(&disk.0).is_empty(), "left on the full disk: {:?}", names_in(&disk.0));
    assert_eq!(before, snapshot(&f.clips));
}
