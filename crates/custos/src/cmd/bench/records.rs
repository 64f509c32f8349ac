//! `custos bench records`: operational records at volume. On a scratch store it creates the
//! people, places and events records refer to, then `--records` operational records of every
//! type (bulk, a batch per call, each record authorised and audited), then `--single` more one
//! per call from `--writers` concurrent writers, as officers submitting through the API do (the
//! store group-commits concurrent creations), integrating the audit log as it goes; and then
//! times the one search across everything (`Store::search_everything`: full text, filters, authorisation of every hit, the
//! audited search event committed) for queries drawn from the narratives' own words, some with
//! a type, status or date filter.
//!
//! Reports `search_p50_ms`, `search_p99_ms` and `record_create_per_s` (the concurrent,
//! one-per-request rate) with `bulk_create_per_s`; targets: search p99 ≤ 100 ms over at
//! least 1,000,000 records on SQLite, creation ≥ 2,000 records/s.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use custos_authz::Principal;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::{AclEntry, SecurityMarking};
use custos_core::record::Record;
use custos_store::entities::{Justification, NewEntity};
use custos_store::full_text::Filters;
use custos_store::search::Page;
use custos_store::{Location, Store};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::{SignedDuration, Timestamp};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::{UNITS, investigator, person};
use crate::cli::{DbArgs, out};

/// Search p99 target over at least a million records (SQLite).
const TARGET_SEARCH_P99_MS: f64 = 100.0;
/// Creation target, records per second with authorisation and audit.
const TARGET_CREATE_PER_S: f64 = 2_000.0;
/// Records per bulk transaction.
pub(super) const BATCH: usize = 500;
/// The year the records fall in (a year of a force's work).
const YEAR_START: &str = "2025-04-01T00:00:00Z";

#[derive(Debug, clap::Args)]
pub struct RecordsArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// Operational records created in bulk before searching.
    #[arg(long, default_value_t = 1_000_000)]
    records: usize,
    /// Records then created one per request by concurrent writers, for `record_create_per_s`.
    #[arg(long, default_value_t = 4_000)]
    single: usize,
    /// Concurrent writers of the single records (officers submitting at once).
    #[arg(long, default_value_t = 32)]
    writers: usize,
    /// Searches timed.
    #[arg(long, default_value_t = 1_000)]
    queries: usize,
    /// Searches run first and not timed.
    #[arg(long, default_value_t = 100)]
    warmup: usize,
    /// Seed of the generated records and queries.
    #[arg(long, default_value_t = 5)]
    seed: u64,
}

pub(super) fn bar(len: usize, what: &str) -> anyhow::Result<ProgressBar> {
    let template = format!("{{spinner}} {what:>9} [{{bar:40}}] {{human_pos}}/{{human_len}} ({{per_sec}}, {{eta}} left)");
    Ok(ProgressBar::new(len as u64).with_style(ProgressStyle::with_template(&template)?.progress_chars("=> ")))
}

