//! Linking a whole set of records in memory: the pipeline `custos bench match` measures and
//! `custos link` runs over a legacy export. Records are indexed by position in a `&[Prepared]`.
//!
//! 1. **Blocking** ([`BlockingIndex`]): every record's [`blocking_keys`](crate::blocking::blocking_keys) are hashed to 64 bits
//!    and sorted, so each block (records sharing one rule's key) is a run of entries. Candidate
//!    pairs are the *union* over all rules and blocks — a pair is scored if any rule admits it
//!    (see [`crate::blocking`] for why a union keeps recall high).
//! 2. **Capped blocks**: a block with more than `max_block` records (a very common name and
//!    birth year, say) would cost a quadratic number of pairs, so it is not expanded; it is
//!    *counted* in [`CandidatePairs`] (blocks, pairs skipped, per rule) rather than dropped
//!    silently, because recall must be measured, not assumed. Pairs it held are usually still
//!    found through another rule's smaller block.
//! 3. **Scoring** ([`score_pairs`]): every candidate pair is scored by the Fellegi–Sunter
//!    [`Scorer`]; pairs below [`KEEP_PROBABILITY`] are dropped there, since no threshold anyone
//!    would cluster at is that low and they would only cost memory.
//! 4. **Clustering** ([`crate::cluster::cluster_with`]): union–find at
//!    [`crate::cluster::AUTO_LINK_PROBABILITY`], refusing joins of
//!    different unique identifiers (returned as conflicts).
//!
//! `custos link` runs all four (with its own constraints between scoring and clustering). The
//! work is spread over `threads` scoped std threads ([`par_map`]);
//! every result is independent of the thread count. The crate stays pure: no I/O, no clock.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::blocking::{Rule, each_key};
use crate::cluster::ScoredPair;
use crate::compare::{Field, SEVERAL_DOBS, compare, dob_not_different, packed_dob, packed_not_different};
use crate::model::{EmReport, Model, ModelError, Scorer};
use crate::record::{BirthDate, Prepared};

/// Blocks with more records than this are not expanded into pairs unless the caller says
/// otherwise; on the demo force it keeps blocking recall above 99.5% at a bounded cost.
pub const DEFAULT_MAX_BLOCK: usize = 1_000;

/// Scored pairs below this probability are dropped before clustering (a threshold sweep never
/// goes lower, and keeping them would hold most candidate pairs in memory for nothing).
pub const KEEP_PROBABILITY: f64 = 0.01;

/// How many pairs' worth of evidence the model's own m counts for against pairs a person
/// confirmed on review (see `Model::learn_from_matches`): a hundred decisions move m by about a
/// tenth of the way to what they show, so a records manager's work improves the model without
/// one day's unusual queue rewriting it.
pub const CONFIRMED_PAIR_WEIGHT: f64 = 1_000.0;

/// λ, the prior probability that two records are one person, for a store of `n` records: at
/// most about one true pair per record among the n²/2 pairs, i.e. 1/n (the default model's 1e-5
/// is this at 100,000 records), kept within [1e-7, 1e-3] so that a tiny store does not link on a
/// name alone. `custos link` and `custos bench match` both use it.
pub fn prior_for_records(n: usize) -> f64 {
    (1.0 / n.max(1) as f64).clamp(1e-7, 1e-3)
}

/// `f(index, item)` over `items` on up to `threads` scoped threads; results in the order of
/// `items`. A panic in `f` is re-raised in the caller (half a result is never returned).
pub fn par_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let size = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(size)
            .enumerate()
            .map(|(c, part)| {
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(k, x)| f(c * size + k, x))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        // A panicking worker is a bug in the matcher: re-raise it rather than report half a result.
        parts
            .into_iter()
            .flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// An unordered pair of record indices as one `u64` (smaller index in the high 32 bits), so
/// candidate pairs sort, deduplicate and binary-search cheaply. Indices must fit in 32 bits.
pub fn pack(a: usize, b: usize) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    ((lo as u64) << 32) | hi as u64
}

/// The pair [`pack`]ed into `p`, smaller index first.
pub fn unpack(p: u64) -> (usize, usize) {
    ((p >> 32) as usize, (p & 0xFFFF_FFFF) as usize)
}

/// A blocking key as 64 bits: the rule in the top 4 bits (so a capped block can be reported by
/// rule), a hash of the key below. `DefaultHasher::new()` is fixed-keyed, so hashes are stable
/// within a build; a collision merely makes one block larger.
fn key_hash(rule: Rule, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    let r = Rule::ALL.iter().position(|x| *x == rule).unwrap_or(15) as u64;
    (r << 60) | (h.finish() >> 4)
}

