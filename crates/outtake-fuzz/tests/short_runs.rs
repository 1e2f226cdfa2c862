//! Short fuzz runs of every target — the full runs of a million inputs each
//! are `cargo xtask fuzz` — and checks that the corpus seeds reach deep code:
//! each one imports, probes, parses or reads as it is.

use std::path::Path;
use std::time::Duration;

use outtake_core::Library;
use outtake_core::media::probe_fast_bytes;
use outtake_core::subtitles::{SubtitleFormat, read_subtitles};
use outtake_fuzz::targets::KNOWN_ISSUES;
use outtake_fuzz::{Corpus, Encoding, Options, Target, corpus, run};

fn target(name: &str) -> Target {
    let targets = Target::select(name).unwrap();
    assert_eq!(targets.len(), 1, "{name}");
    targets.into_iter().next().unwrap()
}

fn seeds(target: &Target) -> Corpus {
    Corpus::load(&corpus::default_dir(), target.corpus(), &[], target.max_len()).unwrap()
}

/// The committed seeds, and for MP4 the shared real-world files beside the
/// workspace when they are there (other projects' test files; the shared
/// subtitles are tens of KB each, too slow for a debug build's short run).
fn seeds_and_fixtures(target: &Target) -> Corpus {
    // `shared/` sits beside the workspace, as for the core's fixture tests.
    let media = corpus::default_dir().join("../../../../shared/fixtures/real/media");
    let extra: Vec<_> = Some(media).filter(|d| target.corpus() == "mp4" && d.is_dir()).into_iter().collect();
    Corpus::load(&corpus::default_dir(), target.corpus(), &extra, target.max_len()).unwrap()
}

