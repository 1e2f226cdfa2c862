//! Content keys of real video made by ffmpeg: a re-encode (other codec,
//! bitrate, size) keeps its picture hash, copies with the start cut off or an
//! intro added line up by sound at the right offset, and unrelated clips of
//! the same length match neither way; a library from before content keys gets
//! them in runs that resume where a stopped one left off. The clips are made
//! once and kept under the target folder (`CARGO_TARGET_TMPDIR`), since
//! making them takes seconds.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use outtake_core::Library;
use outtake_core::import::worker::{self, FolderStates, Followed, ImportPhase, ImportProgress, ImportSink};
use outtake_core::keys::{Candidates, ClipKeys, KeysWhich, PHASH_DISTANCE, align, distance, video_keys};

/// Seconds in every made clip.
pub(crate) const SECONDS: u32 = 20;

/// Moving pictures that look nothing alike: the test card for 0, then
/// gradients, fractal carpets and cellular automata, each seeded by `number`.
fn picture(number: usize) -> String {
    let size = "s=160x120:r=15";
    match (number, number % 4) {
        (0, _) => format!("testsrc2={size}"),
        (_, 0) => format!("gradients={size}:n=4:seed={number}:speed=0.05"),
        (_, 1) => format!("sierpinski={size}:seed={number}:jump=1"),
        (_, 2) => format!("life={size}:mold=10:ratio=0.3:seed={number}"),
        _ => format!("cellauto={size}:rule={}:seed={number}", [30, 45, 73, 110, 150][number % 5]),
    }
}

/// Sound that changes over time (a steady tone has no fingerprint): two
/// voices stepping through tones picked at random (`fract(sin(x)·43758.5)`,
/// seeded), never repeating.
fn sound(seed: u32, seconds: u32) -> String {
    let s = f64::from(seed) * 7.31;
    let random = |rate: u32, salt: f64| format!("mod(abs(sin(floor(t*{rate})*{salt}+{s})*43758.5453),1)");
    format!(
        "aevalsrc='0.4*sin(2*PI*t*(250+500*{}))+0.25*sin(2*PI*t*(900+700*{}))':s=22050:d={seconds}",
        random(5, 12.9898),
        random(3, 78.233)
    )
}

/// Where made clips are kept between runs.
pub(crate) fn media_folder() -> PathBuf {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("content-keys-media");
    std::fs::create_dir_all(&folder).unwrap();
    folder
}

/// Runs ffmpeg to make `name` (once); false when ffmpeg is not installed.
fn make(name: &str, args: &[&str]) -> Option<PathBuf> {
    let path = media_folder().join(name);
    if path.exists() {
        return Some(path);
    }
    let partial = media_folder().join(format!("partial-{}-{name}", std::process::id()));
    let status =
        Command::new("ffmpeg").args(["-nostdin", "-v", "error", "-y"]).args(args).arg(&partial).status();
    match status {
        Ok(status) => assert!(status.success(), "ffmpeg {args:?} failed"),
        Err(_) => {
            eprintln!("ffmpeg is not installed: skipped");
            return None;
        }
    }
    std::fs::rename(&partial, &path).unwrap();
    Some(path)
}

/// An original clip: picture `number` (see `picture`),
/// sound from `seed`, H.264 and AAC in MP4.
pub(crate) fn original(number: usize, seed: u32) -> Option<PathBuf> {
    let source = picture(number);
    make(
        &format!("original-{number}-{seed}.mp4"),
        &[
            "-f",
            "lavfi",
            "-i",
            &source,
            "-f",
            "lavfi",
            "-i",
            &sound(seed, SECONDS),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "96k",
            "-t",
            &SECONDS.to_string(),
        ],
    )
}

/// The original re-encoded: MPEG-4 part 2 at a low bitrate, 320×240, MP3 sound.
pub(crate) fn reencoded(original: &Path) -> Option<PathBuf> {
    let name = format!("reencoded-{}.avi", original.file_stem()?.to_str()?);
    make(
        &name,
        &[
            "-i",
            original.to_str()?,
            "-vf",
            "scale=320:240",
            "-c:v",
            "mpeg4",
            "-b:v",
            "150k",
            "-c:a",
            "libmp3lame",
            "-b:a",
            "64k",
        ],
    )
}

