//! `custos bench match`: person-matching quality and speed on the demo generator's planted
//! duplicates, in memory (no database). Generates a force, turns each person into a
//! `MatchRecord` (every name, dates of birth, gender, identifiers and the postcodes of their home
//! and previous addresses), then measures:
//!
//! - blocking: candidate pairs from the union of `blocking_keys` rules, blocks over `--max-block`
//!   records skipped and counted; recall of true pairs among the candidates;
//! - linkage: every candidate pair scored with the default model (term frequencies from the
//!   records), clustered at `AUTO_LINK_PROBABILITY`; pairwise precision, recall and F1 against
//!   the truth, a threshold sweep, and the same after `estimate_u` + `train_em`;
//! - search before create: recall@10 of a duplicate's true match among the candidates sharing a
//!   key with it, and the latency of one such search (prepare, look up, score, rank);
//! - where it fails: recall per corruption kind, false positives per hard-negative kind, and a
//!   few explained examples of each kind of miss.
//!
//! Only the truth is read from the generator: the matcher sees the records as an import would.

use std::collections::{BTreeMap, HashMap};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use custos_core::person::IdentifierKind;
use custos_match::model::SplitMix64;
use custos_match::{
    AUTO_LINK_PROBABILITY, Clustering, MatchRecord, Model, Prepared, Rule, ScoredPair, Scorer, TermFrequencies,
    blocking_keys, cluster, compare,
};
use serde_json::{Value, json};

use crate::cli::out;
use crate::demo::{self, Ref};

/// Targets this benchmark was written to check.
const TARGET_F1: f64 = 0.99;
const TARGET_BLOCKING_RECALL: f64 = 0.995;
const TARGET_RECALL_AT_10: f64 = 0.99;
const TARGET_LINK_1M_S: f64 = 300.0;
/// Scored pairs below this are dropped before clustering (the sweep never goes lower).
const KEEP_PROBABILITY: f64 = 0.01;
const SWEEP: [f64; 5] = [0.5, 0.8, 0.9, 0.95, 0.99];

#[derive(Debug, clap::Args)]
pub struct MatchArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// Person records generated (duplicates included).
    #[arg(long, default_value_t = 100_000)]
    people: usize,
    /// Generator seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Blocks with more records than this are not expanded into pairs (counted in the report).
    #[arg(long, default_value_t = 1_000)]
    max_block: usize,
    /// Searches timed for the latency percentiles.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// At most this many duplicate records are searched for recall@10 (spread evenly).
    #[arg(long, default_value_t = 20_000)]
    recall_queries: usize,
    /// Skip u estimation and EM training.
    #[arg(long)]
    no_train: bool,
    /// Explained examples of each kind of miss written to the report.
    #[arg(long, default_value_t = 15)]
    examples: usize,
}

/// Ground truth of one record (global index = position).
struct Truth {
    cluster: usize,
    corruptions: Vec<&'static str>,
    hard_negative: Option<&'static str>,
}

