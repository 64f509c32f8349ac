//! `custos bench match`: person-matching quality and speed on the demo generator's planted
//! duplicates, in memory (no database). Generates a force, turns each person into a
//! `MatchRecord` (every name, dates of birth, gender, identifiers and the postcodes of their home
//! and previous addresses), then measures:
//!
//! - blocking: candidate pairs from the union of `blocking_keys` rules, blocks over `--max-block`
//!   records skipped and counted; recall of true pairs among the candidates;
//! - linkage: every candidate pair scored with the default model (term frequencies from the
//!   records), clustered at `AUTO_LINK_PROBABILITY`; pairwise precision, recall and F1 against
//!   the truth, a threshold sweep, and the same after training (`custos_match::link::train`);
//! - search before create: recall@10 of a duplicate's true match among the candidates sharing a
//!   key with it, and the latency of one such search (prepare, look up, score, rank);
//! - where it fails: recall per corruption kind, false positives per hard-negative kind, and a
//!   few explained examples of each kind of miss.
//!
//! Only the truth is read from the generator: the matcher sees the records as an import would.
//! The pipeline itself (blocking index, scoring, clustering) is `custos_match::link`, the code
//! `custos link` runs, so what is measured here is what runs there.
//!
//! `--export-csv DIR` also writes the same person records as a legacy system's export
//! (`persons.csv`) with the truth (`truth.csv`), so `custos link` can be measured on a file.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use anyhow::Context;
use custos_core::person::IdentifierKind;
use custos_match::model::SplitMix64;
use custos_match::link::{BlockingIndex, DEFAULT_MAX_BLOCK, KEEP_PROBABILITY, pack, par_map, prior_for_records, score_pairs, train, unpack};
use custos_match::{
    AUTO_LINK_PROBABILITY, Clustering, Field, MatchRecord, Model, Prepared, ScoredPair, Scorer, TermFrequencies, TokenTable, cluster, compare,
};
use serde_json::{Value, json};

use crate::cli::out;
use crate::demo::{self, Ref};

