//! The fuzzer's only source of chance: SplitMix64, seeded per execution, so
//! input number N of a run is the same bytes on every machine and can be
//! made again from `(seed, target, N)` alone.

/// A small, fast, deterministic generator (SplitMix64). Not for secrets.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng { state: seed }
    }

    /// The generator for one execution: independent of every other execution,
    /// so a failing input is regenerated without replaying the ones before it.
    pub fn for_exec(seed: u64, target: &str, index: u64) -> Rng {
        // FNV-1a folds the target's name in: two targets never share a stream.
        let name = target
            .bytes()
            .fold(0xCBF2_9CE4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3));
        let mut mix = Rng::new(seed ^ name);
        let base = mix.next_u64();
        Rng::new(base ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A length that is usually small and sometimes large: most damage is
    /// local, but some bugs need a long run of bytes.
    pub fn small_len(&mut self, max: usize) -> usize {
        let cap = match self.below(8) {
            0..=4 => 8,
            5 | 6 => 64,
            _ => max,
        };
        1 + self.below(cap.min(max).max(1))
    }

    /// How many mutations to stack on one input: 1, 2, 4 or 8 (AFL's havoc stacking).
    pub fn stack(&mut self) -> usize {
        1 << self.below(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executions_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4).map(|_| Rng::for_exec(7, "srt-utf8", 12).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(Rng::for_exec(7, "srt-utf8", 12).next_u64(), Rng::for_exec(7, "srt-utf8", 13).next_u64());
        assert_ne!(Rng::for_exec(7, "srt-utf8", 12).next_u64(), Rng::for_exec(7, "vtt-utf8", 12).next_u64());
        assert_ne!(Rng::for_exec(7, "srt-utf8", 12).next_u64(), Rng::for_exec(8, "srt-utf8", 12).next_u64());
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = Rng::new(1);
        assert!((0..10_000).all(|_| rng.below(7) < 7));
        assert_eq!(rng.below(0), 0);
        assert!((0..10_000).all(|_| (1..=100).contains(&rng.small_len(100))));
    }
}
