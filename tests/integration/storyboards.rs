//! Storyboards of real clips made by ffmpeg at test time — short and long,
//! rotated, 29.97 fps, VP9 and H.264, one with no keyframe for 10 s, one cut
//! short: the index covers the whole clip, each tile matches an exact frame
//! within one keyframe interval of its time (mean pixel difference), a cut
//! file gives a partial storyboard and a recorded problem, the background
//! worker makes asked-for clips first, the cache is trimmed least recently
//! viewed first, and the user's files are never written.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use outtake_core::Library;
use outtake_core::import::boards::{Storyboard, StoryboardJob, make_storyboard};
use outtake_core::import::worker::{
    self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink, ImportWork,
};

use crate::scan::{age, snapshot};

/// A test picture whose colour turns a full circle every 8 s, so frames
/// seconds apart differ everywhere and a tile's moment can be told.
const PICTURE: &str = "testsrc2=size=320x180:rate={rate},hue=H=2*PI*t/8";
/// A tile matches a frame below this mean difference per channel (0–255):
/// measured, the frame itself differs by about 4 (JPEG), the next frame by
/// 7, two frames on by 12 (the picture moves), half a hue turn by 160.
const SAME: f64 = 8.0;

fn ffmpeg(args: &[&str]) -> bool {
    match Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).status() {
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

/// A clip of [`PICTURE`]: `seconds` long at `rate`, encoded with `codec`.
fn picture(path: &Path, rate: &str, seconds: u32, codec: &[&str]) -> bool {
    let source = PICTURE.replace("{rate}", rate);
    let seconds = seconds.to_string();
    let mut args = vec!["-f", "lavfi", "-i", source.as_str(), "-t", seconds.as_str(), "-pix_fmt", "yuv420p"];
    args.extend_from_slice(codec);
    args.push(path.to_str().unwrap());
    ffmpeg(&args)
}

/// A keyframe every 60 frames: 2 s at 29.97 fps, 2.4 s at 25.
const H264_GOP_60: &[&str] = &["-c:v", "libx264", "-preset", "ultrafast", "-g", "60", "-sc_threshold", "0"];

/// Decodes a sheet to RGB (`width`×`height`).
fn rgb_sheet(input: &Path, width: u32, height: u32) -> Vec<u8> {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-i"])
        .arg(input)
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "ffmpeg could not decode {}", input.display());
    assert_eq!(out.stdout.len(), (width * height * 3) as usize, "{}: not {width}x{height}", input.display());
    out.stdout
}

/// One tile of a storyboard as RGB.
fn tile(board: &Storyboard, folder: &Path, index: u32, sheets: &mut Vec<Option<Vec<u8>>>) -> Vec<u8> {
    let place = board.place(index);
    let sheet = place.sheet as usize;
    if sheets.len() <= sheet {
        sheets.resize(sheet + 1, None);
    }
    let width = board.columns * board.tile_width;
    let height = board.rows * board.tile_height;
    let pixels =
        sheets[sheet].get_or_insert_with(|| rgb_sheet(&folder.join(format!("{sheet}.jpg")), width, height));
    let width = width as usize;
    let mut out = Vec::new();
    for y in place.y..place.y + board.tile_height {
        let start = (y as usize * width + place.x as usize) * 3;
        out.extend_from_slice(&pixels[start..start + board.tile_width as usize * 3]);
    }
    out
}

fn difference(a: &[u8], b: &[u8]) -> f64 {
    assert_eq!(a.len(), b.len(), "tile and frame differ in size");
    a.iter().zip(b).map(|(x, y)| f64::from(x.abs_diff(*y))).sum::<f64>() / a.len() as f64
}

/// The exact frames of `video` from `from_ms` for `length_ms` (ffmpeg's
/// accurate seek: decoded from the keyframe before, shown from the moment).
fn exact_frames(video: &Path, from_ms: i64, length_ms: i64, board: &Storyboard) -> Vec<Vec<u8>> {
    let out = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-ss", &format!("{:.3}", from_ms.max(0) as f64 / 1000.0), "-i"])
        .arg(video)
        .args(["-t", &format!("{:.3}", length_ms as f64 / 1000.0)])
        .args(["-vf", &format!("scale={}:{}", board.tile_width, board.tile_height)])
        .args(["-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"])
        .output()
        .unwrap();
    let size = (board.tile_width * board.tile_height * 3) as usize;
    out.stdout.chunks_exact(size).map(<[u8]>::to_vec).collect()
}

