//! The generator's own randomness and calendar, so that the output for a seed never changes
//! with a dependency upgrade: xoshiro256** seeded through SplitMix64, and civil dates computed
//! with integer arithmetic.

/// SplitMix64's finaliser: spreads a seed (or a seed mixed with an index) over 64 bits.
pub(crate) fn splitmix(mut state: u64) -> u64 {
    state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut mixed = state;
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    mixed ^ (mixed >> 31)
}

/// The seed of one part of the output (a process, the organisations), so that each part can be
/// rebuilt on its own without replaying everything drawn before it.
pub(crate) fn derive_seed(seed: u64, stream: u64, index: u64) -> u64 {
    splitmix(splitmix(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407)) ^ index)
}

/// xoshiro256**.
#[derive(Clone)]
pub(crate) struct Rng {
    state: [u64; 4],
}

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        let mut running = seed;
        let mut state = [0_u64; 4];
        for word in &mut state {
            running = running.wrapping_add(0x9E37_79B9_7F4A_7C15);
            *word = splitmix(running);
        }
        Rng { state }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let result = self.state[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let shifted = self.state[1] << 17;
        self.state[2] ^= self.state[0];
        self.state[3] ^= self.state[1];
        self.state[1] ^= self.state[2];
        self.state[0] ^= self.state[3];
        self.state[2] ^= shifted;
        self.state[3] = self.state[3].rotate_left(45);
        result
    }

    /// A uniform number in [0, 1).
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1_u64 << 53) as f64)
    }

    /// A uniform number in [0, bound); 0 when `bound` is 0. The tiny bias of the multiply-shift
    /// method does not matter here.
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// A uniform integer in [low, high].
    pub(crate) fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    pub(crate) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    /// An approximately standard normal number (Irwin–Hall with twelve uniforms), which needs
    /// no transcendental function and so gives the same bits everywhere.
    pub(crate) fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn with the given integer weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&weight| u64::from(weight)).sum();
        let mut target = self.below(total);
        for (index, &weight) in weights.iter().enumerate() {
            if target < u64::from(weight) {
                return index;
            }
            target -= u64::from(weight);
        }
        weights.len() - 1
    }
}

/// Draws indexes with a Zipf-like heavy tail: index `i` has weight `1 / (i + 1)^exponent`.
pub(crate) struct HeavyTail {
    cumulative: Vec<f64>,
}

impl HeavyTail {
    pub(crate) fn new(count: usize, exponent: f64) -> HeavyTail {
        let mut total = 0.0;
        let cumulative = (0..count)
            .map(|index| {
                total += ((index + 1) as f64).powf(-exponent);
                total
            })
            .collect();
        HeavyTail { cumulative }
    }

    pub(crate) fn draw(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("at least one weight");
        let target = rng.unit() * total;
        self.cumulative
            .partition_point(|&running| running <= target)
            .min(self.cumulative.len() - 1)
    }
}

pub(crate) const SECONDS_PER_DAY: i64 = 86_400;
pub(crate) const SECONDS_PER_HOUR: i64 = 3_600;

pub(crate) use achyk_ocds::release::{civil_from_days, days_from_civil};

/// Monday is 0, Sunday 6.
pub(crate) fn weekday(days: i64) -> i64 {
    (days + 3).rem_euclid(7)
}

/// A Bishkek local time (seconds since 1970-01-01T00:00:00 local) as the feed writes it:
/// seconds and `+06:00`.
pub(crate) fn format_time(local_seconds: i64) -> String {
    let days = local_seconds.div_euclid(SECONDS_PER_DAY);
    let in_day = local_seconds.rem_euclid(SECONDS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+06:00",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// The date part, `YYYY-MM-DD`.
pub(crate) fn format_day(local_seconds: i64) -> String {
    let (year, month, day) = civil_from_days(local_seconds.div_euclid(SECONDS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for days in -1000..40_000 {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(weekday(days_from_civil(2024, 1, 15)), 0);
        assert_eq!(
            format_time(days_from_civil(2024, 3, 2) * SECONDS_PER_DAY + 9 * 3600 + 15 * 60),
            "2024-03-02T09:15:00+06:00"
        );
    }

    #[test]
    fn the_generator_is_xoshiro256_star_star() {
        // The stream for a seed must never change: these are the first outputs for seed 1.
        let mut rng = Rng::new(1);
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        let mut again = Rng::new(1);
        assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(first[0], first[1]);
    }
}