/// Targets this benchmark was written to check.
const TARGET_F1: f64 = 0.99;
const TARGET_BLOCKING_RECALL: f64 = 0.995;
const TARGET_RECALL_AT_10: f64 = 0.99;
const TARGET_LINK_1M_S: f64 = 300.0;
/// Thresholds of the sweep; none is below `KEEP_PROBABILITY`, where scored pairs are dropped.
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
    #[arg(long, default_value_t = DEFAULT_MAX_BLOCK)]
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
    /// Also write the generated person records to `DIR/persons.csv` and their truth to
    /// `DIR/truth.csv`, as a legacy export would look (DIR is created).
    #[arg(long, value_name = "DIR")]
    export_csv: Option<PathBuf>,
    /// Also write every candidate pair to FILE (CSV): both records, whether they are one person,
    /// the default model's probability, and each field's level and weight; `bench/oracle.py`
    /// trains a classifier on them with the truth, to ask how well any weighting of these
    /// comparisons could link.
    #[arg(long, value_name = "FILE")]
    export_pairs: Option<PathBuf>,
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

    if let Some(dir) = &args.export_csv {
        // Before the timed work, so it changes no timing; and a bad directory fails at once.
        let t = Instant::now();
        let rows = export_csv(dir, args.people, args.seed, threads)?;
        out(format_args!(
            "{rows} person records written to {} (persons.csv, truth.csv) in {:.1} s",
            dir.display(),
            t.elapsed().as_secs_f64()
        ))?;
    }

    // Opened now, so that a path that cannot be written fails before the work.
    let pairs_out = match &args.export_pairs {
        Some(path) => Some((path, std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?)),
        None => None,
    };
    let t = Instant::now();
    let (records, truth) = generate(args.people, args.seed, threads)?;
    let generate_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let tokens = TokenTable::default();
    let prepared: Vec<Prepared> = par_map(&records, threads, |_, r| Prepared::with_tokens(r, &tokens));
    drop(tokens);
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
    let index = BlockingIndex::build(&prepared, threads);
    let blocked = index.candidate_pairs(args.max_block);
    let blocking_s = t.elapsed().as_secs_f64();
    // The prior `custos link` uses for a store of this size: these are its default settings.
    let model = Model { prior: prior_for_records(n), ..Model::default() };
    let scorer = model.scorer(Some(&tf))?;
    let t = Instant::now();
    let scored = score_pairs(&scorer, &prepared, &blocked.pairs, threads, KEEP_PROBABILITY);
    let scoring_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let clustering = cluster(&prepared, &scored, AUTO_LINK_PROBABILITY, &scorer);
    let clustering_s = t.elapsed().as_secs_f64();
    let link_wall_s = link.elapsed().as_secs_f64();

    let in_candidates = |a: usize, b: usize| blocked.contains(a, b);
    let found = true_pairs.iter().filter(|&&p| blocked.pairs.binary_search(&p).is_ok()).count();
    let found_uncapped = true_pairs
        .iter()
        .filter(|&&p| {
            let (a, b) = unpack(p);
            index.share_key(a, b)
        })
        .count();
    let blocking_recall = ratio(found, true_pairs.len());
    // True pairs that one rule alone admits: what dropping that rule would cost.
    let mut only_by_rule: BTreeMap<&'static str, usize> = BTreeMap::new();
    for &p in &true_pairs {
        let (a, b) = unpack(p);
        if let [rule] = index.shared_rules(a, b)[..] {
            *only_by_rule.entry(rule.name()).or_default() += 1;
        }
    }
    // True pairs whose records are joined by a chain of candidate true pairs: what a perfect
    // scorer could still link through a third record (a duplicate of a duplicate). Reported
    // beside pairwise recall, which stays the target.
    let blocking_recall_connected = {
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for &p in true_pairs.iter().filter(|&&p| blocked.pairs.binary_search(&p).is_ok()) {
            let (a, b) = unpack(p);
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra] = rb;
        }
        let joined = true_pairs
            .iter()
            .filter(|&&p| {
                let (a, b) = unpack(p);
                root(&mut parent, a) == root(&mut parent, b)
            })
            .count();
        ratio(joined, true_pairs.len())
    };
    if let Some((path, file)) = pairs_out {
        export_pairs(file, &scorer, &prepared, &truth, &blocked.pairs).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let default_quality = quality(&clustering, &truth, true_pairs.len());
    let true_pair_levels = level_shares(&prepared, &true_pairs);
    let sweep: Vec<Value> = SWEEP
        .iter()
        .map(|&p| {
            let q = quality(&cluster(&prepared, &scored, p, &scorer), &truth, true_pairs.len());
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

    // Trained: u from random pairs, m by EM over the pairs of each training rule with that
    // rule's fields held out (what `custos link --train` does).
    let trained = if args.no_train {
        Value::Null
    } else {
        let mut trained = Model { prior: prior_for_records(n), ..Model::default() };
        let training = train(&mut trained, &prepared, &index, threads, args.seed)?;
        let scorer = trained.scorer(Some(&tf))?;
        let scored = score_pairs(&scorer, &prepared, &blocked.pairs, threads, KEEP_PROBABILITY);
        let q = quality(&cluster(&prepared, &scored, AUTO_LINK_PROBABILITY, &scorer), &truth, true_pairs.len());
        json!({
            "training": training,
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
        "candidate_pairs_by_rule": blocked.pairs_by_rule,
        "blocking_recall": blocking_recall,
        "blocking_recall_uncapped": ratio(found_uncapped, true_pairs.len()),
        "blocking_recall_connected": blocking_recall_connected,
        "true_pairs_only_by_rule": only_by_rule,
        "threshold": AUTO_LINK_PROBABILITY,
        "precision": default_quality.precision,
        "recall": default_quality.recall,
        "f1": default_quality.f1,
        "predicted_pairs": default_quality.predicted_pairs,
        "true_positive_pairs": default_quality.true_positives,
        "conflicts_refused": clustering.conflicts.len(),
        "false_positives_by_hard_negative": default_quality.false_positives,
        "threshold_sweep": sweep,
        "true_pair_levels": true_pair_levels,
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
        "blocking recall {blocking_recall:.4} (connected {blocking_recall_connected:.4}); at p>={AUTO_LINK_PROBABILITY}: precision {:.4} recall {:.4} F1 {:.4}",
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
    let postcode = |l: usize| location(prelude, &f, l).map(|x| x.postcode.as_str());
    let mut addresses: HashMap<usize, Vec<&str>> = HashMap::new();
    for link in &f.links {
        if let (Ref::Person(p), Ref::Location(l), "home" | "previous_address") = (link.from, link.to, link.kind)
            && let Some(pc) = postcode(l)
        {
            addresses.entry(p).or_default().push(pc);
        }
    }
    let truth = truth_by_person(&f);
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

/// The location at global index `l`: one of the prelude's (shared by every chunk) or the
/// chunk's own.
fn location<'a>(prelude: &'a demo::Force, f: &'a demo::Force, l: usize) -> Option<&'a demo::SynthLocation> {
    if l < prelude.locations.len() {
        prelude.locations.get(l)
    } else {
        f.locations.get(l.checked_sub(f.base.location)?)
    }
}

/// A chunk's truth by global person index (a person without one is not a benchmark record).
fn truth_by_person(f: &demo::Force) -> HashMap<usize, &demo::DuplicateTruth> {
    f.truth.iter().map(|t| (t.person_index, t)).collect()
}

/// The columns of `persons.csv`: what a legacy person export typically holds, one name and
/// the current address per record.
const PERSONS_HEADER: [&str; 12] = [
    "source_id",
    "given_name",
    "middle_name",
    "surname",
    "dob",
    "gender",
    "address_1",
    "town",
    "postcode",
    "phone",
    "ni_number",
    "pnc_id",
];
const TRUTH_HEADER: [&str; 2] = ["source_id", "cluster"];

/// Writes `dir/persons.csv` and `dir/truth.csv` (creating `dir`) for the records this benchmark
/// scores; returns how many person records were written.
fn export_csv(dir: &Path, people: usize, seed: u64, threads: usize) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let create = |name: &str| {
        let path = dir.join(name);
        std::fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))
    };
    let mut persons = csv::Writer::from_writer(create("persons.csv")?);
    let mut truth = csv::Writer::from_writer(create("truth.csv")?);
    let rows = write_legacy_export(people, seed, threads, &mut persons, &mut truth)
        .with_context(|| format!("cannot write the export to {}", dir.display()))?;
    persons.flush().and_then(|()| truth.flush()).with_context(|| format!("cannot write the export to {}", dir.display()))?;
    anyhow::ensure!(rows == people, "the generator gave {rows} person records for {people}");
    Ok(rows)
}

/// Writes each candidate pair's comparison to `file` (see `--export-pairs`): `a,b,same_person,
/// probability`, then `FIELD_level,FIELD_weight` for every field (level `null` when a side
/// lacks the field; the weights and the model's prior add up to the pair's weight).
fn export_pairs(file: std::fs::File, scorer: &Scorer<'_>, prepared: &[Prepared], truth: &[Truth], pairs: &[u64]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    let mut header: Vec<String> = ["a", "b", "same_person", "probability"].map(String::from).to_vec();
    header.extend(Field::ALL.iter().flat_map(|f| [format!("{}_level", f.name()), format!("{}_weight", f.name())]));
    w.write_record(&header)?;
    for &p in pairs {
        let (a, b) = unpack(p);
        let e = scorer.explain(&prepared[a], &prepared[b]);
        let mut row = vec![a.to_string(), b.to_string(), u8::from(truth[a].cluster == truth[b].cluster).to_string(), format!("{:.6}", e.probability)];
        for f in Field::ALL {
            let c = e.field(f);
            row.push(c.map_or("null", |c| c.level).to_owned());
            row.push(format!("{:.3}", c.map_or(0.0, |c| c.weight)));
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// Streams the legacy export of the force's person records into `persons` and `truth`, headers
/// first, in the benchmark's record order (global index). Chunks are regenerated from the seed,
/// `threads` at a time, so memory holds a few chunks rather than a second copy of the force.
fn write_legacy_export<W: Write>(
    people: usize,
    seed: u64,
    threads: usize,
    persons: &mut csv::Writer<W>,
    truth: &mut csv::Writer<W>,
) -> anyhow::Result<usize> {
    persons.write_record(PERSONS_HEADER)?;
    truth.write_record(TRUTH_HEADER)?;
    let prelude = demo::prelude(seed);
    let chunks: Vec<usize> = (0..demo::chunk_count(people)).collect();
    let mut rows = 0;
    for batch in chunks.chunks(threads.max(1)) {
        let parts = par_map(batch, threads, |_, &c| legacy_rows(&prelude, &demo::generate_chunk(people, seed, c)));
        for (person, cluster) in parts.into_iter().flatten() {
            truth.write_record([person[0].as_str(), cluster.to_string().as_str()])?;
            persons.write_record(&person)?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// One chunk's person records as `persons.csv` rows with their truth cluster, in index order;
/// the same records, in the same order, that `chunk_records` gives the matcher.
fn legacy_rows(prelude: &demo::Force, f: &demo::Force) -> Vec<([String; 12], usize)> {
    let mut homes: HashMap<usize, &demo::SynthLocation> = HashMap::new();
    for link in &f.links {
        if let (Ref::Person(p), Ref::Location(l), "home") = (link.from, link.to, link.kind)
            && let Some(loc) = location(prelude, f, l)
        {
            homes.entry(p).or_insert(loc);
        }
    }
    let truth = truth_by_person(f);
    f.people
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let index = f.base.person + k;
            let cluster = usize::try_from(truth.get(&index)?.cluster).ok()?;
            let home = homes.get(&index);
            let address_1 = home.map_or_else(String::new, |h| {
                let lines: Vec<&str> = h.address_lines.iter().map(String::as_str).filter(|l| *l != h.town).collect();
                lines.join(", ")
            });
            let text = |v: &Option<String>| v.clone().unwrap_or_default();
            let row = [
                demo::uuid_string(&p.id),
                p.forenames.first().cloned().unwrap_or_default(),
                p.forenames.get(1..).map_or_else(String::new, |rest| rest.join(" ")),
                p.surname.clone(),
                p.date_of_birth.map_or_else(String::new, |d| d.to_string()),
                p.gender.to_owned(),
                address_1,
                home.map_or_else(String::new, |h| h.town.clone()),
                home.map_or_else(String::new, |h| h.postcode.clone()),
                text(&p.phone),
                text(&p.ni_number),
                text(&p.pnc_id),
            ];
            Some((row, cluster))
        })
        .collect()
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The `q` quantile of `sorted` by nearest rank; 0 when empty.
pub(super) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
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
    // Every true pair a duplicate is in: with its primary and with the person's earlier duplicates.
    let mut earlier: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut not_blocked: Vec<(usize, usize)> = Vec::new();
    for &r in duplicates {
        let primary = truth[r].cluster;
        let seen = earlier.entry(primary).or_insert_with(|| vec![primary]);
        not_blocked.extend(seen.iter().map(|&o| (r, o)).filter(|&(a, b)| !in_candidates(a, b)));
        seen.push(r);
    }
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

/// How often each level of each field shows among the true pairs (the m the data implies, with
/// the null level's share), to set the hand-set defaults against.
fn level_shares(prepared: &[Prepared], true_pairs: &[u64]) -> Value {
    let mut counts: Vec<Vec<usize>> = Field::ALL.iter().map(|f| vec![0; f.level_names().len() + 1]).collect();
    for &p in true_pairs {
        let (a, b) = unpack(p);
        let levels = compare(&prepared[a], &prepared[b]).vector.levels();
        for (field, level) in counts.iter_mut().zip(levels) {
            let slot = level.unwrap_or(field.len() - 1);
            field[slot] += 1;
        }
    }
    let fields: serde_json::Map<String, Value> = Field::ALL
        .iter()
        .zip(&counts)
        .map(|(f, c)| {
            let shares: serde_json::Map<String, Value> = f
                .level_names()
                .iter()
                .copied()
                .chain(std::iter::once("null"))
                .zip(c)
                .map(|(name, &k)| (name.to_owned(), json!(ratio(k, true_pairs.len()))))
                .collect();
            (f.name().to_owned(), Value::Object(shares))
        })
        .collect();
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code: a panic is a failed test")]

    use custos_match::record::normalise_identifier;

    use super::*;

    const PEOPLE: usize = 1_200;
    const SEED: u64 = 7;

    #[test]
    fn percentiles_by_nearest_rank() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&samples, 0.5), 50.0);
        assert_eq!(percentile(&samples, 0.99), 99.0);
        assert_eq!(percentile(&samples, 1.0), 100.0);
        assert_eq!(percentile(&[7.0], 0.99), 7.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }

    #[test]
    fn the_legacy_export_holds_the_benchmark_records_in_order() {
        let mut persons = csv::Writer::from_writer(Vec::new());
        let mut truth = csv::Writer::from_writer(Vec::new());
        assert_eq!(write_legacy_export(PEOPLE, SEED, 3, &mut persons, &mut truth).unwrap(), PEOPLE);
        let persons = persons.into_inner().unwrap();
        let truth = truth.into_inner().unwrap();
        let (records, expected) = generate(PEOPLE, SEED, 2).unwrap();

        // A strict reader (every row as wide as the header) proves the quoting of fields that
        // hold commas, such as multi-line addresses.
        let mut reader = csv::Reader::from_reader(persons.as_slice());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), PERSONS_HEADER);
        let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(rows.len(), PEOPLE);
        assert!(rows.iter().any(|r| r[6].contains(", ")), "some address has several lines");
        assert!(rows.iter().any(|r| !r[2].is_empty()), "some record has a middle name");
        let mut reader = csv::Reader::from_reader(truth.as_slice());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), TRUTH_HEADER);
        let truth_rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().unwrap();
        assert_eq!(truth_rows.len(), PEOPLE);

        for (i, (row, record)) in rows.iter().zip(&records).enumerate() {
            assert_eq!(&truth_rows[i][0], &row[0], "row {i}: both files in one order");
            assert_eq!(truth_rows[i][1].parse::<usize>().unwrap(), expected[i].cluster, "row {i}");
            // The row is the record the matcher sees: its primary name, first date of birth,
            // home postcode (the first of the record's postcodes) and identifiers.
            let forenames: Vec<&str> = [&row[1], &row[2]].into_iter().filter(|s| !s.is_empty()).collect();
            assert_eq!(record.names[0].forenames, forenames.join(" "), "row {i}");
            assert_eq!(record.names[0].surname, &row[3], "row {i}");
            assert_eq!(record.dates_of_birth.first().map(|d| d.iso()).unwrap_or_default(), &row[4], "row {i}");
            if !row[8].is_empty() {
                assert_eq!(record.postcodes.first().map(String::as_str), Some(&row[8]), "row {i}");
            }
            let identifiers = [(IdentifierKind::Phone, 9), (IdentifierKind::NiNumber, 10), (IdentifierKind::PncId, 11)];
            for (kind, column) in identifiers {
                if !row[column].is_empty() {
                    let value = normalise_identifier(kind, &row[column]);
                    assert!(record.identifiers.contains(&(kind, value)), "row {i}: {kind:?}");
                }
            }
        }

        // The first record's home address, field by field.
        let prelude = demo::prelude(SEED);
        let chunk = demo::generate_chunk(PEOPLE, SEED, 0);
        assert_eq!(&rows[0][0], demo::uuid_string(&chunk.people[0].id));
        let home = chunk
            .links
            .iter()
            .find(|l| l.from == Ref::Person(chunk.base.person) && l.kind == "home")
            .and_then(|l| match l.to {
                Ref::Location(x) => location(&prelude, &chunk, x),
                _ => None,
            });
        if let Some(home) = home {
            assert_eq!(&rows[0][6], home.address_lines.join(", "));
            assert_eq!(&rows[0][7], home.town);
            assert_eq!(&rows[0][8], home.postcode);
        } else {
            assert!(rows[0][6].is_empty() && rows[0][7].is_empty() && rows[0][8].is_empty());
        }
    }

    #[test]
    fn exported_pairs_carry_the_truth_and_every_field() {
        let (records, truth) = generate(PEOPLE, SEED, 1).unwrap();
        let prepared: Vec<Prepared> = records.iter().map(Prepared::new).collect();
        let tf = TermFrequencies::from_records(&prepared);
        let model = Model::default();
        let scorer = model.scorer(Some(&tf)).unwrap();
        let duplicate = (0..truth.len()).find(|&i| truth[i].cluster != i).unwrap();
        let stranger = (0..truth.len()).find(|&i| truth[i].cluster != truth[duplicate].cluster).unwrap();
        let pairs = [pack(truth[duplicate].cluster, duplicate), pack(stranger, duplicate)];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pairs.csv");
        export_pairs(std::fs::File::create(&path).unwrap(), &scorer, &prepared, &truth, &pairs).unwrap();
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let mut expected = vec!["a".to_owned(), "b".into(), "same_person".into(), "probability".into()];
        for f in ["forename", "surname", "date_of_birth", "postcode", "gender", "identifier", "contact", "household", "middle_name"] {
            expected.extend([format!("{f}_level"), format!("{f}_weight")]);
        }
        assert_eq!(header, expected);
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.iter().map(|r| r[2].to_owned()).collect::<Vec<_>>(), ["1", "0"]);
        for (row, &p) in rows.iter().zip(&pairs) {
            let (a, b) = unpack(p);
            assert_eq!((row[0].parse::<usize>().unwrap(), row[1].parse::<usize>().unwrap()), (a, b));
            let score = scorer.score(&prepared[a], &prepared[b]);
            let probability: f64 = row[3].parse().unwrap();
            assert!((probability - score.probability).abs() < 1e-5);
            let mut weight = scorer.explain(&prepared[a], &prepared[b]).prior_weight;
            for (k, f) in Field::ALL.iter().enumerate() {
                let level = &row[4 + 2 * k];
                assert!(level == "null" || f.level_names().contains(&level), "{f:?}: {level}");
                weight += row[5 + 2 * k].parse::<f64>().unwrap();
            }
            assert!((weight - score.weight).abs() < 0.005, "the fields' weights add up to the pair's: {weight} {}", score.weight);
        }
        // The first pair is one person's two records: its names agree, so its weights are not all 0.
        assert!(rows[0].iter().skip(5).step_by(2).any(|w| w.parse::<f64>().unwrap() != 0.0));
    }

    #[test]
    fn the_export_refuses_a_directory_it_cannot_create() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("taken");
        std::fs::write(&file, "not a directory").unwrap();
        let err = export_csv(&file.join("sub"), 10, SEED, 1).unwrap_err();
        assert!(err.to_string().contains("cannot create"), "{err:#}");

        let out = dir.path().join("export");
        assert_eq!(export_csv(&out, 10, SEED, 1).unwrap(), 10);
        let persons = std::fs::read_to_string(out.join("persons.csv")).unwrap();
        assert_eq!(persons.lines().next(), Some(PERSONS_HEADER.join(",").as_str()));
        assert_eq!(std::fs::read_to_string(out.join("truth.csv")).unwrap().lines().count(), 11);
    }
}
