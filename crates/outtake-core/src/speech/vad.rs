//! Finding where someone speaks, before whisper listens: silence, steady
//! tones and music-like sound are skipped, so whisper (the slow part) hears
//! only stretches that may be speech, and does not make words up in silence.
//!
//! Each 20 ms frame is measured: its loudness against the clip's quiet
//! (a floor that follows the quietest frames), and how its sound spreads
//! over the spectrum — a tone or a chord puts nearly all its energy in a few
//! narrow peaks, a voice spreads it over many harmonics and noise. Frames
//! loud enough and not tonal are voice-like; voice-like frames close together
//! make a stretch, and a stretch is kept when its loudness moves the way
//! syllables do (steady sound, however spread, does not).

use super::audio::RATE;

/// Samples per frame: 20 ms.
const FRAME: usize = RATE / 50;
/// Frames of quiet that end a stretch: 0.4 s (a pause between words is shorter).
const GAP_FRAMES: usize = 20;
/// Sound kept before and after a stretch: 0.2 s, so a word's edges are heard.
const PAD: usize = RATE / 5;
/// The longest stretch: whisper hears 30 s at a time.
pub(crate) const MAX_STRETCH: usize = 25 * RATE;
/// Voice-like frames a stretch needs: 0.3 s.
const MIN_VOICED_FRAMES: usize = 15;
/// A frame this far above the quiet may be voice.
const ABOVE_FLOOR_DB: f32 = 12.0;
/// Quieter than this is silence whatever the floor.
const SILENCE_DB: f32 = -50.0;
/// Share of a frame's energy in its three strongest peaks above which it is a tone.
const TONAL: f32 = 0.85;
/// How much a stretch's loudness must vary (standard deviation, dB) to be speech.
const MIN_MODULATION_DB: f32 = 3.5;

/// A stretch that may be speech: where it starts (in samples from the
/// clip's start) and its samples.
#[derive(Debug, Clone)]
pub(crate) struct Stretch {
    pub start: u64,
    pub samples: Vec<f32>,
}

/// Takes the sound block by block and gives the stretches that may be
/// speech as they end. Holds at most one stretch of sound.
pub(crate) struct Detector {
    /// Sound not yet measured (less than a frame).
    pending: Vec<f32>,
    /// Sound kept: the stretch so far, or the last `PAD` samples.
    kept: Vec<f32>,
    /// The clip's sample number of `kept[0]`.
    kept_start: u64,
    /// Samples measured so far (the frame being measured starts here).
    measured: u64,
    floor_db: f32,
    current: Option<Current>,
    /// Samples heard and samples kept as stretches (to say what was skipped).
    pub heard: u64,
    pub voiced: u64,
}

/// The stretch being gathered.
struct Current {
    start: u64,
    /// Where the last voice-like frame ended.
    last_voiced_end: u64,
    voiced_frames: usize,
    quiet_frames: usize,
    /// Loudness of its frames (dB, the quietest taken as the floor), up to
    /// its last voice-like frame.
    loudness: Vec<f32>,
    /// Loudness of the quiet frames since then.
    quiet_loudness: Vec<f32>,
}

impl Detector {
    pub(crate) fn new() -> Detector {
        Detector {
            pending: Vec::new(),
            kept: Vec::new(),
            kept_start: 0,
            measured: 0,
            floor_db: SILENCE_DB,
            current: None,
            heard: 0,
            voiced: 0,
        }
    }

    /// Measures `block`; the stretches that ended in it.
    pub(crate) fn push(&mut self, block: &[f32]) -> Vec<Stretch> {
        self.heard += block.len() as u64;
        self.pending.extend_from_slice(block);
        let mut ended = Vec::new();
        let whole = self.pending.len() / FRAME * FRAME;
        let frames: Vec<f32> = self.pending.drain(..whole).collect();
        for frame in frames.chunks_exact(FRAME) {
            self.kept.extend_from_slice(frame);
            self.measured += FRAME as u64;
            ended.extend(self.frame(frame));
        }
        ended
    }

    /// The stretch still open when the sound ends, if it is speech.
    pub(crate) fn finish(&mut self) -> Option<Stretch> {
        let current = self.current.take()?;
        self.close(current)
    }

