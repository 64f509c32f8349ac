//! `custos bench retention`: the MoPI sweep and disposal at volume. On a scratch store it creates
//! `--nominals` people, the places and events records refer to, and `--records` operational
//! records of every type through the store (`records.rs`'s generator: each record authorised and
//! audited, its retention row written with it), then:
//!
//! - times two sweeps (`Store::sweep_retention`: every held record's review date computed again
//!   from its offenders' newest contact and dates of birth), the first after the load and the
//!   second at rest, and reports `sweep_records_per_s` (records swept over the sweep's time);
//! - has people drawn at random ask for deletion (which brings their records' reviews forward)
//!   and, as a records manager, disposes of `--dispose` of the records that queue shows, one
//!   decision each (`Store::review_records`: authorised, the record deleted everywhere, its
//!   audit payloads erased, a stub and an erasure event written, one transaction); reports
//!   `dispose_per_s` over the time of the disposals themselves.
//!
//! Target: a sweep of 10,000,000 records in at most 60 s on SQLite (and reported on PostgreSQL).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use custos_authz::Principal;
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::retention::assessment::{Assessment, Outcome};
use custos_core::role::Role;
use custos_store::StoreError;
use custos_store::retention::Trigger;
use custos_store::retention_review::{QueueFilter, Review};
use custos_store::{Location, Store};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::records::{PoleSize, bar, bulk_records, pole};
use super::{UNITS, investigator, person};
use crate::cli::{DbArgs, out};

/// Target: the seconds a sweep of 10,000,000 records may take.
const TARGET_SWEEP_S: f64 = 60.0;
const TARGET_RECORDS: usize = 10_000_000;

#[derive(Debug, clap::Args)]
pub struct RetentionArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// People (nominals) in the store.
    #[arg(long, default_value_t = 2_000_000)]
    nominals: usize,
    /// Operational records in the store.
    #[arg(long, default_value_t = TARGET_RECORDS)]
    records: usize,
    /// Records disposed of, one decision each, for `dispose_per_s`.
    #[arg(long, default_value_t = 2_000)]
    dispose: usize,
    /// Seed of the generated records and of the records drawn for disposal.
    #[arg(long, default_value_t = 11)]
    seed: u64,
}

/// The records manager: force-wide review and erasure, cleared to TOP SECRET (need-to-know
/// records whose access list does not name them stay beyond them, as they would in a force).
fn records_manager() -> anyhow::Result<Principal> {
    Ok(Principal {
        user: UserId::parse("BENCH-RM")?,
        roles: vec![Role::RecordsManager],
        units: vec![UnitId::parse("DATA-OFFICE")?],
        clearance: Classification::TopSecret,
        scopes: None,
    })
}

