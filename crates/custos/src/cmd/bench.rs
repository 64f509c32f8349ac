//! `custos bench`: measurements on a scratch database, each written as a JSON report. `core`
//! measures the platform core (audit append and verification, authorisation, create and read);
//! `web` measures audited reads over HTTP (see `bench/web.rs`). Run them in release (`cargo run
//! --release -p custos -- bench core --out core.json`). Without `--database-url` they use a
//! temporary SQLite data directory; with one, that database must be an empty scratch database
//! (the benchmarks write thousands of records into it).

mod matching;
mod records;
mod retention;
mod search;
mod subject_access;
mod web;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Subcommand;
use custos_audit::{AuditEvent, AuditKind, Decision, ObjectRef};
use custos_authz::{Action, Principal, Resource};
use custos_core::entity::EntityBody;
use custos_core::ids::{EntityId, UnitId, UserId};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::person::{NameKind, Person, PersonName};
use custos_core::role::Role;
use custos_store::entities::{Justification, NewEntity};
use custos_store::{Location, Store};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::cli::{DbArgs, out};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Audit append and verification, authorisation latency, person create and read.
    Core {
        /// Where to write the JSON report.
        #[arg(long)]
        out: PathBuf,
        /// Entities in the store while authorisation is measured.
        #[arg(long, default_value_t = 20_000)]
        entities: usize,
        /// Audit events appended for the append measurement.
        #[arg(long, default_value_t = 200_000)]
        events: usize,
    },
    /// Audited person reads over HTTP at many concurrent connections: requests/s, p50, p99, errors.
    Web(web::WebArgs),
    /// Person-matching quality and speed on the demo generator's planted duplicates (in memory).
    Match(matching::MatchArgs),
    /// Search-before-create latency on an existing store (writes searches and audit events:
    /// use a copy).
    Search(search::SearchArgs),
    /// Operational records at volume: creation with authorisation and audit, and the one
    /// full-text search across everything, p50 and p99.
    Records(records::RecordsArgs),
    /// Subject access discovery at volume: the candidate bundle of a subject, p50/p99/max.
    SubjectAccess(subject_access::SubjectAccessArgs),
    /// MoPI retention at volume: the sweep of every record's review date, and disposal.
    Retention(retention::RetentionArgs),
}

const UNITS: [&str; 4] = ["CE-BCU", "NW-BCU", "SE-BCU", "SW-BCU"];

pub async fn run(db: &DbArgs, command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Core { out, entities, events } => core(db, out, entities, events).await,
        BenchCommand::Web(args) => web::run(db, args).await,
        BenchCommand::Match(args) => matching::run(args),
        BenchCommand::Search(args) => search::run(db, args).await,
        BenchCommand::Records(args) => records::run(db, args).await,
        BenchCommand::SubjectAccess(args) => subject_access::run(db, args).await,
        BenchCommand::Retention(args) => retention::run(db, args).await,
    }
}

