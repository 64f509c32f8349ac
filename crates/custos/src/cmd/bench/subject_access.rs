//! `custos bench subject-access`: subject access discovery at volume. On a scratch store it
//! creates `--nominals` people (each with a date of birth, so that a match search finds them among
//! a million), the places and events records refer to, then `--records` operational records of
//! every type in bulk (`records.rs`'s generator: each record names people drawn uniformly from
//! all the nominals), integrating the audit log (and its `audit_subject` index) as it goes.
//!
//! Then, as an information rights officer of the Data Office, for `--warmup` + `--subjects`
//! people drawn at random it registers a subject access request, runs the match search on the
//! person's details and identifies the subject from its candidates, as a caseworker does; and
//! times `Store::subject_bundle` (the request read, every record about the subject gathered in
//! one snapshot, each authorised, the read audited) for each measured subject.
//!
//! Reports `bundle_p50_ms`, `bundle_p99_ms` and `bundle_max_ms` with the items per bundle;
//! target: p99 ≤ 1 s per bundle with 1,000,000 nominals and 5,000,000 records in the store.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use custos_authz::Principal;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::{EntityId, UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::person::Person;
use custos_core::role::Role;
use custos_core::text::{Label, Text};
use custos_rights::calendar::uk_today;
use custos_rights::discovery::Subject;
use custos_rights::request::Event;
use custos_store::entities::Justification;
use custos_store::rights::RequestId;
use custos_store::{Location, Store};
use jiff::civil::Date;
use jiff::Span;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

use super::matching::percentile;
use super::records::{PoleSize, bar, bulk_records, pole};
use super::{UNITS, investigator, person};
use crate::cli::{DbArgs, out};

/// Target: the p99 time to assemble one subject's bundle.
const TARGET_BUNDLE_MS: f64 = 1_000.0;
/// The Data Office: the information rights officer's unit, which holds the requests.
const DATA_OFFICE: &str = "DATA-OFFICE";
/// Match searches tried per subject wanted before giving up (a search that does not show the
/// person drawn is skipped).
const ATTEMPTS_PER_SUBJECT: usize = 5;

#[derive(Debug, clap::Args)]
pub struct SubjectAccessArgs {
    /// Where to write the JSON report.
    #[arg(long)]
    out: PathBuf,
    /// People (nominals) in the store.
    #[arg(long, default_value_t = 1_000_000)]
    nominals: usize,
    /// Operational records in the store, each naming people drawn from the nominals.
    #[arg(long, default_value_t = 5_000_000)]
    records: usize,
    /// Subjects whose bundle is timed.
    #[arg(long, default_value_t = 200)]
    subjects: usize,
    /// Subjects whose bundle is assembled first and not timed.
    #[arg(long, default_value_t = 20)]
    warmup: usize,
    /// Seed of the generated records and of the subjects drawn.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Nominal `k`: `super::person(k)` (a name unique to `k`) with a date of birth spread over 80
/// years. The name alone will not do at volume: every generated surname has the same phonetic
/// code, so a match search on a name alone meets one block of every nominal, cut at its bound,
/// and would not show the person; the date of birth gives each the small blocks a real
/// population has.
fn nominal(k: usize) -> anyhow::Result<Person> {
    let EntityBody::Person(mut p) = person(k)? else {
        anyhow::bail!("the bench person generator made something other than a person");
    };
    p.dates_of_birth.push(date_of_birth(k)?);
    Ok(p)
}

fn date_of_birth(k: usize) -> anyhow::Result<Date> {
    const DAYS: u64 = 80 * 365;
    // A multiplicative hash, so that consecutive nominals are not born on consecutive days.
    let day = (k as u64).wrapping_mul(2_654_435_761) % DAYS;
    Ok(Date::new(1935, 1, 1)?.checked_add(Span::new().days(i64::try_from(day)?))?)
}

/// The information rights officer: the Data Office, cleared to TOP SECRET.
fn information_rights_officer() -> anyhow::Result<Principal> {
    Ok(Principal {
        user: UserId::parse("BENCH-IRO")?,
        roles: vec![Role::InformationRightsOfficer],
        units: vec![UnitId::parse(DATA_OFFICE)?],
        clearance: Classification::TopSecret,
        scopes: None,
    })
}

/// Registers a subject access request for nominal `k` and identifies its subject from a match
/// search on the nominal's details, as a caseworker does. `None` when the search did not show
/// the person.
async fn identified_request(store: &Store, iro: &Principal, k: usize, id: EntityId, why: &Justification) -> anyhow::Result<Option<RequestId>> {
    let probe = nominal(k)?;
    let result = store.match_person(iro, &probe, why).await?;
    if !result.candidates.iter().any(|c| c.record.id == id) {
        return Ok(None);
    }
    let today = uk_today().to_string();
    let registered: Event = serde_json::from_value(json!({
        "event": "registered", "law": "sar", "channel": "email", "received": today,
        "requester": { "name": "Bench Subject", "contact": "bench@example.org", "kind": "data_subject" },
        "summary": "All my data", "identity_verified": today,
    }))?;
    let file = store.register_request(iro, registered).await?;
    let request: RequestId = file.id.parse().map_err(|e| anyhow::anyhow!("the new request's id {:?} is malformed: {e}", file.id))?;
    let subject = Subject { person: id, search: Label::parse(&result.search_id.to_string())?, reason: Some(Text::parse("bench")?), also: Vec::new() };
    store.record_request_event(iro, request, 1, Event::SubjectIdentified(subject)).await?;
    Ok(Some(request))
}

pub async fn run(db: &DbArgs, args: SubjectAccessArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.nominals >= 100, "--nominals must be at least 100");
    anyhow::ensure!(args.records >= 100, "--records must be at least 100");
    anyhow::ensure!(args.subjects >= 1, "--subjects must be at least 1");
    let wanted = args.warmup + args.subjects;
    anyhow::ensure!(wanted <= args.nominals, "--warmup plus --subjects ({wanted}) cannot be more than --nominals");
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let location = Location::resolve(db.database_url.as_deref(), scratch.path())?;
    let store = Store::open(&location).await?;
    anyhow::ensure!(store.is_empty().await?, "bench subject-access needs an empty scratch database; the one given already holds data");
    let backend = store.backend().as_str();
    let principals = UNITS.iter().map(|u| investigator(u)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);

