//! Sampling helpers over a seeded ChaCha8 stream: uniform integers and floats computed here (not by
//! `rand`'s distributions) so the output is the same on every platform and `rand` release, Zipf and
//! explicit weight tables, record ids, a keyed permutation that hands out unique serial numbers
//! without a global registry, and day arithmetic on civil dates.

use jiff::civil::Date;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// The generator's random stream.
pub(super) type Stream = ChaCha8Rng;

/// A uniform integer in `0..n` (Lemire's multiply-and-reject); 0 when `n` is 0.
pub(super) fn below(rng: &mut Stream, n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let threshold = n.wrapping_neg() % n;
    loop {
        let m = u128::from(rng.next_u64()) * u128::from(n);
        if (m as u64) >= threshold {
            return (m >> 64) as u64;
        }
    }
}

/// A uniform index into a collection of `len` elements (0 when `len` is 0).
pub(super) fn index(rng: &mut Stream, len: usize) -> usize {
    below(rng, len as u64) as usize
}

/// A uniform integer in `lo..=hi` (`lo` when `hi < lo`).
pub(super) fn between(rng: &mut Stream, lo: i64, hi: i64) -> i64 {
    if hi <= lo {
        return lo;
    }
    lo + below(rng, (hi - lo) as u64 + 1) as i64
}

/// A uniform float in `[0, 1)`.
pub(super) fn unit(rng: &mut Stream) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// True with probability `p` (values outside `[0, 1]` act as 0 or 1).
pub(super) fn chance(rng: &mut Stream, p: f64) -> bool {
    unit(rng) < p
}

/// A uniformly chosen element of a non-empty table (the first one if it were empty... which the
/// table tests rule out).
pub(super) fn pick<T: Copy>(rng: &mut Stream, items: &[T]) -> T {
    items[index(rng, items.len()).min(items.len().saturating_sub(1))]
}

/// An item of a small table chosen in proportion to its weight (linear scan, no allocation).
pub(super) fn weighted<T: Copy>(rng: &mut Stream, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|i| i.1.max(0.0)).sum();
    let mut x = unit(rng) * total;
    for &(item, w) in items {
        let w = w.max(0.0);
        if x < w {
            return item;
        }
        x -= w;
    }
    items[items.len().saturating_sub(1)].0
}

/// A Zipf-distributed rank in `0..len`: rank `r` has weight about `1 / (r + 1 + shift)`, drawn by
/// inverting the continuous approximation of the distribution (no table needed). Name lists are
/// in popularity order, so this reproduces the long tail of real name counts.
pub(super) fn zipf(rng: &mut Stream, len: usize, shift: f64) -> usize {
    if len <= 1 {
        return 0;
    }
    let a = 1.0 + shift;
    let b = len as f64 + 1.0 + shift;
    let x = a * (b / a).powf(unit(rng));
    ((x - a) as usize).min(len - 1)
}

/// An element of a popularity-ordered list, drawn by `zipf`.
pub(super) fn popular<'a>(rng: &mut Stream, names: &[&'a str], shift: f64) -> &'a str {
    names.get(zipf(rng, names.len(), shift)).copied().unwrap_or("")
}

/// A 16-byte record id shaped as a random (version 4, RFC 4122 variant) UUID, so that
/// `EntityId::from_bytes` and `EntityId::from_random_bytes` give the same value.
pub(super) fn new_id(rng: &mut Stream) -> [u8; 16] {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    bytes
}

/// Cumulative weights for sampling an index in proportion to its weight.
#[derive(Debug, Clone)]
pub(super) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// From explicit weights (negative weights count as 0).
    pub(super) fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        Self { cumulative }
    }

    /// A random index, proportional to weight.
    pub(super) fn sample(&self, rng: &mut Stream) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = unit(rng) * total;
        self.cumulative.partition_point(|&c| c <= x).min(self.cumulative.len().saturating_sub(1))
    }
}

