//! Captions burned into video, read with the real Tesseract: ffmpeg's
//! `drawtext` (Debian's Noto CJK) writes Korean captions in four styles at
//! known times over moving, colourful test pictures, and the reading is
//! measured against what was written: share found, character error rate,
//! start times, and lines made up where no caption was. Skips (saying so)
//! without Tesseract's Korean data or the font.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::AtomicBool;

use outtake_core::Library;
use outtake_core::screen_text::{ScreenLine, Which, edit_distance, read_video};

const FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc";

/// How a caption is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Style {
    /// White, no outline, over the picture.
    Plain,
    /// White with a black outline, large.
    Outlined,
    /// White on a blue box, small, at the top left.
    Boxed,
    /// Yellow, outlined, two lines.
    TwoLines,
}

const STYLES: [Style; 4] = [Style::Plain, Style::Outlined, Style::Boxed, Style::TwoLines];

const CAPTIONS: [&str; 16] = [
    "말 타는 장면 촬영 중",
    "오늘의 비하인드",
    "배우들이 대본을 읽고 있어요",
    "감독님의 컷 사인",
    "첫 촬영 날 아침",
    "쉬는 시간에도 연습",
    "분장실에서 만난 두 사람",
    "비 오는 날의 야외 촬영",
    "모두 수고하셨습니다",
    "카메라 리허설 시작",
    "웃음이 터진 순간",
    "마지막 장면을 앞두고",
    "소품 준비 완료",
    "현장 스태프와 함께",
    "다음 주에 만나요",
    "긴장되는 첫 대사",
];

/// One caption line as written: its text, its style and when it shows.
#[derive(Debug, Clone)]
struct Written {
    text: String,
    style: Style,
    start_ms: i64,
    end_ms: i64,
}

/// Four captions per style, one after another: each shown 3 s, 1 s apart;
/// a two-line caption is two lines shown together.
fn script() -> Vec<Written> {
    let mut written = Vec::new();
    for (i, text) in CAPTIONS.iter().enumerate() {
        let style = STYLES[i / 4];
        let start_ms = 1000 + 4000 * i as i64;
        let end_ms = start_ms + 3000;
        if style == Style::TwoLines {
            let words: Vec<&str> = text.split(' ').collect();
            let half = words.len().div_ceil(2);
            for line in [words[..half].join(" "), words[half..].join(" ")] {
                written.push(Written { text: line, style, start_ms, end_ms });
            }
        } else {
            written.push(Written { text: text.to_string(), style, start_ms, end_ms });
        }
    }
    written
}

/// The drawtext filters of the script, for a frame `height` lines tall.
fn drawtext(written: &[Written], height: u32, texts: &Path) -> String {
    let scale = |px: u32| px * height / 720;
    let mut filters = Vec::new();
    let mut two_line_row = 0;
    for (i, w) in written.iter().enumerate() {
        let file = texts.join(format!("caption{i}.txt"));
        std::fs::write(&file, &w.text).unwrap();
        let look = match w.style {
            Style::Plain => format!("fontsize={}:fontcolor=white:x=(w-tw)/2:y=h-{}", scale(40), scale(100)),
            Style::Outlined => format!(
                "fontsize={}:fontcolor=white:borderw={}:bordercolor=black:x=(w-tw)/2:y=h-{}",
                scale(52),
                scale(3),
                scale(110)
            ),
            Style::Boxed => format!(
                "fontsize={}:fontcolor=white:box=1:boxcolor=0x1a3a8a@0.9:boxborderw={}:x={}:y={}",
                scale(34),
                scale(10),
                scale(60),
                scale(50)
            ),
            Style::TwoLines => {
                two_line_row = 1 - two_line_row;
                let y = if two_line_row == 1 { scale(190) } else { scale(125) };
                format!(
                    "fontsize={}:fontcolor=yellow:borderw={}:bordercolor=black:x=(w-tw)/2:y=h-{y}",
                    scale(44),
                    scale(3)
                )
            }
        };
        filters.push(format!(
            "drawtext=fontfile={FONT}:textfile={}:{look}:enable='between(t,{:.3},{:.3})'",
            file.display(),
            w.start_ms as f64 / 1000.0,
            w.end_ms as f64 / 1000.0
        ));
    }
    filters.join(",")
}