pub fn run(args: MatchArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.people >= 2, "--people must be at least 2");
    anyhow::ensure!(args.max_block >= 2, "--max-block must be at least 2");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let t = Instant::now();
    let (records, truth) = generate(args.people, args.seed, threads)?;
    let generate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let prepared: Vec<Prepared> = par_map(&records, threads, |_, r| Prepared::new(r));
    let tf = TermFrequencies::from_records(&prepared);
    let prepare_s = t.elapsed().as_secs_f64();
    let n = prepared.len();

    // Truth: clusters and true pairs.
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, t) in truth.iter().enumerate() {
        members.entry(t.cluster).or_default().push(i);
    }
    let true_pairs: Vec<u64> = members
        .values()
        .flat_map(|m| m.iter().enumerate().flat_map(move |(k, &a)| m[k + 1..].iter().map(move |&b| pack(a, b))))
        .collect();
    let duplicates: Vec<usize> = (0..n).filter(|&i| truth[i].cluster != i).collect();

    // Linkage with the default model: blocking, scoring, clustering (timed together).
    let link = Instant::now();
    let t = Instant::now();
    let index = Index::build(&prepared, threads);
    let blocked = index.candidate_pairs(args.max_block);
    let blocking_s = t.elapsed().as_secs_f64();
    let model = Model::default();
    let scorer = model.scorer(Some(&tf))?;
    let t = Instant::now();
    let scored = score_pairs(&scorer, &prepared, &blocked.pairs, threads);
    let scoring_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let clustering = cluster(&prepared, &scored, AUTO_LINK_PROBABILITY);
    let clustering_s = t.elapsed().as_secs_f64();
    let link_wall_s = link.elapsed().as_secs_f64();

    let in_candidates = |a: usize, b: usize| blocked.pairs.binary_search(&pack(a, b)).is_ok();
    let found = true_pairs.iter().filter(|&&p| blocked.pairs.binary_search(&p).is_ok()).count();
    let found_uncapped = true_pairs
        .iter()
        .filter(|&&p| {
            let (a, b) = unpack(p);
            index.share_key(a, b)
        })
        .count();
    let blocking_recall = ratio(found, true_pairs.len());
    let default_quality = quality(&clustering, &truth, true_pairs.len());
    let sweep: Vec<Value> = SWEEP
        .iter()
        .map(|&p| {
            let q = quality(&cluster(&prepared, &scored, p), &truth, true_pairs.len());
            json!({"threshold": p, "precision": q.precision, "recall": q.recall, "f1": q.f1})
        })
        .collect();

    // Search before create: recall@10 over duplicates, latency over a spread of all records.
    let step = duplicates.len().div_ceil(args.recall_queries.max(1)).max(1);
    let recall_sample: Vec<usize> = duplicates.iter().step_by(step).copied().collect();
    let top10: Vec<bool> = par_map(&recall_sample, threads, |_, &q| {
        let ranked = index.search(&scorer, &prepared, &prepared[q], Some(q), args.max_block);
        ranked.iter().take(10).any(|&(_, c)| truth[c].cluster == truth[q].cluster)
    });
    let recall_at_10 = ratio(top10.iter().filter(|&&b| b).count(), top10.len());
    let mut latencies = Vec::with_capacity(args.queries);
    let mut candidates_seen = 0usize;
    for k in 0..args.queries.min(n) {
        let q = k * n / args.queries.min(n);
        let t = Instant::now();
        let query = Prepared::new(&records[q]);
        let ranked = index.search(&scorer, &prepared, &query, Some(q), args.max_block);
        let top: Vec<usize> = ranked.iter().take(10).map(|&(_, c)| c).collect();
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(top);
        candidates_seen += ranked.len();
    }
    latencies.sort_by(f64::total_cmp);

    // Where the default model fails, by corruption and hard-negative kind.
    let mut assigned = vec![0usize; n];
    for (c, m) in clustering.clusters.iter().enumerate() {
        for &i in m {
            assigned[i] = c;
        }
    }
    let top10_of: HashMap<usize, bool> = recall_sample.iter().copied().zip(top10.iter().copied()).collect();
    let mut per_corruption: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for &r in &duplicates {
        let primary = truth[r].cluster;
        let was_blocked = in_candidates(r, primary);
        let linked = assigned[r] == assigned[primary];
        let labels = if truth[r].corruptions.is_empty() { vec!["none"] } else { truth[r].corruptions.clone() };
        for label in labels {
            let e = per_corruption.entry(label).or_default();
            e[0] += 1;
            e[1] += usize::from(was_blocked);
            e[2] += usize::from(linked);
            if let Some(&hit) = top10_of.get(&r) {
                e[3] += 1;
                e[4] += usize::from(hit);
            }
        }
    }
    let corruptions: serde_json::Map<String, Value> = per_corruption
        .iter()
        .map(|(k, [records, blocked, linked, queried, hits])| {
            (
                (*k).to_owned(),
                json!({
                    "records": records,
                    "blocking_recall": ratio(*blocked, *records),
                    "link_recall": ratio(*linked, *records),
                    "recall_at_10": ratio(*hits, *queried),
                }),
            )
        })
        .collect();
    let examples = examples(&args, &scorer, &records, &prepared, &truth, &duplicates, &assigned, &scored, &in_candidates);

    // Trained: u from random pairs, m by EM over (a sample of) the candidate pairs.
    let trained = if args.no_train {
        Value::Null
    } else {
        let mut trained = Model::default();
        let u_pairs = trained.estimate_u(&prepared, (20 * n).min(2_000_000), args.seed);
        let step = blocked.pairs.len().div_ceil(500_000).max(1);
        let sample: Vec<u64> = blocked.pairs.iter().step_by(step).copied().collect();
        let vectors = par_map(&sample, threads, |_, &p| {
            let (a, b) = unpack(p);
            compare(&prepared[a], &prepared[b]).vector
        });
        let em = trained.train_em(&vectors, 100, false)?;
        let scorer = trained.scorer(Some(&tf))?;
        let scored = score_pairs(&scorer, &prepared, &blocked.pairs, threads);
        let q = quality(&cluster(&prepared, &scored, AUTO_LINK_PROBABILITY), &truth, true_pairs.len());
        json!({
            "u_pairs": u_pairs,
            "em_pairs": vectors.len(),
            "em": em,
            "precision": q.precision,
            "recall": q.recall,
            "f1": q.f1,
            "false_positives_by_hard_negative": q.false_positives,
            "model": trained,
        })
    };

    let p = |q: f64| percentile(&latencies, q);
    let mut report = json!({
        "people": args.people,
        "seed": args.seed,
        "threads": threads,
        "records": n,
        "duplicate_records": duplicates.len(),
        "true_pairs": true_pairs.len(),
        "candidate_pairs": blocked.pairs.len(),
        "max_block": args.max_block,
        "capped_blocks": blocked.capped_blocks,
        "capped_pairs_skipped": blocked.capped_pairs,
        "capped_blocks_by_rule": blocked.capped_by_rule,
        "blocking_recall": blocking_recall,
        "blocking_recall_uncapped": ratio(found_uncapped, true_pairs.len()),
        "threshold": AUTO_LINK_PROBABILITY,
        "precision": default_quality.precision,
        "recall": default_quality.recall,
        "f1": default_quality.f1,
        "predicted_pairs": default_quality.predicted_pairs,
        "true_positive_pairs": default_quality.true_positives,
        "conflicts_refused": clustering.conflicts.len(),
        "false_positives_by_hard_negative": default_quality.false_positives,
        "threshold_sweep": sweep,
    });
    let timings = json!({
        "recall_at_10": recall_at_10,
        "recall_at_10_queries": top10.len(),
        "match_p50_ms": p(0.50),
        "match_p99_ms": p(0.99),
        "match_queries": latencies.len(),
        "mean_candidates_per_query": ratio(candidates_seen, latencies.len()),
        "generate_s": generate_s,
        "prepare_s": prepare_s,
        "blocking_s": blocking_s,
        "scoring_s": scoring_s,
        "clustering_s": clustering_s,
        "link_wall_s": link_wall_s,
        "corruptions": corruptions,
        "trained": trained,
        "examples": examples,
        "targets": {
            "f1": TARGET_F1,
            "blocking_recall": TARGET_BLOCKING_RECALL,
            "recall_at_10": TARGET_RECALL_AT_10,
            "link_1m_records_s": TARGET_LINK_1M_S,
        },
    });
    if let (Some(r), Value::Object(t)) = (report.as_object_mut(), timings) {
        r.extend(t);
    }
    let text = serde_json::to_string_pretty(&report)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;

    out(format_args!(
        "{n} records, {} true pairs, {} candidate pairs ({} blocks over {} skipped)",
        true_pairs.len(),
        blocked.pairs.len(),
        blocked.capped_blocks,
        args.max_block
    ))?;
    out(format_args!(
        "blocking recall {blocking_recall:.4}; at p>={AUTO_LINK_PROBABILITY}: precision {:.4} recall {:.4} F1 {:.4}",
        default_quality.precision, default_quality.recall, default_quality.f1
    ))?;
    if let Some(f1) = report["trained"]["f1"].as_f64() {
        out(format_args!("trained model: F1 {f1:.4}"))?;
    }
    out(format_args!(
        "recall@10 {recall_at_10:.4}; search p50 {:.3} ms p99 {:.3} ms; link {link_wall_s:.1} s (blocking {blocking_s:.1}, scoring {scoring_s:.1}, clustering {clustering_s:.1})",
        p(0.50),
        p(0.99)
    ))?;
    let meets = default_quality.f1 >= TARGET_F1 && blocking_recall >= TARGET_BLOCKING_RECALL && recall_at_10 >= TARGET_RECALL_AT_10;
    out(format_args!("report written to {} (quality targets {})", args.out.display(), if meets { "met" } else { "NOT met" }))?;
    Ok(ExitCode::SUCCESS)
}