/// Every `every`-th tile shows the clip within one keyframe interval
/// (`gop_ms`) before its time: an exact frame in that window matches it
/// (mean difference below [`SAME`]), and the frame half a hue turn away
/// does not (so the check can fail).
fn check_tiles(video: &Path, board: &Storyboard, folder: &Path, gop_ms: i64, every: u32) {
    let mut sheets = Vec::new();
    let mut wrong = Vec::new();
    for index in (0..board.tiles).step_by(every as usize) {
        let shown = tile(board, folder, index, &mut sheets);
        let at = board.time_of(index);
        // One frame of slack either side (25 or 29.97 fps).
        let (from, length) = (at - gop_ms - 40, gop_ms + 80);
        let best = exact_frames(video, from, length, board)
            .iter()
            .map(|frame| difference(&shown, frame))
            .fold(f64::MAX, f64::min);
        if best >= SAME {
            wrong.push(format!(
                "tile {index} ({at} ms): best difference {best:.1} from {from} ms for {length} ms"
            ));
        }
        let away = if at >= 4_000 { at - 4_000 } else { at + 4_000 };
        if let Some(frame) = exact_frames(video, away, 40, board).first() {
            let far = difference(&shown, frame);
            assert!(
                far > 4.0 * SAME,
                "tile {index} matches a frame 4 s away too ({far:.1}): the check cannot fail"
            );
        }
    }
    assert!(wrong.is_empty(), "{}: {wrong:#?}", video.display());
}

/// The index covers the clip: its last tile is near the end, and every moment has a tile.
fn check_covers(board: &Storyboard, duration_ms: i64, gop_ms: i64) {
    assert!(board.tiles > 0);
    let last = board.time_of(board.tiles - 1);
    assert!(last + board.interval_ms + gop_ms >= duration_ms, "tiles stop at {last} ms of {duration_ms}");
    assert_eq!(board.tile_at(duration_ms), board.tiles - 1);
    assert_eq!(board.sheets, board.tiles.div_ceil(board.columns * board.rows));
    assert!(!board.partial);
}

struct Clips {
    _dir: tempfile::TempDir,
    videos: PathBuf,
    library: Library,
}

fn library_with(make: impl FnOnce(&Path) -> bool) -> Option<Clips> {
    let dir = tempfile::tempdir().unwrap();
    let videos = dir.path().canonicalize().unwrap().join("videos");
    std::fs::create_dir(&videos).unwrap();
    if !make(&videos) {
        return None;
    }
    for entry in std::fs::read_dir(&videos).unwrap() {
        age(&entry.unwrap().path());
    }
    let mut library = Library::open(&dir.path().join("library.db")).unwrap();
    library.scan(std::slice::from_ref(&videos), &mut |_| {}).unwrap();
    Some(Clips { _dir: dir, videos, library })
}

fn job_of(jobs: &[StoryboardJob], name: &str) -> StoryboardJob {
    jobs.iter()
        .find(|j| j.video.ends_with(name))
        .unwrap_or_else(|| panic!("no storyboard job for {name}"))
        .clone()
}

fn make(library: &Library, job: &StoryboardJob) -> Storyboard {
    let made = make_storyboard(job).unwrap_or_else(|e| panic!("{e}"));
    library.record_storyboard(&job.oshash, Ok(&made)).unwrap();
    assert_eq!(library.storyboard(job.clip_id).unwrap().as_ref(), Some(&made.storyboard));
    made.storyboard
}

