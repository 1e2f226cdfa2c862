//! `outtake-bench`: speed figures of Outtake's core, each against baselines
//! measured in the same run on the same data (run through `cargo xtask bench`).

mod generate;
mod words;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use outtake_core::Library;
use rusqlite::Connection;

use generate::Size;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let size = Size {
        clips: value("--clips").map_or(Ok(100_000), |v| v.parse())?,
        cues: value("--cues").map_or(Ok(1_000_000), |v| v.parse())?,
        markers: value("--markers").map_or(Ok(300_000), |v| v.parse())?,
    };
    let seed: u64 = value("--seed").map_or(Ok(20_261_124), |v| v.parse())?;
    let dir = PathBuf::from(value("--dir").context("--dir DIR is required")?);
    let cli = value("--cli").map(PathBuf::from);
    std::fs::create_dir_all(&dir)?;
    let db = dir.join(format!("search-{}-{}-{}-{seed}.db", size.clips, size.cues, size.markers));
    if !db.exists() {
        build(&db, &size, seed)?;
    }
    if args.iter().any(|a| a == "--optimize") {
        let started = Instant::now();
        Library::open(&db)?.optimize_search_index()?;
        eprintln!("optimized the search index in {:.1?}", started.elapsed());
    }
    run(&db, cli.as_deref())
}

/// Generates the library and the plain-FTS5 baseline table beside it.
fn build(db: &Path, size: &Size, seed: u64) -> Result<()> {
    let partial = db.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    let json = generate::library(size, seed);
    eprintln!("generated {} MB of library JSON in {:.1?}", json.len() >> 20, started.elapsed());
    let mut library = Library::open(&partial)?;
    let started = Instant::now();
    library.import_json(json.as_bytes(), Path::new("generated"))?;
    library.optimize_search_index()?;
    eprintln!("imported and indexed in {:.1?}", started.elapsed());
    drop(library);
    let conn = Connection::open(&partial)?;
    // Baseline (b): everything in one FTS5 table, as a plain design would have it.
    conn.execute_batch(
        "CREATE VIRTUAL TABLE plain USING fts5(clip_id UNINDEXED, kind UNINDEXED, start_ms UNINDEXED, text);
         INSERT INTO plain SELECT id, 'clip', NULL, title FROM clip;
         INSERT INTO plain SELECT clip_id, 'marker', start_ms, concat_ws(' ', title, quote, note) FROM marker;
         INSERT INTO plain SELECT clip_id, 'cue', start_ms, text FROM cue;
         VACUUM;",
    )?;
    drop(conn);
    std::fs::rename(&partial, db)?;
    let _ = std::fs::remove_file(partial.with_extension("partial-wal"));
    Ok(())
}

/// One class of query, with the words the baselines search for.
struct Class {
    name: &'static str,
    queries: Vec<String>,
    /// The words alone, for the baselines (None: the class is filters only).
    words: Option<Vec<String>>,
}

fn classes() -> Vec<Class> {
    let zipf = words::Zipf::new(1.07);
    let english = |rank: usize| {
        (0..).map(|r| zipf.word(rank + r)).find(|(_, k)| !k).map(|(w, _)| w.to_string()).unwrap()
    };
    let korean = |rank: usize| {
        (0..).map(|r| zipf.word(rank + r)).find(|(_, k)| *k).map(|(w, _)| w.to_string()).unwrap()
    };
    let common = english(0);
    let rare = english(zipf.len() - 40);
    let stem = korean(8);
    let (w1, w2) = (english(1), english(3));
    let typing = (20..).map(english).find(|w| w.len() >= 5).unwrap();
    let show = generate::show_title(0, &zipf);
    let with_words =
        |name, queries: Vec<String>, words: Vec<String>| Class { name, queries, words: Some(words) };
    vec![
        with_words("rare word", vec![rare.clone()], vec![rare.clone()]),
        with_words("very common word", vec![common.clone()], vec![common.clone()]),
        with_words("2-syllable Korean stem", vec![stem.clone()], vec![stem.clone()]),
        with_words("phrase", vec![format!("\"{w1} {w2}\"")], vec![format!("{w1} {w2}")]),
        with_words("prefix while typing", vec![typing[..3].to_string()], vec![typing[..3].to_string()]),
        with_words("two words", vec![format!("{w1} {stem}")], vec![w1.clone(), stem.clone()]),
        with_words("Korean name", vec!["김유정".into()], vec!["김유정".into()]),
        with_words("cast filter + word", vec![format!("cast:\"Kim Yoo Jung\" {w2}")], vec![w2.clone()]),
        Class { name: "tag filter alone", queries: vec!["tag:mood:emotional".into()], words: None },
        Class {
            name: "several filters",
            queries: vec![format!("show:\"{show}\" ep:1-8 tag:blooper dur:>2m")],
            words: None,
        },
        with_words("no hits", vec!["zqxjvw".into()], vec!["zqxjvw".into()]),
    ]
}

