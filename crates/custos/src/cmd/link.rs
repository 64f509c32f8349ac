//! `custos link`: links the store's people into Golden Nominals.
//!
//! Reads every current person with the postcodes of their addresses (one audited search), then,
//! in memory and in parallel: blocking (`custos_match::link`), Fellegi–Sunter scoring with term
//! frequencies from the store itself, and clustering at `AUTO_LINK_PROBABILITY` that never joins
//! two different PNC IDs or NI numbers. Each cluster's members are merged into its oldest record
//! (ids stay stable: a merged record resolves to its nominal; every merge is audited with its
//! probability and can be undone). Pairs in the review band, and joins refused for a conflicting
//! identifier, go to the duplicate-review queue; a pair a person rejected is never linked again.
//!
//! Cluster ids are stable when re-run because they are record ids and merges persist: a re-run
//! sees only nominals, so it finds nothing new unless new records arrived; a new record joining a
//! nominal is merged into it, and the nominal keeps its id.
//!
//! With `--source`, only pairs involving a record imported from that source are considered (an
//! import linked to the existing nominals, which are not re-linked among themselves).
//! `--out` writes `source,source_id,nominal_id,probability`, one row per imported record.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use custos_core::ids::EntityId;
use custos_match::cluster::REVIEW_PROBABILITY;
use custos_match::record::normalise_postcode;
use custos_match::{
    AUTO_LINK_PROBABILITY, BlockingIndex, DEFAULT_MAX_BLOCK, KEEP_PROBABILITY, MatchRecord, Model, Prepared, ScoredPair,
    TermFrequencies, TokenTable, cluster_with, score_pairs,
};
use custos_store::batch::{PlannedMerge, ReviewPair, SourceName, batch_unit};
use custos_store::users::batch_loader;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{DbArgs, out};

/// Clusters merged per transaction. Large: each transaction starts with a cold page cache (on
/// SQLite, other writers in between invalidate it) and ends with a commit that writes every dirty
/// page, so at 100,000 people one transaction of 7,000 clusters merged in 2.7 s where four of
/// 2,000 took 4.3 s; at 1,000,000 people this is a few transactions of a few seconds each.
const CLUSTERS_PER_TRANSACTION: usize = 25_000;

#[derive(Debug, Args)]
pub struct LinkArgs {
    /// Link only the records imported from this source (to each other and to existing nominals).
    #[arg(long)]
    pub source: Option<String>,
    /// Write `source,source_id,nominal_id,probability` for every imported record to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Blocks with more records than this are not expanded into pairs (reported).
    #[arg(long, default_value_t = DEFAULT_MAX_BLOCK)]
    pub max_block: usize,
    /// Score with this model (JSON, the form `custos bench match` reports under
    /// `trained.model`) instead of the built-in one, exactly as given (its prior kept, and not
    /// adjusted by the pairs linked on review, which adjust the built-in or trained model).
    #[arg(long, conflicts_with = "train")]
    pub model: Option<PathBuf>,
    /// Train the model on this store first: u from random pairs, m by expectation–maximisation
    /// over (a sample of) the candidate pairs. On the demo generator the built-in model does
    /// better (see `custos bench match`), so this is for data unlike it.
    #[arg(long)]
    pub train: bool,
}

/// A record's hashed blocking keys (see `custos_match::link::record_keys`).
type RecordKeys = Vec<u64>;

fn spinner(message: &'static str) -> anyhow::Result<ProgressBar> {
    let bar = ProgressBar::new_spinner().with_style(ProgressStyle::with_template("{spinner} {msg} ({elapsed})").context("progress bar template")?);
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(200));
    Ok(bar)
}