#[test]
fn short_clips_of_every_kind_match_exact_frames() {
    let Some(clips) = library_with(|videos| {
        picture(&videos.join("ntsc.mp4"), "30000/1001", 30, H264_GOP_60)
            && picture(
                &videos.join("vp9.webm"),
                "25",
                12,
                &[
                    "-c:v",
                    "libvpx-vp9",
                    "-deadline",
                    "realtime",
                    "-cpu-used",
                    "8",
                    "-g",
                    "50",
                    "-b:v",
                    "300k",
                ],
            )
            && picture(
                &videos.join("upright.mp4"),
                "25",
                10,
                &["-c:v", "libx264", "-preset", "ultrafast", "-g", "50"],
            )
            && ffmpeg(&[
                "-i",
                videos.join("upright.mp4").to_str().unwrap(),
                "-c",
                "copy",
                "-metadata:s:v:0",
                "rotate=90",
                videos.join("rotated.mp4").to_str().unwrap(),
            ])
    }) else {
        return;
    };
    let before = snapshot(&clips.videos);
    let jobs = clips.library.pending_storyboards().unwrap();
    assert_eq!(jobs.len(), 4, "{jobs:#?}");
    for (name, duration, gop) in
        [("ntsc.mp4", 30_030, 2_002), ("vp9.webm", 12_000, 2_000), ("rotated.mp4", 10_000, 2_000)]
    {
        let job = job_of(&jobs, name);
        let board = make(&clips.library, &job);
        assert!(board.keyframes_only, "{name}: keyframes every 2 s are enough");
        assert_eq!(board.interval_ms, 2_000);
        check_covers(&board, duration, gop);
        check_tiles(&job.video, &board, &job.output, gop, 1);
        if name == "rotated.mp4" {
            assert!(board.tile_height > board.tile_width, "a rotated clip's tiles stand upright: {board:?}");
        } else {
            assert_eq!(board.tile_height, 90);
        }
    }
    assert_eq!(clips.library.pending_storyboards().unwrap().len(), 1, "made once, cached");
    assert_eq!(snapshot(&clips.videos), before, "the user's files were written");
}

/// With a keyframe only every 10 s, keyframe tiles would be 10 s off: the
/// clip is decoded again but for its B-frames (this one has three in a row),
/// so every tile is at most four frames before its time.
#[test]
fn sparse_keyframes_fall_back_to_every_frame() {
    let Some(clips) = library_with(|videos| {
        picture(
            &videos.join("sparse.mp4"),
            "25",
            30,
            &[
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-x264-params",
                "keyint=250:min-keyint=250:scenecut=0:bframes=3",
            ],
        )
    }) else {
        return;
    };
    let jobs = clips.library.pending_storyboards().unwrap();
    let job = job_of(&jobs, "sparse.mp4");
    let board = make(&clips.library, &job);
    assert!(!board.keyframes_only, "keyframes 10 s apart are too sparse");
    check_covers(&board, 30_000, 0);
    check_tiles(&job.video, &board, &job.output, 160, 1);
}

/// Past ten minutes the interval widens and the tiles stay few; the index
/// still covers the clip to its end. Made cheaply: a short clip copied end to end.
#[test]
fn a_long_clip_gets_a_wider_interval_and_is_covered_to_the_end() {
    let Some(clips) = library_with(|videos| {
        let short = videos.with_file_name("short.mp4");
        // One full hue turn, so the colour runs on smoothly from copy to copy.
        picture(&short, "25", 8, H264_GOP_60)
            && ffmpeg(&[
                "-stream_loop",
                "81",
                "-i",
                short.to_str().unwrap(),
                "-c",
                "copy",
                videos.join("long.mp4").to_str().unwrap(),
            ])
    }) else {
        return;
    };
    let jobs = clips.library.pending_storyboards().unwrap();
    let job = job_of(&jobs, "long.mp4");
    let duration = job.duration_ms.expect("the library knows the length");
    assert!(duration > 600_000, "{duration} ms");
    let started = Instant::now();
    let board = make(&clips.library, &job);
    eprintln!("{} s of video: storyboard in {:?}", duration / 1000, started.elapsed());
    assert_eq!(board.interval_ms, 3_000);
    assert!(board.tiles <= 300 && board.sheets == 3, "{board:?}");
    assert!(board.keyframes_only);
    check_covers(&board, duration, 2_400);
    check_tiles(&job.video, &board, &job.output, 2_400, 7);
}

