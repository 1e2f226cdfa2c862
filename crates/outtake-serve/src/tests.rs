//! The server through real sockets: Range, HEAD, every way a request is
//! refused, and the limits on what a client can hold (conversions, which
//! need ffmpeg, in `tests/conversions.rs`).

mod conversions;

use std::path::PathBuf;
use std::time::Duration;

use outtake_core::{ClipInput, FileInput, FileStatus, Library, StoredPath};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{Limits, MediaServer};

const OSHASH: &str = "0123456789abcdef";

/// Far longer than anything the server does within milliseconds should take,
/// even on a busy machine: only a server that never does it waits this long.
const PATIENCE: Duration = Duration::from_secs(10);

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
        path: StoredPath::from_path(path),
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
async fn exchange(server: &MediaServer, text: String) -> Answer {
    let mut stream = send(server, text).await;
    answer_to_the_end(&mut stream).await
}

/// Opens a connection and sends a request head, adding its closing blank line.
async fn send(server: &MediaServer, mut text: String) -> TcpStream {
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).await.unwrap();
    stream
}

/// The answer on a connection the server closes after it.
async fn answer_to_the_end(stream: &mut TcpStream) -> Answer {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    parse(&raw).expect("a complete head").0
}

/// Reads one answer from a connection that stays open: its head, then as
/// many bytes as its Content-Length says. `raw` carries bytes read past the
/// answer over to the next call.
async fn read_answer(stream: &mut TcpStream, raw: &mut Vec<u8>) -> Answer {
    loop {
        if let Some((mut answer, head)) = parse(raw) {
            let length: usize = answer.header("content-length").map_or(0, |l| l.parse().unwrap());
            if answer.body.len() >= length {
                answer.body.truncate(length);
                raw.drain(..head + length);
                return answer;
            }
        }
        let mut chunk = [0u8; 4096];
        let read = stream.read(&mut chunk).await.unwrap();
        assert!(read > 0, "the connection closed mid-answer");
        raw.extend_from_slice(&chunk[..read]);
    }
}

/// The answer at the start of `raw` (its body is everything after the head)
/// and the length of its head, once the head is complete.
fn parse(raw: &[u8]) -> Option<(Answer, usize)> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some((Answer { status, headers, body: raw[split..].to_vec() }, split))
}

/// A connection that sends part of a request head, then nothing.
async fn stall(server: &MediaServer) -> TcpStream {
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    let text = format!("GET /x HTTP/1.1\r\nHost: {}\r\n", server.address());
    stream.write_all(text.as_bytes()).await.unwrap();
    stream
}

/// Whether the server closes `stream` within [`PATIENCE`] (after whatever
/// error answer it cares to send).
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    match tokio::time::timeout(PATIENCE, stream.read_to_end(&mut rest)).await {
        Ok(Ok(_)) => true,
        Ok(Err(error)) => error.kind() == std::io::ErrorKind::ConnectionReset,
        Err(_elapsed) => false,
    }
}

/// Limits for tests that wait out the header read timeout.
fn impatient(connections: usize) -> Limits {
    Limits { connections, header_read_timeout: Duration::from_millis(200) }
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
async fn plays_a_clip_whose_name_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    // `홍천기 메이킹.mp4` as a Windows archive names it: CP949 bytes.
    let name = [b"\xc8\xab\xc3\xb5\xb1\xe2 \xb8\xde\xc0\xcc\xc5\xb7".as_slice(), b".mp4"].concat();
    let video = dir.path().join(std::ffi::OsStr::from_bytes(&name));
    let bytes: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 256) as u8).collect();
    std::fs::write(&video, &bytes).unwrap();
    let library_path = dir.path().join("library.db");
    let mut library = Library::open(&library_path).unwrap();
    let path = StoredPath::from_path(&video);
    assert_eq!(path.text(), dir.path().join("홍천기 메이킹.mp4").to_str().unwrap());
    let file = FileInput { path, size: 2048, oshash: Some(OSHASH.into()), ..Default::default() };
    let clip = library
        .add_clip(&ClipInput { title: "홍천기".into(), files: vec![file], ..Default::default() })
        .unwrap();
    drop(library);
    let server = MediaServer::start(&library_path).await.unwrap();
    let answer = request(&server, "GET", &path_of(&server, &format!("/clip/{clip}/video")), &[]).await;
    assert_eq!((answer.status, answer.body), (200, bytes));
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

