//! The fan's speech model: a whisper.cpp `ggml-*.bin` file, walked through
//! here before whisper.cpp sees it. The file is outside bytes and whisper.cpp
//! is C++ that trusts its lengths (a vocabulary entry or a tensor's shape
//! sized by the file, an exception thrown through C would abort): every
//! length is checked against a bound and against what is left of the file,
//! and the tensors must end exactly where the file does. Only a file that
//! passes is handed to whisper.cpp, which then checks names and shapes.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::SpeechError;

/// ggml's mark: "ggml" read as a little-endian u32.
const MAGIC: u32 = 0x6767_6d6c;
/// The largest model taken: large-v3 in f32 is 3.1 GB.
const MAX_BYTES: u64 = 8 << 30;

/// What the walk learnt about a model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub path: PathBuf,
    pub bytes: u64,
    /// Tokens in the vocabulary: 51865 and more is multilingual.
    pub vocabulary: u32,
    /// Decoder layers: 4 tiny, 6 base, 12 small, 24 medium, 32 large.
    pub text_layers: u32,
    pub tensors: usize,
}

impl ModelFile {
    /// Whether the model knows languages other than English (`.en` models do not).
    pub fn multilingual(&self) -> bool {
        self.vocabulary >= 51865
    }
}

/// Walks the file at `path`; the error names the file and what is wrong.
pub fn check_model(path: &Path) -> Result<ModelFile, SpeechError> {
    let bad = |why: String| SpeechError::Model { path: path.to_path_buf(), why };
    let file = std::fs::File::open(path).map_err(|error| bad(format!("cannot be read ({error})")))?;
    let meta = file.metadata().map_err(|error| bad(format!("cannot be read ({error})")))?;
    if !meta.is_file() {
        return Err(bad("is not a file".into()));
    }
    let bytes = meta.len();
    if bytes > MAX_BYTES {
        return Err(bad(format!("is {bytes} bytes, more than any whisper model")));
    }
    let mut walk = Walk { file: BufReader::new(file), left: bytes };
    walk.model(path, bytes).map_err(bad)
}

struct Walk {
    file: BufReader<std::fs::File>,
    left: u64,
}

impl Walk {
    fn model(&mut self, path: &Path, bytes: u64) -> Result<ModelFile, String> {
        if self.left < 4 || self.u32("its mark")? != MAGIC {
            return Err("is not a whisper.cpp model (ggml-*.bin): it does not start with ggml's mark".into());
        }
        // n_vocab, n_audio_ctx, n_audio_state, n_audio_head, n_audio_layer,
        // n_text_ctx, n_text_state, n_text_head, n_text_layer, n_mels, ftype
        let names = [
            "vocabulary",
            "audio context",
            "audio width",
            "audio heads",
            "audio layers",
            "text context",
            "text width",
            "text heads",
            "text layers",
            "mel bands",
        ];
        let bounds = [65_536, 4096, 8192, 128, 128, 4096, 8192, 128, 128, 256];
        let mut sizes = [0u32; 10];
        for ((size, name), bound) in sizes.iter_mut().zip(names).zip(bounds) {
            *size = self.count(name, bound)?;
        }
        self.count("weight type", 10_000)?;
        let bands = self.count("mel filter bands", 256)?;
        let bins = self.count("mel filter bins", 4096)?;
        self.skip("the mel filters", u64::from(bands) * u64::from(bins) * 4)?;
        let tokens = self.count("vocabulary's length", 1 << 20)?;
        for i in 0..tokens {
            let length = self.count("a token's length", 4096).map_err(|e| format!("{e} (token {i})"))?;
            self.skip("a token", u64::from(length))?;
        }
        let mut tensors = 0;
        while self.left > 0 {
            self.tensor().map_err(|e| format!("{e} (tensor {})", tensors + 1))?;
            tensors += 1;
        }
        if tensors == 0 {
            return Err("holds no weights".into());
        }
        Ok(ModelFile {
            path: path.to_path_buf(),
            bytes,
            vocabulary: sizes[0],
            text_layers: sizes[8],
            tensors,
        })
    }

    /// One tensor: dims, name length, type, the dims, the name, the data.
    fn tensor(&mut self) -> Result<(), String> {
        let dims = self.count("a tensor's rank", 4)?;
        let name = self.count("a tensor's name length", 256)?;
        let kind = self.count("a tensor's type", 64)?;
        let mut elements: u64 = 1;
        for _ in 0..dims {
            elements = elements.saturating_mul(u64::from(self.count("a tensor's size", 1 << 24)?));
        }
        self.skip("a tensor's name", u64::from(name))?;
        let (block, block_bytes) =
            block_of(kind).ok_or_else(|| format!("has a tensor of unknown type {kind}"))?;
        if dims == 0 || !elements.is_multiple_of(block) {
            return Err("has a tensor whose shape does not fit its type".into());
        }
        self.skip("a tensor's data", elements / block * block_bytes)
    }