async fn core(db: &DbArgs, path: PathBuf, entities: usize, events: usize) -> anyhow::Result<ExitCode> {
    let scratch = tempfile::tempdir().context("cannot create a scratch directory")?;
    let location = match &db.database_url {
        Some(url) => Location::resolve(Some(url), scratch.path())?,
        None => Location::resolve(None, scratch.path())?,
    };
    let store = Store::open(&location).await?;
    // The benchmark writes thousands of fake records and signs with a throw-away key: only ever
    // into an empty, scratch database.
    anyhow::ensure!(
        store.is_empty().await?,
        "bench core needs an empty scratch database; the one given already holds data"
    );
    let backend = store.backend().as_str();
    let mut rng = ChaCha8Rng::seed_from_u64(2026);
    let who = investigator("CE-BCU")?;
    let owner = investigator_in_all()?;

    // Authorisation latency, with `entities` records in the store.
    let mut markings = Vec::with_capacity(entities);
    let mut ids = Vec::with_capacity(entities);
    for chunk in (0..entities).collect::<Vec<_>>().chunks(1000) {
        let batch = chunk
            .iter()
            .map(|i| -> anyhow::Result<NewEntity> {
                let marking = random_marking(&mut rng, &who.user, &owner.units);
                markings.push(marking.clone());
                let e = NewEntity::new(person(*i)?, marking);
                ids.push(e.id);
                Ok(e)
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        store.create_entities(&owner, &batch, Some("benchmark load")).await?;
    }
    let principals = UNITS.iter().map(|u| investigator(u)).collect::<anyhow::Result<Vec<_>>>()?;
    let mut latencies = Vec::with_capacity(markings.len());
    let authz = store.authorizer();
    for (i, marking) in markings.iter().enumerate() {
        let resource = Resource::Record { kind: "person", id: ids[i].to_string(), marking };
        let p = &principals[i % principals.len()];
        let start = Instant::now();
        let decision = authz.decide(p, Action::Read, &resource);
        latencies.push(start.elapsed());
        std::hint::black_box(decision);
    }
    latencies.sort();
    let p50 = percentile_us(&latencies, 0.50);
    let p99 = percentile_us(&latencies, 0.99);

    // Person create: one record per transaction, authorised and audited.
    let creates = 2_000;
    let start = Instant::now();
    let mut created = Vec::with_capacity(creates);
    for i in 0..creates {
        let id = store
            .create_entity(&who, person(i)?, SecurityMarking::official(unit("CE-BCU")?), None)
            .await?;
        created.push(id);
    }
    let person_create_per_s = creates as f64 / start.elapsed().as_secs_f64();

    // Person read: one authorised, audited read per transaction.
    let reads = 5_000;
    let why = Justification::parse("performance benchmark")?;
    let start = Instant::now();
    for _ in 0..reads {
        let id = created[rng.random_range(0..created.len())];
        std::hint::black_box(store.read_entity(&who, id, &why).await?);
    }
    let person_read_per_s = reads as f64 / start.elapsed().as_secs_f64();
    store.integrate_audit().await?;

    // Audit append: durable commits of batches of 1,000 events, then their integration into the
    // Merkle log with a signed checkpoint per 20,000.
    let start = Instant::now();
    let batch: Vec<AuditEvent> = (0..1000).map(sign_in_event).collect();
    let mut appended = 0;
    while appended < events {
        store.record_events(&batch).await?;
        appended += batch.len();
    }
    store.integrate_audit().await?;
    let audit_append_per_s = appended as f64 / start.elapsed().as_secs_f64();

    // Verification of the whole stored log, from the database.
    let start = Instant::now();
    let report = store
        .verify_audit(&[store.audit_verifier()])
        .await?
        .map_err(|e| anyhow::anyhow!("the benchmark's own log failed to verify: {e}"))?;
    let verify_secs = start.elapsed().as_secs_f64();
    let audit_verify_leaves_per_s = report.leaves as f64 / verify_secs;
    store.close().await;

    let json = serde_json::json!({
        "backend": backend,
        "entities_in_store": entities + creates,
        "audit_append_per_s": audit_append_per_s.round(),
        "audit_append_events": appended,
        "audit_verify_leaves_per_s": audit_verify_leaves_per_s.round(),
        "audit_verify_leaves": report.leaves,
        "authz_decision_p50_us": p50,
        "authz_decision_p99_us": p99,
        "authz_decisions": latencies.len(),
        "person_create_per_s": person_create_per_s.round(),
        "person_read_per_s": person_read_per_s.round(),
    });
    let text = serde_json::to_string_pretty(&json)?;
    std::fs::write(&path, format!("{text}\n")).with_context(|| format!("cannot write {}", path.display()))?;
    out(text)?;
    Ok(ExitCode::SUCCESS)
}

fn percentile_us(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    (sorted[i].as_secs_f64() * 1e7).round() / 10.0
}

fn unit(name: &str) -> anyhow::Result<UnitId> {
    Ok(UnitId::parse(name)?)
}

fn investigator(unit_name: &str) -> anyhow::Result<Principal> {
    Ok(Principal {
        user: UserId::parse(&format!("BENCH-{unit_name}"))?,
        roles: vec![Role::Investigator],
        units: vec![unit(unit_name)?],
        clearance: Classification::Secret,
        scopes: None,
    })
}

fn investigator_in_all() -> anyhow::Result<Principal> {
    Ok(Principal {
        user: UserId::parse("BENCH-LOADER")?,
        roles: vec![Role::Investigator],
        units: UNITS.iter().map(|u| unit(u)).collect::<anyhow::Result<_>>()?,
        clearance: Classification::TopSecret,
        scopes: None,
    })
}

/// Markings in realistic proportions: mostly OFFICIAL, some SENSITIVE with an ACL, a few SECRET.
fn random_marking(rng: &mut ChaCha8Rng, acl_user: &UserId, units: &[UnitId]) -> SecurityMarking {
    let mut marking = SecurityMarking::official(units[rng.random_range(0..units.len())].clone());
    let roll = rng.random_range(0..100);
    if roll < 10 {
        marking.sensitive = true;
        marking.acl = vec![AclEntry::User(acl_user.clone()), AclEntry::Unit(units[2].clone())];
    } else if roll < 15 {
        marking.classification = Classification::Secret;
    } else if roll < 16 {
        marking.classification = Classification::TopSecret;
    }
    marking
}

fn person(i: usize) -> anyhow::Result<EntityBody> {
    let name = PersonName::new(NameKind::Primary, &["Bench"], &format!("Person{}", to_letters(i)))?;
    Ok(EntityBody::Person(Person::new(vec![name])?))
}

/// 0 → "a", 25 → "z", 26 → "ba", … (surnames are letters only).
fn to_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'a' + (i % 26) as u8);
        i /= 26;
        if i == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8_lossy(&s).into_owned()
}

fn sign_in_event(i: u64) -> AuditEvent {
    AuditEvent {
        kind: AuditKind::SignIn,
        actor: format!("MP{:06}", i % 1000),
        at: jiff::Timestamp::now(),
        objects: vec![ObjectRef { kind: "session".into(), id: EntityId::new().to_string() }],
        justification: None,
        decision: Decision::Allow,
        policies: Vec::new(),
        payload: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_valid() {
        for u in UNITS {
            investigator(u).unwrap();
        }
        assert_eq!(investigator_in_all().unwrap().units.len(), UNITS.len());
        assert_eq!(to_letters(0), "a");
        assert_eq!(to_letters(27), "bb");
        assert!(matches!(person(12345).unwrap(), EntityBody::Person(_)));
    }

    #[test]
    fn percentiles_pick_the_right_sample() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile_us(&samples, 0.5), 51.0);
        assert_eq!(percentile_us(&samples, 0.99), 99.0);
        assert_eq!(percentile_us(&[], 0.5), 0.0);
    }
}