// The rule's place in `Rule::ALL` lives in a key's top 4 bits, and 15 means none.
const _: () = assert!(Rule::ALL.len() <= 15);

fn rule_at(hash: u64) -> Option<Rule> {
    Rule::ALL.get((hash >> 60) as usize).copied()
}

fn rule_of(hash: u64) -> &'static str {
    Rule::ALL
        .get((hash >> 60) as usize)
        .map_or("unknown", |r| r.name())
}

/// A record's hashed blocking keys, sorted and distinct (as [`BlockingIndex::with_keys`] takes
/// them).
pub fn record_keys(p: &Prepared) -> Vec<u64> {
    // Each key's text is written into one buffer and hashed there: the same hash as its string
    // in `blocking_keys`, without a string per key (forty-odd a record).
    let mut text = String::with_capacity(64);
    let mut ks: Vec<u64> = Vec::with_capacity(64);
    each_key(p, &mut |rule, key| {
        text.clear();
        // Writing to a String cannot fail.
        let _ = text.write_fmt(key);
        ks.push(key_hash(rule, &text));
    });
    ks.sort_unstable();
    ks.dedup();
    ks
}

/// The in-memory blocking index over a set of prepared records: (key, record) sorted by key, and
/// each record's own keys.
#[derive(Debug, Clone, Default)]
pub struct BlockingIndex {
    /// (key, record, the record's [`packed_dob`]), sorted: the date rides along so that the
    /// dates-of-birth check of a large block reads the block and nothing else.
    entries: Vec<Entry>,
    keys: Vec<Vec<u64>>,
    /// Each record's dates of birth, for the rules that admit a pair only if they do not
    /// clearly disagree (see [`DOB_CHECKED`]).
    dobs: Vec<Vec<BirthDate>>,
    /// The threads candidate generation may use.
    threads: usize,
}

/// Rules without the full date of birth in their key, meant for the records whose date is
/// missing or wrong by a little (`compare::dob_level` short of `Different`). Their blocks grow
/// with the population (a common name, a postcode, a birthday), so a pair from them is expanded
/// only if one side has no date of birth or some pair of dates is within those levels: a pair
/// whose dates clearly disagree is almost always two people (a trade of a little recall, measured
/// by `bench match`, for pairs that grow with the square of the block). At 300,000 records this removed most of these rules'
/// pairs without losing a true pair that scoring would have linked; at a million records it
/// is what keeps the number of pairs near-linear in the number of records. `Identifier` and
/// `PostcodeName` have no date in their key either but are not checked: a shared identifier,
/// or one name at one address, makes small blocks at any scale, and their pairs with dates
/// far apart are what the scorer must see (a date wrong twice over, or father and son).
pub const DOB_CHECKED: [Rule; 7] = [
    Rule::SurnameYearInitial,
    Rule::SurnamePrefixInitialDayMonth,
    Rule::NamePair,
    Rule::PostcodeInitial,
    Rule::ForenameDayMonth,
    Rule::SurnameDayMonth,
    Rule::Forenames,
];

fn dob_compatible(a: &[BirthDate], b: &[BirthDate]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|x| b.iter().any(|y| dob_not_different(*x, *y)))
}

/// An entry of the blocking index: (key, record, the record's [`packed_dob`]).
type Entry = (u64, u32, u32);

