//! Embedded metadata, chapters and cover art: files made by ffmpeg in each
//! container, and metadata boxes made to lie about their sizes.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

const TITLE: &str = "[홍천기 메이킹] 말 타는 장면 비하인드";
const URL: &str = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

fn ffmpeg(args: &[&str]) -> bool {
    Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// Two chapters in ffmpeg's metadata file format.
fn chapter_file(dir: &Path) -> PathBuf {
    let path = dir.join("chapters.txt");
    std::fs::write(
        &path,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Horse ride\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Tearful farewell\n",
    )
    .unwrap();
    path
}

/// A two-second clip of `name` carrying every tag, the chapters, and (where the
/// container holds one) a blue cover picture.
fn tagged(dir: &Path, name: &str) -> Option<PathBuf> {
    let chapters = chapter_file(dir);
    let cover = dir.join("cover.jpg");
    if !ffmpeg(&["-f", "lavfi", "-i", "color=c=blue:s=32x32", "-frames:v", "1", cover.to_str()?]) {
        eprintln!("ffmpeg is not installed: embedded metadata tests skipped");
        return None;
    }
    let path = dir.join(name);
    let ext = name.rsplit('.').next()?;
    let mut args: Vec<String> = ["-f", "lavfi", "-i", "testsrc2=s=64x48:d=2:r=10"].map(String::from).to_vec();
    let tags = [
        format!("title={TITLE}"),
        "artist=SBS Drama".into(),
        "date=20210914".into(),
        "description=Behind the scenes".into(),
        format!("comment={URL}"),
        format!("purl={URL}"),
    ];
    match ext {
        "mp4" => args.extend(["-i", cover.to_str()?].map(String::from)),
        "mov" | "mkv" | "webm" => {}
        _ => return None,
    }
    args.extend(["-i".into(), chapters.display().to_string()]);
    let chapters_input = if ext == "mp4" { "2" } else { "1" };
    args.extend(["-map", "0:v", "-map_chapters", chapters_input].map(String::from));
    match ext {
        "mp4" => args.extend(
            ["-map", "1:v", "-c:v:0", "libx264", "-c:v:1", "mjpeg", "-disposition:v:1", "attached_pic"]
                .map(String::from),
        ),
        // Without `use_metadata_tags` ffmpeg's MOV writer keeps no description.
        "mov" => args.extend(["-c:v", "libx264", "-movflags", "use_metadata_tags"].map(String::from)),
        "mkv" => args.extend(
            ["-c:v", "libx264", "-attach", cover.to_str()?, "-metadata:s:t", "mimetype=image/jpeg"]
                .map(String::from),
        ),
        _ => args.extend(["-c:v", "libvpx", "-b:v", "100k"].map(String::from)),
    }
    for tag in &tags {
        args.extend(["-metadata".into(), tag.clone()]);
    }
    args.push(path.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(ffmpeg(&args), "ffmpeg could not make {name}");
    Some(path)
}

fn cover_bytes(path: &Path, cover: Cover) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
    bytes[cover.offset as usize..(cover.offset + cover.len) as usize].to_vec()
}

#[test]
fn every_container_gives_its_tags_chapters_and_cover() {
    let dir = tempfile::tempdir().unwrap();
    // (file, has a purl of its own, holds chapters, holds a cover)
    for (name, chapters, cover) in
        [("a.mp4", true, true), ("b.mov", true, false), ("c.mkv", true, true), ("d.webm", true, false)]
    {
        let Some(path) = tagged(dir.path(), name) else { return };
        let probe = probe_fast(&path).unwrap().expect("read in process");
        let metadata = &probe.metadata;
        assert_eq!(metadata.title.as_deref(), Some(TITLE), "{name}");
        assert_eq!(metadata.artist.as_deref(), Some("SBS Drama"), "{name}");
        assert_eq!(metadata.date.as_deref(), Some("20210914"), "{name}");
        assert_eq!(metadata.description.as_deref(), Some("Behind the scenes"), "{name}");
        assert_eq!(metadata.url.as_deref(), Some(URL), "{name}");
        assert!(probe.damaged.is_empty(), "{name}: {:?}", probe.damaged);
        assert!(probe.subtitles.is_empty(), "{name}: a chapter track is no subtitle track");
        if chapters {
            let found: Vec<(i64, Option<i64>, &str)> =
                probe.chapters.iter().map(|c| (c.start_ms, c.end_ms, c.title.as_str())).collect();
            assert_eq!(
                found,
                [(0, Some(1000), "Horse ride"), (1000, Some(2000), "Tearful farewell")],
                "{name}"
            );
        }
        match (cover, probe.cover) {
            (true, Some(found)) => assert!(cover_bytes(&path, found).starts_with(b"\xFF\xD8\xFF"), "{name}"),
            (false, None) => {}
            (_, other) => panic!("{name}: cover {other:?}"),
        }
    }
}

/// Every occurrence of `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_lying_metadata_box_is_left_out_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let Some(path) = tagged(dir.path(), "a.mp4") else { return };
    let mut bytes = std::fs::read(&path).unwrap();
    // The title's box claims far more than its list holds.
    let at = find(&bytes, b"\xA9nam").unwrap() - 4;
    bytes[at..at + 4].copy_from_slice(&0x00FF_0000u32.to_be_bytes());
    let probe = probe_fast_bytes(&bytes, &path).unwrap().expect("the video is still read");
    assert_eq!(probe.duration_ms, Some(2000));
    assert_eq!(probe.metadata.title, None);
    assert!(probe.damaged.iter().any(|d| d.contains("ilst") && d.contains("©nam")), "{:?}", probe.damaged);

    // A chapter list that claims more chapters than it holds keeps those it has.
    let mut bytes = std::fs::read(&path).unwrap();
    let at = find(&bytes, b"chpl").unwrap() + 4 + 8;
    bytes[at] = 9;
    let probe = probe_fast_bytes(&bytes, &path).unwrap().unwrap();
    assert_eq!(probe.chapters.len(), 2);
    assert!(probe.damaged.iter().any(|d| d.contains("claims 9 chapters")), "{:?}", probe.damaged);

    let Some(path) = tagged(dir.path(), "c.mkv") else { return };
    let mut bytes = std::fs::read(&path).unwrap();
    // A SimpleTag (0x67C8) whose size runs past its Tag: the size byte after the id.
    let at = find(&bytes, &[0x67, 0xC8]).unwrap() + 2;
    bytes[at] = 0xFE;
    let probe = probe_fast_bytes(&bytes, &path).unwrap().expect("the video is still read");
    assert_eq!(probe.duration_ms, Some(2000));
    assert!(probe.damaged.iter().any(|d| d.contains("Tags")), "{:?}", probe.damaged);
}