/// A download cut short: the tiles it has, marked partial, and a problem
/// the library lists; the file itself is left as it was.
#[test]
fn a_cut_file_gives_a_partial_storyboard_and_a_problem() {
    let Some(clips) = library_with(|videos| {
        let whole = videos.with_file_name("whole.mp4");
        if !picture(
            &whole,
            "25",
            30,
            &["-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-movflags", "+faststart"],
        ) {
            return false;
        }
        let bytes = std::fs::read(&whole).unwrap();
        std::fs::write(videos.join("cut.mp4"), &bytes[..bytes.len() * 45 / 100]).unwrap();
        true
    }) else {
        return;
    };
    let before = snapshot(&clips.videos);
    let video = clips.videos.join("cut.mp4");
    // Imported or not (the importer may judge it cut short), its storyboard is made.
    let job = clips.library.pending_storyboards().unwrap().into_iter().next().unwrap_or(StoryboardJob {
        clip_id: 0,
        oshash: "00000000000000cu".into(),
        video: video.clone(),
        duration_ms: Some(30_000),
        output: clips.library.storyboard_dir("00000000000000cu").unwrap(),
    });
    let made = make_storyboard(&job).unwrap();
    clips.library.record_storyboard(&job.oshash, Ok(&made)).unwrap();
    let board = &made.storyboard;
    assert!(board.partial, "{board:?}");
    assert!(board.tiles > 2, "the part that is there has tiles: {board:?}");
    assert!(board.time_of(board.tiles) < 25_000, "tiles past the cut: {board:?}");
    let problem = made.problem.expect("a problem says where it stopped");
    assert!(problem.contains("cut.mp4") && problem.contains("stops at"), "{problem}");
    let problems = clips.library.storyboard_problems().unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].problem, problem);
    check_tiles(&video, board, &job.output, 2_000, 1);
    assert_eq!(snapshot(&clips.videos), before, "the user's files were written");
}