/// Every (key, record, packed date) of `keys`, sorted, on `threads` threads: the entries are
/// first placed by their key's top 12 bits (a counting sort, so each bucket's entries are one
/// run, in bucket order; the top 4 bits are the rule, so a bucket holds a sixteenth of a rule's
/// keys, runs enough to share between many threads), then the runs are sorted in parallel. At
/// a million records that is some forty million entries, whose sort on one thread was the
/// longest step of the index.
fn sorted_entries(keys: &[Vec<u64>], packed: &[u32], threads: usize) -> Vec<Entry> {
    const BUCKETS: usize = 1 << 12;
    let bucket = |k: u64| (k >> 52) as usize;
    let mut starts = vec![0usize; BUCKETS + 1];
    for &k in keys.iter().flatten() {
        starts[bucket(k) + 1] += 1;
    }
    for b in 0..BUCKETS {
        starts[b + 1] += starts[b];
    }
    let mut entries: Vec<Entry> = vec![(0, 0, 0); starts[BUCKETS]];
    let mut next = starts.clone();
    for (i, ks) in keys.iter().enumerate() {
        for &k in ks {
            let at = &mut next[bucket(k)];
            entries[*at] = (k, i as u32, packed[i]);
            *at += 1;
        }
    }
    // The runs, largest first, dealt to the thread with the least work so far.
    let mut runs: Vec<&mut [Entry]> = Vec::with_capacity(BUCKETS);
    let mut rest = entries.as_mut_slice();
    for b in 0..BUCKETS {
        let (run, tail) = std::mem::take(&mut rest).split_at_mut(starts[b + 1] - starts[b]);
        runs.push(run);
        rest = tail;
    }
    runs.sort_unstable_by_key(|r| std::cmp::Reverse(r.len()));
    let mut shares: Vec<(usize, Vec<&mut [Entry]>)> = (0..threads.max(1)).map(|_| (0, Vec::new())).collect();
    for run in runs {
        if let Some(least) = shares.iter_mut().min_by_key(|s| s.0) {
            least.0 += run.len();
            least.1.push(run);
        }
    }
    std::thread::scope(|s| {
        let workers: Vec<_> = shares
            .into_iter()
            .filter(|(work, _)| *work > 0)
            .map(|(_, share)| s.spawn(move || share.into_iter().for_each(|run| run.sort_unstable())))
            .collect();
        for w in workers {
            w.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        }
    });
    entries
}

/// The candidate pairs of a [`BlockingIndex`] and what the block cap left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidatePairs {
    /// [`pack`]ed pairs, sorted and distinct.
    pub pairs: Vec<u64>,
    /// Blocks over `max_block` records that were not expanded.
    pub capped_blocks: usize,
    /// The pairs those blocks held (some may still be candidates through another block).
    pub capped_pairs: u64,
    /// Capped blocks per rule name ([`Rule::name`]).
    pub capped_by_rule: BTreeMap<&'static str, usize>,
    /// Pairs each rule's blocks produced, before pairs found by several rules are merged.
    pub pairs_by_rule: BTreeMap<&'static str, u64>,
}

impl CandidatePairs {
    /// Whether records `a` and `b` are a candidate pair.
    pub fn contains(&self, a: usize, b: usize) -> bool {
        self.pairs.binary_search(&pack(a, b)).is_ok()
    }
}

impl BlockingIndex {
    /// Indexes `prepared` (record `i` is `prepared[i]`), computing keys on `threads` threads.
    pub fn build(prepared: &[Prepared], threads: usize) -> Self {
        Self::with_keys(prepared, par_map(prepared, threads, |_, p| record_keys(p)), threads)
    }

    /// Indexes `prepared` whose [`record_keys`] the caller computed already (`keys[i]` of
    /// `prepared[i]`, as `custos link` does while it reads the records); `threads` for the
    /// sort of the index's entries and for the candidate pairs.
    pub fn with_keys(prepared: &[Prepared], keys: Vec<Vec<u64>>, threads: usize) -> Self {
        assert_eq!(keys.len(), prepared.len(), "one list of keys per record");
        // Candidate generation relies on each record being in a block once.
        assert!(keys.iter().all(|ks| ks.windows(2).all(|w| w[0] < w[1])), "each record's keys sorted and distinct");
        let packed: Vec<u32> = prepared.iter().map(|p| packed_dob(&p.dates_of_birth)).collect();
        let entries = sorted_entries(&keys, &packed, threads);
        let dobs = prepared.iter().map(|p| p.dates_of_birth.clone()).collect();
        Self { entries, keys, dobs, threads }
    }

    /// The records indexed.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// [`dob_compatible`] for records `i` and `j` with packed dates `a` and `b`.
    fn packed_compatible(&self, i: usize, a: u32, j: usize, b: u32) -> bool {
        match (a, b) {
            (0, _) | (_, 0) => true,
            (SEVERAL_DOBS, _) | (_, SEVERAL_DOBS) => dob_compatible(&self.dobs[i], &self.dobs[j]),
            _ => packed_not_different(a, b),
        }
    }

    fn block(&self, key: u64) -> &[Entry] {
        let lo = self.entries.partition_point(|e| e.0 < key);
        let hi = self.entries.partition_point(|e| e.0 <= key);
        &self.entries[lo..hi]
    }