    /// A little-endian i32 that must lie in `0..=bound`.
    fn count(&mut self, what: &str, bound: u32) -> Result<u32, String> {
        let value = self.u32(what)? as i32;
        u32::try_from(value)
            .ok()
            .filter(|v| *v <= bound)
            .ok_or_else(|| format!("is damaged: {what} is {value}, not between 0 and {bound}"))
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        if self.left < 4 {
            return Err(format!("is cut short: it ends before {what}"));
        }
        let mut four = [0u8; 4];
        self.file.read_exact(&mut four).map_err(|error| format!("cannot be read ({error})"))?;
        self.left -= 4;
        Ok(u32::from_le_bytes(four))
    }

    fn skip(&mut self, what: &str, bytes: u64) -> Result<(), String> {
        if bytes > self.left {
            return Err(format!("is cut short: {what} needs {bytes} bytes, {} are left", self.left));
        }
        self.file.seek_relative(bytes as i64).map_err(|error| format!("cannot be read ({error})"))?;
        self.left -= bytes;
        Ok(())
    }
}

/// ggml's types: elements per block and bytes per block.
fn block_of(kind: u32) -> Option<(u64, u64)> {
    Some(match kind {
        0 => (1, 4),      // f32
        1 => (1, 2),      // f16
        2 => (32, 18),    // q4_0
        3 => (32, 20),    // q4_1
        6 => (32, 22),    // q5_0
        7 => (32, 24),    // q5_1
        8 => (32, 34),    // q8_0
        10 => (256, 84),  // q2_K
        11 => (256, 110), // q3_K
        12 => (256, 144), // q4_K
        13 => (256, 176), // q5_K
        14 => (256, 210), // q6_K
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny model-shaped file: the header, filters, two tokens, tensors.
    fn model(tensors: &[(u32, &[u32])]) -> Vec<u8> {
        let mut bytes = Vec::new();
        let int = |bytes: &mut Vec<u8>, v: i32| bytes.extend(v.to_le_bytes());
        int(&mut bytes, MAGIC as i32);
        for v in [51865, 1500, 512, 8, 6, 448, 512, 8, 6, 80, 1] {
            int(&mut bytes, v);
        }
        int(&mut bytes, 2);
        int(&mut bytes, 3);
        bytes.extend([0u8; 24]);
        int(&mut bytes, 2);
        for token in [&b"hi"[..], &b"\xea\xb0\x80"[..]] {
            int(&mut bytes, token.len() as i32);
            bytes.extend(token);
        }
        for (kind, dims) in tensors {
            int(&mut bytes, dims.len() as i32);
            int(&mut bytes, 4);
            int(&mut bytes, *kind as i32);
            for d in *dims {
                int(&mut bytes, *d as i32);
            }
            bytes.extend(b"name");
            let (block, size) = block_of(*kind).unwrap();
            let n: u64 = dims.iter().map(|d| u64::from(*d)).product();
            bytes.extend(vec![0u8; (n / block * size) as usize]);
        }
        bytes
    }

    fn check(bytes: &[u8]) -> Result<ModelFile, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ggml-test.bin");
        std::fs::write(&path, bytes).unwrap();
        check_model(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn a_whole_model_is_walked_to_its_end() {
        let bytes = model(&[(1, &[4, 3]), (0, &[5]), (8, &[64])]);
        let found = check(&bytes).unwrap();
        assert_eq!((found.vocabulary, found.text_layers, found.tensors), (51865, 6, 3));
        assert!(found.multilingual());
    }

    #[test]
    fn damage_is_one_line_naming_the_file() {
        let good = model(&[(1, &[4, 3]), (0, &[5])]);
        let mut huge_token = good.clone();
        huge_token[4 * 12 + 8 + 24 + 4..][..4].copy_from_slice(&i32::MAX.to_le_bytes());
        let mut unknown_type = good.clone();
        let first_tensor = good.len() - (12 + 8 + 4 + 24) - (12 + 4 + 4 + 20);
        unknown_type[first_tensor + 8..][..4].copy_from_slice(&40i32.to_le_bytes());
        let rows: [(&[u8], &str); 7] = [
            (b"", "does not start with ggml's mark"),
            (b"GGUF\x03\0\0\0", "does not start with ggml's mark"),
            (&good[..good.len() - 1], "cut short"),
            (&good[..100], "cut short"),
            (&model(&[]), "holds no weights"),
            (&huge_token, "is damaged: a token's length"),
            (&unknown_type, "unknown type 40"),
        ];
        for (bytes, why) in rows {
            let error = check(bytes).unwrap_err();
            assert!(error.contains(why) && error.contains("ggml-test.bin"), "{why}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
        let dir = tempfile::tempdir().unwrap();
        let error = check_model(&dir.path().join("gone.bin")).unwrap_err().to_string();
        assert!(error.contains("gone.bin") && error.contains("cannot be read"), "{error}");
    }
}
