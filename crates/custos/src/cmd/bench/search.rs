//! `custos bench search`: search-before-create latency on an existing store (for instance one
//! loaded with `custos import persons`), the way the API runs it: `Store::match_person` for a
//! probe person — blocking-key lookups, candidate loading, scoring, ranking, the stored match
//! search and its audit event committed — timed one after another.
//!
//! Probes are people of the store itself (a spread across it, each searched as recorded, so the
//! person is always among the candidates), read once by the batch principal. The run writes
//! match searches and audit events into the store: use a copy, or a store made for measuring.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use custos_store::batch::batch_unit;
use custos_store::entities::Justification;
use custos_store::users::batch_loader;
use serde_json::json;

use crate::cli::{DbArgs, out};

/// The search-before-create target (issue: p99 at 1,000,000 nominals on SQLite).
const TARGET_P99_MS: f64 = 20.0;

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// Searches timed.
    #[arg(long, default_value_t = 2_000)]
    queries: usize,
    /// Searches run first and not timed (caches warm).
    #[arg(long, default_value_t = 100)]
    warmup: usize,
}

pub async fn run(db: &DbArgs, args: SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.queries >= 1, "--queries must be at least 1");
    let store = db.open().await?;
    let principal = batch_loader(batch_unit());
    let people = store.people_for_linking(&principal, "benchmark: choosing search probes").await?;
    anyhow::ensure!(!people.is_empty(), "the store holds no people: load some first (custos import persons)");
    let why = Justification::parse("benchmark: search-before-create latency")?;
    let total = args.warmup + args.queries;
    let mut latencies = Vec::with_capacity(args.queries);
    let mut found_self = 0usize;
    let mut candidates = 0usize;
    for k in 0..total {
        let probe = &people[k * people.len() / total];
        let t = Instant::now();
        let result = store.match_person(&principal, &probe.person, &why).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if k >= args.warmup {
            latencies.push(ms);
            candidates += result.candidates.len();
            found_self += usize::from(result.candidates.iter().take(10).any(|c| c.record.id == probe.id));
        }
    }
    store.integrate_audit().await?;
    store.close().await;
    latencies.sort_by(f64::total_cmp);
    let p = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1];
    let report = json!({
        "nominals": people.len(),
        "backend": format!("{:?}", db.location()?.backend()),
        "queries": latencies.len(),
        "match_p50_ms": p(0.50),
        "match_p90_ms": p(0.90),
        "match_p99_ms": p(0.99),
        "match_max_ms": p(1.0),
        "mean_candidates": candidates as f64 / latencies.len() as f64,
        "self_in_top_10": found_self as f64 / latencies.len() as f64,
        "target_p99_ms": TARGET_P99_MS,
    });
    let text = serde_json::to_string_pretty(&report)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;
    out(format_args!(
        "{} nominals; search before create p50 {:.2} ms, p99 {:.2} ms (target {TARGET_P99_MS} ms), max {:.2} ms; \
         the person searched for was in the top 10 in {:.2}% of searches",
        people.len(),
        p(0.50),
        p(0.99),
        p(1.0),
        100.0 * found_self as f64 / latencies.len() as f64
    ))?;
    Ok(ExitCode::SUCCESS)
}