/// p50 and p95 of timing `work` over `runs` runs after one warm-up.
fn measure(runs: usize, mut work: impl FnMut() -> Result<usize>) -> Result<(Duration, Duration, usize)> {
    let count = work()?;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            work().map(|_| started.elapsed())
        })
        .collect::<Result<_>>()?;
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1];
    Ok((at(0.5), at(0.95), count))
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn run(db: &Path, cli: Option<&Path>) -> Result<()> {
    let library = Library::open(db)?;
    let conn = Connection::open(db)?;
    let summary = library.summary()?;
    println!(
        "Library: {} clips, {} markers, {} subtitle cues, {} people, {} tags.\n",
        summary.clips, summary.markers, summary.cues, summary.people, summary.tags
    );
    println!(
        "| class | query | hits | Outtake p50 | Outtake p95 | CLI p50 | (a) LIKE p95 | (b) plain FTS5 p95 | vs (a) | vs (b) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for class in classes() {
        for query in &class.queries {
            let (p50, p95, hits) = measure(30, || Ok(library.search(query, 50)?.len()))?;
            let cli_p50 = match cli {
                Some(cli) => ms(measure(5, || through_cli(cli, db, query))?.0),
                None => "–".into(),
            };
            let (like, fts) = match &class.words {
                Some(words) => (
                    Some(measure(3, || like_baseline(&conn, words))?.1),
                    Some(measure(10, || fts_baseline(&conn, words))?.1),
                ),
                None => (None, None),
            };
            let ratio = |base: Option<Duration>| {
                base.map_or("–".into(), |b| format!("{:.0}×", b.as_secs_f64() / p95.as_secs_f64()))
            };
            println!(
                "| {} | `{}` | {hits} | {} | {} | {cli_p50} | {} | {} | {} | {} |",
                class.name,
                query.replace('|', "\\|"),
                ms(p50),
                ms(p95),
                like.map_or("–".into(), ms),
                fts.map_or("–".into(), ms),
                ratio(like),
                ratio(fts)
            );
        }
    }
    Ok(())
}

fn through_cli(cli: &Path, db: &Path, query: &str) -> Result<usize> {
    let output = Command::new(cli)
        .arg("--library")
        .arg(db)
        .args(["search", "--json", "--limit", "50", query])
        .output()?;
    if !output.status.success() {
        bail!("outtake search failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    Ok(output.stdout.len())
}

/// Baseline (a): what a LIKE-based search does — scan titles, markers and
/// cues for every word, rank (titles, then markers, then cues), group by clip.
fn like_baseline(conn: &Connection, words: &[String]) -> Result<usize> {
    let pattern = |column: &str| {
        words
            .iter()
            .map(|w| format!("{column} LIKE '%{}%'", w.replace('\'', "''")))
            .collect::<Vec<_>>()
            .join(" AND ")
    };
    let sql = format!(
        "SELECT clip_id FROM (
            SELECT id AS clip_id, 0 AS tier, id AS at FROM clip WHERE {}
            UNION ALL SELECT clip_id, 1, start_ms FROM marker WHERE {}
            UNION ALL SELECT clip_id, 2, start_ms FROM cue WHERE {})
         GROUP BY clip_id ORDER BY min(tier), clip_id DESC LIMIT 50",
        pattern("title"),
        pattern("concat_ws(' ', title, quote, note)"),
        pattern("text")
    );
    let mut statement = conn.prepare_cached(&sql)?;
    let rows = statement.query_map([], |r| r.get::<_, i64>(0))?.count();
    Ok(rows)
}

/// Baseline (b): one FTS5 table, `MATCH … ORDER BY rank LIMIT 50`.
fn fts_baseline(conn: &Connection, words: &[String]) -> Result<usize> {
    let expression =
        words.iter().map(|w| format!("\"{}\"*", w.replace('"', ""))).collect::<Vec<_>>().join(" AND ");
    let mut statement =
        conn.prepare_cached("SELECT clip_id FROM plain WHERE plain MATCH ?1 ORDER BY rank LIMIT 50")?;
    let rows = statement.query_map([expression], |r| r.get::<_, i64>(0))?.count();
    Ok(rows)
}