pub async fn run(db: &DbArgs, args: RetentionArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.nominals >= 100, "--nominals must be at least 100");
    anyhow::ensure!(args.records >= 100, "--records must be at least 100");
    anyhow::ensure!(args.dispose <= args.records, "--dispose cannot be more than --records");
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let location = Location::resolve(db.database_url.as_deref(), scratch.path())?;
    let store = Store::open(&location).await?;
    anyhow::ensure!(store.is_empty().await?, "bench retention needs an empty scratch database; the one given already holds data");
    let backend = store.backend().as_str();
    let principals = UNITS.iter().map(|u| investigator(u)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);

    let started = Instant::now();
    let size = PoleSize { people: args.nominals, places: (args.records / 40).max(10), events: (args.records / 10).max(10) };
    let pole = pole(&store, &principals, size, person, &mut rng).await?;
    let (records, _) = bulk_records(&store, &principals, &pole, args.records, &mut rng).await?;
    let creation_s = started.elapsed().as_secs_f64();

    let first = store.sweep_retention(&|_, _| {}).await?;
    let second = store.sweep_retention(&|_, _| {}).await?;
    anyhow::ensure!(first.records as usize == records.len(), "the sweep saw {} records of the {} made", first.records, records.len());

    // Disposal: people drawn at random ask for their data to be deleted, which brings the review
    // of their records forward; the records manager disposes of the reviews that queue shows, one
    // decision each. Some cannot go: a record another still refers to (a crime with its case
    // file, an arrest with its custody record), a Group 1 record of a subject not yet deemed 100,
    // and need-to-know records the records manager is not listed on.
    let rm = records_manager()?;
    let progress = bar(args.dispose, "disposals")?;
    let mut disposed = 0usize;
    let (mut beyond_clearance, mut kept, mut requests) = (0usize, 0usize, 0usize);
    let mut deleted = 0usize;
    let mut tried = std::collections::HashSet::new();
    let triggered = QueueFilter { triggered: true, ..QueueFilter::default() };
    let mut disposing = std::time::Duration::ZERO;
    while disposed < args.dispose {
        anyhow::ensure!(requests < args.dispose * 20, "too few records could be disposed of: {kept} kept, {beyond_clearance} beyond need to know");
        for _ in 0..50 {
            let person = pole.people[rng.random_range(0..pole.people.len())];
            store.request_review(&rm, person, Trigger::DeletionRequest).await?;
            requests += 1;
        }
        // The reviews asked for and not yet tried (those kept stay in the queue: page past them).
        let mut fresh = Vec::new();
        let mut offset = 0;
        loop {
            let page = store.retention_queue(&rm, &triggered, offset, 500).await?;
            fresh.extend(page.iter().filter(|d| tried.insert(d.record)).map(|d| d.record));
            if !fresh.is_empty() || page.len() < 500 {
                break;
            }
            offset += 500;
        }
        for record in fresh {
            if disposed == args.dispose {
                break;
            }
            let review = Review { record, assessment: Assessment { outcome: Outcome::Dispose, risks: Default::default(), reason: None, next_review: None } };
            let t = Instant::now();
            match store.review_records(&rm, &[review]).await {
                Ok(done) => {
                    disposing += t.elapsed();
                    disposed += 1;
                    deleted += done.iter().map(|d| d.deleted.len()).sum::<usize>();
                    progress.inc(1);
                }
                Err(StoreError::Denied) => beyond_clearance += 1,
                Err(StoreError::Refused(_)) => kept += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }
    let dispose_s = disposing.as_secs_f64();
    progress.finish_and_clear();
    store.integrate_audit().await?;

    let rate = |n: u64, s: f64| n as f64 / s.max(1e-9);
    let sweep_records_per_s = rate(first.records, first.seconds);
    let projected_s = TARGET_RECORDS as f64 / sweep_records_per_s;
    let report = json!({
        "backend": backend,
        "nominals": args.nominals,
        "records": records.len(),
        "store_creation_s": creation_s,
        "sweep_s": first.seconds,
        "sweep_records_per_s": sweep_records_per_s,
        "sweep_changed": first.changed,
        "sweep_due": first.due,
        "sweep_at_rest_s": second.seconds,
        "sweep_at_rest_records_per_s": rate(second.records, second.seconds),
        "sweep_10m_projected_s": projected_s,
        "target_sweep_s": TARGET_SWEEP_S,
        "meets_target": records.len() >= TARGET_RECORDS && first.seconds <= TARGET_SWEEP_S,
        "disposed": disposed,
        "entities_deleted": deleted,
        "dispose_s": dispose_s,
        "dispose_per_s": rate(disposed as u64, dispose_s),
        "denied_beyond_need_to_know": beyond_clearance,
        "kept_at_review": kept,
        "deletion_requests": requests,
    });
    let text = serde_json::to_string_pretty(&report)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;
    store.close().await;
    out(format_args!(
        "{backend}: {} records; sweep {:.1} s ({sweep_records_per_s:.0} records/s, target {TARGET_SWEEP_S} s for 10,000,000), \
         at rest {:.1} s; {disposed} disposals at {:.1}/s",
        records.len(),
        first.seconds,
        second.seconds,
        rate(disposed as u64, dispose_s)
    ))?;
    Ok(ExitCode::SUCCESS)
}