/// The people, places and events the records refer to.
pub(super) struct Pole {
    pub(super) people: Vec<EntityId>,
    pub(super) places: Vec<EntityId>,
    pub(super) events: Vec<(EntityId, Timestamp)>,
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

fn at(t: Timestamp, minutes: i64) -> Timestamp {
    t.saturating_add(SignedDuration::from_mins(minutes)).unwrap_or(t)
}

/// A group of one to two records of one type (an arrest comes with its custody record, a crime
/// with its case file) as record JSON, with whether each is need-to-know intelligence.
fn group(rng: &mut ChaCha8Rng, pole: &Pole) -> Vec<(Value, bool)> {
    let (event, when) = pick(rng, &pole.events);
    let (a, b) = (pick(rng, &pole.people), pick(rng, &pole.people));
    let place = pick(rng, &pole.places);
    let text = |rng: &mut ChaCha8Rng, kind: &str| crate::demo::sample_narrative(rng, kind, "the address");
    let roll = rng.random_range(0..100);
    let people = json!([{ "person": a, "role": "suspect" }, { "person": b, "role": "victim" }]);
    match roll {
        0..30 => {
            let narrative = text(rng, "crime");
            let status = pick(rng, &["recorded", "under_investigation"]);
            let crime = json!({ "crime_report": { "event": event, "offence": pick(rng, &["8N", "105A", "46", "49", "58D", "28E", "92D"]),
                "people": people, "narrative": narrative, "status": status } });
            if rng.random_range(0..10) == 0 {
                // The case file names the crime report by the id it is given below.
                return vec![(crime, false), (json!({ "case_file": { "crime_report": "$prev", "status": "submitted",
                    "charges": [{ "defendant": a, "offence": "8N", "particulars": text(rng, "arrest") }] } }), false)];
            }
            vec![(crime, false)]
        }
        30..60 => vec![(json!({ "incident": { "event": event, "narrative": text(rng, "incident"), "people": people,
            "call": { "received": at(when, 3), "channel": "emergency_999" } } }), false)],
        60..75 => {
            let arrest = json!({ "arrest": { "person": a, "event": event, "arrested_at": when, "place": place,
                "grounds": text(rng, "arrest"), "necessity": ["investigation"], "arresting_officer": "PC 1234" } });
            let custody = json!({ "custody_record": { "person": a, "arrest": "$prev", "detention": {
                "arrival": "after_arrest", "arrested": when, "arrived": at(when, 30), "authorised": at(when, 45),
                "reviews": [at(when, 400)], "extensions": [], "charged": null, "released": at(when, 600) },
                "disposal": "released_under_investigation" } });
            vec![(arrest, false), (custody, false)]
        }
        75..85 => vec![(json!({ "intelligence_report": { "received": when, "text": text(rng, "intelligence"),
            "grading": { "source": "2", "intelligence": "B", "handling": { "code": "P" } }, "status": "live",
            "sanitised": "Sanitised for dissemination", "people": [{ "person": a, "role": "subject" }] } }), true)],
        85..93 => vec![(json!({ "asb_report": { "event": event, "category": "nuisance", "narrative": text(rng, "anti_social_behaviour"),
            "people": [{ "person": a, "role": "subject" }] } }), false)],
        _ => vec![(json!({ "vulnerable_person_report": { "subject": b, "at_risk": "adult", "event": event,
            "concerns": ["domestic_abuse"], "risk": "medium", "narrative": text(rng, "incident") } }), false)],
    }
}

/// Turns groups into entities owned by `unit`, resolving `$prev` to the group's first record.
fn entities(groups: Vec<Vec<(Value, bool)>>, unit: usize) -> anyhow::Result<Vec<NewEntity>> {
    let unit = custos_core::ids::UnitId::parse(UNITS[unit % UNITS.len()])?;
    let mut out = Vec::new();
    for g in groups {
        let mut first: Option<EntityId> = None;
        for (mut value, sensitive) in g {
            if let Some(prev) = first {
                let text = value.to_string().replace("\"$prev\"", &format!("\"{prev}\""));
                value = serde_json::from_str(&text)?;
            }
            let record: Record = serde_json::from_value(value)?;
            record.check().map_err(|e| anyhow::anyhow!("generated record refused: {e}"))?;
            let mut marking = SecurityMarking::official(unit.clone());
            if sensitive {
                marking.sensitive = true;
                marking.acl = vec![AclEntry::Unit(unit.clone())];
            }
            let entity = NewEntity::new(EntityBody::Record(record), marking);
            first.get_or_insert(entity.id);
            out.push(entity);
        }
    }
    Ok(out)
}

/// How many people, places and events a benchmark store holds.
#[derive(Debug, Clone, Copy)]
pub(super) struct PoleSize {
    pub(super) people: usize,
    pub(super) places: usize,
    pub(super) events: usize,
}

/// Creates `size` people (`person(k)` for the k-th), places and events, in batches owned by each
/// unit in turn, integrating the audit log as it goes.
pub(super) async fn pole(
    store: &Store,
    principals: &[Principal],
    size: PoleSize,
    person: impl Fn(usize) -> anyhow::Result<EntityBody>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<Pole> {
    let PoleSize { people: n_people, places: n_places, events: n_events } = size;
    let progress = bar(n_people + n_places + n_events, "POLE")?;
    let start: Timestamp = YEAR_START.parse()?;
    let mut pole = Pole { people: Vec::with_capacity(n_people), places: Vec::new(), events: Vec::new() };
    let owner = |i: usize| &principals[i % principals.len()];
    let marking = |p: &Principal| SecurityMarking::official(p.units[0].clone());
    for (i, chunk) in (0..n_people).collect::<Vec<_>>().chunks(BATCH).enumerate() {
        let who = owner(i);
        let batch = chunk.iter().map(|k| Ok(NewEntity::new(person(*k)?, marking(who)))).collect::<anyhow::Result<Vec<_>>>()?;
        pole.people.extend(batch.iter().map(|e| e.id));
        store.create_entities(who, &batch, None).await?;
        progress.inc(batch.len() as u64);
        if i % 20 == 19 {
            store.integrate_audit().await?;
        }
    }
    for (i, chunk) in (0..n_places).collect::<Vec<_>>().chunks(BATCH).enumerate() {
        let who = owner(i);
        let mut batch = Vec::new();
        for k in chunk {
            let value = json!({ "location": { "address_lines": [format!("{} {} Road", k % 300 + 1, pick(rng, &["Acacia", "Station", "Church", "Mill", "Park", "Victoria", "Albert", "High"]))] } });
            batch.push(NewEntity::new(serde_json::from_value(value)?, marking(who)));
        }
        pole.places.extend(batch.iter().map(|e| e.id));
        store.create_entities(who, &batch, None).await?;
        progress.inc(batch.len() as u64);
    }
    for (i, chunk) in (0..n_events).collect::<Vec<_>>().chunks(BATCH).enumerate() {
        let who = owner(i);
        let mut batch = Vec::new();
        for _ in chunk {
            let when = at(start, rng.random_range(0..365 * 24 * 60));
            let kind = pick(rng, &["crime", "incident", "arrest", "anti_social_behaviour"]);
            let summary = crate::demo::sample_narrative(rng, kind, "the address");
            let value = json!({ "event": { "kind": kind, "when": { "at": when }, "location": pick(rng, &pole.places), "summary": summary } });
            let entity = NewEntity::new(serde_json::from_value(value)?, marking(who));
            pole.events.push((entity.id, when));
            batch.push(entity);
        }
        store.create_entities(who, &batch, None).await?;
        progress.inc(batch.len() as u64);
        if i % 20 == 19 {
            store.integrate_audit().await?;
        }
    }
    store.integrate_audit().await?;
    progress.finish_and_clear();
    Ok(pole)
}

/// Creates `records` operational records naming `pole` in batches of [`BATCH`] (a batch per
/// call, each record authorised and audited, the audit log integrated every 20 batches and at
/// the end). Returns the ids made (whole groups: a few more than asked) and the time spent in
/// the store.
pub(super) async fn bulk_records(
    store: &Store,
    principals: &[Principal],
    pole: &Pole,
    records: usize,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(Vec<EntityId>, Duration)> {
    let progress = bar(records, "records")?;
    let mut made = 0usize;
    let mut ids = Vec::with_capacity(records);
    let mut bulk_time = Duration::ZERO;
    let mut batch_no = 0usize;
    while made < records {
        let mut groups = Vec::new();
        let mut size = 0;
        while size < BATCH.min(records - made) {
            let g = group(rng, pole);
            size += g.len();
            groups.push(g);
        }
        let batch = entities(groups, batch_no)?;
        let who = &principals[batch_no % principals.len()];
        let t = Instant::now();
        store.create_entities(who, &batch, None).await?;
        if batch_no % 20 == 19 {
            store.integrate_audit().await?;
        }
        bulk_time += t.elapsed();
        made += batch.len();
        ids.extend(batch.iter().map(|e| e.id));
        batch_no += 1;
        progress.inc(batch.len() as u64);
    }
    let t = Instant::now();
    store.integrate_audit().await?;
    bulk_time += t.elapsed();
    progress.finish_and_clear();
    Ok((ids, bulk_time))
}

/// A query: one or two words of a narrative, and sometimes a filter.
fn query(rng: &mut ChaCha8Rng, words: &[String]) -> (String, Filters) {
    let word = |rng: &mut ChaCha8Rng| words[rng.random_range(0..words.len())].clone();
    let mut q = word(rng);
    if rng.random_range(0..10) < 4 {
        q = format!("{q} {}", word(rng));
    }
    let mut f = Filters::default();
    match rng.random_range(0..10) {
        0..3 => {
            let kinds = EntityKind::ALL.iter().copied().filter(|k| *k != EntityKind::Link).collect::<Vec<_>>();
            f.kind = Some(pick(rng, &kinds));
        }
        3..5 => {
            let start: Timestamp = YEAR_START.parse().unwrap_or(Timestamp::UNIX_EPOCH);
            let from = at(start, rng.random_range(0..330) * 24 * 60);
            f.from = Some(from);
            f.to = Some(at(from, 30 * 24 * 60));
        }
        5 => f.status = Some(pick(rng, &["open", "under_investigation", "live", "released_under_investigation"]).to_owned()),
        _ => {}
    }
    (q, f)
}

pub async fn run(db: &DbArgs, args: RecordsArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.records >= 100 && args.queries >= 1, "--records must be at least 100 and --queries at least 1");
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let location = Location::resolve(db.database_url.as_deref(), scratch.path())?;
    let store = Arc::new(Store::open(&location).await?);
    anyhow::ensure!(store.is_empty().await?, "bench records needs an empty scratch database; the one given already holds data");
    let backend = store.backend().as_str();
    let principals = UNITS.iter().map(|u| investigator(u)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let size = PoleSize { people: (args.records / 20).max(10), places: (args.records / 40).max(10), events: (args.records / 5).max(10) };
    let pole = pole(&store, &principals, size, person, &mut rng).await?;

    // Bulk: a batch per call, each record authorised and audited.
    let (_, bulk_time) = bulk_records(&store, &principals, &pole, args.records, &mut rng).await?;

    // One record per call from concurrent writers, the audit integrated as `serve` does.
    let mut singles: Vec<Vec<NewEntity>> = vec![Vec::new(); args.writers];
    let mut k = 0;
    while singles.iter().map(Vec::len).sum::<usize>() < args.single {
        for e in entities(vec![group(&mut rng, &pole)], k % args.writers)? {
            singles[k % args.writers].push(e);
        }
        k += 1;
    }
    let single_count: usize = singles.iter().map(Vec::len).sum();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (w, mine) in singles.into_iter().enumerate() {
        let store = Arc::clone(&store);
        let who = principals[w % principals.len()].clone();
        tasks.push(tokio::spawn(async move {
            // In order: a custody record's arrest (a case file's crime) is committed before it.
            for e in &mine {
                store.create_entities(&who, std::slice::from_ref(e), None).await?;
            }
            anyhow::Ok(())
        }));
    }
    let integrator = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(1000)).await;
                if store.integrate_audit().await.is_err() {
                    break;
                }
            }
        })
    };
    for t in tasks {
        t.await??;
    }
    let single_time = started.elapsed();
    integrator.abort();
    store.integrate_audit().await?;

    // Searches, as an investigator of one unit (other units' intelligence is need-to-know).
    let why = Justification::parse("benchmark: search across everything")?;
    let mut words: Vec<String> = Vec::new();
    for _ in 0..500 {
        let kind = pick(&mut rng, &["crime", "incident", "arrest", "intelligence", "anti_social_behaviour"]);
        let line = crate::demo::sample_narrative(&mut rng, kind, "the address");
        words.extend(line.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()).filter(|w| w.len() > 3));
    }
    let searcher = &principals[0];
    let total = args.warmup + args.queries;
    let progress = bar(total, "searches")?;
    let mut latencies = Vec::with_capacity(args.queries);
    let mut slowest: Vec<(f64, String, String)> = Vec::new();
    let mut hits = 0usize;
    for i in 0..total {
        let (q, filters) = query(&mut rng, &words);
        let t = Instant::now();
        let page = store.search_everything(searcher, &q, &filters, Page::first(25), &why).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= args.warmup {
            latencies.push(ms);
            hits += page.hits.len();
            slowest.push((ms, q, format!("{filters:?}")));
            slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
            slowest.truncate(5);
        }
        progress.inc(1);
        if i % 200 == 199 {
            store.integrate_audit().await?;
        }
    }
    progress.finish_and_clear();
    store.integrate_audit().await?;
    let documents = store.search_document_count().await?;
    latencies.sort_by(f64::total_cmp);
    let p = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1];
    let bulk_rate = args.records as f64 / bulk_time.as_secs_f64();
    let single_rate = single_count as f64 / single_time.as_secs_f64();
    let report = json!({
        "backend": backend,
        "records": args.records + single_count,
        "searchable_documents": documents,
        "queries": latencies.len(),
        "search_p50_ms": p(0.50),
        "search_p90_ms": p(0.90),
        "search_p99_ms": p(0.99),
        "search_max_ms": p(1.0),
        "mean_hits": hits as f64 / latencies.len() as f64,
        "slowest": slowest.iter().map(|(ms, q, f)| json!({ "ms": ms, "query": q, "filters": f })).collect::<Vec<_>>(),
        "record_create_per_s": single_rate,
        "record_create_writers": args.writers,
        "bulk_create_per_s": bulk_rate,
        "bulk_batch": BATCH,
        "target_search_p99_ms": TARGET_SEARCH_P99_MS,
        "target_create_per_s": TARGET_CREATE_PER_S,
    });
    let text = serde_json::to_string_pretty(&report)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;
    store.close().await;
    out(format_args!(
        "{backend}: {} records ({documents} searchable documents); search p50 {:.2} ms, p99 {:.2} ms (target {TARGET_SEARCH_P99_MS} ms); \
         creation {single_rate:.0} records/s one per request from {} concurrent writers, {bulk_rate:.0}/s in batches of {BATCH} \
         (target {TARGET_CREATE_PER_S})",
        args.records + single_count,
        p(0.50),
        p(0.99),
        args.writers
    ))?;
    Ok(ExitCode::SUCCESS)
}