/// Makes (once, then kept under the target dir) a video of `seconds` over
/// moving colourful pictures — `testsrc2` beside `mandelbrot` — with the
/// script's captions when `captions` is set.
pub fn caption_video(height: u32, seconds: u32, captions: bool) -> PathBuf {
    let width = height * 16 / 9;
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screen-text");
    std::fs::create_dir_all(&cache).unwrap();
    let name = format!("v2-{height}p-{seconds}s-{}.mp4", if captions { "captions" } else { "none" });
    let path = cache.join(&name);
    if path.exists() {
        return path;
    }
    // Tests run in parallel processes: each makes its own copy under its own
    // names, and the rename puts a whole file in place.
    let me = std::process::id();
    let texts = cache.join(format!("{name}.{me}.texts"));
    std::fs::create_dir_all(&texts).unwrap();
    let half = width / 2;
    let mut filter =
        format!("[1:v]scale={half}:{height}:flags=neighbor[m];[0:v][m]hstack=inputs=2,format=yuv420p");
    if captions {
        filter.push(',');
        filter.push_str(&drawtext(&script(), height, &texts));
    }
    let partial = cache.join(format!("{name}.{me}.part.mp4"));
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!("testsrc2=s={half}x{height}:r=10:d={seconds}"))
        .args(["-f", "lavfi", "-i"])
        .arg(format!("mandelbrot=s={}x{}:r=10", half / 2, height / 2))
        .args(["-filter_complex", &filter, "-t", &seconds.to_string()])
        .args(["-c:v", "libx264", "-preset", "veryfast", "-crf", "23"])
        .arg(&partial)
        .status()
        .expect("ffmpeg runs");
    assert!(status.success(), "ffmpeg made no test video");
    std::fs::rename(&partial, &path).unwrap();
    path
}

/// Whether Tesseract with Korean, ffmpeg and the font are here; says why not.
pub fn can_read_text() -> bool {
    if let Err(error) = outtake_core::screen_text::check_tesseract() {
        eprintln!("skipped: {error}");
        return false;
    }
    if !Path::new(FONT).exists() || Command::new("ffmpeg").arg("-version").output().is_err() {
        eprintln!("skipped: needs ffmpeg and {FONT} (Debian: ffmpeg fonts-noto-cjk)");
        return false;
    }
    true
}

/// Character error rate of `read` against `written`, spaces ignored.
fn cer(written: &str, read: &str) -> f64 {
    let a: Vec<char> = written.chars().filter(|c| !c.is_whitespace()).collect();
    let b: Vec<char> = read.chars().filter(|c| !c.is_whitespace()).collect();
    edit_distance(&a, &b) as f64 / a.len() as f64
}

/// For each written line, the line read for it (overlapping in time, the
/// least wrong, at most half wrong).
fn match_lines<'a>(written: &[Written], read: &'a [ScreenLine]) -> Vec<Option<&'a ScreenLine>> {
    written
        .iter()
        .map(|w| {
            read.iter()
                .filter(|r| r.start_ms < w.end_ms && w.start_ms < r.end_ms)
                .map(|r| (cer(&w.text, &r.text), r))
                .filter(|(e, _)| *e <= 0.5)
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, r)| r)
        })
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    if values.is_empty() { f64::NAN } else { values[values.len() / 2] }
}

