//! Workloads for the binary's `bench` command (no timing here: this crate has no clock). They
//! follow DESIGN.md's "Matching speed limit": preparing a record (phonetic keys, ~0.2 µs per
//! encoding) is paid once; scoring a prepared pair should cost well under a microsecond; blocking
//! decides how many pairs are scored. Records are synthetic and seeded so runs are comparable.

use crate::blocking::blocking_keys;
use crate::model::{Scorer, SplitMix64};
use crate::record::{MatchRecord, Prepared};

const FORENAMES: &[&str] = &[
    "John", "Mary", "William", "Sarah", "Mohammed", "Anna", "James", "Olivia", "Piotr", "Aisha",
    "David", "Emily", "Robert", "Grace", "Ahmed", "Chloe",
];
const SURNAMES: &[&str] = &[
    "Smith", "Jones", "Taylor", "Brown", "Khan", "Patel", "Nowak", "O'Brien", "Williams", "Evans",
    "Wilson", "Thomas", "Roberts", "Ali", "Walker", "Wright",
];
const POSTCODES: &[&str] = &[
    "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "LS1 4AP", "CF10 1EP",
];

/// `n` seeded synthetic records (names, a date of birth, a postcode).
pub fn sample_records(n: usize, seed: u64) -> Vec<MatchRecord> {
    let mut rng = SplitMix64(seed);
    (0..n)
        .map(|_| {
            let pick = |rng: &mut SplitMix64, list: &[&'static str]| list[rng.below(list.len())];
            let f = pick(&mut rng, FORENAMES);
            let s = pick(&mut rng, SURNAMES);
            let pc = pick(&mut rng, POSTCODES);
            let dob = format!(
                "{}-{:02}-{:02}",
                1940 + rng.below(70),
                1 + rng.below(12),
                1 + rng.below(28)
            );
            MatchRecord::builder()
                .name(f, s)
                .dob(&dob)
                .postcode(pc)
                .build()
        })
        .collect()
}

/// Prepares every record (the cost paid once per record).
pub fn prepare_all(records: &[MatchRecord]) -> Vec<Prepared> {
    records.iter().map(Prepared::new).collect()
}

/// Scores each record against the next `window` records; returns (pairs scored, weight sum).
/// The sum is returned so the work cannot be optimised away.
pub fn score_window(scorer: &Scorer<'_>, prepared: &[Prepared], window: usize) -> (usize, f64) {
    let mut pairs = 0;
    let mut sum = 0.0;
    for (i, a) in prepared.iter().enumerate() {
        for b in prepared.iter().skip(i + 1).take(window) {
            sum += scorer.weight(a, b);
            pairs += 1;
        }
    }
    (pairs, sum)
}

/// Total number of blocking keys over the records (the blocking-key cost).
pub fn count_blocking_keys(prepared: &[Prepared]) -> usize {
    prepared.iter().map(|p| blocking_keys(p).len()).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;

    #[test]
    fn workloads_run_and_are_seeded() {
        let a = sample_records(20, 7);
        assert_eq!(a, sample_records(20, 7));
        assert_ne!(a, sample_records(20, 8));
        let p = prepare_all(&a);
        let model = Model::default();
        let scorer = model.scorer(None).unwrap();
        let (pairs, sum) = score_window(&scorer, &p, 5);
        assert_eq!(pairs, 15 * 5 + 4 + 3 + 2 + 1);
        assert!(sum.is_finite());
        assert!(count_blocking_keys(&p) > 20);
    }
}