    // The store: nominals, places, events, then the operational records naming the nominals.
    let started = Instant::now();
    let size = PoleSize { people: args.nominals, places: (args.records / 40).max(10), events: (args.records / 10).max(10) };
    let pole = pole(&store, &principals, size, |k| Ok(EntityBody::Person(nominal(k)?)), &mut rng).await?;
    let made = bulk_records(&store, &principals, &pole, args.records, &mut rng).await?.0.len();
    let creation_s = started.elapsed().as_secs_f64();

    // The requests: a subject drawn at random, found by a match search and identified.
    let iro = information_rights_officer()?;
    let search_why = Justification::parse("benchmark: identify the requester")?;
    let progress = bar(wanted, "requests")?;
    let mut requests = Vec::with_capacity(wanted);
    let mut drawn = HashSet::new();
    let mut misses = 0usize;
    while requests.len() < wanted {
        anyhow::ensure!(
            misses < ATTEMPTS_PER_SUBJECT * wanted,
            "the match search did not show {misses} of the subjects drawn: cannot identify enough subjects"
        );
        let k = rng.random_range(0..args.nominals);
        if !drawn.insert(k) {
            continue;
        }
        match identified_request(&store, &iro, k, pole.people[k], &search_why).await? {
            Some(request) => {
                requests.push(request);
                progress.inc(1);
            }
            None => misses += 1,
        }
        if drawn.len() % 200 == 199 {
            store.integrate_audit().await?;
        }
    }
    store.integrate_audit().await?;
    progress.finish_and_clear();

    // The bundles: the first `--warmup` untimed.
    let why = Justification::parse("benchmark: subject access")?;
    let progress = bar(wanted, "bundles")?;
    let mut latencies = Vec::with_capacity(args.subjects);
    let mut items = Vec::with_capacity(args.subjects);
    let mut with_records = 0usize;
    let mut unreadable = 0usize;
    for (i, request) in requests.iter().enumerate() {
        let t = Instant::now();
        let (_, bundle) = store.subject_bundle(&iro, *request, &why).await?;
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i >= args.warmup {
            latencies.push(ms);
            items.push(bundle.items.len());
            unreadable += bundle.unreadable;
            if bundle.items.iter().any(|item| item.kind.parse::<EntityKind>().is_ok_and(|k| !k.is_pole())) {
                with_records += 1;
            }
        }
        progress.inc(1);
        if i % 50 == 49 {
            store.integrate_audit().await?;
        }
    }
    progress.finish_and_clear();
    store.integrate_audit().await?;
    anyhow::ensure!(
        with_records > 0,
        "none of the {} bundles held an operational record: the subjects were not found in the records",
        latencies.len()
    );

    latencies.sort_by(f64::total_cmp);
    let p = |q: f64| percentile(&latencies, q);
    let items_mean = items.iter().sum::<usize>() as f64 / items.len() as f64;
    let items_max = items.iter().copied().max().unwrap_or(0);
    let report = json!({
        "backend": backend,
        "nominals": args.nominals,
        "records": made,
        "subjects": latencies.len(),
        "warmup": args.warmup,
        "bundle_p50_ms": p(0.50),
        "bundle_p99_ms": p(0.99),
        "bundle_max_ms": p(1.0),
        "items_mean": items_mean,
        "items_max": items_max,
        "bundles_with_records": with_records,
        "unreadable_mean": unreadable as f64 / latencies.len() as f64,
        "match_misses": misses,
        "target_ms": TARGET_BUNDLE_MS,
        "meets_target": p(0.99) <= TARGET_BUNDLE_MS,
        "store_creation_s": creation_s,
    });
    let text = serde_json::to_string_pretty(&report)?;
    std::fs::write(&args.out, format!("{text}\n")).with_context(|| format!("cannot write {}", args.out.display()))?;
    store.close().await;
    out(format_args!(
        "{backend}: {} nominals, {made} records; subject bundle p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} subjects \
         (target {TARGET_BUNDLE_MS} ms); {items_mean:.1} items per bundle (max {items_max})",
        args.nominals,
        p(0.50),
        p(0.99),
        p(1.0),
        latencies.len()
    ))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_valid() {
        let iro = information_rights_officer().unwrap();
        assert_eq!(iro.roles, [Role::InformationRightsOfficer]);
        assert_eq!(nominal(12345).unwrap().dates_of_birth, [date_of_birth(12345).unwrap()]);
        assert_ne!(date_of_birth(1).unwrap(), date_of_birth(2).unwrap());
    }

    #[test]
    fn nominals_do_not_all_share_their_blocks() {
        // Names alone put every nominal in one block (the surnames share a phonetic code); the
        // dates of birth must give each keys that most others lack.
        use custos_match::{MatchRecord, Prepared, blocking_keys};
        let keys = |k: usize| blocking_keys(&Prepared::new(&MatchRecord::from(&nominal(k).unwrap())));
        let (a, b) = (keys(10), keys(11));
        assert!(a.iter().any(|key| !b.contains(key)), "{a:?}");
    }
}