#[test]
fn captions_in_four_styles_are_found_read_and_timed() {
    if !can_read_text() {
        return;
    }
    let video = caption_video(720, 66, true);
    let text = read_video(&video, &AtomicBool::new(false)).expect("the video reads");
    let written = script();
    let matched = match_lines(&written, &text.lines);
    let mut all_errors = Vec::new();
    let mut report = String::new();
    for style in STYLES {
        let rows: Vec<(&Written, Option<&ScreenLine>)> =
            written.iter().zip(&matched).filter(|(w, _)| w.style == style).map(|(w, m)| (w, *m)).collect();
        let found: Vec<(&Written, &ScreenLine)> =
            rows.iter().filter_map(|(w, m)| m.map(|m| (*w, m))).collect();
        let errors: Vec<f64> = found.iter().map(|(w, r)| cer(&w.text, &r.text)).collect();
        all_errors.extend(errors.iter().copied());
        let late = found.iter().filter(|(w, r)| (r.start_ms - w.start_ms).abs() > 1000).count();
        report.push_str(&format!(
            "{style:?}: found {}/{}, median CER {:.1}%, starts off by >1 s: {late}\n",
            found.len(),
            rows.len(),
            median(errors) * 100.0
        ));
        assert_eq!(late, 0, "{style:?} starts: {found:?}");
    }
    let found = matched.iter().flatten().count();
    let share = found as f64 / written.len() as f64;
    let median_cer = median(all_errors);
    eprintln!(
        "{report}all: found {found}/{} ({:.0}%), median CER {:.1}%; {} lines read; {} frames, {} crops read, \
         decoding {:.1} s, finding {:.1} s, recognising {:.1} s, total {:.1} s",
        written.len(),
        share * 100.0,
        median_cer * 100.0,
        text.lines.len(),
        text.frames,
        text.crops_read,
        text.decoding.as_secs_f64(),
        text.finding.as_secs_f64(),
        text.recognising.as_secs_f64(),
        text.total.as_secs_f64()
    );
    for line in &text.lines {
        eprintln!("  {:>6} {:>6} {}", line.start_ms, line.end_ms, line.text);
    }
    assert!(share >= 0.85, "found {found} of {}", written.len());
    assert!(median_cer <= 0.10, "median CER {median_cer}");
    // Nothing read where no caption was.
    let unmatched =
        text.lines.iter().filter(|r| !matched.iter().flatten().any(|m| std::ptr::eq(*m, *r))).count();
    assert!(unmatched <= 1, "{unmatched} lines match no caption");
}

#[test]
fn video_without_captions_gives_at_most_a_line_a_minute() {
    if !can_read_text() {
        return;
    }
    let video = caption_video(720, 60, false);
    let text = read_video(&video, &AtomicBool::new(false)).expect("the video reads");
    eprintln!("{} lines from a minute without captions: {:?}", text.lines.len(), text.lines);
    assert!(text.lines.len() <= 1, "{:?}", text.lines);
}