/// What the worker told its sink.
#[derive(Debug)]
enum News {
    Progress(ImportProgress),
    Board(i64),
    Problem(#[allow(dead_code)] String),
}

struct ChannelSink(mpsc::Sender<News>);

impl ImportSink for ChannelSink {
    fn progress(&mut self, progress: ImportProgress) {
        let _ = self.0.send(News::Progress(progress));
    }
    fn changed(&mut self, _clip_ids: Vec<i64>) {}
    fn problem(&mut self, message: &str) {
        let _ = self.0.send(News::Problem(message.to_string()));
    }
    fn storyboard(&mut self, clip_id: i64) {
        let _ = self.0.send(News::Board(clip_id));
    }
}

/// Runs the import worker over `videos` until `boards` storyboards are ready
/// (the worker asked for `first` at once); what it said, in order.
fn run_worker(library: PathBuf, videos: PathBuf, first: Vec<i64>, boards: usize) -> Vec<News> {
    let (news, heard) = mpsc::channel();
    let (work, jobs) = mpsc::channel();
    let feed = work.clone();
    if !first.is_empty() {
        work.send(ImportWork::Storyboards(first)).unwrap();
    }
    // The worker runs until its senders are gone; the test stops listening instead.
    std::thread::spawn(move || {
        let mut library = Library::open(&library).unwrap();
        let mut sink = ChannelSink(news);
        let _ = worker::run(
            &mut library,
            Followed::These(vec![videos]),
            &mut sink,
            FolderStates::default(),
            feed,
            jobs,
        );
        drop(work);
    });
    let mut said = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while said.iter().filter(|n| matches!(n, News::Board(_))).count() < boards {
        let left = deadline.saturating_duration_since(Instant::now());
        match heard.recv_timeout(left) {
            Ok(news) => said.push(news),
            Err(_) => panic!("the worker made too few storyboards: {said:#?}"),
        }
    }
    said
}

/// After import the worker makes every missing storyboard in the
/// background, asked-for clips first, with progress in a phase of its own;
/// a restart makes only what is still missing; a trimmed cache evicts the
/// least recently viewed, keeps posters, and stays trimmed.
#[test]
fn the_worker_makes_them_in_the_background_asked_first_and_resumes() {
    let Some(clips) = library_with(|videos| {
        // Lengths differ so that each is a clip of its own (same bytes: one clip).
        (1..=3).all(|n| picture(&videos.join(format!("clip{n}.mp4")), "25", 5 + n, H264_GOP_60))
    }) else {
        return;
    };
    let ids: Vec<i64> = clips.library.pending_storyboards().unwrap().iter().map(|j| j.clip_id).collect();
    assert_eq!(ids.len(), 3);
    let library_path = clips.library.path().to_path_buf();
    // Made by hand first: the worker after a "restart" leaves it alone.
    make(&clips.library, &job_of(&clips.library.pending_storyboards().unwrap(), "clip1.mp4"));

    let said = run_worker(library_path.clone(), clips.videos.clone(), vec![ids[2]], 2);
    let made: Vec<i64> =
        said.iter().filter_map(|n| if let News::Board(id) = n { Some(*id) } else { None }).collect();
    assert_eq!(made, vec![ids[2], ids[1]], "asked first, then the rest, none twice: {said:#?}");
    assert!(
        said.iter().any(
            |n| matches!(n, News::Progress(p) if p.phase == ImportPhase::Storyboards && p.total == Some(2))
        ),
        "progress in the storyboard phase: {said:#?}"
    );
    assert!(!said.iter().any(|n| matches!(n, News::Problem(_))), "{said:#?}");
    assert!(clips.library.pending_storyboards().unwrap().is_empty());

    // Viewed: clip 1 now, then clip 3; clip 2 never. A limit that holds two.
    std::thread::sleep(Duration::from_millis(5));
    clips.library.mark_storyboard_viewed(ids[0]).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    clips.library.mark_storyboard_viewed(ids[2]).unwrap();
    let mut library = Library::open(&library_path).unwrap();
    let usage = library.cache_usage().unwrap();
    assert_eq!((usage.storyboards, usage.limit_bytes), (3, outtake_core::DEFAULT_CACHE_LIMIT));
    let one = usage.storyboard_bytes / 3;
    library.set_cache_limit(usage.poster_bytes + usage.storyboard_bytes - one / 2).unwrap();
    let trimmed = library.trim_cache().unwrap();
    assert_eq!(trimmed.evicted, 1, "{trimmed:?}");
    assert!(library.storyboard(ids[1]).unwrap().is_none(), "the least recently viewed goes first");
    assert!(library.storyboard(ids[0]).unwrap().is_some() && library.storyboard(ids[2]).unwrap().is_some());
    assert_eq!(library.storyboard_state(ids[1]).unwrap().unwrap().state, "evicted");
    assert!(library.pending_storyboards().unwrap().is_empty(), "the queue does not undo a trim");
    assert_eq!(library.cache_usage().unwrap().evicted, 1);
    let asked = library.storyboards_for(&[ids[1]]).unwrap();
    assert_eq!(asked.len(), 1, "asked for, it is made again");
    std::thread::sleep(Duration::from_millis(5));
    make(&library, &asked[0]);
    // Made again counts as new: now clip 1, viewed longest ago, goes.
    assert_eq!(library.trim_cache().unwrap().evicted, 1);
    assert!(library.storyboard(ids[0]).unwrap().is_none());
    assert!(library.storyboard(ids[1]).unwrap().is_some() && library.storyboard(ids[2]).unwrap().is_some());
}

/// Storyboards and posters of clips the library forgot are orphans: a trim removes them.
#[test]
fn orphans_of_forgotten_clips_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(&dir.path().join("library.db")).unwrap();
    let orphan = library.storyboard_dir("feedfacefeedface").unwrap();
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::write(orphan.join("0.jpg"), [0u8; 1000]).unwrap();
    let poster = library.clip_thumbnail("feedfacefeedface").unwrap();
    std::fs::write(&poster, [0u8; 500]).unwrap();
    let usage = library.cache_usage().unwrap();
    assert_eq!((usage.orphans, usage.orphan_bytes, usage.storyboards), (2, 1500, 0));
    let trimmed = library.trim_cache().unwrap();
    assert_eq!((trimmed.orphans, trimmed.freed_bytes, trimmed.evicted), (2, 1500, 0));
    assert!(!orphan.exists() && !poster.exists());
    assert_eq!(library.cache_usage().unwrap().total_bytes(), 0);
}
