//! Conversions through real sockets, on clips ffmpeg makes: the stream from
//! the time asked, two asks for one stream both whole, at most two running,
//! and ffmpeg stopped when its player leaves.

use super::*;

/// A VP9 clip of `seconds` made by ffmpeg (a test picture, a tone), in a
/// library of its own; `None` where ffmpeg is not installed. Long clips are
/// one short clip copied end to end (fast to make, slow to convert).
fn vp9_library(seconds: u32) -> Option<(tempfile::TempDir, PathBuf, i64)> {
    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short.webm");
    let made = std::process::Command::new("ffmpeg")
        .args([
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25:duration=2",
        ])
        .args([
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=2",
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
        ])
        .args(["-c:a", "libopus"])
        .arg(&short)
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: ffmpeg cannot make a VP9 clip here");
        return None;
    }
    let video = dir.path().join("making-of [vp9].webm");
    let copies = (seconds / 2).max(1) - 1;
    let status = std::process::Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-stream_loop", &copies.to_string(), "-i"])
        .arg(&short)
        .args(["-c", "copy"])
        .arg(&video)
        .status()
        .unwrap();
    assert!(status.success());
    let library_path = dir.path().join("library.db");
    let mut library = Library::open(&library_path).unwrap();
    let clip = library
        .add_clip(&ClipInput {
            title: "VP9 making-of".into(),
            files: vec![FileInput {
                path: StoredPath::from_path(&video),
                size: std::fs::metadata(&video).unwrap().len() as i64,
                oshash: Some(OSHASH.to_string()),
                status: Some(FileStatus::Present),
                ..Default::default()
            }],
            ..Default::default()
        })
        .unwrap();
    Some((dir, library_path, clip))
}

/// The ffmpeg processes this test process started that are still running.
#[cfg(target_os = "linux")]
fn ffmpeg_children() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path().join("stat")).ok())
        .filter(|stat| {
            // pid (comm) state ppid ...
            let Some((comm, rest)) = stat.split_once(") ") else { return false };
            let ppid = rest.split_whitespace().nth(1);
            comm.ends_with("(ffmpeg") && ppid == Some(me.as_str()) && !rest.starts_with('Z')
        })
        .count()
}

/// A clip the window cannot decode comes back as H.264/AAC in MP4 from the
/// time asked for, as ffmpeg writes it; the file itself is only read.
#[tokio::test]
async fn converts_a_clip_from_the_time_asked() {
    let Some((dir, library, clip)) = vp9_library(4) else { return };
    let before = std::fs::read(dir.path().join("making-of [vp9].webm")).unwrap();
    let server = MediaServer::start(&library).await.unwrap();
    let url = path_of(&server, &format!("/clip/{clip}/converted?t=1.5"));
    // HTTP/1.0: the body runs to the end of the connection (it has no length).
    let text = format!("GET {url} HTTP/1.0\r\nHost: {}\r\n", server.address());
    let answer = exchange(&server, text).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("content-type"), Some("video/mp4"));
    assert_eq!(&answer.body[4..8], b"ftyp");
    let out = dir.path().join("converted.mp4");
    std::fs::write(&out, &answer.body).unwrap();
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "stream=codec_name:format=duration", "-of", "csv=p=0"])
        .arg(&out)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&probe.stdout);
    assert!(said.contains("h264") && said.contains("aac"), "ffprobe says {said}");
    let duration: f64 = said.lines().last().unwrap().trim().parse().unwrap();
    assert!((duration - 2.5).abs() < 0.2, "converted from 1.5 s of 4 s, it lasts {duration} s");
    assert_eq!(std::fs::read(dir.path().join("making-of [vp9].webm")).unwrap(), before);

    let bad = path_of(&server, &format!("/clip/{clip}/converted?t=-3"));
    assert_eq!(request(&server, "GET", &bad, &[]).await.status, 400);
    let past = request(&server, "GET", &url, &[("Range", "bytes=1000-")]).await;
    assert_eq!((past.status, past.header("accept-ranges")), (416, Some("none")), "a range past byte 0");
    let missing = path_of(&server, "/clip/999/converted");
    assert_eq!(request(&server, "GET", &missing, &[]).await.status, 404);
}