#[test]
fn chapter_ends_default_to_the_next_start() {
    let chapter = |start_ms, end_ms| Chapter { start_ms, end_ms, title: "x".into() };
    let mut chapters = vec![chapter(5000, None), chapter(0, None), chapter(9000, Some(9500))];
    settle_chapters(&mut chapters, Some(10_000));
    let ends: Vec<Option<i64>> = chapters.iter().map(|c| c.end_ms).collect();
    assert_eq!(ends, [Some(5000), Some(9000), Some(9500)]);
    let mut late = vec![chapter(12_000, None)];
    settle_chapters(&mut late, Some(10_000));
    assert_eq!(late[0].end_ms, None);
}

/// Apple's tools (and ffmpeg with `disable_chpl`) keep chapters only as a
/// QuickTime chapter track: its titles are samples in the media data.
#[test]
fn a_quicktime_chapter_track_gives_the_chapters() {
    let dir = tempfile::tempdir().unwrap();
    let chapters = dir.path().join("chapters.txt");
    std::fs::write(
        &chapters,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1200\ntitle=Horse ride\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1200\nEND=2000\ntitle=말 타는 장면\n",
    )
    .unwrap();
    for name in ["a.mov", "b.mp4"] {
        let path = dir.path().join(name);
        let made = ffmpeg(&[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=64x48:d=2:r=10",
            "-i",
            chapters.to_str().unwrap(),
            "-map",
            "0:v",
            "-map_chapters",
            "1",
            "-c:v",
            "libx264",
            "-movflags",
            "disable_chpl",
            path.to_str().unwrap(),
        ]);
        if !made {
            eprintln!("ffmpeg is not installed: chapter track test skipped");
            return;
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(find(&bytes, b"chpl").is_none(), "{name}: the file should hold no Nero list");
        let probe = probe_fast(&path).unwrap().expect("read in process");
        let found: Vec<(i64, Option<i64>, &str)> =
            probe.chapters.iter().map(|c| (c.start_ms, c.end_ms, c.title.as_str())).collect();
        assert_eq!(found, [(0, Some(1200), "Horse ride"), (1200, Some(2000), "말 타는 장면")], "{name}");
        assert!(probe.damaged.is_empty(), "{name}: {:?}", probe.damaged);
        assert!(probe.subtitles.is_empty(), "{name}: a chapter track is no subtitle track");

        // A chunk offset that points past the end of the file: the titles are left
        // out and named, the video is still read.
        let mut lying = bytes.clone();
        let stco = (0..lying.len() - 4)
            .rev()
            .find(|at| &lying[*at..at + 4] == b"stco")
            .expect("the chapter track's chunk offsets");
        lying[stco + 12..stco + 16].copy_from_slice(&u32::MAX.to_be_bytes());
        let probe = probe_fast_bytes(&lying, &path).unwrap().expect("the video is still read");
        assert_eq!(probe.duration_ms, Some(2000), "{name}");
        assert!(probe.chapters.len() < 2, "{name}: {:?}", probe.chapters);
        assert!(probe.damaged.iter().any(|d| d.contains("chapter track")), "{name}: {:?}", probe.damaged);
    }
}
