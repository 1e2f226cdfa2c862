//! The picture's key: a perceptual hash of frames sampled across the clip,
//! made as Stash makes its phash. Sixteen frames, evenly spread over the
//! middle 90 % of the clip, are shrunk to 16×16 grey by one ffmpeg and laid
//! out 4×4 into a 64×64 image; the 8×8 lowest frequencies of its DCT, each
//! above or below their median, are the 64 bits. A re-encode (other codec,
//! bitrate or size) changes the pixels, not the picture's coarse light and
//! shade, so its hash differs in a few bits; another video's in about half.

use std::path::Path;
use std::time::Duration;

use super::KeyProblem;
use crate::process::{RunError, run};

/// Frames sampled, as a `GRID`×`GRID` sprite.
pub(crate) const FRAMES: usize = 16;
const GRID: usize = 4;
/// Each frame's side in the sprite.
const CELL: usize = 16;
/// The sprite's side.
const SIDE: usize = GRID * CELL;
/// The DCT coefficients kept per side.
const LOW: usize = 8;

/// Hashes differing in at most this many of their 64 bits show the same
/// picture (with durations within 1 %). Stash's duplicate finder calls ≤ 8
/// "medium" accuracy; two unrelated hashes, each bit a coin toss, agree that
/// closely once in 3·10⁹ pairs, and the duration check cuts that further. The
/// tests measure re-encodes at 0–4 and unrelated clips of one length at ≥ 14.
pub const PHASH_DISTANCE: u32 = 8;

/// The number of bits in which two hashes differ.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// When the frames are taken: the middle 90 % of the clip, as Stash does
/// (the first and last moments are often a logo or black).
fn sample_times(duration_ms: i64) -> Vec<f64> {
    let duration = duration_ms as f64 / 1000.0;
    let step = 0.9 * duration / FRAMES as f64;
    (0..FRAMES).map(|i| 0.05 * duration + step * i as f64).collect()
}

/// The perceptual hash of the video at `path`, `duration_ms` long. The file
/// is only read (by ffmpeg).
pub(crate) fn video_phash(path: &Path, duration_ms: i64) -> Result<u64, KeyProblem> {
    if duration_ms < 1000 {
        return Err(KeyProblem::Skipped("the clip is shorter than a second".into()));
    }
    let sprite = sample_sprite(path, duration_ms)?;
    Ok(hash_image(&sprite))
}

/// The sprite of sampled frames, `SIDE`×`SIDE` grey bytes, row by row.
fn sample_sprite(path: &Path, duration_ms: i64) -> Result<Vec<u8>, KeyProblem> {
    let mut command = crate::process::low_priority("ffmpeg");
    command.args(["-nostdin", "-v", "error"]);
    let mut chains = Vec::new();
    for (i, at) in sample_times(duration_ms).iter().enumerate() {
        // Seeking each input on its own decodes a few frames per sample,
        // not the whole clip.
        command.args(["-ss", &format!("{at:.3}"), "-i"]).arg(path);
        chains.push(format!(
            "[{i}:v:0]trim=end_frame=1,scale={CELL}:{CELL}:flags=area,format=gray,setsar=1,setpts=PTS-STARTPTS[f{i}]"
        ));
    }
    let labels: String = (0..FRAMES).map(|i| format!("[f{i}]")).collect();
    let graph = format!("{};{labels}concat=n={FRAMES}:v=1:a=0[out]", chains.join(";"));
    command.args(["-filter_complex", &graph, "-map", "[out]", "-fps_mode", "passthrough"]);
    command.args(["-f", "rawvideo", "-pix_fmt", "gray", "pipe:1"]);
    let want = FRAMES * CELL * CELL;
    let finished = run(&mut command, Duration::from_secs(300), want).map_err(|error| match error {
        RunError::Missing => KeyProblem::Missing { program: "ffmpeg", packages: "ffmpeg" },
        RunError::TimedOut => KeyProblem::Failed("ffmpeg took more than 5 minutes to sample frames".into()),
        RunError::TooMuchOutput(_) => KeyProblem::Failed("ffmpeg sent more frames than asked for".into()),
        RunError::Io(error) => KeyProblem::Failed(format!("cannot run ffmpeg: {error}")),
    })?;
    if !finished.success {
        return Err(KeyProblem::Failed(format!("ffmpeg cannot sample frames: {}", finished.reason())));
    }
    if finished.stdout.len() != want {
        return Err(KeyProblem::Failed(format!(
            "ffmpeg sent {} of the {FRAMES} frames asked for (no video stream?)",
            finished.stdout.len() / (CELL * CELL)
        )));
    }
    // ffmpeg sends the frames one after another; lay them out 4×4.
    let mut sprite = vec![0u8; SIDE * SIDE];
    for (frame, pixels) in finished.stdout.chunks_exact(CELL * CELL).enumerate() {
        let (top, left) = ((frame / GRID) * CELL, (frame % GRID) * CELL);
        for (y, row) in pixels.chunks_exact(CELL).enumerate() {
            sprite[(top + y) * SIDE + left..][..CELL].copy_from_slice(row);
        }
    }
    Ok(sprite)
}