/// A keyed permutation of `0..n` (a 4-round Feistel network over the next power of two, walked
/// until it lands inside `0..n`). Feeding it distinct counters yields distinct, random-looking
/// serial numbers: that is how PNC, CRO and NI numbers, phones and UPRNs stay unique across chunks
/// that are generated independently.
pub(super) fn permute(x: u64, n: u64, key: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let bits = 64 - (n - 1).leading_zeros();
    let half = bits.div_ceil(2);
    let mask = (1u64 << half) - 1;
    let mut v = x % n;
    loop {
        let (mut left, mut right) = (v >> half, v & mask);
        for round in 0..4u64 {
            let f = mix(right ^ key.rotate_left(round as u32 * 16) ^ round) & mask;
            (left, right) = (right, left ^ f);
        }
        v = (left << half) | right;
        if v < n {
            return v;
        }
    }
}

/// SplitMix64 finaliser: a cheap, well-mixed hash of a 64-bit value.
pub(super) fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Days since 1970-01-01 (`custos_core::days`).
pub(super) fn days_of(date: Date) -> i64 {
    custos_core::days::days_from_civil(date)
}

/// The civil date `days` after 1970-01-01; dates outside jiff's range fall back to 1970-01-01,
/// which no caller produces.
pub(super) fn date_of(days: i64) -> Date {
    custos_core::days::civil_from_days(days).unwrap_or_default()
}

/// A civil date from numbers, or `None` if no such day exists.
pub(super) fn ymd(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn day_arithmetic_round_trips_and_matches_jiff() {
        for days in [-25_000, -1, 0, 59, 60, 365, 11_016, 20_454, 20_543] {
            let d = date_of(days);
            assert_eq!(days_of(d), days, "{d}");
        }
        assert_eq!(days_of(jiff::civil::date(1970, 1, 1)), 0);
        assert_eq!(date_of(days_of(jiff::civil::date(2000, 2, 29)) + 1), jiff::civil::date(2000, 3, 1));
        assert_eq!(date_of(days_of(jiff::civil::date(1999, 12, 31)) + 1), jiff::civil::date(2000, 1, 1));
        assert_eq!(ymd(2023, 2, 29), None);
        assert_eq!(ymd(2024, 2, 29), Some(jiff::civil::date(2024, 2, 29)));
    }

    #[test]
    fn permutation_is_a_bijection() {
        for n in [1u64, 2, 7, 100, 1000, 4000] {
            let mut seen: Vec<u64> = (0..n).map(|x| permute(x, n, 0xDEAD_BEEF)).collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
        assert_ne!(permute(5, 1000, 1), permute(5, 1000, 2));
    }

    #[test]
    fn uniform_helpers_stay_in_range_and_weights_are_respected() {
        let mut rng = Stream::seed_from_u64(7);
        for _ in 0..1000 {
            assert!(below(&mut rng, 10) < 10);
            let b = between(&mut rng, -3, 3);
            assert!((-3..=3).contains(&b));
            let u = unit(&mut rng);
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(below(&mut rng, 0), 0);
        let w = Weighted::new([0.0, 1.0, 0.0, 3.0]);
        let mut counts = [0usize; 4];
        for _ in 0..4000 {
            counts[w.sample(&mut rng)] += 1;
        }
        assert_eq!(counts[0] + counts[2], 0);
        assert!(counts[3] > 2 * counts[1], "{counts:?}");
        let mut ranks = [0usize; 50];
        for _ in 0..20_000 {
            ranks[zipf(&mut rng, 50, 2.0)] += 1;
        }
        assert!(ranks[0] > ranks[5] && ranks[5] > ranks[40] && ranks[49] > 0, "{ranks:?}");
        assert_eq!(zipf(&mut rng, 1, 2.0), 0);
        assert_eq!(weighted(&mut rng, &[("a", 0.0), ("b", 1.0)]), "b");
    }

    #[test]
    fn ids_are_version_4_uuids() {
        let mut rng = Stream::seed_from_u64(1);
        let id = new_id(&mut rng);
        assert_eq!(id[6] >> 4, 4);
        assert_eq!(id[8] >> 6, 0b10);
        assert_ne!(id, new_id(&mut rng));
    }
}
