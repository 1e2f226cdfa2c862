//! The server through real sockets: Range, HEAD, and every way a request is refused.

use std::path::PathBuf;

use outtake_core::{ClipInput, FileInput, FileStatus, Library};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::MediaServer;

const OSHASH: &str = "0123456789abcdef";

/// A library with one clip whose only copy holds the bytes 0..=255 repeated.
struct Fixture {
    _dir: tempfile::TempDir,
    library: PathBuf,
    video: PathBuf,
    clip: i64,
    gone: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("clip [abc].mp4");
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i % 256) as u8).collect();
    std::fs::write(&video, &bytes).unwrap();
    let library_path = dir.path().join("library.db");
    let mut library = Library::open(&library_path).unwrap();
    let file = |path: &PathBuf, status| FileInput {
        path: path.display().to_string(),
        size: 4096,
        oshash: Some(OSHASH.to_string()),
        status: Some(status),
        ..Default::default()
    };
    let clip = library
        .add_clip(&ClipInput {
            title: "Making-of".into(),
            files: vec![file(&video, FileStatus::Present)],
            ..Default::default()
        })
        .unwrap();
    let missing = dir.path().join("gone.mp4");
    let gone = library
        .add_clip(&ClipInput {
            title: "Gone".into(),
            files: vec![file(&missing, FileStatus::Missing)],
            ..Default::default()
        })
        .unwrap();
    Fixture { _dir: dir, library: library_path, video, clip, gone }
}

/// The status line, headers (lowercase names) and body of one HTTP/1.1 exchange.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

async fn request(server: &MediaServer, method: &str, path: &str, extra: &[(&str, &str)]) -> Answer {
    let host = server.address().to_string();
    request_as(server, &host, method, path, extra).await
}

async fn request_as(
    server: &MediaServer,
    host: &str,
    method: &str,
    path: &str,
    extra: &[(&str, &str)],
) -> Answer {
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in extra {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    exchange(server, text).await
}

/// A GET of `target` with one Host header per entry of `hosts`, in order.
async fn raw_request(server: &MediaServer, target: &str, hosts: &[&str]) -> Answer {
    let mut text = format!("GET {target} HTTP/1.1\r\nConnection: close\r\n");
    for host in hosts {
        text.push_str(&format!("Host: {host}\r\n"));
    }
    exchange(server, text).await
}

/// Sends a request head (without its closing blank line) on a new connection
/// and reads the answer to the end.
async fn exchange(server: &MediaServer, mut text: String) -> Answer {
    let mut stream = tokio::net::TcpStream::connect(server.address()).await.unwrap();
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete head") + 4;
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer { status, headers, body: raw[split..].to_vec() }
}

fn path_of(server: &MediaServer, rest: &str) -> String {
    let secret = server.base().rsplit('/').next().unwrap().to_string();
    format!("/{secret}{rest}")
}

#[tokio::test]
async fn plays_a_clip_with_ranges() {
    let fixture = fixture();
    let server = MediaServer::start(&fixture.library).await.unwrap();
    assert!(server.base().starts_with("http://127.0.0.1:"), "{}", server.base());
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));

    let whole = request(&server, "GET", &url, &[]).await;
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body, std::fs::read(&fixture.video).unwrap());
    assert_eq!(whole.header("content-type"), Some("video/mp4"));
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));

    let part = request(&server, "GET", &url, &[("Range", "bytes=256-511")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-range"), Some("bytes 256-511/4096"));
    assert_eq!(part.body, (0..=255u8).collect::<Vec<_>>());

    let tail = request(&server, "GET", &url, &[("Range", "bytes=4000-")]).await;
    assert_eq!((tail.status, tail.body.len()), (206, 96));

    let beyond = request(&server, "GET", &url, &[("Range", "bytes=9000-")]).await;
    assert_eq!(beyond.status, 416);

    let head = request(&server, "HEAD", &url, &[]).await;
    assert_eq!((head.status, head.header("content-length"), head.body.len()), (200, Some("4096"), 0));
}

#[tokio::test]
async fn refuses_what_is_not_a_present_library_file() {
    let fixture = fixture();
    let server = MediaServer::start(&fixture.library).await.unwrap();
    let cases = [
        ("/0000/clip/1/video".to_string(), 404),
        (path_of(&server, "/clip/999/video"), 404),
        (path_of(&server, &format!("/clip/{}/video", fixture.gone)), 404),
        (path_of(&server, &format!("/clip/{}/thumb", fixture.clip)), 404),
        (path_of(&server, "/marker/1/thumb"), 404),
        (path_of(&server, "/clip/abc/video"), 400),
        (path_of(&server, "/clip/1/../../etc/passwd"), 404),
        (path_of(&server, "/file/%2Fetc%2Fpasswd"), 404),
        ("/".to_string(), 404),
    ];
    for (path, status) in cases {
        let answer = request(&server, "GET", &path, &[]).await;
        assert_eq!(answer.status, status, "GET {path}");
    }
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    let posted = request(&server, "POST", &url, &[("Content-Length", "0")]).await;
    assert_eq!(posted.status, 405);
    let rebound = request_as(&server, "evil.example:80", "GET", &url, &[]).await;
    assert_eq!(rebound.status, 403);
}

/// DNS rebinding with a second Host header, in either order, or with the
/// page's own name in an absolute-form target: only one Host, ours, passes.
#[tokio::test]
async fn refuses_any_host_but_exactly_one_of_its_own() {
    let fixture = fixture();
    let server = MediaServer::start(&fixture.library).await.unwrap();
    let ours = server.address().to_string();
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    let absolute = format!("http://evil.example{url}");
    let ours_absolute = format!("http://{ours}{url}");
    let cases: [(&str, &str, &[&str], u16); 8] = [
        ("one, ours", &url, &[ours.as_str()], 200),
        ("ours, then another", &url, &[ours.as_str(), "evil.example"], 403),
        ("another, then ours", &url, &["evil.example", ours.as_str()], 403),
        ("ours twice", &url, &[ours.as_str(), ours.as_str()], 403),
        ("none", &url, &[], 403),
        ("ours on another port", &url, &["127.0.0.1:1"], 403),
        ("ours, target names another", &absolute, &[ours.as_str()], 403),
        ("ours, target names ours", &ours_absolute, &[ours.as_str()], 200),
    ];
    let mut wrong = Vec::new();
    for (case, target, hosts, status) in cases {
        let answer = raw_request(&server, target, hosts).await;
        if answer.status != status {
            wrong.push(format!("{case}: {} instead of {status}", answer.status));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn serves_a_poster_once_one_is_made() {
    let fixture = fixture();
    let library = Library::open(&fixture.library).unwrap();
    let poster = library.clip_thumbnail(OSHASH).unwrap();
    std::fs::create_dir_all(poster.parent().unwrap()).unwrap();
    std::fs::write(&poster, b"\xff\xd8\xff\xe0 jpeg").unwrap();
    let server = MediaServer::start(&fixture.library).await.unwrap();
    let answer =
        request(&server, "GET", &path_of(&server, &format!("/clip/{}/thumb", fixture.clip)), &[]).await;
    assert_eq!((answer.status, answer.header("content-type")), (200, Some("image/jpeg")));
    assert_eq!(answer.body, b"\xff\xd8\xff\xe0 jpeg");
}