/// Every chunk of the force as match records, with the truth indexed by global record index.
fn generate(people: usize, seed: u64, threads: usize) -> anyhow::Result<(Vec<MatchRecord>, Vec<Truth>)> {
    let prelude = demo::prelude(seed);
    let chunks: Vec<usize> = (0..demo::chunk_count(people)).collect();
    let next = AtomicUsize::new(0);
    let parts = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&c) = chunks.get(c) else { break };
                        done.push(chunk_records(&prelude, people, seed, c));
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join()).collect::<Result<Vec<_>, _>>()
    })
    .map_err(|_| anyhow::anyhow!("a generator thread panicked"))?;
    let mut records: Vec<Option<MatchRecord>> = vec![None; people];
    let mut truth: Vec<Option<Truth>> = (0..people).map(|_| None).collect();
    for (index, record, t) in parts.into_iter().flatten().flatten() {
        if let (Some(r), Some(slot)) = (records.get_mut(index), truth.get_mut(index)) {
            *r = Some(record);
            *slot = Some(t);
        }
    }
    let records: Option<Vec<MatchRecord>> = records.into_iter().collect();
    let truth: Option<Vec<Truth>> = truth.into_iter().collect();
    match (records, truth) {
        (Some(r), Some(t)) => Ok((r, t)),
        _ => anyhow::bail!("the generator left a person record without ground truth"),
    }
}