pub async fn run(db: &DbArgs, args: LinkArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.max_block >= 2, "--max-block must be at least 2");
    let source: Option<SourceName> = args.source.as_deref().map(str::parse).transpose().map_err(|e| anyhow::anyhow!("--source: {e}"))?;
    // The report is written beside its path and renamed into place, so a failed run keeps the
    // previous report; an unwritable place is refused before any work is done.
    let partial = args.out.as_ref().map(|path| {
        let mut p = path.clone().into_os_string();
        p.push(".partial");
        PathBuf::from(p)
    });
    if let Some(path) = &partial {
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let started = Instant::now();
    let store = db.open().await?;
    let principal = batch_loader(batch_unit());
    let reason = "batch linking into golden nominals (custos link)";
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let bar = spinner("reading and preparing people")?;
    // Each person is prepared for matching, and its blocking keys computed, on the threads that
    // decode the pages while the database reads the next ones; only the id is kept of the record,
    // and each distinct name token is prepared and held once.
    let tokens = TokenTable::default();
    let (ids, (prepared, keys)): (Vec<EntityId>, (Vec<Prepared>, Vec<RecordKeys>)) = store
        .people_for_linking_with(&principal, reason, custos_store::batch::LINKING_PAGE, move |p| {
            let mut record = MatchRecord::from(&p.person);
            record.postcodes.extend(p.postcodes.iter().map(|pc| normalise_postcode(pc)));
            let prepared = Prepared::with_tokens(&record, &tokens);
            let keys = custos_match::link::record_keys(&prepared);
            (p.id, (prepared, keys))
        })
        .await?
        .into_iter()
        .unzip();
    let in_source: Option<HashSet<EntityId>> = match &source {
        Some(s) => Some(store.imported_nominals(&principal, Some(s), reason).await?.into_iter().map(|r| r.nominal).collect()),
        None => None,
    };
    let rejected = store.rejected_pairs(&principal).await?;
    let confirmed = if args.model.is_none() { store.confirmed_pairs(&principal, reason).await? } else { Vec::new() };
    let read_s = started.elapsed().as_secs_f64();

    let n = ids.len();
    let mut model = match &args.model {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            serde_json::from_str::<Model>(&text).with_context(|| format!("{} is not a match model", path.display()))?
        }
        None => Model { prior: custos_match::link::prior_for_records(n), ..Model::default() },
    };

    bar.set_message("blocking");
    let t = Instant::now();
    // Term frequencies are counted on a thread of their own while the blocking index is built
    // (its sort on every core).
    let (tf, index) = std::thread::scope(|scope| {
        let tf = scope.spawn(|| TermFrequencies::from_records(&prepared));
        let index = BlockingIndex::with_keys(&prepared, keys, threads);
        (tf.join(), index)
    });
    let tf = tf.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let candidates = index.candidate_pairs(args.max_block);
    if args.train && n >= 2 {
        bar.set_message("training the model");
        custos_match::link::train(&mut model, &prepared, &index, threads, 1)?;
    }
    drop(index);
    // Pairs a records manager linked on review teach the model what a match looks like here
    // (from the people's own fields: addresses are links, so postcodes are not learnt this way).
    let confirmed: Vec<_> = confirmed
        .iter()
        .map(|(a, b)| custos_match::compare(&Prepared::new(&MatchRecord::from(a)), &Prepared::new(&MatchRecord::from(b))).vector)
        .collect();
    model.learn_from_matches(&confirmed, custos_match::link::CONFIRMED_PAIR_WEIGHT)?;
    let scorer = model.scorer(Some(&tf)).context("the match model is not usable")?;
    bar.set_message(format!("scoring {} candidate pairs", candidates.pairs.len()));
    let mut scored = score_pairs(&scorer, &prepared, &candidates.pairs, threads, KEEP_PROBABILITY);
    let index_of: HashMap<EntityId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    if let Some(keep) = &in_source {
        scored.retain(|p| keep.contains(&ids[p.a]) || keep.contains(&ids[p.b]));
    }
    // Pairs a person rejected (resolved to today's nominals) are never joined, even through
    // a third record.
    let cannot_link: Vec<(usize, usize)> =
        rejected.iter().filter_map(|(a, b)| Some(ordered(*index_of.get(a)?, *index_of.get(b)?))).collect();
    let rejected: HashSet<(usize, usize)> = cannot_link.iter().copied().collect();
    scored.retain(|p| !rejected.contains(&ordered(p.a, p.b)));
    bar.set_message("clustering");
    let clustering = cluster_with(&prepared, &scored, AUTO_LINK_PROBABILITY, &cannot_link, &scorer);
    let link_s = t.elapsed().as_secs_f64();
    bar.finish_and_clear();

    let (merges, reviews) = plan(&ids, &scored, &clustering);
    let to_merge: usize = merges.iter().map(|m| m.members.len()).sum();
    let bar = ProgressBar::new(to_merge as u64).with_style(
        ProgressStyle::with_template("{spinner} merging [{bar:40}] {human_pos}/{human_len} records ({per_sec}, {eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let t = Instant::now();
    let (mut merged, mut skipped, mut queued) = (0usize, 0usize, 0usize);
    let review_chunks = reviews.chunks(CLUSTERS_PER_TRANSACTION);
    let merge_chunks: Vec<&[PlannedMerge]> = merges.chunks(CLUSTERS_PER_TRANSACTION).collect();
    let review_chunks: Vec<&[ReviewPair]> = review_chunks.collect();
    let merging = async {
        for k in 0..merge_chunks.len().max(review_chunks.len()) {
            let m = merge_chunks.get(k).copied().unwrap_or(&[]);
            let r = review_chunks.get(k).copied().unwrap_or(&[]);
            let applied = store.apply_linkage(&principal, m, r, reason).await?;
            store.integrate_audit().await?;
            merged += applied.merged;
            skipped += applied.skipped.len();
            queued += applied.queued;
            bar.inc(m.iter().map(|c| c.members.len() as u64).sum());
        }
        anyhow::Ok(())
    };
    // The report's rows do not change with merging: they are read meanwhile on another
    // connection (whose SQL runs on its own thread), and only their nominals are resolved after.
    let ledger = async {
        match &args.out {
            Some(_) => store.import_ledger(&principal, source.as_ref()).await.map(Some).map_err(anyhow::Error::from),
            None => Ok(None),
        }
    };
    // Both run to their end: a failed ledger read must not cut merging short between chunks.
    let (merged_all, ledger) = tokio::join!(merging, ledger);
    merged_all?;
    let ledger = ledger?;
    bar.finish_and_clear();
    let merge_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let mut written = 0usize;
    if let (Some(path), Some(partial), Some(ledger)) = (&args.out, &partial, ledger) {
        let rows = store.imported_nominals_of(&principal, ledger, reason).await?;
        let mut w = csv::Writer::from_path(partial).with_context(|| format!("cannot write {}", partial.display()))?;
        w.write_record(["source", "source_id", "nominal_id", "probability"])?;
        for r in &rows {
            w.write_record([r.source.as_str(), r.source_id.as_str(), &r.nominal.to_string(), &format!("{:.6}", r.probability)])?;
        }
        w.flush()?;
        drop(w);
        std::fs::rename(partial, path).with_context(|| format!("cannot write {}", path.display()))?;
        written = rows.len();
    }
    store.integrate_audit().await?;
    store.close().await;
    let report_s = t.elapsed().as_secs_f64();

    out(format_args!(
        "{n} people; {} candidate pairs ({} blocks over {} skipped); {} clusters of two or more",
        candidates.pairs.len(),
        candidates.capped_blocks,
        args.max_block,
        merges.len()
    ))?;
    out(format_args!(
        "{merged} records merged into their nominals, {skipped} left for review or changed meanwhile, \
         {queued} pairs newly queued for review ({} joins refused for a conflicting identifier)",
        clustering.conflicts.len()
    ))?;
    if !confirmed.is_empty() {
        out(format_args!("the model learnt from {} pairs linked on review", confirmed.len()))?;
    }
    if let Some(path) = &args.out {
        out(format_args!("{written} imported records reported in {}", path.display()))?;
    }
    out(format_args!(
        "took {:.1} s (reading {read_s:.1}, matching {link_s:.1}, merging {merge_s:.1}, reporting {report_s:.1})",
        started.elapsed().as_secs_f64()
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn ordered(a: usize, b: usize) -> (usize, usize) {
    if a <= b { (a, b) } else { (b, a) }
}

/// The merges (each cluster into its oldest member, which comes first in `ids`) and the
/// review pairs (refused joins, and review-band pairs between different clusters, named by the
/// clusters' primaries, strongest first). `ids` are the records' ids, in the order scored.
fn plan(
    ids: &[EntityId],
    scored: &[ScoredPair],
    clustering: &custos_match::Clustering,
) -> (Vec<PlannedMerge>, Vec<ReviewPair>) {
    let mut cluster_of: Vec<usize> = vec![usize::MAX; ids.len()];
    for (c, members) in clustering.clusters.iter().enumerate() {
        for &i in members {
            cluster_of[i] = c;
        }
    }
    let mut best: Vec<f64> = vec![0.0; ids.len()];
    for p in scored {
        if cluster_of[p.a] == cluster_of[p.b] {
            best[p.a] = best[p.a].max(p.probability);
            best[p.b] = best[p.b].max(p.probability);
        }
    }
    let primary_of = |i: usize| clustering.clusters.get(cluster_of[i]).and_then(|m| m.iter().min().copied()).unwrap_or(i);
    let merges: Vec<PlannedMerge> = clustering
        .clusters
        .iter()
        .filter(|m| m.len() > 1)
        .filter_map(|m| {
            let primary = *m.iter().min()?;
            let members = m.iter().filter(|&&i| i != primary).map(|&i| (ids[i], best[i])).collect();
            Some(PlannedMerge { primary: ids[primary], members })
        })
        .collect();

    let mut pairs: HashMap<(usize, usize), (f64, String)> = HashMap::new();
    let mut offer = |a: usize, b: usize, probability: f64, cause: String| {
        let key = ordered(primary_of(a), primary_of(b));
        if key.0 == key.1 {
            return;
        }
        let entry = pairs.entry(key).or_insert((probability, cause.clone()));
        if probability > entry.0 {
            *entry = (probability, cause);
        }
    };
    for c in &clustering.conflicts {
        offer(c.pair.a, c.pair.b, c.pair.probability, format!("conflicting_{}", c.kind.as_str()));
    }
    for p in scored {
        if (REVIEW_PROBABILITY..AUTO_LINK_PROBABILITY).contains(&p.probability) {
            offer(p.a, p.b, p.probability, "review_band".to_owned());
        }
    }
    let mut reviews: Vec<ReviewPair> = pairs
        .into_iter()
        .map(|((a, b), (probability, cause))| ReviewPair { a: ids[a], b: ids[b], probability, cause })
        .collect();
    reviews.sort_by(|x, y| y.probability.total_cmp(&x.probability).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
    (merges, reviews)
}
