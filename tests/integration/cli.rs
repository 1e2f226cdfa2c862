//! The `outtake` binary, run for real (assert_cmd): the worked example from
//! DESIGN.md end to end, `--json` shapes, and every error path. Long because
//! it is the whole command line's surface (library, completions, reading
//! text, storyboards, reels and cuts), each through the one fixture that
//! runs the real binary on a library of its own.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use outtake_core::{ClipInput, FileInput, Library};
use serde_json::Value;

/// The `outtake` binary, brought up to date once per test process. The build
/// is the one `cargo xtask test` already ran (same selection, so a no-op
/// there), and keeps a plain `cargo test` from running a stale binary.
pub(crate) fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--workspace", "--bins", "--locked"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo build runs");
        assert!(status.success(), "building the outtake binary failed");
        let exe = std::env::current_exe().expect("test binary path");
        let dir = exe.parent().and_then(Path::parent).expect("target/<profile>/deps");
        dir.join(format!("outtake{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A library file in a temp dir, and a way to run `outtake` on it.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    /// A new, empty library: `--library` only opens libraries that exist.
    fn new() -> Fixture {
        let fixture = Fixture { dir: tempfile::tempdir().expect("temp dir") };
        Library::open(&fixture.library()).expect("a new library");
        fixture
    }

    fn library(&self) -> PathBuf {
        self.dir.path().join("library.db")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut command = Command::new(binary());
        // Settings of the test's own (none: the defaults), never the machine's.
        command.env_remove("OUTTAKE_LIBRARY").env("OUTTAKE_SETTINGS", self.dir.path().join("settings.json"));
        command.arg("--library").arg(self.library()).args(args);
        command
    }

    /// Runs a command that must succeed; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let output = self.cmd(args).output().expect("outtake runs");
        assert!(
            output.status.success(),
            "outtake {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8 output")
    }

    fn json(&self, args: &[&str]) -> Value {
        let text = self.ok(args);
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("outtake {args:?} printed no JSON ({e}):\n{text}"))
    }

    /// Runs a command that must fail as a user error; returns its one stderr line.
    fn fails(&self, args: &[&str]) -> String {
        let output = self.cmd(args).output().expect("outtake runs");
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert_eq!(output.status.code(), Some(1), "outtake {args:?} should exit 1; stderr: {stderr}");
        assert!(output.stdout.is_empty(), "a failed command prints nothing on stdout: {args:?}");
        assert_eq!(stderr.lines().count(), 1, "one line on stderr for {args:?}, got: {stderr}");
        assert!(stderr.starts_with("outtake: "), "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
        stderr
    }

    /// Adds a clip straight through the core (adding clips from files is the import's job).
    fn add_clip(&self, title: &str, path: &str, duration_ms: i64) -> i64 {
        let mut library = Library::open(&self.library()).expect("library opens");
        library
            .add_clip(&ClipInput {
                title: title.into(),
                duration_ms: Some(duration_ms),
                width: Some(1920),
                height: Some(1080),
                video_codec: Some("h264".into()),
                audio_codec: Some("aac".into()),
                source_url: Some("https://www.youtube.com/watch?v=abc123".into()),
                uploader: Some("SBS Drama".into()),
                published: Some("2021-09-01".into()),
                files: vec![FileInput {
                    path: path.into(),
                    size: 1234,
                    oshash: Some("8e245d9679d31e12".into()),
                    ..FileInput::default()
                }],
                ..ClipInput::default()
            })
            .expect("clip added")
    }
}

/// The worked example: Lovers of the Red Sky, its cast, one making-of clip and four moments.
fn red_sky(f: &Fixture) -> i64 {
    f.ok(&[
        "show",
        "add",
        "Lovers of the Red Sky",
        "--native",
        "홍천기",
        "--network",
        "SBS",
        "--year",
        "2021",
    ]);
    f.ok(&["person", "add", "Kim Yoo Jung", "--native", "김유정", "--alias", "Kim Yoo-jung"]);
    f.ok(&["person", "add", "Ahn Hyo Seop", "--native", "안효섭"]);
    f.ok(&["person", "add", "Choi Kwang Il"]);
    f.ok(&["role", "add", "김유정", "홍천기", "Hong Chun Gi", "--native", "홍천기"]);
    f.ok(&["role", "add", "ahn hyo-seop", "Lovers of the Red Sky", "Ha Ram"]);
    f.ok(&["role", "add", "Choi Kwang Il", "홍천기", "Hong Eun O"]);
    f.ok(&["episode", "add", "홍천기", "1", "--title", "The Painter", "--aired", "2021-08-30"]);
    f.ok(&[
        "scene",
        "add",
        "홍천기",
        "Sealing ceremony",
        "--episode",
        "1",
        "--description",
        "The blade swing",
    ]);
    f.ok(&["scene", "add", "홍천기", "Horse ride"]);
    let clip = f.add_clip("[Making] Lovers of the Red Sky EP.1", "/videos/making [abc123].mp4", 600_000);
    f.ok(&[
        "clip",
        "set",
        &clip.to_string(),
        "--show",
        "홍천기",
        "--episode",
        "1",
        "--note",
        "best making-of",
    ]);
    f.ok(&["credit", "1", "김유정"]);
    f.ok(&["credit", "1", "Ahn Hyo Seop", "--as", "Ha Ram"]);
    f.ok(&["tag", "1", "type:making-of", "mood:fun"]);
    f.ok(&[
        "marker",
        "add",
        "1",
        "83.5",
        "1:40",
        "--title",
        "Sealing ceremony action",
        "--scene",
        "Sealing ceremony",
        "--cast",
        "Ahn Hyo Seop",
        "--tag",
        "type:action",
        "--tag",
        "type:blooper",
        "--note",
        "He yells louder than the person he hits",
    ]);
    f.ok(&[
        "marker",
        "add",
        "1",
        "2:30",
        "--title",
        "Horse ride",
        "--scene",
        "horse ride",
        "--cast",
        "김유정",
    ]);
    f.ok(&[
        "marker",
        "add",
        "1",
        "00:04:10.250",
        "00:04:30",
        "--title",
        "Pulse scene",
        "--cast",
        "김유정",
        "--cast",
        "Ahn Hyo Seop as Ha Ram",
    ]);
    f.ok(&[
        "marker",
        "add",
        "1",
        "7:00",
        "8:00",
        "--title",
        "Tearful farewell",
        "--cast",
        "Kim Yoo-jung",
        "--cast",
        "Choi Kwang Il",
        "--tag",
        "mood:emotional",
        "--quote",
        "I'm okay.",
    ]);
    clip
}