/// One chunk's people as (global index, record, truth).
fn chunk_records(prelude: &demo::Force, people: usize, seed: u64, c: usize) -> Vec<(usize, MatchRecord, Truth)> {
    let f = demo::generate_chunk(people, seed, c);
    let postcode = |l: usize| -> Option<&str> {
        let loc = if l < prelude.locations.len() {
            prelude.locations.get(l)
        } else {
            f.locations.get(l.checked_sub(f.base.location)?)
        };
        loc.map(|x| x.postcode.as_str())
    };
    let mut addresses: HashMap<usize, Vec<&str>> = HashMap::new();
    for link in &f.links {
        if let (Ref::Person(p), Ref::Location(l), "home" | "previous_address") = (link.from, link.to, link.kind)
            && let Some(pc) = postcode(l)
        {
            addresses.entry(p).or_default().push(pc);
        }
    }
    let truth: HashMap<usize, &demo::DuplicateTruth> = f.truth.iter().map(|t| (t.person_index, t)).collect();
    f.people
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let index = f.base.person + k;
            let t = truth.get(&index)?;
            let mut b = MatchRecord::builder().name(&p.forenames.join(" "), &p.surname);
            for (forenames, surname, _) in &p.aliases {
                b = b.name(forenames, surname);
            }
            if let Some(d) = p.date_of_birth {
                b = b.dob(&d.to_string());
            }
            b = b.gender(p.gender);
            for pc in addresses.get(&index).into_iter().flatten() {
                b = b.postcode(pc);
            }
            let ids = [
                (IdentifierKind::PncId, &p.pnc_id),
                (IdentifierKind::NiNumber, &p.ni_number),
                (IdentifierKind::CroNumber, &p.cro_number),
                (IdentifierKind::DrivingLicence, &p.driving_licence),
                (IdentifierKind::Passport, &p.passport),
                (IdentifierKind::Phone, &p.phone),
                (IdentifierKind::Email, &p.email),
            ];
            for (kind, value) in ids {
                if let Some(v) = value {
                    b = b.identifier(kind, v);
                }
            }
            let truth = Truth {
                cluster: usize::try_from(t.cluster).ok()?,
                corruptions: t.corruptions.clone(),
                hard_negative: t.hard_negative,
            };
            Some((index, b.build(), truth))
        })
        .collect()
}

