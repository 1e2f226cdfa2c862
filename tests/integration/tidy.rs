//! Checks that keep the code base as its guides say it is: shipped migrations
//! are never edited, every Rust file says what it is for, long files say why,
//! and the docs and comments name only files that exist.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository's root (the integration tests live in `tests/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the repository").to_path_buf()
}

/// Every file of the repository with one of these extensions, build output and packages left out.
fn files(extensions: &[&str]) -> Vec<PathBuf> {
    let skip = ["target", "node_modules", ".git", "dist", "gen"];
    let mut found = Vec::new();
    let mut stack = vec![root()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if !skip.contains(&name.as_str()) {
                    stack.push(path);
                }
            } else if extensions.iter().any(|e| name.ends_with(&format!(".{e}"))) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// FNV-1a: a stable fingerprint of a file's bytes (no crate needed for this).
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
    format!("{hash:016x}")
}

/// A shipped migration is never edited (STYLE.md): a library that ran the
/// old text would differ from one that runs the new. Change the schema with
/// a new file, and add its line here when it ships.
const SHIPPED_MIGRATIONS: &[(&str, &str)] = &[
    ("0001_catalogue.sql", "cc00ad75f29eff36"),
    ("0002_sources.sql", "e88ee8621da88ff6"),
    ("0003_import.sql", "4c757bf9a39f7b1d"),
    ("0004_search.sql", "a5eeb09772d237bc"),
    ("0005_browse.sql", "7f11c7d2b78d96d9"),
    ("0006_chapters.sql", "34dc9be6d1520de4"),
    ("0007_facets.sql", "b8154d20ed7bcd03"),
    ("0008_history.sql", "5ddbe3d224f3cc2a"),
    ("0009_settings.sql", "f94070c884c86da2"),
    ("0010_path_bytes.sql", "2b5b1d191ea5dda5"),
    ("0011_posters.sql", "e01dd4c2dd9d405c"),
    ("0012_cue_kinds.sql", "02b0fd268d262ac8"),
    ("0013_reels.sql", "0dcfcd3c67824df7"),
    ("0014_storyboards.sql", "3a411ea2f5023fb2"),
    ("0015_machine_lines.sql", "c38a72812eb5b6d6"),
    ("0016_content_keys.sql", "ece1a36e52a74484"),
    ("0017_sidebar_counts.sql", "7d2aa2c56201e923"),
];

#[test]
fn shipped_migrations_are_never_edited() {
    let dir = root().join("migrations");
    let mut present: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    present.sort();
    for (name, pinned) in SHIPPED_MIGRATIONS {
        let bytes =
            std::fs::read(dir.join(name)).unwrap_or_else(|_| panic!("the shipped migration {name} is gone"));
        assert_eq!(
            &fingerprint(&bytes),
            pinned,
            "the shipped migration {name} was edited: add a new migration instead"
        );
    }
    let pinned: Vec<&str> = SHIPPED_MIGRATIONS.iter().map(|(n, _)| *n).collect();
    for name in &present {
        assert!(
            pinned.contains(&name.as_str()),
            "{name} is not pinned: add (\"{name}\", \"{}\") to SHIPPED_MIGRATIONS",
            fingerprint(&std::fs::read(dir.join(name)).unwrap())
        );
    }
}

#[test]
fn every_rust_file_says_what_it_is_for_and_long_ones_why() {
    let mut missing = Vec::new();
    let mut long = Vec::new();
    for file in files(&["rs"]) {
        let text = std::fs::read_to_string(&file).unwrap();
        let relative = file.strip_prefix(root()).unwrap().display().to_string();
        if !text.starts_with("//!") {
            missing.push(relative.clone());
        }
        // Past ~600 lines a file is asking to be split; one that stays long says why at its top.
        let header: String = text.lines().take_while(|l| l.starts_with("//!")).collect::<Vec<_>>().join("\n");
        if text.lines().count() > 650 && !header.contains("Long because") {
            long.push(format!("{relative} ({} lines)", text.lines().count()));
        }
    }
    assert!(missing.is_empty(), "Rust files without a `//!` line saying what they are for: {missing:?}");
    assert!(
        long.is_empty(),
        "Rust files over ~600 lines that do not say why (\"Long because …\" in their header): {long:?}"
    );
}