    /// Every pair sharing a block of at most `max_block` records; larger blocks are counted.
    ///
    /// Pairs are generated record by record rather than block by block: record `i` takes, from
    /// each of its blocks, the members after it (entries are sorted by key, then record), and
    /// removes its own repeats. The records are split over the index's threads, and each part's
    /// pairs come out sorted and distinct, so no sort of every pair (tens of millions at a
    /// million records) is needed.
    pub fn candidate_pairs(&self, max_block: usize) -> CandidatePairs {
        let mut out = CandidatePairs::default();
        // For each entry, the end of its block, or 0 for a capped block.
        let mut block_end: Vec<u32> = vec![0; self.entries.len()];
        let mut start = 0;
        for block in self.entries.chunk_by(|x, y| x.0 == y.0) {
            let (len, end) = (block.len(), start + block.len());
            if len > max_block {
                out.capped_blocks += 1;
                out.capped_pairs += (len * (len - 1) / 2) as u64;
                *out.capped_by_rule.entry(rule_of(block[0].0)).or_default() += 1;
            } else {
                block_end[start..end].fill(end as u32);
            }
            start = end;
        }
        // Each record's entries (positions in `entries`), as offsets into one array.
        let mut offsets: Vec<usize> = Vec::with_capacity(self.keys.len() + 1);
        offsets.push(0);
        for ks in &self.keys {
            offsets.push(offsets.last().copied().unwrap_or(0) + ks.len());
        }
        let mut filled = offsets.clone();
        let mut positions: Vec<u32> = vec![0; self.entries.len()];
        for (p, &(_, i, _)) in self.entries.iter().enumerate() {
            positions[filled[i as usize]] = p as u32;
            filled[i as usize] += 1;
        }
        let parts = self.threads.max(1) * 16;
        let size = self.keys.len().div_ceil(parts).max(1);
        let ranges: Vec<std::ops::Range<usize>> =
            (0..self.keys.len()).step_by(size).map(|lo| lo..(lo + size).min(self.keys.len())).collect();
        let results = par_map(&ranges, self.threads, |_, range| {
            let mut pairs: Vec<u64> = Vec::new();
            let mut by_rule = [0u64; Rule::ALL.len()];
            let mut partners: Vec<u32> = Vec::new();
            for i in range.clone() {
                partners.clear();
                for &p in &positions[offsets[i]..offsets[i + 1]] {
                    let (p, end) = (p as usize, block_end[p as usize] as usize);
                    if end == 0 {
                        continue;
                    }
                    let (key, _, dob) = self.entries[p];
                    let rule = rule_at(key);
                    let checked = rule.is_some_and(|r| DOB_CHECKED.contains(&r));
                    let before = partners.len();
                    for &(_, j, other) in &self.entries[p + 1..end] {
                        if !checked || self.packed_compatible(i, dob, j as usize, other) {
                            partners.push(j);
                        }
                    }
                    // The key's top bits are its rule's place in `Rule::ALL` (see `key_hash`).
                    if let Some(count) = by_rule.get_mut((key >> 60) as usize) {
                        *count += (partners.len() - before) as u64;
                    }
                }
                partners.sort_unstable();
                partners.dedup();
                pairs.extend(partners.iter().map(|&j| pack(i, j as usize)));
            }
            (pairs, by_rule)
        });
        out.pairs.reserve_exact(results.iter().map(|r| r.0.len()).sum());
        let mut by_rule = [0u64; Rule::ALL.len()];
        for (pairs, counts) in results {
            out.pairs.extend_from_slice(&pairs);
            for (total, n) in by_rule.iter_mut().zip(counts) {
                *total += n;
            }
        }
        for (rule, n) in Rule::ALL.iter().zip(by_rule) {
            if n > 0 {
                out.pairs_by_rule.insert(rule.name(), n);
            }
        }
        out
    }

    /// Whether records `a` and `b` share any blocking key, whatever the block sizes (false if
    /// either is not indexed): blocking recall without the cap.
    pub fn share_key(&self, a: usize, b: usize) -> bool {
        let (Some(ka), Some(kb)) = (self.keys.get(a), self.keys.get(b)) else {
            return false;
        };
        ka.iter().any(|k| kb.binary_search(k).is_ok())
    }

