//! Seed inputs: the files under `crates/outtake-fuzz/corpus/<folder>/`, read
//! in name order so a run is the same on every machine.

use std::path::{Path, PathBuf};

/// The corpus folder committed beside this crate.
pub fn default_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// One seed file.
#[derive(Debug, Clone)]
pub struct Seed {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The seeds of one target, never empty.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub seeds: Vec<Seed>,
}

impl Corpus {
    /// Reads every file of `dir/folder` (sorted by name), then of each extra
    /// folder — files of any size are cut to `max_len`, as the fuzzer would cut them.
    pub fn load(dir: &Path, folder: &str, extra: &[PathBuf], max_len: usize) -> Result<Corpus, String> {
        let mut seeds = read_dir(&dir.join(folder), max_len)?;
        for more in extra {
            seeds.extend(read_dir(more, max_len)?);
        }
        if seeds.is_empty() {
            return Err(format!("{}: no seed files", dir.join(folder).display()));
        }
        Ok(Corpus { seeds })
    }

    pub fn get(&self, index: usize) -> &Seed {
        &self.seeds[index % self.seeds.len()]
    }
}

fn read_dir(dir: &Path, max_len: usize) -> Result<Vec<Seed>, String> {
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    paths.retain(|p| p.is_file());
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let mut bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            bytes.truncate(max_len);
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(Seed { name, bytes })
        })
        .collect()
}