/// `f` over `items` on `threads` threads, results in order.
fn par_map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let size = items.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(size)
            .enumerate()
            .map(|(c, part)| s.spawn(move || part.iter().enumerate().map(|(k, x)| f(c * size + k, x)).collect::<Vec<R>>()))
            .collect();
        // A panicking worker is a bug in the matcher: re-raise it rather than report half a result.
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

fn pack(a: usize, b: usize) -> u64 {
    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
    ((lo as u64) << 32) | hi as u64
}

fn unpack(p: u64) -> (usize, usize) {
    ((p >> 32) as usize, (p & 0xFFFF_FFFF) as usize)
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// A blocking key as 64 bits: the rule in the top 4 bits, a hash of the key below.
fn key_hash(rule: Rule, key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    let r = Rule::ALL.iter().position(|x| *x == rule).unwrap_or(15) as u64;
    (r << 60) | (h.finish() >> 4)
}

fn rule_of(hash: u64) -> &'static str {
    Rule::ALL.get((hash >> 60) as usize).map_or("unknown", |r| r.name())
}

/// The in-memory blocking index: (key, record) sorted by key, and each record's keys.
struct Index {
    entries: Vec<(u64, u32)>,
    keys: Vec<Vec<u64>>,
}

struct Blocked {
    /// Packed, sorted, distinct candidate pairs.
    pairs: Vec<u64>,
    capped_blocks: usize,
    capped_pairs: u64,
    capped_by_rule: BTreeMap<&'static str, usize>,
}

impl Index {
    fn build(prepared: &[Prepared], threads: usize) -> Self {
        let keys: Vec<Vec<u64>> = par_map(prepared, threads, |_, p| record_keys(p));
        let mut entries: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i as u32)))
            .collect();
        entries.sort_unstable();
        Self { entries, keys }
    }

    fn block(&self, key: u64) -> &[(u64, u32)] {
        let lo = self.entries.partition_point(|e| e.0 < key);
        let hi = self.entries.partition_point(|e| e.0 <= key);
        &self.entries[lo..hi]
    }

    fn candidate_pairs(&self, max_block: usize) -> Blocked {
        let mut out = Blocked { pairs: Vec::new(), capped_blocks: 0, capped_pairs: 0, capped_by_rule: BTreeMap::new() };
        for block in self.entries.chunk_by(|x, y| x.0 == y.0) {
            let len = block.len();
            if len > max_block {
                out.capped_blocks += 1;
                out.capped_pairs += (len * (len - 1) / 2) as u64;
                *out.capped_by_rule.entry(rule_of(block[0].0)).or_default() += 1;
                continue;
            }
            for (k, a) in block.iter().enumerate() {
                for b in &block[k + 1..] {
                    if a.1 != b.1 {
                        out.pairs.push(pack(a.1 as usize, b.1 as usize));
                    }
                }
            }
        }
        out.pairs.sort_unstable();
        out.pairs.dedup();
        out
    }

    fn share_key(&self, a: usize, b: usize) -> bool {
        let kb = &self.keys[b];
        self.keys[a].iter().any(|k| kb.binary_search(k).is_ok())
    }

    /// Candidates sharing a key with `query` (blocks over `max_block` skipped), scored and
    /// ranked by weight, strongest first; `exclude` is the query's own index when it is stored.
    fn search(
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
            .map(|c| (scorer.weight(query, &prepared[c]), c))
            .collect();
        ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        ranked
    }
}

fn record_keys(p: &Prepared) -> Vec<u64> {
    let mut ks: Vec<u64> = blocking_keys(p).iter().map(|(r, k)| key_hash(*r, k)).collect();
    ks.sort_unstable();
    ks.dedup();
    ks
}