    fn frame(&mut self, frame: &[f32]) -> Option<Stretch> {
        let (db, tonal) = measure(frame, &self.kept[self.kept.len().saturating_sub(FFT)..]);
        // The floor drops at once to a quieter frame and rises slowly
        // (3 dB a second), so a long loud passage lifts it only a little.
        self.floor_db = if db < self.floor_db { db.max(-90.0) } else { self.floor_db + 0.06 };
        let voice_like = db > SILENCE_DB && db > self.floor_db + ABOVE_FLOOR_DB && tonal < TONAL;
        let frame_end = self.measured;
        match &mut self.current {
            None if voice_like => {
                let start = frame_end.saturating_sub((FRAME + PAD) as u64).max(self.kept_start);
                self.current = Some(Current {
                    start,
                    last_voiced_end: frame_end,
                    voiced_frames: 1,
                    quiet_frames: 0,
                    loudness: vec![db],
                    quiet_loudness: Vec::new(),
                });
            }
            None => self.forget_all_but_pad(),
            Some(current) => {
                let db = db.max(self.floor_db);
                if voice_like {
                    current.last_voiced_end = frame_end;
                    current.voiced_frames += 1;
                    current.quiet_frames = 0;
                    current.loudness.append(&mut current.quiet_loudness);
                    current.loudness.push(db);
                } else {
                    current.quiet_frames += 1;
                    current.quiet_loudness.push(db);
                }
                let too_long = frame_end - current.start >= MAX_STRETCH as u64;
                if current.quiet_frames >= GAP_FRAMES || too_long {
                    let current = self.current.take().expect("open");
                    let stretch = self.close(current);
                    self.forget_all_but_pad();
                    return stretch;
                }
            }
        }
        None
    }

    /// Ends a stretch: its sound, if it holds enough voice that varies.
    fn close(&mut self, current: Current) -> Option<Stretch> {
        let end = (current.last_voiced_end + PAD as u64).min(self.kept_start + self.kept.len() as u64);
        let from = (current.start - self.kept_start) as usize;
        let to = (end - self.kept_start) as usize;
        if current.voiced_frames < MIN_VOICED_FRAMES || deviation(&current.loudness) < MIN_MODULATION_DB {
            return None;
        }
        self.voiced += (to - from) as u64;
        Some(Stretch { start: current.start, samples: self.kept[from..to].to_vec() })
    }

    /// Keeps only the last `PAD` samples (where a stretch may begin).
    fn forget_all_but_pad(&mut self) {
        if self.kept.len() > 2 * PAD {
            let drop = self.kept.len() - PAD;
            self.kept.drain(..drop);
            self.kept_start += drop as u64;
        }
    }
}

/// A frame's loudness (dB of full scale), and the share of the energy of
/// `recent` (the sound up to the frame's end) in its three strongest
/// spectral peaks between 80 Hz and 4 kHz: 20 ms cannot tell a chord's
/// notes apart, 64 ms can.
fn measure(frame: &[f32], recent: &[f32]) -> (f32, f32) {
    let power: f32 = frame.iter().map(|s| s * s).sum::<f32>() / frame.len() as f32;
    let db = 10.0 * (power + 1e-12).log10();
    if db <= SILENCE_DB {
        return (db, 0.0); // silence: its spectrum does not matter
    }
    let spectrum = power_spectrum(recent);
    let bin_hz = RATE as f32 / FFT as f32;
    let (low, high) = ((80.0 / bin_hz) as usize, (4000.0 / bin_hz) as usize);
    let band = &spectrum[low..high];
    let total: f32 = band.iter().sum();
    if total <= 0.0 {
        return (db, 0.0);
    }
    // The three strongest local peaks, each with two neighbours a side (a
    // Hann-windowed tone spreads over five bins).
    let mut peaks: Vec<f32> = (2..band.len() - 2)
        .filter(|&i| band[i] >= band[i - 1] && band[i] > band[i + 1])
        .map(|i| band[i - 2..=i + 2].iter().sum())
        .collect();
    peaks.sort_by(|a, b| b.total_cmp(a));
    let tonal = peaks.iter().take(3).sum::<f32>() / total;
    (db, tonal.min(1.0))
}

/// The standard deviation of `values`.
fn deviation(values: &[f32]) -> f32 {
    let n = values.len() as f32;
    let mean = values.iter().sum::<f32>() / n;
    (values.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n).sqrt()
}

/// Points of the transform: 64 ms.
const FFT: usize = 1024;