/// The original with its first `seconds` cut off (re-encoded, as a re-upload is).
pub(crate) fn cut(original: &Path, seconds: f64) -> Option<PathBuf> {
    let name = format!("cut-{seconds}-{}.mp4", original.file_stem()?.to_str()?);
    make(
        &name,
        &[
            "-ss",
            &seconds.to_string(),
            "-i",
            original.to_str()?,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
        ],
    )
}

/// The original after an intro of `seconds` (other picture, other sound).
pub(crate) fn with_intro(original: &Path, seconds: u32) -> Option<PathBuf> {
    let name = format!("intro-{seconds}-{}.mp4", original.file_stem()?.to_str()?);
    let picture = format!("color=c=navy:s=160x120:r=15:d={seconds}");
    let graph = "[0:v]format=yuv420p,setsar=1[iv];[2:v]format=yuv420p,setsar=1[ov];\
                 [1:a]aformat=sample_rates=22050:channel_layouts=mono[ia];\
                 [2:a]aformat=sample_rates=22050:channel_layouts=mono[oa];\
                 [iv][ia][ov][oa]concat=n=2:v=1:a=1[v][a]";
    make(
        &name,
        &[
            "-f",
            "lavfi",
            "-i",
            &picture,
            "-f",
            "lavfi",
            "-i",
            &sound(999, seconds),
            "-i",
            original.to_str()?,
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
        ],
    )
}

/// A clip with a picture and no sound.
fn silent(seconds: u32) -> Option<PathBuf> {
    make(
        &format!("silent-{seconds}.mp4"),
        &[
            "-f",
            "lavfi",
            "-i",
            &format!("testsrc2=s=160x120:r=15:d={seconds}"),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
        ],
    )
}

fn fpcalc_installed() -> bool {
    let installed = Command::new("fpcalc").arg("-version").output().is_ok();
    if !installed {
        eprintln!("fpcalc is not installed (apt install libchromaprint-tools): skipped");
    }
    installed
}

const MS: i64 = SECONDS as i64 * 1000;

#[test]
fn a_reencode_keeps_its_picture_hash_and_cut_copies_line_up_by_sound() {
    if !fpcalc_installed() {
        return;
    }
    let Some(original) = original(0, 1) else { return };
    let reencoded = reencoded(&original).unwrap();
    let cut = cut(&original, 4.0).unwrap();
    let intro = with_intro(&original, 3).unwrap();
    let keys = video_keys(&original, Some(MS));
    let again = video_keys(&reencoded, Some(MS));
    let (hash, audio) = (keys.phash.unwrap(), keys.audio.unwrap());
    let apart = distance(hash, again.phash.unwrap());
    eprintln!("re-encode: phash {apart} bits apart");
    assert!(apart <= PHASH_DISTANCE, "a re-encode is {apart} bits apart");
    let same_sound = align(&again.audio.unwrap(), &audio).expect("a re-encode's sound lines up");
    assert!(same_sound.shift_ms().abs() <= 130, "{same_sound:?}");

    // 4.0 s cut from the start: the cut copy's 0 s is the original's 4 s.
    let cut_audio = video_keys(&cut, Some(MS - 4000)).audio.unwrap();
    let found = align(&cut_audio, &audio).expect("the cut copy lines up");
    eprintln!("cut 4 s: {found:?}, shift {} ms", found.shift_ms());
    assert!((found.shift_ms() - 4000).abs() <= 200, "{found:?}");
    // 3 s intro: the original's 0 s is the copy's 3 s.
    let intro_audio = video_keys(&intro, Some(MS + 3000)).audio.unwrap();
    let found = align(&audio, &intro_audio).expect("the copy with an intro lines up");
    eprintln!("intro 3 s: {found:?}, shift {} ms", found.shift_ms());
    assert!((found.shift_ms() - 3000).abs() <= 200, "{found:?}");
}