#[test]
fn worked_example_end_to_end() {
    let f = Fixture::new();
    let clip = red_sky(&f);
    let detail = f.json(&["clip", "show", "[making] lovers of the red sky ep.1", "--json"]);
    assert_eq!(detail["id"], clip);
    assert_eq!(detail["title"], "[Making] Lovers of the Red Sky EP.1");
    assert_eq!(detail["path"], "/videos/making [abc123].mp4");
    assert_eq!(detail["duration_ms"], 600_000);
    assert_eq!((detail["width"].as_i64(), detail["height"].as_i64()), (Some(1920), Some(1080)));
    assert_eq!((detail["video_codec"].as_str(), detail["audio_codec"].as_str()), (Some("h264"), Some("aac")));
    assert_eq!(detail["oshash"], "8e245d9679d31e12");
    assert_eq!(detail["status"], "present");
    assert_eq!(detail["show"], "Lovers of the Red Sky");
    assert_eq!(detail["episode"], 1);
    assert_eq!(detail["note"], "best making-of");
    assert_eq!(detail["tags"], serde_json::json!(["type:making-of", "mood:fun"]));
    let cast: Vec<(String, Value)> = detail["cast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["person"].as_str().unwrap().to_string(), c["character"].clone()))
        .collect();
    // One role in the show: credited as it without saying so.
    assert_eq!(
        cast,
        [("Kim Yoo Jung".into(), "Hong Chun Gi".into()), ("Ahn Hyo Seop".into(), "Ha Ram".into())]
    );
    assert_eq!(detail["source"]["url"], "https://www.youtube.com/watch?v=abc123");
    assert_eq!(detail["source"]["uploader"], "SBS Drama");
    assert_eq!(detail["source"]["published"], "2021-09-01");

    let markers = detail["markers"].as_array().unwrap();
    let times: Vec<(i64, Option<i64>)> =
        markers.iter().map(|m| (m["start_ms"].as_i64().unwrap(), m["end_ms"].as_i64())).collect();
    assert_eq!(
        times,
        [(83_500, Some(100_000)), (150_000, None), (250_250, Some(270_000)), (420_000, Some(480_000))]
    );
    let action = &markers[0];
    assert_eq!(action["scene"], "Sealing ceremony");
    assert_eq!(action["tags"], serde_json::json!(["type:action", "type:blooper"]));
    assert_eq!(action["cast"][0]["character"], "Ha Ram");
    assert_eq!(markers[1]["scene"], "Horse ride");
    let farewell = &markers[3];
    assert_eq!(farewell["quote"], "I'm okay.");
    assert_eq!(farewell["cast"][0]["person"], "Kim Yoo Jung");
    assert_eq!(farewell["cast"][0]["character"], "Hong Chun Gi");
    assert_eq!(farewell["cast"][1]["character"], "Hong Eun O");
    assert!(markers.iter().all(|m| m["id"].is_i64() && m.get("note").is_some()));

    let text = f.ok(&["clip", "show", "1"]);
    assert!(text.contains("Kim Yoo Jung as Hong Chun Gi") && text.contains("“I'm okay.”"), "{text}");
    f.ok(&["untag", "1", "mood:fun"]);
    assert_eq!(f.json(&["clip", "show", "1", "--json"])["tags"], serde_json::json!(["type:making-of"]));
}

/// The moments of the worked example, found the way the fan searches for them.
#[test]
fn worked_example_searches_open_each_moment() {
    let f = Fixture::new();
    red_sky(&f);
    let marker_starts = |query: &str| -> Vec<i64> {
        // Options may follow the query, as people type them.
        let hits = f.json(&["search", query, "--json", "--limit", "10"]);
        hits.as_array()
            .unwrap_or_else(|| panic!("search {query} gave {hits}"))
            .iter()
            .filter(|h| h["kind"] == "marker" && h["clip_id"] == 1)
            .map(|h| h["start_ms"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(marker_starts("horse"), vec![150_000]);
    assert!(marker_starts("김유정").contains(&420_000), "{:?}", marker_starts("김유정"));
    let mut ahn = marker_starts("cast:\"Ahn Hyo Seop\"");
    ahn.sort();
    assert_eq!(ahn, vec![83_500, 250_250]);
    assert_eq!(marker_starts("\"I'm okay\""), vec![420_000]);
    assert_eq!(marker_starts("cast:\"Ahn Hyo Seop\" tag:blooper"), vec![83_500]);
}

#[test]
fn clip_list_json_has_the_promised_fields() {
    let f = Fixture::new();
    red_sky(&f);
    f.add_clip("Phone recording", "/videos/phone.mov", 12_000);
    let clips = f.json(&["clip", "list", "--json"]);
    let clips = clips.as_array().expect("an array");
    assert_eq!(clips.len(), 2);
    for clip in clips {
        for field in ["id", "title", "path", "duration_ms", "status", "show", "episode"] {
            assert!(clip.get(field).is_some(), "clip list --json lacks {field}: {clip}");
        }
    }
    let red = clips.iter().find(|c| c["id"] == 1).unwrap();
    assert_eq!((red["show"].as_str(), red["episode"].as_i64()), (Some("Lovers of the Red Sky"), Some(1)));
    let phone = clips.iter().find(|c| c["title"] == "Phone recording").unwrap();
    assert_eq!((phone["show"].clone(), phone["status"].as_str()), (Value::Null, Some("present")));
}

#[test]
fn every_listing_takes_json() {
    let f = Fixture::new();
    red_sky(&f);
    let dir = f.dir.path().to_str().unwrap().to_string();
    f.ok(&["folder", "add", &dir]);
    let rows = [
        (vec!["show", "list", "--json"], 1),
        (vec!["person", "list", "--json"], 3),
        (vec!["episode", "list", "홍천기", "--json"], 1),
        (vec!["scene", "list", "홍천기", "--json"], 2),
        (vec!["role", "list", "홍천기", "--json"], 3),
        (vec!["tags", "list", "--json"], 5),
        (vec!["marker", "list", "1", "--json"], 4),
        (vec!["clip", "list", "--json"], 1),
        (vec!["folder", "list", "--json"], 1),
    ];
    for (args, count) in rows {
        let value = f.json(&args);
        assert_eq!(value.as_array().map(Vec::len), Some(count), "{args:?}: {value}");
    }
    let show = f.json(&["show", "show", "홍천기", "--json"]);
    assert_eq!(show["show"]["title"], "Lovers of the Red Sky");
    assert_eq!(show["cast"].as_array().map(Vec::len), Some(3));
}

#[test]
fn export_import_round_trip_through_the_cli() {
    let f = Fixture::new();
    red_sky(&f);
    let first = f.dir.path().join("first.json");
    f.ok(&["export", first.to_str().unwrap()]);

    let g = Fixture::new();
    let report = g.json(&["import", first.to_str().unwrap(), "--json"]);
    assert_eq!((report["clips_added"].as_i64(), report["markers_added"].as_i64()), (Some(1), Some(4)));
    let second = g.dir.path().join("second.json");
    g.ok(&["export", second.to_str().unwrap()]);
    assert_eq!(std::fs::read(&first).unwrap(), std::fs::read(&second).unwrap(), "second export differs");

    // Importing again merges: nothing new.
    let again = g.json(&["import", first.to_str().unwrap(), "--json"]);
    assert_eq!((again["clips_added"].as_i64(), again["clips_merged"].as_i64()), (Some(0), Some(1)));
    assert_eq!(again["markers_added"], 0);
    let summary = g.json(&["summary", "--json"]);
    assert_eq!(
        (summary["clips"].as_i64(), summary["markers"].as_i64(), summary["people"].as_i64()),
        (Some(1), Some(4), Some(3))
    );
}

#[test]
fn library_comes_from_the_environment_when_not_given() {
    let f = Fixture::new();
    let mut command = Command::new(binary());
    command.env("OUTTAKE_LIBRARY", f.library()).args(["show", "add", "Twenty-Five Twenty-One"]);
    command.assert().success();
    assert_eq!(f.json(&["show", "list", "--json"])[0]["title"], "Twenty-Five Twenty-One");
}

#[test]
fn errors_are_one_clear_line_and_exit_1() {
    let f = Fixture::new();
    red_sky(&f);
    f.ok(&["show", "add", "Lovers", "--year", "2006"]);
    f.ok(&["show", "add", "Lovers", "--year", "2020"]);
    f.add_clip("Unsorted clip", "/videos/unsorted.mp4", 30_000);
    f.ok(&["tags", "parent", "type:blooper", "type:action"]);
    let missing = f.dir.path().join("nope.json");
    let malformed = f.dir.path().join("bad.json");
    std::fs::write(&malformed, "{\n  \"format\": \"outtake-library\",\n  \"version\": 1,\n  \"shows\": [ {\"id\": 1, \"title\": 5} ]\n}\n").unwrap();
    let (missing, malformed) = (missing.to_str().unwrap(), malformed.to_str().unwrap());
    let long_query = vec!["horse"; 1000].join(" OR ");
    let rows: &[(&[&str], &str)] = &[
        (&["credit", "1", "Song Won Seok"], "no person named \"Song Won Seok\""),
        (&["show", "show", "Lovers"], "could be more than one show: #2 Lovers, 2006, #3 Lovers, 2020"),
        (
            &["show", "add", "Lovers of the Red Sky", "--year", "2021"],
            "show \"Lovers of the Red Sky\" already exists as #1",
        ),
        (&["person", "add", "kim yoo jung"], "already exists as #1"),
        (&["show", "add", "Old", "--year", "99"], "year: 99 is not a plausible year"),
        (&["marker", "add", "1", "1:75"], "start: \"1:75\""),
        (&["marker", "add", "1", "2:00", "1:00"], "end: 1:00 is before the start 2:00"),
        (&["marker", "add", "1", "11:00"], "start: 11:00 is past the end of the clip (10:00)"),
        (&["marker", "add", "1", "1:00", "--scene", "Rooftop"], "no scene named \"Rooftop\""),
        (&["marker", "add", "1", "1:00", "--cast", "Nobody as Someone"], "no person named \"Nobody\""),
        (&["marker", "rm", "x7"], "marker: \"x7\" is not a marker id"),
        (&["marker", "rm", "#99"], "no marker named \"#99\""),
        (&["clip", "show", "#42"], "no clip named \"#42\""),
        (&["clip", "set", "1"], "nothing to change"),
        (&["clip", "set", "Unsorted clip", "--episode", "2"], "episode: the clip has no show"),
        (&["tag", "99", "x"], "no clip named \"99\""),
        (&["tag", "1", "mood:"], "tag: \"mood:\" needs a name after the namespace"),
        (&["untag", "1", "never-seen"], "no tag named \"never-seen\""),
        (&["tags", "parent", "type:action", "type:action"], "a tag cannot be its own parent"),
        (&["tags", "parent", "type:action", "type:blooper"], "type:blooper is already under type:action"),
        (&["role", "add", "김유정", "홍천기", "Hong Chun Gi"], "role \"Hong Chun Gi\" already exists"),
        (&["episode", "add", "홍천기", "1"], "episode \"Lovers of the Red Sky episode 1\" already exists"),
        (
            &["episode", "add", "홍천기", "2", "--aired", "2021-13-01"],
            "air date: \"2021-13-01\" is not a date",
        ),
        (&["folder", "add", "/definitely/not/here"], "/definitely/not/here"),
        (&["import", missing], "nope.json"),
        (&["import", malformed], "shows[0].title (line 4, column"),
        (&["show", "add"], "required arguments were not provided: <TITLE>"),
        (&["clip", "frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["person", "add", "Bad\u{7}Name"], "name: contains the control character U+0007"),
        (&["show", "add", "#99"], "title: \"#99\" cannot be a name: # followed by digits names an id"),
        (&["tag", "1", "#99"], "tag: \"#99\" cannot be a name: # followed by digits names an id"),
        (&["search", "added:>"], "search: added:> (at character 1) needs a value"),
        (&["search", &long_query], "search: the query is 8996 characters long; a search reads at most 1000"),
    ];
    for (args, expected) in rows {
        let stderr = f.fails(args);
        assert!(stderr.contains(expected), "outtake {args:?}: expected {expected:?} in {stderr:?}");
    }
    // None of the failures changed the library.
    assert_eq!(f.json(&["summary", "--json"])["markers"], 4);
}

/// `NO_COLOR` (no-color.org) wins over `CLICOLOR_FORCE`, even on a colour
/// terminal: help, a usage mistake, a missing subcommand, a failed command
/// and plain output hold no escape code.
#[test]
fn no_color_means_no_escape_codes_even_when_colour_is_forced() {
    let f = Fixture::new();
    let runs: [&[&str]; 5] = [&["--bogus"], &["--help"], &["clip"], &["clip", "show", "#42"], &["summary"]];
    for args in runs {
        let output = f
            .cmd(args)
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
            .env("TERM", "xterm-256color")
            .output()
            .expect("outtake runs");
        assert!(!(output.stdout.is_empty() && output.stderr.is_empty()), "outtake {args:?} said nothing");
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            assert!(
                !bytes.contains(&0x1b),
                "outtake {args:?} wrote an escape code on {stream}: {:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }
}

/// `#99` names an id, so it cannot name a show (`show show '#99'` could never
/// find it); a bare number, like the drama "2521", is a name and finds it.
#[test]
fn a_name_that_reads_as_an_id_is_refused() {
    let f = Fixture::new();
    f.fails(&["show", "add", "#99"]);
    assert!(f.json(&["show", "list", "--json"]).as_array().unwrap().is_empty());
    f.ok(&["show", "add", "2521"]);
    assert_eq!(f.json(&["show", "show", "2521", "--json"])["show"]["title"], "2521");
    assert_eq!(f.json(&["show", "show", "#1", "--json"])["show"]["title"], "2521");
}

#[test]
fn an_unopenable_library_is_a_clear_error() {
    let f = Fixture::new();
    let dir_as_library = f.dir.path().to_str().unwrap().to_string();
    let output =
        Command::new(binary()).args(["--library", &dir_as_library, "show", "list"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.starts_with("outtake: cannot open the library") && stderr.contains(&dir_as_library),
        "{stderr}"
    );
}

#[test]
fn removing_things_never_touches_video_files() {
    let f = Fixture::new();
    let video = f.dir.path().join("clip.mp4");
    std::fs::write(&video, b"not really a video, but the user's bytes").unwrap();
    red_sky(&f);
    f.add_clip("Real file", video.to_str().unwrap(), 1_000);
    f.ok(&["clip", "rm", "Real file"]);
    f.ok(&["show", "rm", "홍천기"]);
    f.ok(&["person", "rm", "김유정"]);
    assert_eq!(std::fs::read(&video).unwrap(), b"not really a video, but the user's bytes");
    let clip = f.json(&["clip", "show", "1", "--json"]);
    assert_eq!(clip["show"], Value::Null, "the clip stays, unlinked from the removed show");
    assert_eq!(clip["cast"].as_array().unwrap().len(), 1, "only Ahn Hyo Seop's credit is left");
}

#[test]
fn merging_people_and_tags_from_the_cli() {
    let f = Fixture::new();
    red_sky(&f);
    f.ok(&["person", "add", "Yoo Jung Kim"]);
    f.ok(&["credit", "1", "Yoo Jung Kim"]);
    f.ok(&["person", "merge", "Yoo Jung Kim", "김유정"]);
    let person = f.json(&["person", "show", "yoo jung kim", "--json"]);
    assert_eq!(person["person"]["name"], "Kim Yoo Jung");
    f.ok(&["tags", "merge", "type:blooper", "type:action"]);
    let tags = f.json(&["marker", "list", "1", "--json"])[0]["tags"].clone();
    assert_eq!(tags, serde_json::json!(["type:action"]));
    assert_eq!(
        f.json(&["tags", "list", "--json"])
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["full_name"] == "type:action")
            .count(),
        1
    );
    f.ok(&["untag", "1", "type:blooper"]); // the old name is now an alias of type:action
}

#[test]
fn undo_takes_back_exactly_the_last_edit_and_redo_makes_it_again() {
    let f = Fixture::new();
    let clip = red_sky(&f);
    let before = f.json(&["clip", "show", &clip.to_string(), "--json"]);
    f.ok(&["tag", &clip.to_string(), "x:y"]);
    let history = f.json(&["history", "--json"]);
    assert_eq!(history[0]["description"], format!("tag clip #{clip}: x:y"));
    assert!(f.ok(&["undo"]).starts_with(&format!("undid #{} tag clip #{clip}: x:y", history[0]["id"])));
    assert_eq!(f.json(&["clip", "show", &clip.to_string(), "--json"]), before, "exactly that tag is gone");
    assert!(f.ok(&["redo"]).starts_with("redid"));
    assert!(
        f.json(&["clip", "show", &clip.to_string(), "--json"])["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "x:y")
    );
    assert!(f.ok(&["history"]).contains("tag clip"));
    // An edit named by its number; one that is not there says so.
    assert!(f.fails(&["undo", "#999"]).contains("no edit named \"#999\""));
    assert!(f.fails(&["undo", "x"]).contains("is not an edit number"));
}

/// The shell: a completion script per shell, names completed from the
/// library as they are typed, and the manual page; none needs a library.
#[test]
fn completes_names_from_the_library_and_prints_its_manual() {
    let f = Fixture::new();
    f.ok(&["show", "add", "Lovers of the Red Sky"]);
    f.ok(&["person", "add", "Kim Yoo Jung"]);
    f.ok(&["tags", "list"]);
    for shell in ["bash", "zsh", "fish"] {
        let script = Command::new(binary()).args(["completions", shell]).output().unwrap();
        assert!(script.status.success());
        assert!(
            String::from_utf8_lossy(&script.stdout).contains("outtake"),
            "{shell} script names the command"
        );
    }
    let unknown = Command::new(binary()).args(["completions", "tcsh"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no completion for the shell \"tcsh\""));
    // What fish asks when the fan presses Tab after `outtake credit 3 ki`.
    let asked = |words: &[&str]| {
        let output = Command::new(binary())
            .env("COMPLETE", "fish")
            .env("OUTTAKE_LIBRARY", f.library())
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(asked(&["outtake", "credit", "3", "ki"]).trim(), "Kim Yoo Jung");
    assert_eq!(asked(&["outtake", "episode", "list", "lov"]).trim(), "Lovers of the Red Sky");
    let manual = Command::new(binary()).arg("manpage").output().unwrap();
    let manual = String::from_utf8(manual.stdout).unwrap();
    assert!(manual.contains(".TH outtake 1") && manual.contains("search"), "a manual page of the commands");
}

/// A folder with 12 s of the caption video (three captions, from `screen_text`)
/// scanned into the fixture's library.
fn caption_clip(f: &Fixture) -> PathBuf {
    let clips = f.dir.path().join("clips");
    std::fs::create_dir(&clips).unwrap();
    let video = clips.join("메이킹.mp4");
    std::fs::copy(crate::screen_text::caption_video(720, 12, true), &video).unwrap();
    f.ok(&["scan", clips.to_str().unwrap(), "--no-thumbnails"]);
    video
}

#[test]
fn read_text_makes_captions_searchable_at_their_moment() {
    if !crate::screen_text::can_read_text() {
        return;
    }
    let f = Fixture::new();
    caption_clip(&f);
    let summary = f.json(&["read-text", "--json"]);
    assert_eq!(summary["clips_read"], 1, "{summary}");
    assert_eq!(summary["lines"], 3, "{summary}");
    // Read already: a second run without clips has nothing to do; a named clip is read again.
    assert_eq!(f.json(&["read-text", "--json"])["clips_read"], 0);
    assert!(f.ok(&["read-text", "#1"]).starts_with("read 1 clip: 3 lines"));
    for query in ["말타는", "\"말 타는 장면\""] {
        let hits = f.json(&["search", query, "--json"]);
        let start = hits[0]["start_ms"].as_i64().unwrap_or_else(|| panic!("{query}: {hits}"));
        assert!((1000..=2000).contains(&start), "{query}: {hits}");
        assert_eq!(hits[0]["source"], "screen", "{query}: {hits}");
    }
    // The text output says where a line nobody typed came from.
    assert!(f.ok(&["search", "말타는"]).contains("cue (on screen)"));
}

#[test]
fn read_text_names_what_is_missing_and_what_cannot_be_read() {
    if !crate::screen_text::can_read_text() {
        return;
    }
    let f = Fixture::new();
    let video = caption_clip(&f);
    // Without Tesseract: one line naming the Debian packages, nothing changed.
    let only_ffmpeg = f.dir.path().join("bin");
    std::fs::create_dir(&only_ffmpeg).unwrap();
    std::os::unix::fs::symlink("/usr/bin/ffmpeg", only_ffmpeg.join("ffmpeg")).unwrap();
    let output = f.cmd(&["read-text"]).env("PATH", &only_ffmpeg).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("tesseract is not installed") && stderr.contains("apt install tesseract-ocr"),
        "{stderr}"
    );
    assert_eq!(f.json(&["read-text", "--json"])["clips_read"], 1);
    // A clip whose file no longer decodes is that clip's problem; the file is left as it is.
    std::fs::write(&video, b"no longer a video").unwrap();
    let summary = f.json(&["read-text", "--all", "--json"]);
    let problem = summary["problems"][0]["error"].as_str().unwrap_or_else(|| panic!("{summary}"));
    assert!(problem.starts_with("cannot read the video") && problem.contains("메이킹.mp4"), "{summary}");
    assert_eq!(std::fs::read(&video).unwrap(), b"no longer a video");
    f.fails(&["read-text", "no such clip"]);
}

/// `outtake transcribe` with the test model: the spoken word is found by
/// `outtake search` at its moment; a missing or damaged model is one line
/// naming the file, and the library is left as it was.
#[test]
fn transcribe_makes_speech_searchable_and_refuses_a_bad_model_changing_nothing() {
    let Some(_turn) = crate::speech::can_hear() else { return };
    let model = crate::speech::test_model().unwrap();
    let f = Fixture::new();
    let clips = f.dir.path().join("clips");
    std::fs::create_dir(&clips).unwrap();
    std::fs::rename(crate::speech::speech_clip(f.dir.path()), clips.join("메이킹.mp4")).unwrap();
    f.ok(&["scan", clips.to_str().unwrap(), "--no-thumbnails"]);

    let cut = f.dir.path().join("ggml-cut.bin");
    std::fs::write(&cut, &std::fs::read(&model).unwrap()[..1 << 20]).unwrap();
    let history = f.ok(&["history"]);
    for (bad, why) in
        [(cut.as_path(), "is cut short"), (Path::new("/nowhere/ggml-base.bin"), "cannot be read")]
    {
        let output = f.cmd(&["transcribe", "--model", bad.to_str().unwrap()]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(why) && stderr.contains(bad.to_str().unwrap()), "{stderr}");
    }
    assert_eq!(f.ok(&["history"]), history, "nothing changed");
    // No model chosen: said, not an error per clip.
    assert!(f.fails(&["transcribe"]).contains("no speech model is chosen"));
    let output =
        f.cmd(&["transcribe", "--language", "fr", "--model", model.to_str().unwrap()]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains("\"fr\" is not ko, en or auto"), "{stderr}");

    let summary = f.json(&["transcribe", "--json", "--model", model.to_str().unwrap()]);
    assert_eq!(summary["clips_read"], 1, "{summary}");
    assert_eq!(f.json(&["transcribe", "--json", "--model", model.to_str().unwrap()])["clips_read"], 0);
    let hits = f.json(&["search", "horse", "--json"]);
    let start = hits[0]["start_ms"].as_i64().unwrap_or_else(|| panic!("{hits}"));
    assert!((1000..=3000).contains(&start), "{hits}");
    assert_eq!((&hits[0]["source"], &hits[0]["machine"]), (&"speech".into(), &true.into()), "{hits}");
    assert!(f.ok(&["search", "horse"]).contains("cue (heard)"));
    // The settings' model is used when --model is not given.
    let settings = f.dir.path().join("settings.json");
    std::fs::write(&settings, format!("{{\"speech_model\": {:?}}}", model.to_str().unwrap())).unwrap();
    assert!(f.ok(&["transcribe", "#1", "--language", "en"]).starts_with("transcribed 1 clip"));
}

/// `outtake thumbnails` (alias `storyboards`) makes posters and storyboards
/// of real clips; `outtake cache` shows them, sets a limit, trims least
/// recently viewed storyboards first and keeps posters; a bad size is one clear line.
#[test]
fn storyboards_and_the_cache_from_the_cli() {
    let f = Fixture::new();
    let videos = f.dir.path().join("videos");
    std::fs::create_dir(&videos).unwrap();
    for (name, seconds) in [("one.mp4", "6"), ("two.mp4", "7")] {
        let path = videos.join(name);
        if !crate::scan::make_clip(&path, seconds.parse().unwrap(), &["-g", "50"]) {
            eprintln!("ffmpeg is not installed: skipped");
            return;
        }
        crate::scan::age(&path);
    }
    f.ok(&["scan", "--no-thumbnails", videos.to_str().unwrap()]);
    let made = f.ok(&["storyboards"]);
    assert!(made.contains("made 2 thumbnails") && made.contains("made 2 storyboards (0 partial)"), "{made}");
    let usage = f.json(&["cache", "--json"]);
    assert_eq!(usage["usage"]["storyboards"], 2, "{usage}");
    assert_eq!(usage["usage"]["posters"], 2, "{usage}");
    assert_eq!(usage["usage"]["limit_bytes"], 2_000_000_000u64, "{usage}");
    let posters = usage["usage"]["poster_bytes"].as_u64().unwrap();
    let limit = (posters + 100).to_string();
    let trimmed = f.json(&["cache", "--json", "--limit", &limit]);
    assert_eq!(trimmed["trimmed"]["evicted"], 2, "{trimmed}");
    assert_eq!(trimmed["usage"]["posters"], 2, "posters are kept: {trimmed}");
    assert_eq!(trimmed["usage"]["storyboards"], 0, "{trimmed}");
    assert_eq!(trimmed["usage"]["limit_bytes"].as_u64().unwrap(), posters + 100);
    let again = f.ok(&["thumbnails"]);
    assert!(again.contains("made 0 storyboards"), "evicted ones stay evicted: {again}");
    let text = f.ok(&["cache"]);
    assert!(text.contains("storyboards: 0 (0 B), 2 evicted"), "{text}");
    assert!(f.fails(&["cache", "--limit", "2X"]).contains("not a unit of size"));
}

/// A real 6 s clip with a marker, for `outtake reel` and `outtake cut`; None without ffmpeg.
fn clip_with_a_marker(f: &Fixture) -> Option<PathBuf> {
    let clips = f.dir.path().join("clips");
    std::fs::create_dir_all(&clips).unwrap();
    let clip = clips.join("horse [abc].mp4");
    if !crate::scan::make_clip(&clip, 6.0, &["-c:v", "libx264", "-g", "25", "-c:a", "aac", "-shortest"]) {
        eprintln!("ffmpeg is not installed: skipped");
        return None;
    }
    f.ok(&["scan", clips.to_str().unwrap(), "--no-thumbnails"]);
    f.ok(&["marker", "add", "#1", "1", "2.5", "--title", "horse ride"]);
    Some(clips)
}

#[test]
fn reel_writes_playlists_and_a_video_and_refuses_an_existing_file() {
    let f = Fixture::new();
    let Some(clips) = clip_with_a_marker(&f) else { return };
    let before = crate::scan::snapshot(&clips);
    let moments = f.json(&["reel", "horse", "--json"]);
    assert_eq!(moments[0]["marker_id"], 1);
    assert_eq!((moments[0]["start_ms"].as_i64(), moments[0]["end_ms"].as_i64()), (Some(1000), Some(2500)));
    let out = f.dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let m3u = out.join("horse.m3u8");
    let report = f.json(&["reel", "horse", "--m3u", m3u.to_str().unwrap(), "--json"]);
    assert_eq!(report["moments"], 1);
    assert!(std::fs::read_to_string(&m3u).unwrap().contains("#EXTVLCOPT:start-time=1.000\n"));
    let error = f.fails(&["reel", "horse", "--m3u", m3u.to_str().unwrap()]);
    assert!(error.contains("already exists") && error.contains("--force"), "{error}");
    f.ok(&["reel", "horse", "--m3u", m3u.to_str().unwrap(), "--force"]);
    let video = out.join("horse.mp4");
    let output = f.cmd(&["reel", "horse", "--video", video.to_str().unwrap(), "--json"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("stream copy") || stderr.contains("re-encoding"), "progress says how: {stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["mode"] == "copy" || report["mode"] == "reencode", "{report}");
    assert!(f.fails(&["reel", "horse", "--context", "soon"]).contains("context: "));
    assert!(f.fails(&["reel", "horse", "--edl", "/nonexistent/r.edl"]).contains("does not exist"));
    f.ok(&["reel", "horse", "--save", "Horses"]);
    assert_eq!(f.json(&["reels", "--json"])[0]["query"], "horse");
    assert_eq!(before, crate::scan::snapshot(&clips), "a clip was changed");
}

#[test]
fn cut_makes_a_gif_and_says_clearly_what_is_wrong() {
    let f = Fixture::new();
    let Some(clips) = clip_with_a_marker(&f) else { return };
    let before = crate::scan::snapshot(&clips);
    let gif = f.dir.path().join("horse.gif");
    let report = f.json(&["cut", "#1", gif.to_str().unwrap(), "--size", "240p", "--json"]);
    assert_eq!(report["format"], "gif");
    assert_eq!(report["duration_ms"], 1500);
    assert!(std::fs::read(&gif).unwrap().starts_with(b"GIF89a"));
    let mp4 = f.dir.path().join("range.mp4");
    f.ok(&["cut", "#1@0.5-1.5", mp4.to_str().unwrap()]);
    assert!(f.fails(&["cut", "#1", gif.to_str().unwrap()]).contains("already exists"));
    assert!(f.fails(&["cut", "#99", "x.gif"]).contains("no marker named \"#99\""));
    assert!(f.fails(&["cut", "#1@1-x", "x.gif"]).contains("\"x\" is not a time"));
    assert!(f.fails(&["cut", "#1@2-1", "x.gif"]).contains("is not after the start"));
    assert!(f.fails(&["cut", "#1@1-60", "x.gif"]).contains("past the end of the clip"));
    assert!(f.fails(&["cut", "#1", "x.avi"]).contains(".mp4, .webp or .gif"));
    assert!(f.fails(&["cut", "#1", "x.gif", "--size", "4k"]).contains("size: "));
    let clip = clips.join("horse [abc].mp4");
    assert!(f.fails(&["cut", "#1", clip.to_str().unwrap(), "--force"]).contains("clips are never written"));
    let missing = f.cmd(&["cut", "#1", "y.gif"]).env("PATH", "/nonexistent").output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("ffmpeg is not installed"));
    assert_eq!(before, crate::scan::snapshot(&clips), "a clip was changed");
}

/// `outtake keys`, `duplicates`, and `pack export`/`import` on real clips:
/// a clip without sound is named with its reason, a pack names no path, a
/// dry run writes nothing, the import lands the marker 4 s earlier on a cut
/// copy, a malformed pack is one line naming the place.
#[test]
fn keys_duplicates_and_packs_from_the_cli() {
    if std::process::Command::new("fpcalc").arg("-version").output().is_err() {
        eprintln!("fpcalc is not installed (apt install libchromaprint-tools): skipped");
        return;
    }
    let Some(video) = crate::keys::original(0, 1) else { return };
    let (a, b) = (Fixture::new(), Fixture::new());
    for (fixture, copy, name) in
        [(&a, video.clone(), "원본.mp4"), (&b, crate::keys::cut(&video, 4.0).unwrap(), "re-upload.mp4")]
    {
        let folder = fixture.dir.path().join("videos");
        std::fs::create_dir(&folder).unwrap();
        std::fs::copy(copy, folder.join(name)).unwrap();
        crate::import_edges::age(&folder.join(name));
        fixture.ok(&["scan", folder.to_str().unwrap()]);
        assert_eq!(fixture.json(&["keys", "--json"])["clips_done"], 1);
    }
    assert_eq!(a.json(&["duplicates", "--json"]), serde_json::json!([]));
    a.ok(&["show", "add", "Lovers of the Red Sky", "--native", "홍천기"]);
    a.ok(&["clip", "set", "1", "--show", "홍천기"]);
    a.ok(&["marker", "add", "1", "8", "--title", "the horse bolts", "--note", "private"]);
    let pack = a.dir.path().join("red-sky.json");
    let written = a.ok(&["pack", "export", "--show", "홍천기", pack.to_str().unwrap()]);
    assert!(written.contains("1 clips, 1 markers"), "{written}");
    let text = std::fs::read_to_string(&pack).unwrap();
    assert!(!text.contains("원본.mp4"), "no file name");
    assert!(!text.contains("private") && !text.contains(a.dir.path().to_str().unwrap()));
    let preview = b.json(&["pack", "import", pack.to_str().unwrap(), "--dry-run", "--json"]);
    assert_eq!((preview["dry_run"].as_bool(), preview["markers_added"].as_i64()), (Some(true), Some(1)));
    assert_eq!(b.json(&["marker", "list", "1", "--json"]), serde_json::json!([]));
    let report = b.ok(&["pack", "import", pack.to_str().unwrap()]);
    assert!(report.contains("same sound, shifted by -4.0 s"), "{report}");
    let markers = b.json(&["marker", "list", "1", "--json"]);
    let start = markers[0]["start_ms"].as_i64().unwrap();
    assert!((start - 4_000).abs() <= 200, "{markers}");
    std::fs::write(&pack, text.replacen("\"version\": 1", "\"version\": 7", 1)).unwrap();
    let error = b.fails(&["pack", "import", pack.to_str().unwrap()]);
    assert!(error.contains("version: 7"), "{error}");
}