/// The 64-bit hash of a `SIDE`×`SIDE` grey image: bit `8·v + u` is set when
/// DCT coefficient (u, v) is above the median of the 64 lowest.
pub(crate) fn hash_image(pixels: &[u8]) -> u64 {
    assert_eq!(pixels.len(), SIDE * SIDE, "a {SIDE}×{SIDE} image");
    // A DCT-II, separable: the low coefficients of each row, then of each of those columns.
    let cosines: Vec<f64> = (0..LOW * SIDE)
        .map(|i| {
            let (k, n) = (i / SIDE, i % SIDE);
            (std::f64::consts::PI / SIDE as f64 * (n as f64 + 0.5) * k as f64).cos()
        })
        .collect();
    let transform = |values: &mut dyn Iterator<Item = f64>| -> [f64; LOW] {
        let values: Vec<f64> = values.collect();
        let mut out = [0.0; LOW];
        for (k, slot) in out.iter_mut().enumerate() {
            *slot = values.iter().zip(&cosines[k * SIDE..][..SIDE]).map(|(x, c)| x * c).sum();
        }
        out
    };
    let rows: Vec<[f64; LOW]> =
        pixels.chunks_exact(SIDE).map(|row| transform(&mut row.iter().map(|&p| f64::from(p)))).collect();
    let mut low = [0.0f64; LOW * LOW];
    for u in 0..LOW {
        let column = transform(&mut rows.iter().map(|row| row[u]));
        for (v, value) in column.iter().enumerate() {
            low[v * LOW + u] = *value;
        }
    }
    let mut sorted = low;
    sorted.sort_by(f64::total_cmp);
    let median = (sorted[LOW * LOW / 2 - 1] + sorted[LOW * LOW / 2]) / 2.0;
    low.iter().enumerate().filter(|(_, c)| **c > median).fold(0u64, |hash, (bit, _)| hash | (1 << bit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(f: impl Fn(usize, usize) -> f64) -> Vec<u8> {
        (0..SIDE * SIDE).map(|i| f(i % SIDE, i / SIDE).clamp(0.0, 255.0) as u8).collect()
    }

    #[test]
    fn samples_spread_over_the_middle_of_the_clip() {
        let times = sample_times(100_000);
        assert_eq!(times.len(), FRAMES);
        assert!((times[0] - 5.0).abs() < 1e-9 && times[FRAMES - 1] < 95.0 && times[FRAMES - 1] > 89.0);
    }

    #[test]
    fn a_brighter_or_noisier_copy_keeps_its_hash_and_another_picture_does_not() {
        let picture = image(|x, y| 128.0 + 90.0 * ((x as f64 / 9.0).sin() * (y as f64 / 13.0).cos()));
        let brighter = image(|x, y| 150.0 + 90.0 * ((x as f64 / 9.0).sin() * (y as f64 / 13.0).cos()));
        let noisy: Vec<u8> =
            picture.iter().enumerate().map(|(i, p)| p.saturating_add((i * 7919 % 11) as u8)).collect();
        let other = image(|x, y| 128.0 + 90.0 * ((y as f64 / 5.0).sin() * (x as f64 / 21.0).cos()));
        let hash = hash_image(&picture);
        assert!(distance(hash, hash_image(&brighter)) <= 2, "brighter");
        assert!(distance(hash, hash_image(&noisy)) <= 4, "noisy");
        assert!(distance(hash, hash_image(&other)) > PHASH_DISTANCE, "other");
        // Half the bits are set: the median splits the coefficients.
        assert_eq!(hash.count_ones(), 32);
    }
}