#[test]
fn unrelated_clips_of_one_length_match_neither_by_picture_nor_by_sound() {
    if !fpcalc_installed() {
        return;
    }
    // CLIPS clips, each another picture and another sound.
    let count: usize = std::env::var("OUTTAKE_KEYS_CLIPS").ok().and_then(|n| n.parse().ok()).unwrap_or(12);
    let mut keys = Vec::new();
    for i in 0..count {
        let Some(path) = original(i, 100 + i as u32) else { return };
        let made = video_keys(&path, Some(MS));
        keys.push(ClipKeys {
            clip_id: i as i64,
            duration_ms: Some(MS),
            phash: Some(made.phash.unwrap()),
            audio: Some(made.audio.unwrap()),
            ..Default::default()
        });
    }
    let candidates = Candidates::new(&keys);
    let false_matches: Vec<String> = keys
        .iter()
        .filter_map(|clip| {
            Some(format!("#{} is {:?}", clip.clip_id, candidates.find(clip, &|id| id == clip.clip_id)?))
        })
        .collect();
    let mut apart: Vec<u32> = Vec::new();
    for i in 0..keys.len() {
        for j in i + 1..keys.len() {
            apart.push(distance(keys[i].phash.unwrap(), keys[j].phash.unwrap()));
        }
    }
    apart.sort_unstable();
    let close = apart.iter().filter(|d| **d <= PHASH_DISTANCE).count();
    eprintln!(
        "{count} unrelated clips: phashes {}..{} bits apart (median {}); {close} pairs within {PHASH_DISTANCE}, \
         told apart by their sound; false matches {}",
        apart[0],
        apart[apart.len() - 1],
        apart[apart.len() / 2],
        false_matches.len()
    );
    assert!(false_matches.is_empty(), "{false_matches:#?}");
}

#[test]
fn a_run_keeps_keys_and_records_why_a_clip_has_none() {
    if !fpcalc_installed() {
        return;
    }
    let (Some(original), Some(silent)) = (original(0, 1), silent(5)) else { return };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap();
    std::fs::copy(&original, folder.join("Horse ride.mp4")).unwrap();
    std::fs::copy(&silent, folder.join("No sound.mp4")).unwrap();
    for name in ["Horse ride.mp4", "No sound.mp4"] {
        crate::import_edges::age(&folder.join(name));
    }
    let mut library = Library::open(&folder.join("library.db")).unwrap();
    library.scan(std::slice::from_ref(&folder), &mut |_| {}).unwrap();
    assert_eq!(library.content_key_counts().unwrap(), (0, 2));
    let never = AtomicBool::new(false);
    let mut seen = Vec::new();
    let summary =
        library.make_content_keys(&KeysWhich::Missing, &never, &mut |at| seen.push(at.number)).unwrap();
    assert_eq!((summary.clips_done, seen), (2, vec![1, 2]));
    assert_eq!(summary.problems.len(), 1, "{:?}", summary.problems);
    assert!(summary.problems[0].problem.contains("no sound") && !summary.problems[0].retried);
    assert_eq!(library.content_key_counts().unwrap(), (2, 0));
    // Nothing is left to do: a second run (a resumed one) does nothing.
    let again = library.make_content_keys(&KeysWhich::Missing, &never, &mut |_| {}).unwrap();
    assert_eq!(again.clips_done, 0);
    let keys = library.clip_keys(true).unwrap();
    assert!(keys.iter().all(|k| k.phash.is_some()));
    assert_eq!(keys.iter().filter(|k| k.audio.is_some()).count(), 1);
    // A stopped run keeps nothing half-made and says it stopped.
    let stop = AtomicBool::new(true);
    let stopped = library.make_content_keys(&KeysWhich::All, &stop, &mut |_| {}).unwrap();
    assert!(stopped.stopped && stopped.clips_done == 0);
    // A file gone since the scan (the library still counts on it) is offline:
    // skipped without a problem or a program started, tried again later.
    std::fs::remove_file(folder.join("No sound.mp4")).unwrap();
    let gone = library.make_content_keys(&KeysWhich::All, &never, &mut |_| {}).unwrap();
    assert_eq!((gone.clips_done, gone.offline, gone.problems.len()), (1, 1, 0), "{:?}", gone.problems);
}

/// The last schema without content keys (0016 added them).
const BEFORE_KEYS: usize = 15;

