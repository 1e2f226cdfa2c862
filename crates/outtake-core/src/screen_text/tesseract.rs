//! Reading cut-out caption lines with Tesseract's command line. Many crops go
//! to one process (a list file: each image is a page, read as one line with
//! `--psm 7`), so the language models load once per batch, not per crop:
//! measured, loading `kor+eng` costs about as much as reading ten lines.
//!
//! What Tesseract prints is outside bytes: its output is bounded, parsed
//! leniently (a row that is not the expected TSV is skipped) and every word
//! is cut to a bounded length.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use super::ReadError;
use super::regions::Crop;
use crate::process::low_priority;
use crate::process::{RunError, run};

/// The Debian packages that hold Tesseract and the languages read.
pub const TESSERACT_PACKAGES: &str = "tesseract-ocr tesseract-ocr-kor tesseract-ocr-eng";

/// The longest word kept: no caption word is longer, and junk can be.
const MAX_WORD_CHARS: usize = 48;
/// What one page of output may take: a line of TSV per word, and a caption
/// line has a few dozen words at most.
const OUTPUT_PER_PAGE: usize = 16 * 1024;

/// One word Tesseract read, with its confidence (0–100) and where it is
/// across the crop (its left and right edge, its height, in pixels).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Word {
    pub text: String,
    pub conf: f32,
    pub left: i64,
    pub right: i64,
    pub height: i64,
}

/// Checks that Tesseract runs and has the Korean and English data.
pub(crate) fn check_installed() -> Result<(), ReadError> {
    let missing = ReadError::Missing { program: "tesseract", packages: TESSERACT_PACKAGES };
    let finished = run(Command::new("tesseract").arg("--list-langs"), Duration::from_secs(20), 64 * 1024)
        .map_err(|_| missing.clone())?;
    let listed = String::from_utf8_lossy(&finished.stdout).into_owned() + &finished.stderr;
    let has = |lang: &str| listed.lines().any(|line| line.trim() == lang);
    if !finished.success || !has("kor") || !has("eng") {
        return Err(missing);
    }
    Ok(())
}

/// The words of each crop, in order. The crops are written as PGM files into
/// `scratch` (a private temporary folder) and read by one Tesseract.
pub(crate) fn read_crops(crops: &[&Crop], scratch: &Path) -> Result<Vec<Vec<Word>>, ReadError> {
    if crops.is_empty() {
        return Ok(Vec::new());
    }
    let io = |error: std::io::Error| {
        ReadError::Tesseract(format!("writing crops to {}: {error}", scratch.display()))
    };
    let mut list = String::new();
    for (i, crop) in crops.iter().enumerate() {
        let file = scratch.join(format!("crop{i}.pgm"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&file).map_err(io)?);
        write!(out, "P5\n{} {}\n255\n", crop.w, crop.h).map_err(io)?;
        out.write_all(&crop.grey).map_err(io)?;
        out.flush().map_err(io)?;
        list.push_str(&file.to_string_lossy());
        list.push('\n');
    }
    let list_file = scratch.join("crops.txt");
    std::fs::write(&list_file, list).map_err(io)?;
    let mut command = low_priority("tesseract");
    // One thread: the machine's other core decodes the next frames.
    command
        .env("OMP_THREAD_LIMIT", "1")
        .arg(&list_file)
        .args(["stdout", "-l", "kor+eng", "--psm", "7", "tsv"]);
    let timeout = Duration::from_secs(30 + 5 * crops.len() as u64);
    let finished =
        run(&mut command, timeout, OUTPUT_PER_PAGE * crops.len()).map_err(|error| match error {
            RunError::Missing => ReadError::Missing { program: "tesseract", packages: TESSERACT_PACKAGES },
            RunError::TimedOut => ReadError::Tesseract("it ran past its time limit".into()),
            RunError::TooMuchOutput(limit) => {
                ReadError::Tesseract(format!("it printed more than {limit} bytes"))
            }
            RunError::Io(error) => ReadError::Tesseract(error.to_string()),
        })?;
    if !finished.success {
        let line = finished.stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("it failed");
        return Err(ReadError::Tesseract(line.trim().chars().take(200).collect()));
    }
    Ok(parse_tsv(&String::from_utf8_lossy(&finished.stdout), crops.len()))
}

/// The words of each page of Tesseract's TSV (`level page block par line
/// word left top width height conf text`; words are level 5).
pub(crate) fn parse_tsv(tsv: &str, pages: usize) -> Vec<Vec<Word>> {
    let mut words = vec![Vec::new(); pages];
    for row in tsv.lines() {
        let fields: Vec<&str> = row.split('\t').collect();
        if fields.len() != 12 || fields[0] != "5" {
            continue;
        }
        let (Ok(page), Ok(conf)) = (fields[1].parse::<usize>(), fields[10].parse::<f32>()) else { continue };
        let [left, width, height] =
            [6, 8, 9].map(|i| fields[i].parse::<i64>().unwrap_or(0).clamp(0, 1 << 20));
        let text: String =
            fields[11].trim().chars().filter(|c| !c.is_control()).take(MAX_WORD_CHARS).collect();
        if page == 0 || page > pages || text.is_empty() || !conf.is_finite() {
            continue;
        }
        words[page - 1].push(Word { text, conf: conf.clamp(0.0, 100.0), left, right: left + width, height });
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_read_per_page_and_odd_rows_skipped() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
            1\t1\t0\t0\t0\t0\t0\t0\t400\t60\t-1\t\n\
            5\t1\t1\t1\t1\t1\t10\t5\t40\t30\t96.2\t장면\n\
            5\t1\t1\t1\t1\t2\t60\t5\t40\t30\tNaN\t촬영\n\
            5\t2\t1\t1\t1\t1\t10\t5\t40\t30\t91\tHello\n\
            5\t9\t1\t1\t1\t1\t10\t5\t40\t30\t91\tnowhere\n\
            5\t2\t1\t1\t1\t2\t10\t5\t40\t30\t250\t\u{7}x\n\
            garbage\n";
        let pages = parse_tsv(tsv, 2);
        let word = |text: &str, conf: f32| Word { text: text.into(), conf, left: 10, right: 50, height: 30 };
        assert_eq!(pages[0], vec![word("장면", 96.2)]);
        assert_eq!(pages[1], vec![word("Hello", 91.0), word("x", 100.0)]);
    }

    #[test]
    fn a_long_word_is_cut() {
        let tsv = format!("5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\t{}\n", "가".repeat(1000));
        assert_eq!(parse_tsv(&tsv, 1)[0][0].text.chars().count(), MAX_WORD_CHARS);
    }
}