/// The power of each frequency bin (0 to half the rate) of Hann-windowed
/// sound (at most `FFT` samples, padded): a plain radix-2 transform, enough
/// for 50 frames a second.
fn power_spectrum(frame: &[f32]) -> Vec<f32> {
    // cos and sin of every angle the butterflies turn by, made once.
    static TURNS: std::sync::OnceLock<Vec<(f32, f32)>> = std::sync::OnceLock::new();
    let turns = TURNS.get_or_init(|| {
        (0..FFT / 2)
            .map(|k| {
                let (sin, cos) = (-2.0 * std::f32::consts::PI * k as f32 / FFT as f32).sin_cos();
                (cos, sin)
            })
            .collect()
    });
    let mut re = [0f32; FFT];
    let mut im = [0f32; FFT];
    let n = frame.len();
    for (i, sample) in frame.iter().enumerate() {
        let hann = 0.5 - 0.5 * (2.0 * std::f32::consts::PI * i as f32 / (n - 1) as f32).cos();
        re[i] = sample * hann;
    }
    // Bit-reversed order, then butterflies.
    let bits = FFT.trailing_zeros();
    for i in 0..FFT {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if i < j {
            re.swap(i, j);
        }
    }
    let mut size = 2;
    while size <= FFT {
        let stride = FFT / size;
        for start in (0..FFT).step_by(size) {
            for k in 0..size / 2 {
                let (cos, sin) = turns[k * stride];
                let (a, b) = (start + k, start + k + size / 2);
                let (tr, ti) = (re[b] * cos - im[b] * sin, re[b] * sin + im[b] * cos);
                re[b] = re[a] - tr;
                im[b] = im[a] - ti;
                re[a] += tr;
                im[a] += ti;
            }
        }
        size *= 2;
    }
    (0..=FFT / 2).map(|i| re[i] * re[i] + im[i] * im[i]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(seconds: f32, hz: &[f32], level: f32) -> Vec<f32> {
        let n = (seconds * RATE as f32) as usize;
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                hz.iter().map(|f| (2.0 * std::f32::consts::PI * f * t).sin()).sum::<f32>() * level
                    / hz.len() as f32
            })
            .collect()
    }

    /// Speech-like sound: glottal pulses (a voice's pitch, harmonics all the
    /// way up) with a little breath, its loudness going up and down four
    /// times a second like syllables.
    fn syllables(seconds: f32) -> Vec<f32> {
        let n = (seconds * RATE as f32) as usize;
        let mut noise = 12345u32;
        (0..n)
            .map(|i| {
                let t = i as f32 / RATE as f32;
                let pitch = 120.0 + 20.0 * (2.0 * std::f32::consts::PI * 0.7 * t).sin();
                let phase = (pitch * t).fract();
                let buzz = if phase < 0.05 { 1.0 } else { -0.05 };
                noise = noise.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let hiss = (noise >> 8) as f32 / (1u32 << 24) as f32 - 0.5;
                let envelope = (std::f32::consts::PI * 4.0 * t).sin().abs();
                (0.3 * buzz + 0.05 * hiss) * envelope
            })
            .collect()
    }

    fn stretches(sound: &[f32]) -> Vec<(f32, f32)> {
        let mut detector = Detector::new();
        let mut found = Vec::new();
        for block in sound.chunks(RATE) {
            found.extend(detector.push(block));
        }
        found.extend(detector.finish());
        found
            .iter()
            .map(|s| {
                let start = s.start as f32 / RATE as f32;
                (start, start + s.samples.len() as f32 / RATE as f32)
            })
            .collect()
    }

    #[test]
    fn a_tone_is_tonal_and_a_buzz_is_not() {
        let tonal = |sound: &[f32]| measure(&sound[sound.len() - FRAME..], &sound[sound.len() - FFT..]).1;
        let pure = tonal(&tone(0.1, &[440.0], 0.5));
        let chord = tonal(&tone(0.1, &[262.0, 330.0, 392.0], 0.5));
        let voice = tonal(&syllables(1.0)[..5000]);
        assert!(pure > 0.9 && chord > 0.8, "{pure} {chord}");
        assert!(voice < TONAL, "{voice}");
    }

    #[test]
    fn speech_is_found_where_it_is_and_silence_and_tones_are_skipped() {
        let mut sound = vec![0.0; 2 * RATE];
        sound.extend(syllables(3.0)); // 2–5 s
        sound.extend(tone(4.0, &[262.0, 330.0, 392.0], 0.4)); // 5–9 s
        sound.extend(vec![0.0; 3 * RATE]); // 9–12 s
        sound.extend(syllables(2.0)); // 12–14 s
        sound.extend(vec![0.0005; RATE]);
        let found = stretches(&sound);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!((found[0].0 - 2.0).abs() < 0.5 && (found[0].1 - 5.0).abs() < 0.6, "{found:?}");
        assert!((found[1].0 - 12.0).abs() < 0.5 && (found[1].1 - 14.0).abs() < 0.6, "{found:?}");
    }

    #[test]
    fn a_long_speech_is_cut_into_stretches_whisper_can_hear() {
        let found = stretches(&syllables(60.0));
        assert!(found.len() >= 3, "{found:?}");
        for (start, end) in &found {
            assert!(end - start <= MAX_STRETCH as f32 / RATE as f32 + 0.5, "{found:?}");
        }
        let heard: f32 = found.iter().map(|(s, e)| e - s).sum();
        assert!(heard > 55.0, "{found:?}");
    }

    #[test]
    fn silence_alone_gives_nothing() {
        assert!(stretches(&vec![0.0; 10 * RATE]).is_empty());
        assert!(stretches(&tone(10.0, &[440.0], 0.3)).is_empty());
    }
}