/// A library written before content keys existed, in `folder`, holding two
/// real clips (#1 and #2, copies of keys.rs's originals); its path.
fn library_before_keys(folder: &Path) -> Option<PathBuf> {
    let (horse, farewell) = (original(0, 1)?, original(1, 101)?);
    let path = folder.join("library.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    outtake_core::migrations().to_version(&mut conn, BEFORE_KEYS).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'content_key'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0, "schema {BEFORE_KEYS} is from before content keys");
    for (id, (video, name)) in
        [(&horse, "Horse ride.mp4"), (&farewell, "Farewell.mp4")].into_iter().enumerate()
    {
        let copy = folder.join(name);
        std::fs::copy(video, &copy).unwrap();
        conn.execute(
            "INSERT INTO clip (id, title, title_key, duration_ms, added_at)
             VALUES (?1, ?2, ?3, ?4, '2026-11-01T09:00:00Z')",
            rusqlite::params![id as i64 + 1, name, name.to_lowercase().replace(' ', ""), MS],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO file (clip_id, path, size, status) VALUES (?1, ?2, ?3, 'present')",
            rusqlite::params![
                id as i64 + 1,
                copy.to_str().unwrap(),
                std::fs::metadata(&copy).unwrap().len() as i64
            ],
        )
        .unwrap();
    }
    Some(path)
}

/// When the keys of clip `clip_id` were made.
fn made_at(library: &Path, clip_id: i64) -> String {
    rusqlite::Connection::open(library)
        .unwrap()
        .query_row("SELECT made_at FROM content_key WHERE clip_id = ?1", [clip_id], |r| r.get(0))
        .unwrap()
}

/// A made_at no run writes: making clip `clip_id`'s keys again would show.
const MARKED: &str = "2000-01-01T00:00:00Z";

fn mark(library: &Path, clip_id: i64) {
    rusqlite::Connection::open(library)
        .unwrap()
        .execute("UPDATE content_key SET made_at = ?1 WHERE clip_id = ?2", rusqlite::params![MARKED, clip_id])
        .unwrap();
}

/// After the upgrade neither clip has keys; a run stopped while the first
/// is made keeps it, and the next run makes only the second, leaving the
/// first as it was.
#[test]
fn keys_after_an_upgrade_resume_where_a_stopped_run_left_off() {
    if !fpcalc_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap();
    let Some(path) = library_before_keys(&folder) else { return };
    let mut library = Library::open(&path).unwrap();
    assert_eq!(library.content_key_counts().unwrap(), (0, 2), "no clip has keys after the upgrade");

    // The fan stops the run while the first clip's keys are being made.
    let stop = AtomicBool::new(false);
    let mut started = Vec::new();
    let first = library
        .make_content_keys(&KeysWhich::Missing, &stop, &mut |at| {
            started.push(at.clip_id);
            stop.store(true, Ordering::Relaxed);
        })
        .unwrap();
    assert_eq!((first.clips_done, first.stopped, started), (1, true, vec![1]), "{first:?}");
    assert_eq!(library.content_key_counts().unwrap(), (1, 1));
    // The background worker's next clip is the one left too.
    assert_eq!(library.next_clip_without_keys(0).unwrap(), Some(2));
    mark(&path, 1);

    let never = AtomicBool::new(false);
    let mut started = Vec::new();
    let second = library
        .make_content_keys(&KeysWhich::Missing, &never, &mut |at| {
            started.push((at.clip_id, at.number, at.total))
        })
        .unwrap();
    assert_eq!((second.clips_done, second.stopped, started), (1, false, vec![(2, 1, 1)]), "{second:?}");
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert_eq!(library.content_key_counts().unwrap(), (2, 0));
    assert_eq!(made_at(&path, 1), MARKED, "the first clip's keys were made again");
    assert_ne!(made_at(&path, 2), MARKED);
    let keys = library.clip_keys(true).unwrap();
    assert!(keys.iter().all(|k| k.phash.is_some() && k.audio.is_some()), "a clip without a key");
    assert_ne!(keys[0].phash, keys[1].phash, "each clip's keys are its own");
    // Nothing is left: a third run does nothing.
    let third = library.make_content_keys(&KeysWhich::Missing, &never, &mut |_| {}).unwrap();
    assert_eq!((third.clips_done, third.stopped), (0, false));
}

/// What a worker says: its progress, or a problem.
type Said = Result<ImportProgress, String>;

/// Passes on what a worker says; with a receiver that never hears, it stops
/// the worker for good once one clip's keys are made (as if the app quit).
struct Heard(mpsc::Sender<Said>, Option<mpsc::Receiver<()>>);

impl ImportSink for Heard {
    fn progress(&mut self, progress: ImportProgress) {
        let second_clip = progress.phase == ImportPhase::Keys && progress.done == 1;
        let _ = self.0.send(Ok(progress));
        // Quit here: the worker never goes on (its thread waits for good).
        if second_clip && let Some(never) = &self.1 {
            let _ = never.recv();
        }
    }
    fn changed(&mut self, _clip_ids: Vec<i64>) {}
    fn problem(&mut self, message: &str) {
        let _ = self.0.send(Err(message.to_string()));
    }
}

/// Starts the import worker on `library`, following no folder (nothing to
/// scan: only the keys the library lacks to make); what it says comes on the
/// receiver. `quit_after_one`: it stops for good once one clip's keys are made.
fn start_worker(library: &Path, quit_after_one: bool) -> mpsc::Receiver<Said> {
    let (said, heard) = mpsc::channel();
    let library = library.to_path_buf();
    std::thread::spawn(move || {
        let (work, jobs) = mpsc::channel();
        let (_kept, never) = mpsc::channel::<()>();
        let mut sink = Heard(said, quit_after_one.then_some(never));
        let mut library = Library::open(&library).unwrap();
        // The worker runs until its senders are gone: for the rest of the test.
        let _ = worker::run(
            &mut library,
            Followed::These(Vec::new()),
            &mut sink,
            FolderStates::default(),
            work,
            jobs,
        );
    });
    heard
}

/// What a worker said until it is done with keys (idle after keys, or quit).
fn until_done_with_keys(heard: &mpsc::Receiver<Said>, quit_after_one: bool) -> Vec<ImportProgress> {
    let mut said: Vec<ImportProgress> = Vec::new();
    loop {
        let progress = heard
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("the worker went quiet: {said:#?}"))
            .unwrap_or_else(|problem| panic!("the worker reported a problem: {problem}"));
        let keys_made = said.iter().any(|p| p.phase == ImportPhase::Keys);
        let done = if quit_after_one {
            progress.phase == ImportPhase::Keys && progress.done == 1
        } else {
            keys_made && progress.phase == ImportPhase::Idle
        };
        said.push(progress);
        if done {
            return said;
        }
    }
}