/// A client that connects and says nothing, or sends half a request head,
/// loses its connection after the header read timeout, and its slot goes to
/// the next client.
#[tokio::test]
async fn closes_a_connection_whose_request_head_never_ends() {
    let fixture = fixture();
    let server = MediaServer::start_with(&fixture.library, impatient(2)).await.unwrap();
    let mut silent = TcpStream::connect(server.address()).await.unwrap();
    let mut halfway = stall(&server).await;
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    // Both slots are taken until those two time out; then this is answered.
    let answer = tokio::time::timeout(PATIENCE, request(&server, "GET", &url, &[]))
        .await
        .expect("answered once a stalled connection timed out");
    assert_eq!(answer.status, 200);
    assert!(closed_by_server(&mut silent).await, "the silent connection is still open");
    assert!(closed_by_server(&mut halfway).await, "the half-sent head is still open");
}

/// A keep-alive connection answers one request after another, and is closed
/// once it has sat idle for the header read timeout.
#[tokio::test]
async fn closes_a_keep_alive_connection_left_idle() {
    let fixture = fixture();
    let server = MediaServer::start_with(&fixture.library, impatient(Limits::CONNECTIONS)).await.unwrap();
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    let ranged = |range: &str| {
        format!("GET {url} HTTP/1.1\r\nHost: {}\r\nRange: bytes={range}\r\n\r\n", server.address())
    };
    // Both requests in one write, so no idle gap between them can run out
    // the timeout on a slow machine.
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream.write_all((ranged("0-9") + &ranged("10-19")).as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let first = read_answer(&mut stream, &mut raw).await;
    let second = read_answer(&mut stream, &mut raw).await;
    assert_eq!((first.status, first.body), (206, (0..10).collect::<Vec<u8>>()));
    assert_eq!((second.status, second.body), (206, (10..20).collect::<Vec<u8>>()));
    assert!(closed_by_server(&mut stream).await, "the idle connection is still open");
}

/// Past its cap the server accepts nothing more, so a crowd of stalled
/// clients holds only that many of the app's sockets; once they hang up, a
/// request that waited behind them is answered and nothing stays open.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn holds_no_more_connections_than_its_cap() {
    let fixture = fixture();
    // No head times out during the test: only the cap can bound the count.
    let limits = Limits { connections: 4, header_read_timeout: PATIENCE * 3 };
    let server = MediaServer::start_with(&fixture.library, limits).await.unwrap();
    let port = server.address().port();
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(stall(&server).await);
    }
    assert!(eventually(|| held_sockets(port) >= 4).await, "the server took fewer than its cap");
    // A server without a cap takes the other sixteen within microseconds.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(held_sockets(port), 4);

    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    let text = format!("GET {url} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", server.address());
    let mut waiting = send(&server, text).await;
    drop(stalled);
    let answer = tokio::time::timeout(PATIENCE, answer_to_the_end(&mut waiting))
        .await
        .expect("answered once the stalled clients hung up");
    assert_eq!(answer.status, 200);
    assert!(eventually(|| held_sockets(port) == 0).await, "{} sockets still held", held_sockets(port));
}

/// Whether `condition` holds within [`PATIENCE`], checked every 10 ms while
/// the server runs.
#[cfg(target_os = "linux")]
async fn eventually(condition: impl Fn() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !condition() {
        if tokio::time::Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

/// The connected sockets this process holds on the server's side of `port`:
/// what the cap bounds. Linux lists every TCP socket in `/proc/net/tcp` with
/// its inode (0 while it waits unaccepted in the kernel's queue); ours are
/// the `socket:[inode]` links in `/proc/self/fd`. Client sockets have
/// another local port, and the listener is in state 0A (LISTEN).
#[cfg(target_os = "linux")]
fn held_sockets(port: u16) -> usize {
    let ours: std::collections::HashSet<String> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|link| Some(link.to_str()?.strip_prefix("socket:[")?.strip_suffix(']')?.to_string()))
        .collect();
    let local_port = format!(":{port:04X}");
    std::fs::read_to_string("/proc/net/tcp")
        .unwrap()
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect::<Vec<_>>())
        .filter(|fields| fields[1].ends_with(&local_port) && fields[3] != "0A" && ours.contains(fields[9]))
        .count()
}