/// Scores every pair; keeps those with probability ≥ `KEEP_PROBABILITY`.
fn score_pairs(scorer: &Scorer<'_>, prepared: &[Prepared], pairs: &[u64], threads: usize) -> Vec<ScoredPair> {
    let size = pairs.len().div_ceil(threads.max(1) * 16).max(1);
    let parts: Vec<&[u64]> = pairs.chunks(size).collect();
    par_map(&parts, threads, |_, part| {
        part.iter()
            .filter_map(|&p| {
                let (a, b) = unpack(p);
                let probability = scorer.score(&prepared[a], &prepared[b]).probability;
                (probability >= KEEP_PROBABILITY).then_some(ScoredPair { a, b, probability })
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

struct Quality {
    precision: f64,
    recall: f64,
    f1: f64,
    predicted_pairs: u64,
    true_positives: u64,
    false_positives: BTreeMap<&'static str, u64>,
}

/// Pairwise precision and recall of predicted clusters against the truth.
fn quality(c: &Clustering, truth: &[Truth], true_pairs: usize) -> Quality {
    let mut predicted = 0u64;
    let mut tp = 0u64;
    let mut false_positives: BTreeMap<&'static str, u64> = BTreeMap::new();
    for m in &c.clusters {
        let k = m.len() as u64;
        predicted += k * k.saturating_sub(1) / 2;
        if k < 2 {
            continue;
        }
        let mut by_truth: HashMap<usize, u64> = HashMap::new();
        for &i in m {
            *by_truth.entry(truth[i].cluster).or_default() += 1;
        }
        tp += by_truth.values().map(|c| c * c.saturating_sub(1) / 2).sum::<u64>();
        if by_truth.len() > 1 && m.len() <= 2_000 {
            for (x, &a) in m.iter().enumerate() {
                for &b in &m[x + 1..] {
                    if truth[a].cluster != truth[b].cluster {
                        let kind = truth[a].hard_negative.or(truth[b].hard_negative).unwrap_or("none");
                        *false_positives.entry(kind).or_default() += 1;
                    }
                }
            }
        } else if by_truth.len() > 1 {
            *false_positives.entry("in_huge_cluster").or_default() += 1;
        }
    }
    let precision = if predicted == 0 { 1.0 } else { tp as f64 / predicted as f64 };
    let recall = if true_pairs == 0 { 1.0 } else { tp as f64 / true_pairs as f64 };
    let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
    Quality { precision, recall, f1, predicted_pairs: predicted, true_positives: tp, false_positives }
}

/// Explained examples: duplicates never blocked with their primary, blocked but not linked, and
/// wrongly linked pairs (direct links above the threshold between different people).
#[allow(clippy::too_many_arguments, reason = "a report helper over the run's shared state")]
fn examples(
    args: &MatchArgs,
    scorer: &Scorer<'_>,
    records: &[MatchRecord],
    prepared: &[Prepared],
    truth: &[Truth],
    duplicates: &[usize],
    assigned: &[usize],
    scored: &[ScoredPair],
    in_candidates: &dyn Fn(usize, usize) -> bool,
) -> Value {
    let mut rng = SplitMix64(args.seed);
    let show = |a: usize, b: usize| {
        json!({
            "a": records[a],
            "b": records[b],
            "a_corruptions": truth[a].corruptions,
            "b_corruptions": truth[b].corruptions,
            "hard_negative": truth[a].hard_negative.or(truth[b].hard_negative),
            "explanation": scorer.explain(&prepared[a], &prepared[b]).summary(),
            "probability": scorer.score(&prepared[a], &prepared[b]).probability,
        })
    };
    let mut sample = |list: Vec<(usize, usize)>| -> Vec<Value> {
        let mut list = list;
        let mut picked = Vec::new();
        while !list.is_empty() && picked.len() < args.examples {
            let (a, b) = list.swap_remove(rng.below(list.len()));
            picked.push(show(a, b));
        }
        picked
    };
    let not_blocked: Vec<(usize, usize)> =
        duplicates.iter().map(|&r| (r, truth[r].cluster)).filter(|&(a, b)| !in_candidates(a, b)).collect();
    let not_linked: Vec<(usize, usize)> = duplicates
        .iter()
        .map(|&r| (r, truth[r].cluster))
        .filter(|&(a, b)| in_candidates(a, b) && assigned[a] != assigned[b])
        .collect();
    let wrong: Vec<(usize, usize)> = scored
        .iter()
        .filter(|p| p.probability >= AUTO_LINK_PROBABILITY && truth[p.a].cluster != truth[p.b].cluster)
        .map(|p| (p.a, p.b))
        .collect();
    json!({
        "not_blocked_total": not_blocked.len(),
        "not_linked_total": not_linked.len(),
        "wrong_links_total": wrong.len(),
        "not_blocked": sample(not_blocked),
        "not_linked": sample(not_linked),
        "wrong_links": sample(wrong),
    })
}
