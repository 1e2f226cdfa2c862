//! What a download carries inside it: titles, descriptions and addresses in
//! the container (MP4, MOV, MKV, WebM), embedded chapters, cover art, and the
//! yt-dlp thumbnail and `.description` beside it — with their precedence
//! (fan, then `.info.json`, then container, then file name), through rescans,
//! export/import and undo. Files are made by ffmpeg at test time.

use std::path::{Path, PathBuf};
use std::process::Command;

use outtake_core::{ClipPatch, Library, MarkerInput};

use crate::scan::age;

const TITLE: &str = "[홍천기 메이킹] 말 타는 장면 비하인드";
const URL: &str = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";

fn ffmpeg(args: &[&str]) -> bool {
    Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y"])
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// A solid picture of `colour` (an ffmpeg colour name) at `path` (jpg, png or webp).
fn picture(path: &Path, colour: &str) -> bool {
    ffmpeg(&[
        "-f",
        "lavfi",
        "-i",
        &format!("color=c={colour}:s=64x36"),
        "-frames:v",
        "1",
        path.to_str().unwrap(),
    ])
}

/// A two-second clip carrying every tag and two chapters; an MP4 gets a blue
/// cover, an MKV a green `cover.jpg` attachment. `extra` tags are added.
fn tagged(dir: &Path, name: &str, extra: &[&str]) -> Option<PathBuf> {
    let chapters = dir.join("chapters.txt");
    std::fs::write(
        &chapters,
        ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=Horse ride\n\
         [CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Tearful farewell\n",
    )
    .unwrap();
    let work = tempfile::tempdir().unwrap();
    let (blue, green) = (work.path().join("blue.jpg"), work.path().join("cover.jpg"));
    if !picture(&blue, "blue") || !picture(&green, "green") {
        eprintln!("ffmpeg is not installed: skipping");
        return None;
    }
    let path = dir.join(name);
    let ext = name.rsplit('.').next().unwrap();
    let mut args: Vec<String> =
        vec!["-f".into(), "lavfi".into(), "-i".into(), "testsrc2=s=64x48:d=2:r=10".into()];
    if ext == "mp4" {
        args.extend(["-i".into(), blue.display().to_string()]);
    }
    args.extend(["-i".into(), chapters.display().to_string()]);
    let chapters_input = if ext == "mp4" { "2" } else { "1" };
    args.extend(["-map", "0:v", "-map_chapters", chapters_input].map(String::from));
    let codec: &[&str] = match ext {
        "mp4" => &["-map", "1:v", "-c:v:0", "libx264", "-c:v:1", "mjpeg", "-disposition:v:1", "attached_pic"],
        "mov" => &["-c:v", "libx264", "-movflags", "use_metadata_tags"],
        "mkv" => {
            &["-c:v", "libx264", "-attach", green.to_str().unwrap(), "-metadata:s:t", "mimetype=image/jpeg"]
        }
        _ => &["-c:v", "libvpx", "-b:v", "100k"],
    };
    args.extend(codec.iter().map(|s| s.to_string()));
    let tags = [
        format!("title={TITLE}"),
        "artist=SBS Drama".into(),
        "date=20210914".into(),
        "description=Behind the scenes".into(),
        format!("comment={URL}"),
        format!("purl={URL}"),
    ];
    for tag in tags.iter().map(String::as_str).chain(extra.iter().copied()) {
        args.extend(["-metadata".into(), tag.to_string()]);
    }
    args.push(path.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert!(ffmpeg(&args), "ffmpeg could not make {name}");
    age(&path);
    Some(path)
}

fn folder() -> (tempfile::TempDir, PathBuf, Library) {
    let dir = tempfile::tempdir().unwrap();
    let clips = dir.path().canonicalize().unwrap().join("clips");
    std::fs::create_dir(&clips).unwrap();
    let library = Library::open(&dir.path().join("library.db")).unwrap();
    (dir, clips, library)
}

fn scan(library: &mut Library, folder: &Path) -> outtake_core::import::ScanSummary {
    library.scan(&[folder.to_path_buf()], &mut |_| {}).unwrap()
}

fn only_clip(library: &Library) -> outtake_core::ClipDetail {
    let clips = library.clips().unwrap();
    assert_eq!(clips.len(), 1, "{clips:?}");
    library.clip(clips[0].id).unwrap()
}

/// Changes a file's mtime (as a re-download would), so the next scan reads it again.
fn touch(path: &Path) {
    let later = std::time::SystemTime::now() - std::time::Duration::from_secs(10);
    std::fs::File::options().write(true).open(path).unwrap().set_modified(later).unwrap();
}

#[test]
fn every_container_fills_its_clip() {
    for name in ["abc123.mp4", "abc123.mov", "abc123.mkv", "abc123.webm"] {
        let (_dir, clips, mut library) = folder();
        if tagged(&clips, name, &[]).is_none() {
            return;
        }
        let summary = scan(&mut library, &clips);
        assert_eq!((summary.added, summary.failed.len()), (1, 0), "{name}: {summary:?}");
        let clip = only_clip(&library);
        assert_eq!(clip.title, TITLE, "{name}");
        assert_eq!(clip.description.as_deref(), Some("Behind the scenes"), "{name}");
        assert_eq!(clip.source.uploader.as_deref(), Some("SBS Drama"), "{name}");
        assert_eq!(clip.source.published.as_deref(), Some("2021-09-14"), "{name}");
        assert_eq!(clip.source.url.as_deref(), Some(URL), "{name}");
        // The id an .info.json would give: a later one, or a pack, matches by it.
        assert_eq!(clip.source_id.as_deref(), Some("dQw4w9WgXcQ"), "{name}");
        let chapters: Vec<(i64, Option<i64>, &str)> =
            clip.markers.iter().map(|m| (m.start_ms, m.end_ms, m.title.as_deref().unwrap())).collect();
        assert_eq!(
            chapters,
            [(0, Some(1000), "Horse ride"), (1000, Some(2000), "Tearful farewell")],
            "{name}"
        );
        assert!(clip.markers.iter().all(|m| m.tags == ["chapter"]), "{name}");
    }
}

#[test]
fn the_fan_then_the_info_json_then_the_container_then_the_file_name() {
    let (_dir, clips, mut library) = folder();
    let Some(video) = tagged(&clips, "abc123.mp4", &[]) else { return };
    scan(&mut library, &clips);
    let id = only_clip(&library).id;
    // The fan types a description; a later .info.json replaces what the container gave, not that.
    let patch = ClipPatch { description: Some(Some("mine".into())), ..ClipPatch::default() };
    library.update_clip(id, &patch).unwrap();
    let info = r#"{"id": "dQw4w9WgXcQ", "title": "From the page", "uploader": "SBS Catch",
                   "description": "The page says", "upload_date": "20210915",
                   "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                   "chapters": [{"start_time": 0, "end_time": 1, "title": "Horse ride"}]}"#;
    std::fs::write(clips.join("abc123.info.json"), info).unwrap();
    age(&clips.join("abc123.info.json"));
    scan(&mut library, &clips);
    let clip = only_clip(&library);
    assert_eq!(clip.title, "From the page");
    assert_eq!(clip.description.as_deref(), Some("mine"));
    assert_eq!(clip.source.uploader.as_deref(), Some("SBS Catch"));
    assert_eq!(clip.source.published.as_deref(), Some("2021-09-15"));
    assert_eq!(clip.source_id.as_deref(), Some("dQw4w9WgXcQ"));
    // The same chapter from the page and the container is one marker.
    assert_eq!(clip.markers.len(), 2, "{:?}", clip.markers);
    // The video read again (a re-download) does not put the container back over the page.
    touch(&video);
    let summary = scan(&mut library, &clips);
    assert_eq!(summary.updated, 1, "{summary:?}");
    let again = only_clip(&library);
    assert_eq!(
        (again.title.as_str(), again.source.uploader.as_deref()),
        ("From the page", Some("SBS Catch"))
    );
    // A title the fan typed wins over both.
    let patch = ClipPatch { title: Some("My title".into()), ..ClipPatch::default() };
    library.update_clip(id, &patch).unwrap();
    touch(&clips.join("abc123.info.json"));
    touch(&video);
    scan(&mut library, &clips);
    assert_eq!(only_clip(&library).title, "My title");
}

#[test]
fn a_description_file_fills_only_a_blank() {
    let (_dir, clips, mut library) = folder();
    if !picture(&clips.join("x.png"), "red") {
        return;
    }
    std::fs::remove_file(clips.join("x.png")).unwrap();
    // A clip whose container has no description, and one whose container has one.
    let plain = clips.join("plain [abcdefghijk].mp4");
    assert!(ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=64x48:d=1:r=10", plain.to_str().unwrap()]));
    age(&plain);
    let Some(_) = tagged(&clips, "tagged.mkv", &[]) else { return };
    for stem in ["plain [abcdefghijk]", "tagged"] {
        let path = clips.join(format!("{stem}.description"));
        std::fs::write(&path, "\u{feff}From the .description file\nsecond line").unwrap();
        age(&path);
    }
    scan(&mut library, &clips);
    let clips_now = library.clips().unwrap();
    let description = |title: &str| {
        let id = clips_now.iter().find(|c| c.title == title).unwrap_or_else(|| panic!("{title}")).id;
        library.clip(id).unwrap().description
    };
    assert_eq!(description("plain").as_deref(), Some("From the .description file\nsecond line"));
    assert_eq!(description(TITLE).as_deref(), Some("Behind the scenes"));
}

#[test]
fn chapters_are_kept_renamed_or_deleted_through_rescans_and_export() {
    let (dir, clips, mut library) = folder();
    let Some(video) = tagged(&clips, "chapters.mkv", &[]) else { return };
    scan(&mut library, &clips);
    let clip = only_clip(&library);
    let (first, second) = (&clip.markers[0], &clip.markers[1]);
    let renamed = MarkerInput {
        start_ms: first.start_ms,
        end_ms: first.end_ms,
        title: Some("The horse ride, renamed".into()),
        tags: first.tags.clone(),
        ..MarkerInput::default()
    };
    library.update_marker(first.id, &renamed).unwrap();
    library.delete_marker(second.id).unwrap();
    let titles = |library: &Library| -> Vec<String> {
        only_clip(library).markers.iter().map(|m| m.title.clone().unwrap_or_default()).collect()
    };
    touch(&video);
    assert_eq!(scan(&mut library, &clips).updated, 1);
    assert_eq!(titles(&library), ["The horse ride, renamed"]);
    // The memory of what was taken travels with an export.
    let exported = dir.path().join("export.json");
    library.export_to(&exported).unwrap();
    let mut fresh = Library::open(&dir.path().join("fresh.db")).unwrap();
    fresh.import_from(&exported).unwrap();
    touch(&video);
    scan(&mut fresh, &clips);
    assert_eq!(titles(&fresh), ["The horse ride, renamed"]);
}

/// Finds `needle` in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn a_lying_metadata_box_is_a_problem_not_a_failed_import() {
    let (_dir, clips, mut library) = folder();
    let Some(video) = tagged(&clips, "lying [abcdefghijk].mp4", &[]) else { return };
    let mut bytes = std::fs::read(&video).unwrap();
    let at = find(&bytes, b"\xA9nam").unwrap() - 4;
    bytes[at..at + 4].copy_from_slice(&0x0FFF_FFFFu32.to_be_bytes());
    std::fs::write(&video, &bytes).unwrap();
    age(&video);
    let summary = scan(&mut library, &clips);
    assert_eq!(summary.added, 1, "{summary:?}");
    let clip = only_clip(&library);
    assert_eq!(clip.title, "lying", "the file name's title, the container's being damaged");
    let problems = library.import_problems().unwrap();
    assert!(
        problems.iter().any(|p| p.path.ends_with("#metadata") && p.error.contains("\u{a9}nam")),
        "{problems:?}"
    );
    // Still there after a rescan that reads nothing; gone once the file is sound.
    scan(&mut library, &clips);
    assert_eq!(library.import_problems().unwrap().len(), 1);
    let Some(_) = tagged(&clips, "lying [abcdefghijk].mp4", &[]) else { return };
    touch(&video);
    scan(&mut library, &clips);
    assert!(library.import_problems().unwrap().is_empty(), "{:?}", library.import_problems().unwrap());
}

/// The mean colour of a picture, as (r, g, b).
fn mean_colour(path: &Path) -> (u8, u8, u8) {
    let output = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(path)
        .args(["-vf", "scale=1:1:flags=area", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        .output()
        .unwrap();
    assert_eq!(output.stdout.len(), 3, "{}", String::from_utf8_lossy(&output.stderr));
    (output.stdout[0], output.stdout[1], output.stdout[2])
}

fn close(found: (u8, u8, u8), wanted: (u8, u8, u8)) -> bool {
    let near = |a: u8, b: u8| a.abs_diff(b) < 40;
    near(found.0, wanted.0) && near(found.1, wanted.1) && near(found.2, wanted.2)
}

fn make_thumbnails(library: &Library) {
    for job in library.pending_thumbnails().unwrap() {
        outtake_core::import::thumbs::make_thumbnail(&job).unwrap();
    }
}

#[test]
fn the_uploaders_picture_is_the_poster_until_the_fan_picks_a_frame() {
    let (_dir, clips, mut library) = folder();
    // A yt-dlp thumbnail beside a plain clip (WebP, decoded by ffmpeg), the
    // cover inside an MP4, the cover attached to an MKV.
    let plain = clips.join("beside.mp4");
    if !ffmpeg(&["-f", "lavfi", "-i", "testsrc2=s=64x48:d=2:r=10", plain.to_str().unwrap()]) {
        return;
    }
    age(&plain);
    assert!(picture(&clips.join("beside.webp"), "red"));
    age(&clips.join("beside.webp"));
    let Some(_) = tagged(&clips, "inside.mp4", &["title=inside mp4"]) else { return };
    let Some(_) = tagged(&clips, "inside.mkv", &["title=inside mkv"]) else { return };
    let summary = scan(&mut library, &clips);
    assert_eq!((summary.added, summary.failed.len()), (3, 0), "{summary:?}");
    make_thumbnails(&library);
    let clip_titled = |library: &Library, title: &str| {
        library.clips().unwrap().into_iter().find(|c| c.title.starts_with(title)).unwrap().id
    };
    let poster = |library: &Library, id: i64| library.clip_poster(id).unwrap().expect("a poster was made");
    let titles: Vec<String> = library.clips().unwrap().into_iter().map(|c| c.title).collect();
    assert_eq!(titles.len(), 3, "{titles:?}");
    let beside = clip_titled(&library, "beside");
    let red = (255, 0, 0);
    for (title, colour) in [("beside", red), ("inside mp4", (0, 0, 255)), ("inside mkv", (0, 128, 0))] {
        let found = mean_colour(&poster(&library, clip_titled(&library, title)));
        assert!(close(found, colour), "{title}: {found:?} in {titles:?}");
    }

    // "Use this frame": a frame of testsrc2, not the red picture; kept through a rescan.
    library.use_frame_as_poster(beside, 1500).unwrap();
    make_thumbnails(&library);
    let frame = poster(&library, beside);
    assert!(!close(mean_colour(&frame), red), "{:?}", mean_colour(&frame));
    // Undone and redone like any edit.
    library.undo(None).unwrap();
    assert!(close(mean_colour(&poster(&library, beside)), red));
    library.redo().unwrap();
    assert_eq!(poster(&library, beside), frame);
    touch(&plain);
    touch(&clips.join("beside.webp"));
    assert_eq!(scan(&mut library, &clips).updated, 1);
    make_thumbnails(&library);
    assert_eq!(poster(&library, beside), frame, "the fan's choice survives a rescan");
    // And the fan can go back to the uploader's picture.
    library.use_default_poster(beside).unwrap();
    make_thumbnails(&library);
    assert!(close(mean_colour(&poster(&library, beside)), red));
    assert!(library.use_frame_as_poster(beside, 60_000).unwrap_err().to_string().contains("not within"));
}

#[test]
fn a_show_the_container_names_is_guessed_when_the_library_knows_it() {
    for name in ["show.mp4", "show.mkv"] {
        let (_dir, clips, mut library) = folder();
        let show = outtake_core::ShowInput {
            title: "Lovers of the Red Sky".into(),
            native_title: Some("홍천기".into()),
            ..outtake_core::ShowInput::default()
        };
        library.add_show(&show).unwrap();
        let extra = ["title=Behind the horse", "show=홍천기", "episode_sort=3"];
        let Some(_) = tagged(&clips, name, &extra) else { return };
        scan(&mut library, &clips);
        let clip = only_clip(&library);
        assert_eq!(clip.title, "Behind the horse", "{name}");
        assert_eq!(
            (clip.show.as_deref(), clip.episode, clip.show_guessed),
            (Some("Lovers of the Red Sky"), Some(3), true),
            "{name}"
        );
    }
}