    /// The pairs of one rule's blocks of at most `max_block` records (its dates-of-birth check
    /// applied), sorted and distinct.
    pub fn rule_pairs(&self, rule: Rule, max_block: usize) -> Vec<u64> {
        let checked = DOB_CHECKED.contains(&rule);
        let mut pairs = Vec::new();
        for block in self.entries.chunk_by(|x, y| x.0 == y.0) {
            if block.len() > max_block || rule_at(block[0].0) != Some(rule) {
                continue;
            }
            for (k, a) in block.iter().enumerate() {
                for b in &block[k + 1..] {
                    let (i, j) = (a.1 as usize, b.1 as usize);
                    if i != j && (!checked || dob_compatible(&self.dobs[i], &self.dobs[j])) {
                        pairs.push(pack(i, j));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        pairs
    }

    /// The rules under which records `a` and `b` would be a candidate pair, whatever the block
    /// sizes (the dates-of-birth check of [`DOB_CHECKED`] applied): for measuring what each rule
    /// adds to recall.
    pub fn shared_rules(&self, a: usize, b: usize) -> Vec<Rule> {
        let (Some(ka), Some(kb)) = (self.keys.get(a), self.keys.get(b)) else {
            return Vec::new();
        };
        let compatible = dob_compatible(&self.dobs[a], &self.dobs[b]);
        let mut rules: Vec<Rule> = ka
            .iter()
            .filter(|k| kb.binary_search(k).is_ok())
            .filter_map(|&k| rule_at(k))
            .filter(|r| compatible || !DOB_CHECKED.contains(r))
            .collect();
        rules.sort_unstable();
        rules.dedup();
        rules
    }

    /// Search before create: the indexed records sharing a key with `query` (blocks over
    /// `max_block` skipped), scored against it and ranked by weight, strongest first (ties by
    /// index). `prepared` must be the records the index was built from; `exclude` is the query's
    /// own index when it is one of them.
    pub fn search(
        &self,
        scorer: &Scorer<'_>,
        prepared: &[Prepared],
        query: &Prepared,
        exclude: Option<usize>,
        max_block: usize,
    ) -> Vec<(f64, usize)> {
        let mut candidates: Vec<u32> = Vec::new();
        for key in record_keys(query) {
            let block = self.block(key);
            if block.len() <= max_block {
                candidates.extend(block.iter().map(|e| e.1));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut ranked: Vec<(f64, usize)> = candidates
            .into_iter()
            .map(|c| c as usize)
            .filter(|&c| Some(c) != exclude)
            .filter_map(|c| Some((scorer.weight(query, prepared.get(c)?), c)))
            .collect();
        ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        ranked
    }
}

/// The blocking rules whose pairs train m, each with the fields it forces to agree, or that
/// follow from those, held out of its run; a field trained by several takes the mean, a field
/// trained by none keeps the starting model's m. Dates of birth and places block this rule and
/// so keep their hand-set m: a second run blocked on names (Splink's usual partner) was tried and
/// dropped, because same-name pairs are mostly relatives and namesakes whose dates, addresses and
/// phones agree far more than random pairs' (on which u is measured), and EM then took "born
/// within a year" for the mark of a match (F1 0.905 against 0.977 untrained, 100,000 records).
pub const TRAINING_RULES: [(Rule, &[Field]); 1] = [(Rule::DobDistrict, &[Field::DateOfBirth, Field::Postcode])];

/// Pairs sampled per training rule for expectation–maximisation.
pub const EM_SAMPLE: usize = 500_000;

/// What [`train`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// Random pairs compared for u.
    pub u_pairs: usize,
    /// Per training rule: its name, the pairs EM ran over, and EM's report.
    pub runs: Vec<(String, usize, EmReport)>,
}

/// Trains `model` on `prepared`: u from random pairs, then m by expectation–maximisation over the
/// pairs of each of [`TRAINING_RULES`] with that rule's fields held out, starting each run from
/// the same model and averaging the m each field was given. The prior is left alone (it is the
/// probability for a random pair, which EM over blocked pairs does not estimate).
pub fn train(model: &mut Model, prepared: &[Prepared], index: &BlockingIndex, threads: usize, seed: u64) -> Result<Training, ModelError> {
    let n = prepared.len();
    let u_pairs = model.estimate_u(prepared, (20 * n).min(2_000_000), seed);
    let start = model.clone();
    let mut sums: Vec<Vec<f64>> = model.fields.iter().map(|f| vec![0.0; f.levels.len()]).collect();
    let mut counts = vec![0usize; model.fields.len()];
    let mut runs = Vec::new();
    for (rule, held_out) in TRAINING_RULES {
        let pairs = index.rule_pairs(rule, DEFAULT_MAX_BLOCK);
        let step = pairs.len().div_ceil(EM_SAMPLE).max(1);
        let sample: Vec<u64> = pairs.iter().step_by(step).copied().collect();
        if sample.is_empty() {
            continue;
        }
        let vectors = par_map(&sample, threads, |_, &p| {
            let (a, b) = unpack(p);
            compare(&prepared[a], &prepared[b]).vector
        });
        let mut run = start.clone();
        let report = run.train_em_holding_out(&vectors, held_out, 100, false)?;
        for (k, f) in run.fields.iter().enumerate() {
            if f.fixed || held_out.contains(&f.field) {
                continue;
            }
            for (sum, level) in sums[k].iter_mut().zip(&f.levels) {
                *sum += level.m;
            }
            counts[k] += 1;
        }
        runs.push((rule.name().to_owned(), vectors.len(), report));
    }
    for ((f, sum), count) in model.fields.iter_mut().zip(sums).zip(counts) {
        if count == 0 {
            continue;
        }
        for (level, m) in f.levels.iter_mut().zip(sum) {
            level.m = (m / count as f64).max(1e-6);
        }
    }
    model.validate()?;
    Ok(Training { u_pairs, runs })
}

/// Scores every [`pack`]ed pair of `prepared` on `threads` threads and keeps those with
/// probability ≥ `keep_probability`, in the order of `pairs`. Pairs naming a record out of range
/// are skipped.
///
/// Pairs are scored in [`locality_positions`] order, not in the order given: a comparison's cost is mostly
/// fetching the two records' names from memory, and in that order consecutive pairs share their
/// records (a block of Smiths born in 1980 is scored together, its records staying in the cache),
/// where in index order nearly every pair fetched one record from main memory. At 300,000
/// records this scored the same pairs about five times faster. The results are put back in the
/// order of `pairs`, so the order of work changes nothing else.
pub fn score_pairs(
    scorer: &Scorer<'_>,
    prepared: &[Prepared],
    pairs: &[u64],
    threads: usize,
    keep_probability: f64,
) -> Vec<ScoredPair> {
    let position = locality_positions(prepared);
    // Counting sort of the pairs by the earlier position of their two records.
    let first_position = |p: u64| {
        let (a, b) = unpack(p);
        match (position.get(a), position.get(b)) {
            (Some(&x), Some(&y)) => Some(x.min(y) as usize),
            _ => None,
        }
    };
    let mut starts = vec![0usize; prepared.len() + 1];
    for &p in pairs {
        if let Some(k) = first_position(p) {
            starts[k + 1] += 1;
        }
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let mut order: Vec<u32> = vec![0; starts[prepared.len()]];
    for (k, &p) in pairs.iter().enumerate() {
        if let Some(f) = first_position(p) {
            order[starts[f]] = k as u32;
            starts[f] += 1;
        }
    }
    drop(starts);
    // More parts than threads: pair costs vary, so small parts even out the threads' work.
    let size = order.len().div_ceil(threads.max(1) * 16).max(1);
    let parts: Vec<&[u32]> = order.chunks(size).collect();
    let mut kept: Vec<(u32, ScoredPair)> = par_map(&parts, threads, |_, part| {
        part.iter()
            .filter_map(|&k| {
                let (a, b) = unpack(pairs[k as usize]);
                let probability = scorer.score(&prepared[a], &prepared[b]).probability;
                (probability >= keep_probability).then_some((k, ScoredPair { a, b, probability }))
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect();
    kept.sort_unstable_by_key(|(k, _)| *k);
    kept.into_iter().map(|(_, p)| p).collect()
}

/// Each record's place in an order that keeps likely block-mates together: by surname, then
/// year of birth, then forename (hashed: only equal values need be adjacent, not sorted ones).
/// Most candidate pairs share a surname, and many a year of birth too.
pub fn locality_positions(prepared: &[Prepared]) -> Vec<u32> {
    let hash = |text: Option<&str>| {
        let mut h = DefaultHasher::new();
        text.hash(&mut h);
        h.finish()
    };
    let mut keys: Vec<(u64, i16, u64, u32)> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let name = p.names.first();
            let surname = hash(name.and_then(|n| n.surname.as_ref()).map(|t| t.text.as_str()));
            let forename = hash(name.and_then(|n| n.forenames.first()).map(|t| t.text.as_str()));
            let year = p.dates_of_birth.first().map_or(i16::MIN, |d| d.year);
            (surname, year, forename, i as u32)
        })
        .collect();
    keys.sort_unstable();
    let mut position = vec![0u32; prepared.len()];
    for (place, key) in keys.iter().enumerate() {
        position[key.3 as usize] = place as u32;
    }
    position
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;