/// The same in the background, as the app and `outtake watch` make them: the
/// import worker started on the upgraded library makes keys one clip at a
/// time; quit after the first, a worker started again makes only the second.
#[test]
fn the_worker_makes_keys_after_an_upgrade_and_a_restart_makes_only_those_left() {
    if !fpcalc_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().canonicalize().unwrap();
    let Some(path) = library_before_keys(&folder) else { return };
    let library = Library::open(&path).unwrap();
    assert_eq!(library.content_key_counts().unwrap(), (0, 2), "no clip has keys after the upgrade");
    let keyed = |said: &[ImportProgress]| -> Vec<String> {
        said.iter().filter(|p| p.phase == ImportPhase::Keys).filter_map(|p| p.current.clone()).collect()
    };
    let horse = folder.join("Horse ride.mp4").display().to_string();
    let farewell = folder.join("Farewell.mp4").display().to_string();

    let first = until_done_with_keys(&start_worker(&path, true), true);
    // It told of clip #1, then of #2 as it quit (before making #2's keys).
    assert_eq!(keyed(&first), vec![horse, farewell.clone()], "{first:#?}");
    assert_eq!(library.content_key_counts().unwrap(), (1, 1));
    assert_eq!(library.next_clip_without_keys(0).unwrap(), Some(2));
    mark(&path, 1);

    let second = until_done_with_keys(&start_worker(&path, false), false);
    assert_eq!(keyed(&second), vec![farewell], "only the clip left: {second:#?}");
    assert_eq!(library.content_key_counts().unwrap(), (2, 0));
    assert_eq!(made_at(&path, 1), MARKED, "the first clip's keys were made again");
    assert_ne!(made_at(&path, 2), MARKED);
}