/// Paths in backticks in the docs and in comments (`crates/…/x.rs`,
/// `ui/src/lib/markers.ts`, `history.rs`) must name files that exist.
#[test]
fn docs_and_comments_name_only_files_that_exist() {
    let every: Vec<PathBuf> =
        files(&["rs", "ts", "svelte", "sql", "md", "json", "mjs", "toml", "css", "html"]);
    let names: BTreeSet<String> =
        every.iter().map(|p| p.file_name().unwrap().to_string_lossy().to_string()).collect();
    let relative: BTreeSet<String> =
        every.iter().map(|p| p.strip_prefix(root()).unwrap().display().to_string()).collect();
    let exists = |reference: &str, from: &Path| -> bool {
        let reference = reference.trim_end_matches('/');
        if !reference.contains('/') {
            return names.contains(reference);
        }
        // Relative to the root, to the file, or to a source root the docs abbreviate.
        let bases =
            ["", "crates/outtake-core/src/", "ui/", "ui/src/", "ui/src/lib/", "src-tauri/src/", "tests/"];
        bases.iter().any(|base| {
            relative.contains(&format!("{base}{reference}")) || root().join(base).join(reference).exists()
        }) || from.parent().is_some_and(|dir| dir.join(reference).exists())
    };
    let mut broken = Vec::new();
    for file in every.iter().filter(|f| matches!(f.extension().and_then(|e| e.to_str()), Some("md" | "rs"))) {
        let text = std::fs::read_to_string(file).unwrap();
        let is_rust = file.extension().is_some_and(|e| e == "rs");
        for (n, line) in text.lines().enumerate() {
            if is_rust && !line.trim_start().starts_with("//") {
                continue;
            }
            for reference in line.split('`').skip(1).step_by(2) {
                if !looks_like_a_path(reference) {
                    continue;
                }
                if !exists(reference, file) {
                    broken.push(format!(
                        "{}:{}: `{reference}`",
                        file.strip_prefix(root()).unwrap().display(),
                        n + 1
                    ));
                }
            }
        }
    }
    assert!(broken.is_empty(), "references to files that do not exist:\n{}", broken.join("\n"));
}

/// A backticked word that names one of the repository's files: a path of
/// plain characters ending in a source extension (not a glob, not a fan's
/// `NAME.info.json`, not a path outside the repository).
fn looks_like_a_path(text: &str) -> bool {
    const EXTENSIONS: &[&str] = &[".rs", ".ts", ".svelte", ".sql", ".md", ".mjs", ".toml", ".css"];
    let plain = text.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c));
    plain
        && !text.starts_with("../")
        && !text.starts_with('/')
        && !text.starts_with('.')
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c.is_ascii_uppercase())
        && EXTENSIONS.iter().any(|e| text.ends_with(e))
}

/// The core's files depend on each other without a cycle (STYLE.md's review
/// found `db` ↔ `search` ↔ `library` and `clips` ↔ `markers`): a file is a
/// node, and `crate::a::b` or `super::b` in it (tests aside) an edge to the
/// file that defines `a::b`.
#[test]
fn the_cores_files_depend_on_each_other_without_a_cycle() {
    let src = root().join("crates/outtake-core/src");
    let files: Vec<PathBuf> = files(&["rs"]).into_iter().filter(|f| f.starts_with(&src)).collect();
    let node = |file: &Path| -> String {
        let relative = file.strip_prefix(&src).unwrap().with_extension("").display().to_string();
        relative.trim_end_matches("/mod").to_string()
    };
    let nodes: BTreeSet<String> = files.iter().map(|f| node(f)).collect();
    // The file a path of module names lands in: its longest prefix that is a file.
    let resolve = |parts: &[&str]| -> Option<String> {
        (1..=parts.len()).rev().map(|k| parts[..k].join("/")).find(|n| nodes.contains(n))
    };
    let mut edges: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for file in &files {
        let me = node(file);
        if me == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let parent: Vec<&str> = me.rsplit_once('/').map(|(p, _)| p.split('/').collect()).unwrap_or_default();
        for (anchor, base) in [("crate::", Vec::new()), ("super::", parent)] {
            for (at, _) in text.match_indices(anchor) {
                let rest = &text[at + anchor.len()..];
                let path: String =
                    rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                let mut parts: Vec<&str> = base.clone();
                parts.extend(path.split("::").filter(|p| !p.is_empty()));
                let mut targets = vec![parts.clone()];
                // `crate::a::{b, c::d}`: each item is its own path.
                if let Some(group) = rest[path.len()..].strip_prefix('{') {
                    let group = &group[..group.find('}').unwrap_or(0)];
                    targets = group
                        .split(',')
                        .map(|item| item.trim().split("::").next().unwrap_or(""))
                        .filter(|item| !item.is_empty())
                        .map(|item| parts.iter().copied().chain([item]).collect())
                        .collect();
                }
                for target in targets {
                    if let Some(to) =
                        resolve(&target).filter(|to| *to != me && !me.starts_with(&format!("{to}/")))
                    {
                        edges.entry(me.clone()).or_default().insert(to);
                    }
                }
            }
        }
    }
    // A depth-first walk; a file met again while it is still being walked closes a cycle.
    fn walk(
        at: &str,
        edges: &std::collections::BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| p == at) {
            let mut cycle = path[start..].to_vec();
            cycle.push(at.to_string());
            return Some(cycle);
        }
        if done.contains(at) {
            return None;
        }
        path.push(at.to_string());
        for next in edges.get(at).into_iter().flatten() {
            if let Some(cycle) = walk(next, edges, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(at.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for start in &nodes {
        if let Some(cycle) = walk(start, &edges, &mut Vec::new(), &mut done) {
            panic!("the core's files depend on each other in a cycle: {}", cycle.join(" -> "));
        }
    }
    assert!(edges.get("library").is_some_and(|e| e.contains("db")), "the walk sees the edges: {edges:?}");
}