/// Dropping the server stops it: it accepts no more connections and closes
/// the ones waiting for a request, without waiting out their timeout.
#[tokio::test]
async fn stops_when_dropped() {
    let fixture = fixture();
    let limits = Limits { connections: 4, header_read_timeout: PATIENCE * 3 };
    let server = MediaServer::start_with(&fixture.library, limits).await.unwrap();
    let address = server.address();
    let mut idle = TcpStream::connect(address).await.unwrap();
    let url = path_of(&server, &format!("/clip/{}/video", fixture.clip));
    assert_eq!(request(&server, "GET", &url, &[]).await.status, 200);
    drop(server);
    assert!(closed_by_server(&mut idle).await, "an idle connection outlived the server");
    assert!(TcpStream::connect(address).await.is_err(), "the server still accepts connections");
}

/// A storyboard (index and sheets) is served by clip id once made; serving
/// the index marks it viewed; a sheet it lacks, or a clip without one, is 404.
#[tokio::test]
async fn serves_a_storyboard_by_clip_id_and_marks_it_viewed() {
    use outtake_core::import::boards::{Made, Storyboard};
    let fixture = fixture();
    let library = Library::open(&fixture.library).unwrap();
    let folder = library.storyboard_dir(OSHASH).unwrap();
    std::fs::create_dir_all(&folder).unwrap();
    let board = Storyboard {
        version: outtake_core::import::boards::INDEX_VERSION,
        interval_ms: 2_000,
        tile_width: 160,
        tile_height: 90,
        columns: 10,
        rows: 10,
        tiles: 3,
        sheets: 1,
        duration_ms: Some(6_000),
        keyframes_only: true,
        partial: false,
    };
    std::fs::write(folder.join("index.json"), serde_json::to_vec(&board).unwrap()).unwrap();
    std::fs::write(folder.join("0.jpg"), b"\xff\xd8\xff\xe0 sheet").unwrap();
    library
        .record_storyboard(OSHASH, Ok(&Made { storyboard: board.clone(), bytes: 10, problem: None }))
        .unwrap();
    assert_eq!(library.storyboard_state(fixture.clip).unwrap().unwrap().viewed_at, None);
    let server = MediaServer::start(&fixture.library).await.unwrap();

    let index =
        request(&server, "GET", &path_of(&server, &format!("/clip/{}/storyboard", fixture.clip)), &[]).await;
    assert_eq!((index.status, index.header("content-type")), (200, Some("application/json")));
    assert_eq!(index.header("cache-control"), Some("no-cache"));
    assert!(index.header("last-modified").is_some());
    assert_eq!(serde_json::from_slice::<Storyboard>(&index.body).unwrap(), board);
    let viewed = library.storyboard_state(fixture.clip).unwrap().unwrap().viewed_at;
    assert!(viewed.is_some(), "serving the index marks the storyboard viewed");

    let sheet =
        request(&server, "GET", &path_of(&server, &format!("/clip/{}/storyboard/0", fixture.clip)), &[])
            .await;
    assert_eq!((sheet.status, sheet.header("content-type")), (200, Some("image/jpeg")));
    assert_eq!(sheet.body, b"\xff\xd8\xff\xe0 sheet");
    let head =
        request(&server, "HEAD", &path_of(&server, &format!("/clip/{}/storyboard/0", fixture.clip)), &[])
            .await;
    assert_eq!((head.status, head.body.len()), (200, 0));

    for (what, path, status) in [
        ("a sheet it lacks", format!("/clip/{}/storyboard/1", fixture.clip), 404),
        ("no such clip", "/clip/999/storyboard".to_string(), 404),
        ("a sheet named by a path", format!("/clip/{}/storyboard/..%2Findex.json", fixture.clip), 400),
    ] {
        let answer = request(&server, "GET", &path_of(&server, &path), &[]).await;
        assert_eq!(answer.status, status, "{what}");
    }
    let wrong = format!("/{}/clip/{}/storyboard", "0".repeat(32), fixture.clip);
    assert_eq!(request(&server, "GET", &wrong, &[]).await.status, 404, "the secret is checked");
}