/// `execs` inputs of one target; `OUTTAKE_FUZZ_SEED` picks other inputs than the usual ones.
fn short(name: &str, execs: u64) {
    let target = target(name);
    let seed = std::env::var("OUTTAKE_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let mut options = Options::new(execs, seed);
    // A debug build is ten times slower than the release build the real limit is for.
    options.hang = Duration::from_secs(20);
    let report = run(&target, &seeds_and_fixtures(&target), &options, &mut |_| {});
    assert_eq!(report.execs, execs);
    assert!(report.clean(), "{name}: {:#?}", report.failures);
}

macro_rules! short_runs {
    ($($test:ident: $name:literal, $execs:literal;)*) => {
        $(
            #[test]
            fn $test() {
                short($name, $execs);
            }
        )*
    };
}

short_runs! {
    query: "query", 1000;
    srt_utf8: "srt-utf8", 1000;
    srt_utf16le: "srt-utf16le", 1000;
    srt_utf16be: "srt-utf16be", 1000;
    srt_cp949: "srt-cp949", 500;
    srt_legacy: "srt-legacy", 500;
    vtt_utf8: "vtt-utf8", 1000;
    vtt_utf16le: "vtt-utf16le", 1000;
    vtt_utf16be: "vtt-utf16be", 1000;
    vtt_cp949: "vtt-cp949", 500;
    vtt_legacy: "vtt-legacy", 500;
    sami_utf8: "sami-utf8", 1000;
    sami_utf16le: "sami-utf16le", 1000;
    sami_utf16be: "sami-utf16be", 1000;
    sami_cp949: "sami-cp949", 500;
    sami_legacy: "sami-legacy", 500;
    ass_utf8: "ass-utf8", 1000;
    ass_utf16le: "ass-utf16le", 1000;
    ass_utf16be: "ass-utf16be", 1000;
    ass_cp949: "ass-cp949", 500;
    ass_legacy: "ass-legacy", 500;
    info_json: "info-json", 3000;
    import: "import", 200;
    pack: "pack", 200;
    mp4: "mp4", 5000;
    matroska: "matroska", 5000;
}

#[test]
fn every_target_has_a_short_run() {
    let names: Vec<String> = Target::all().into_iter().map(|t| t.name.replace('-', "_")).collect();
    let source = include_str!("short_runs.rs");
    for name in names {
        assert!(source.contains(&format!("    {name}: \"")), "no short run of {name}");
    }
}

/// A known issue's failures do not fail a run, so each must still be real:
/// once it is fixed, this fails and its entry in `KNOWN_ISSUES` goes.
#[test]
fn known_issues_still_reproduce() {
    for issue in KNOWN_ISSUES {
        let target = target(issue.target);
        let dir = std::env::temp_dir().join(format!("outtake-fuzz-known-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("repro.bin");
        std::fs::write(&file, (issue.repro)()).unwrap();
        let outcome = outtake_fuzz::run::replay(&target, &[file]).unwrap().remove(0).1;
        let _ = std::fs::remove_dir_all(&dir);
        let message = outcome.expect_err("fixed? then remove it from KNOWN_ISSUES");
        assert!(outtake_fuzz::run::known(&target, &message), "{message}");
    }
}

#[test]
fn inputs_are_made_again_from_their_number() {
    for target in Target::all() {
        let corpus = seeds(&target);
        for index in [0, 1, 500, 123_456] {
            assert_eq!(target.input(&corpus, 9, index), target.input(&corpus, 9, index), "{}", target.name);
        }
        assert_ne!(target.input(&corpus, 9, 1000), target.input(&corpus, 9, 1001), "{}", target.name);
    }
}

#[test]
fn media_seeds_probe_in_full() {
    for (folder, name) in [("mp4", "x.mp4"), ("matroska", "x.mkv")] {
        for seed in seeds(&target(folder)).seeds {
            let probe = probe_fast_bytes(&seed.bytes, Path::new(name)).unwrap();
            // A live recording's headers have no duration: the probe leaves it to ffprobe.
            if seed.name.starts_with("live-") {
                assert_eq!(probe, None, "{}", seed.name);
                continue;
            }
            let probe = probe.expect(&seed.name);
            assert!(probe.duration_ms.is_some_and(|d| d > 0), "{}: {probe:?}", seed.name);
            // The tagged seeds reach the metadata, chapter and cover readers.
            if seed.name.starts_with("tagged") {
                assert!(
                    probe.metadata.title.is_some() && probe.metadata.url.is_some(),
                    "{}: {probe:?}",
                    seed.name
                );
                assert_eq!(probe.chapters.len(), 2, "{}", seed.name);
                let has_cover = !seed.name.ends_with(".webm") && !seed.name.ends_with(".mov");
                assert_eq!(probe.cover.is_some(), has_cover, "{}", seed.name);
            }
        }
    }
    let rotated = seeds(&target("mp4")).seeds.into_iter().find(|s| s.name.starts_with("rotated")).unwrap();
    assert_ne!(probe_fast_bytes(&rotated.bytes, Path::new("r.mp4")).unwrap().unwrap().rotation, 0);
}

#[test]
fn import_seeds_import() {
    for seed in seeds(&target("import")).seeds {
        let mut library = Library::open_in_memory().unwrap();
        library.import_json(&seed.bytes, Path::new(&seed.name)).unwrap();
    }
}

#[test]
fn pack_seeds_import() {
    for seed in seeds(&target("pack")).seeds {
        let mut library = Library::open_in_memory().unwrap();
        library.import_pack_json(&seed.bytes, Path::new(&seed.name), false).unwrap();
    }
}

#[test]
fn text_seeds_read_in_every_encoding() {
    let mut rng = outtake_fuzz::rng::Rng::new(1);
    for seed in seeds(&target("srt-utf8")).seeds {
        let format = SubtitleFormat::from_extension(seed.name.rsplit('.').next().unwrap()).unwrap();
        let text = String::from_utf8(seed.bytes.clone()).unwrap();
        for encoding in Encoding::ALL {
            let bytes = outtake_fuzz::text_encode(&mut rng, &text, encoding);
            let tracks = read_subtitles(&bytes, format);
            assert!(tracks.is_ok_and(|t| !t[0].cues.is_empty()), "{} in {encoding:?}", seed.name);
        }
    }
    for seed in seeds(&target("info-json")).seeds {
        outtake_core::import::info_json::parse(&seed.bytes).unwrap();
    }
    for seed in seeds(&target("query")).seeds {
        outtake_core::search::query::parse(std::str::from_utf8(&seed.bytes).unwrap()).unwrap();
    }
}