/// The window's player may ask for a stream twice, the second time while it
/// still reads the first (WebKit's source asks again, with `Range: bytes=0-`):
/// both get the whole stream, neither is cut short by the other.
#[tokio::test]
async fn a_second_ask_for_the_same_stream_leaves_the_first_whole() {
    let Some((dir, library, clip)) = vp9_library(30) else { return };
    let server = MediaServer::start(&library).await.unwrap();
    let url = path_of(&server, &format!("/clip/{clip}/converted?t=0"));
    let head = format!("GET {url} HTTP/1.0\r\nHost: {}\r\n", server.address());
    let mut first = send(&server, head.clone()).await;
    let mut first_raw = started(&mut first).await;
    let mut second = send(&server, format!("{head}Range: bytes=0-\r\n")).await;
    let mut second_raw = started(&mut second).await;
    let (a, b) = tokio::join!(first.read_to_end(&mut first_raw), second.read_to_end(&mut second_raw));
    a.unwrap();
    b.unwrap();
    let mut fragments = Vec::new();
    for (which, raw) in [("first", first_raw), ("second", second_raw)] {
        let answer = parse(&raw).expect("a complete head").0;
        assert_eq!(answer.status, 200, "the {which} stream");
        let boxes = mp4_boxes(&answer.body).unwrap_or_else(|problem| {
            panic!("the {which} stream ({} bytes) is cut short: {problem}", answer.body.len())
        });
        fragments.push(boxes.iter().filter(|name| name.as_str() == "moof").count());
        let out = dir.path().join(format!("{which}.mp4"));
        std::fs::write(&out, &answer.body).unwrap();
        let duration = probed_duration(&out);
        assert!((duration - 30.0).abs() < 0.5, "the {which} stream lasts {duration} s of 30");
    }
    assert_eq!(fragments[0], fragments[1], "both streams hold the same fragments");
}

/// What has come of an answer once its head and its body's first bytes have.
async fn started(stream: &mut TcpStream) -> Vec<u8> {
    let mut raw = Vec::new();
    while parse(&raw).is_none_or(|(answer, _)| answer.body.is_empty()) {
        let mut chunk = [0u8; 1024];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the answer ended before its body began: {raw:?}");
        raw.extend_from_slice(&chunk[..read]);
    }
    raw
}

/// The names of the top-level MP4 boxes that make up `bytes`, or how it is
/// cut short: a box runs past the end, or ffmpeg's last box is missing.
fn mp4_boxes(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let head = bytes.get(at..at + 8).ok_or(format!("a box head at byte {at} is cut"))?;
        let size = u32::from_be_bytes(head[..4].try_into().unwrap()) as usize;
        let name = String::from_utf8_lossy(&head[4..8]).into_owned();
        if size < 8 || at + size > bytes.len() {
            return Err(format!(
                "box {name:?} at byte {at} says {size} bytes, {} are left",
                bytes.len() - at
            ));
        }
        names.push(name);
        at += size;
    }
    // ffmpeg ends a fragmented MP4 with its fragments' index, even on a pipe.
    match (names.first().map(String::as_str), names.last().map(String::as_str)) {
        (Some("ftyp"), Some("mfra")) => Ok(names),
        _ => Err(format!("its boxes are {names:?}: not ftyp first and mfra last")),
    }
}

/// How long ffprobe says the video in `file` lasts, in seconds.
fn probed_duration(file: &std::path::Path) -> f64 {
    let probe = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0"])
        .arg(file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&probe.stdout);
    said.trim().parse().unwrap_or_else(|_| panic!("ffprobe says {said:?} of {}", file.display()))
}

/// At most two conversions run: a third stops the oldest, whose player sees
/// its stream cut off (no last chunk), not ended; a player that leaves (its
/// connection closes) stops its own ffmpeg.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn runs_two_conversions_at_most_and_stops_one_when_its_player_leaves() {
    let Some((_dir, library, clip)) = vp9_library(600) else { return };
    let server = MediaServer::start(&library).await.unwrap();
    let from = |t: u32| {
        let url = path_of(&server, &format!("/clip/{clip}/converted?t={t}"));
        format!("GET {url} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.address())
    };
    // Each player reads a little and then nothing: its ffmpeg waits on it.
    let mut first = send(&server, from(0)).await;
    let mut first_raw = started(&mut first).await;
    assert!(eventually(|| ffmpeg_children() == 1).await);
    let mut second = send(&server, from(300)).await;
    started(&mut second).await;
    assert!(eventually(|| ffmpeg_children() == 2).await, "the second ask stopped the first");
    // A third: the oldest stops, its stream cut off.
    let mut third = send(&server, from(500)).await;
    started(&mut third).await;
    let rest = tokio::time::timeout(PATIENCE, first.read_to_end(&mut first_raw)).await;
    assert!(rest.is_ok(), "the first conversion went on");
    let first_answer = parse(&first_raw).unwrap().0;
    assert_eq!(first_answer.header("transfer-encoding"), Some("chunked"));
    assert!(!first_raw.ends_with(b"0\r\n\r\n"), "the cut stream ended as if whole");
    assert!(eventually(|| ffmpeg_children() == 2).await);
    // The players leave, one after the other.
    drop(second);
    assert!(eventually(|| ffmpeg_children() == 1).await, "ffmpeg outlived its player");
    drop(third);
    assert!(eventually(|| ffmpeg_children() == 0).await, "ffmpeg outlived its player");
}