#[test]
fn a_file_that_is_no_video_is_an_error_naming_it() {
    if !can_read_text() {
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("broken.mp4");
    std::fs::write(&path, b"not a video at all").unwrap();
    let error = read_video(&path, &AtomicBool::new(false)).unwrap_err().to_string();
    assert!(error.starts_with("cannot read the video") && error.contains("broken.mp4"), "{error}");
    assert!(std::fs::read(&path).unwrap() == b"not a video at all");
    let cancelled = read_video(&caption_video(720, 66, true), &AtomicBool::new(true)).unwrap_err();
    assert_eq!(cancelled.to_string(), "stopped");
}

/// A library with the first 12 s of the caption video (three captions) as
/// its one clip (a copy in a temp folder).
fn library_with_caption_clip() -> (tempfile::TempDir, Library, i64) {
    let folder = tempfile::tempdir().unwrap();
    let clips = folder.path().join("clips");
    std::fs::create_dir(&clips).unwrap();
    std::fs::copy(caption_video(720, 12, true), clips.join("비하인드 메이킹.mp4")).unwrap();
    let mut library = Library::open(&folder.path().join("library.db")).unwrap();
    library.scan(&[clips], &mut |_| {}).unwrap();
    let clip_id = library.search("메이킹", 5).unwrap()[0].clip_id;
    (folder, library, clip_id)
}

#[test]
fn read_lines_are_found_by_search_and_rerunning_keeps_the_fans_edits() {
    if !can_read_text() {
        return;
    }
    let (_folder, mut library, clip_id) = library_with_caption_clip();
    let cancel = AtomicBool::new(false);
    let summary = library.read_screen_text(&Which::Unread, &cancel, &mut |_| {}).unwrap();
    assert_eq!((summary.clips_read, summary.problems.len()), (1, 0), "{summary:?}");
    assert_eq!(summary.lines, 3, "{summary:?}");
    // Read once: the next background run has nothing to do.
    let again = library.read_screen_text(&Which::Unread, &cancel, &mut |_| {}).unwrap();
    assert_eq!(again.clips_read, 0);

    for query in ["말타는", "\"말 타는 장면\"", "말타는 in:screen"] {
        let hits = library.search(query, 10).unwrap();
        let hit = hits.iter().find(|h| h.clip_id == clip_id).unwrap_or_else(|| panic!("{query}: {hits:?}"));
        let start = hit.start_ms.expect("a line has a time");
        assert!((1000..=2000).contains(&start), "{query}: starts at {start}");
        assert!(hit.machine && hit.source == Some(outtake_core::CueSource::Screen), "{hit:?}");
    }
    assert!(library.search("말타는 in:subs", 10).unwrap().is_empty());

    let cues = library.cues(clip_id, Some("ko")).unwrap();
    assert!(cues.iter().all(|c| c.machine && c.source == outtake_core::CueSource::Screen), "{cues:?}");
    let riding = cues.iter().find(|c| c.text.contains("타는")).unwrap();
    let edited = library.edit_cue(riding.id, "말 타는 장면 촬영 중!", None).unwrap();
    assert!(!edited.machine);
    assert!(!library.search("말타는", 10).unwrap()[0].machine);
    let before = cues.len();
    library.read_screen_text(&Which::Clips(vec![clip_id]), &cancel, &mut |_| {}).unwrap();
    let after = library.cues(clip_id, Some("ko")).unwrap();
    assert_eq!(after.len(), before, "the edited line stays and is not read again: {after:?}");
    assert!(after.iter().any(|c| c.text == "말 타는 장면 촬영 중!" && !c.machine));
    assert_eq!(after.iter().filter(|c| c.text.contains("타는")).count(), 1, "{after:?}");

    // A file gone since the scan (the library still counts on it) is offline:
    // skipped with one look at the disk, not a problem from ffmpeg.
    let path = library.playable_path(clip_id).unwrap().unwrap();
    std::fs::remove_file(&path).unwrap();
    let gone = library.read_screen_text(&Which::Clips(vec![clip_id]), &cancel, &mut |_| {}).unwrap();
    assert_eq!((gone.clips_read, gone.offline, gone.problems.len()), (0, 1, 0), "{gone:?}");
}

#[test]
fn machine_lines_rank_below_written_ones_and_edits_are_the_fans_and_undoable() {
    let mut library = Library::open_in_memory().unwrap();
    let clip = |library: &mut Library, title: &str| {
        library.add_clip(&outtake_core::ClipInput { title: title.into(), ..Default::default() }).unwrap()
    };
    let (read, written) = (clip(&mut library, "read"), clip(&mut library, "written"));
    let line = |text: &str| ScreenLine { start_ms: 1000, end_ms: 3000, text: text.into() };
    assert_eq!(
        library.store_screen_lines(read, &[line("말 타는 장면"), line("Behind the scenes")]).unwrap(),
        2
    );
    library.replace_cues(written, "ko", &[outtake_core::CueInput::new(5000, 6000, "말 타는 장면")]).unwrap();
    let hits = library.search("말 타는", 10).unwrap();
    assert_eq!(
        hits.iter().map(|h| (h.clip_id, h.machine)).collect::<Vec<_>>(),
        vec![(written, false), (read, true)]
    );
    assert_eq!(library.search("in:screen 말타는", 10).unwrap().len(), 1);
    // Subtitles replaced leave the screen lines; the language is the script's.
    library.replace_cues(read, "ko", &[]).unwrap();
    let cues = library.cues(read, None).unwrap();
    assert_eq!(cues.iter().map(|c| c.lang.as_str()).collect::<Vec<_>>(), vec!["en", "ko"]);

    let korean = cues.iter().find(|c| c.lang == "ko").unwrap().id;
    for (text, error) in [("", "line: is empty"), ("a\u{7}b", "line: contains the control character U+0007")]
    {
        let got = library.edit_cue(korean, text, None).unwrap_err().to_string();
        assert!(got.starts_with(error), "{got}");
    }
    assert!(library.edit_cue(korean, "x", Some((5, 1))).unwrap_err().to_string().contains("run backwards"));
    assert!(library.edit_cue(999, "x", None).unwrap_err().to_string().contains("#999"));
    let edited = library.edit_cue(korean, "말 타는 장면이다", Some((900, 3100))).unwrap();
    assert_eq!((edited.machine, edited.start_ms, edited.end_ms), (false, 900, 3100));
    library.undo(None).unwrap();
    let back = library.cues(read, Some("ko")).unwrap();
    assert_eq!((back[0].text.as_str(), back[0].machine, back[0].start_ms), ("말 타는 장면", true, 1000));
    library.delete_cue(korean).unwrap();
    assert!(library.search("말타는", 10).unwrap().iter().all(|h| h.clip_id == written));
}

/// What the background reader told, in order.
#[derive(Default)]
struct Told {
    news: Vec<String>,
    /// Set `pause` when the first clip starts (to stop a read midway).
    pause_at_first: Option<std::sync::Arc<AtomicBool>>,
}

impl outtake_core::screen_text::ReadSink for Told {
    fn reading(&mut self, now: Option<&outtake_core::screen_text::ReadProgress>) {
        if let (Some(now), Some(pause)) = (now, &self.pause_at_first) {
            pause.store(true, std::sync::atomic::Ordering::Relaxed);
            self.news.push(format!("reading {} of {}, paused", now.number, now.total));
            return;
        }
        self.news.push(match now {
            Some(now) => format!("reading {} of {}", now.number, now.total),
            None => "idle".into(),
        });
    }
    fn read(&mut self, _clip_id: i64, lines: usize) {
        self.news.push(format!("read {lines} lines"));
    }
    fn off(&mut self, reason: &str) {
        self.news.push(format!("off: {reason}"));
    }
}

#[test]
fn the_background_reader_reads_unread_clips_once_without_a_history_entry_and_stops_when_paused() {
    if !can_read_text() {
        return;
    }
    let (folder, mut library, clip_id) = library_with_caption_clip();
    let history_before = library.history(100).unwrap().len();
    let read_it = |library: &mut Library, told: &mut Told, paused: &AtomicBool| {
        // The sender gone: one pass, then the reader returns.
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        drop(wake);
        outtake_core::screen_text::read_in_background(library, &woken, paused, told);
    };

    // Paused before it starts: nothing is read.
    let paused = AtomicBool::new(true);
    let mut told = Told::default();
    read_it(&mut library, &mut told, &paused);
    assert!(told.news.is_empty(), "{:?}", told.news);

    // Paused as the clip starts: it is left unread (and read later).
    let pause = std::sync::Arc::new(AtomicBool::new(false));
    let mut told = Told { pause_at_first: Some(pause.clone()), ..Told::default() };
    read_it(&mut library, &mut told, &pause);
    assert_eq!(told.news, ["reading 1 of 1, paused", "idle"]);
    assert!(library.cues(clip_id, None).unwrap().is_empty());

    // Read: the lines are kept and found, with no history entry.
    let mut told = Told::default();
    read_it(&mut library, &mut told, &AtomicBool::new(false));
    assert_eq!(told.news, ["reading 1 of 1", "read 3 lines", "idle"]);
    assert!(library.search("말타는", 10).unwrap().iter().any(|h| h.clip_id == clip_id && h.machine));
    assert_eq!(
        library.history(100).unwrap().len(),
        history_before,
        "background reads are not the fan's edits"
    );

    // Read once: a clip imported later is the only one read next time.
    let more = folder.path().join("more");
    std::fs::create_dir(&more).unwrap();
    std::fs::copy(caption_video(360, 4, false), more.join("조용한 클립.mp4")).unwrap();
    library.scan(&[more], &mut |_| {}).unwrap();
    let mut told = Told::default();
    read_it(&mut library, &mut told, &AtomicBool::new(false));
    assert_eq!(told.news, ["reading 1 of 1", "read 0 lines", "idle"]);
}
