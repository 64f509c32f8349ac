//! `custos demo`: writes a deterministic synthetic force (see `crate::demo`) into the store as the
//! audited `demo-loader` user, chunk by chunk, one transaction per chunk, with a progress bar.
//!
//! Resumable by construction: ids are derived from the seed, and a chunk whose last record is
//! already stored was committed whole, so rerunning the same command after a crash skips what is
//! there and carries on. The planted duplicates' ground truth is written to a CSV file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use custos_authz::Principal;
use custos_core::draft::{
    EventDraft, IdentifierDraft, LinkDraft, LocationDraft, ObjectDraft, PersonDraft, PersonNameDraft,
};
use custos_core::entity::EntityBody;
use custos_core::record::Record;
use custos_core::ids::{EntityId, UnitId, UserId};
use custos_core::marking::{AclEntry, SecurityMarking};
use custos_core::role::Role;
use custos_rights::request::Event;
use custos_store::entities::{Justification, NewEntity};
use custos_store::{Store, StoreError};
use custos_store::users::{NewUser, local_administrator};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{DbArgs, out};
use crate::cmd::admin::new_password;
use crate::demo::{self, Force, ObjectKind, Ref, SynthEvent, SynthLink, SynthLocation, SynthObject, SynthPerson};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Person records to create (planted duplicates included).
    #[arg(long, default_value_t = 100_000)]
    pub people: usize,
    /// Seed of the generator: the same seed gives the same force.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the ground truth of planted duplicates (default: DATA_DIR/demo-truth.csv).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Then serve the force, with a demo user of every role whose password is generated and
    /// printed (plain-HTTP cookies when serving on loopback).
    #[arg(long)]
    pub serve: bool,
    /// Where to serve with --serve.
    #[arg(long, default_value = "127.0.0.1:8080", requires = "serve")]
    pub listen: std::net::SocketAddr,
}

const LOADER: &str = "demo-loader";

pub async fn run(db: &DbArgs, args: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let store = db.open().await?;
    let loader = loader(&store).await?;
    let truth_path = args.truth.clone().unwrap_or_else(|| db.data_dir.join("demo-truth.csv"));
    let partial = truth_path.with_extension("csv.partial");
    let mut truth = std::io::BufWriter::new(
        std::fs::File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?,
    );
    writeln!(truth, "person_id,cluster_id,corruptions")?;

    let prelude = demo::prelude(args.seed);
    let chunks = demo::chunk_count(args.people);
    let bar = ProgressBar::new(args.people as u64).with_style(
        ProgressStyle::with_template("{spinner} {msg:>9} [{bar:40}] {human_pos}/{human_len} people ({per_sec}, {eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let mut written = 0usize;
    let mut skipped = 0usize;
    bar.set_message("loading");
    if load(&store, &loader, &prelude, &prelude).await? {
        written += prelude.locations.len();
    } else {
        skipped += prelude.locations.len();
    }
    for chunk in 0..chunks {
        let force = demo::generate_chunk(args.people, args.seed, chunk);
        truth.write_all(demo::truth_csv_rows(&force).as_bytes())?;
        if load(&store, &loader, &force, &prelude).await? {
            written += entity_count(&force);
        } else {
            skipped += entity_count(&force);
        }
        bar.inc(force.people.len() as u64);
        if chunk % 10 == 9 {
            bar.set_message("sealing");
            store.integrate_audit().await?;
            bar.set_message("loading");
        }
    }
    bar.finish_and_clear();
    let requests = load_requests(&store, &args).await?;
    // The reviews due and the retention report's last sweep, as the server's nightly job would.
    let sweep = store.sweep_retention(&|_, _| {}).await?;
    store.integrate_audit().await?;
    let sealed = store.latest_checkpoint().await?;
    truth.flush()?;
    drop(truth);
    std::fs::rename(&partial, &truth_path).with_context(|| format!("cannot write {}", truth_path.display()))?;
    store.close().await;
    out(format_args!(
        "demo force (seed {}): {} people; {written} records written{} in {:.1} s",
        args.seed,
        args.people,
        if skipped > 0 { format!(", {skipped} already present (resumed)") } else { String::new() },
        started.elapsed().as_secs_f64()
    ))?;
    if requests > 0 {
        out(format_args!("information requests: {requests} (a year of FOI and subject access casework)"))?;
    }
    out(format_args!("retention: {} records on the MoPI schedule, {} reviews due", sweep.records, sweep.due))?;
    if let Some((_, checkpoint)) = sealed {
        out(format_args!("audit log: {} leaves under a signed checkpoint", checkpoint.size()))?;
    }
    out(format_args!("planted duplicates' ground truth: {}", truth_path.display()))?;
    if args.serve {
        serve(db, args.listen).await?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The information rights officer who registers the demo's requests.
const RIGHTS_LOADER: &str = "demo-rights-loader";

/// Loads a year of information requests (`demo::requests`, scaled to the force's size) through
/// the casework API, each event checked again by the store. Resumable: requests are registered
/// in the histories' order, so the k-th history of a law and year is the request numbered k; a
/// rerun after a kill skips the events each stored request already has and goes on from there.
/// Returns how many requests were registered or completed by this run.
async fn load_requests(store: &Store, args: &DemoArgs) -> anyhow::Result<usize> {
    let user = UserId::parse(RIGHTS_LOADER)?;
    if store.principal(&user).await?.is_none() {
        let new = NewUser {
            user: user.clone(),
            display_name: "Synthetic casework loader".into(),
            roles: vec![Role::InformationRightsOfficer],
            units: vec![UnitId::parse("DATA-OFFICE")?],
            clearance: custos_core::marking::Classification::Official,
            password: new_password(),
        };
        store.create_user(&local_administrator(), new).await?;
    }
    let officer = store.principal(&user).await?.context("the casework loader was not created")?;
    let stored = stored_requests(store, &officer).await?;
    let people = demo::generate_chunk(args.people, args.seed, 0).people;
    let scale = args.people as f64 / demo::requests::FULL_SIZE as f64;
    let histories = demo::requests::requests(args.seed, &people, custos_rights::calendar::uk_today(), scale);
    let bar = ProgressBar::new(histories.len() as u64).with_style(
        ProgressStyle::with_template("{spinner} casework [{bar:40}] {human_pos}/{human_len} requests ({eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    let why = Justification::parse("demo: resuming the synthetic casework")?;
    let mut numbered: std::collections::HashMap<(String, i16), u32> = std::collections::HashMap::new();
    let mut loaded = 0;
    for history in &histories {
        let Some(Event::Registered(registration)) = history.first() else { continue };
        let key = (registration.law.as_str().to_uppercase(), registration.received.year());
        let number = numbered.entry(key.clone()).and_modify(|n| *n += 1).or_insert(1);
        let reference = format!("{}/{}/{:06}", key.0, key.1, number);
        let (id, seen) = match stored.get(&reference) {
            Some(id) => (*id, store.read_request(&officer, *id, &why).await?.history.len()),
            None => {
                let file = store.register_request(&officer, history[0].clone()).await?;
                (file.id.parse()?, 1)
            }
        };
        if seen < history.len() {
            loaded += 1;
        }
        for (n, event) in history.iter().enumerate().skip(seen) {
            store.record_request_event(&officer, id, u32::try_from(n)?, event.clone()).await?;
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    start_discovery(store, &officer, &people).await?;
    Ok(loaded)
}

/// How many open subject access requests the demo takes as far as a bundle to review.
const DISCOVERY_STARTED: usize = 3;

/// Takes the newest open subject access requests with a running clock as far as a bundle to
/// review, so that the discovery pages have something to show: the requester found with a match
/// search (the demo's requesters are people of the force), chosen with a reason, and their data
/// assembled. Resumable: a request whose subject is already identified counts as started.
async fn start_discovery(store: &Store, officer: &Principal, people: &[SynthPerson]) -> anyhow::Result<()> {
    use custos_core::text::{Label, Text};
    use custos_rights::discovery::Subject;
    let why = Justification::parse("demo: finding a subject access requester's data")?;
    let page = custos_store::search::Page { offset: 0, limit: custos_store::rights::MAX_LISTED };
    let open = store.list_requests(officer, custos_store::rights::Queue::Open, page).await?;
    let mut started = 0;
    for line in open.iter().filter(|l| l.law != custos_rights::clock::Law::Foi && l.clock == "running") {
        if started == DISCOVERY_STARTED {
            break;
        }
        let id: custos_store::rights::RequestId = line.id.parse()?;
        let file = store.read_request(officer, id, &why).await?;
        if file.request.discovery.subject.is_some() {
            started += 1;
            continue;
        }
        let name = file.request.requester.name.as_str();
        let Some(requester) = people.iter().find(|p| format!("{} {}", p.forenames.join(" "), p.surname) == name) else { continue };
        let EntityBody::Person(probe) = person(requester)? else { continue };
        let found = store.match_person(officer, &probe, &why).await?;
        let Some(best) = found.candidates.first() else { continue };
        let subject = Subject {
            person: best.record.id,
            search: Label::parse(&found.search_id.to_string())?,
            reason: Some(Text::parse("Demo: the most probable candidate; name and date of birth agree with the documents seen")?),
            also: Vec::new(),
        };
        let file = store.record_request_event(officer, id, u32::try_from(file.history.len())?, Event::SubjectIdentified(subject)).await?;
        store.assemble_bundle(officer, id, u32::try_from(file.history.len())?, &why).await?;
        started += 1;
    }
    Ok(())
}

/// Every stored request's id, by reference.
async fn stored_requests(
    store: &Store,
    officer: &Principal,
) -> anyhow::Result<std::collections::HashMap<String, custos_store::rights::RequestId>> {
    let mut out = std::collections::HashMap::new();
    let limit = custos_store::rights::MAX_LISTED;
    loop {
        let page = custos_store::search::Page { offset: out.len(), limit };
        let lines = store.list_requests(officer, custos_store::rights::Queue::All, page).await?;
        let full = lines.len() == limit;
        for line in lines {
            out.insert(line.reference, line.id.parse()?);
        }
        if !full {
            return Ok(out);
        }
    }
}

/// The demo users: one per role, each in a borough command unit (the data office and
/// professional standards roles force-wide in their own units).
const DEMO_USERS: &[(&str, Role, &str)] = &[
    ("DEMO-RESPONSE", Role::ResponseOfficer, "CE-BCU"),
    ("DEMO-CUSTODY", Role::CustodyOfficer, "CE-BCU"),
    ("DEMO-INVESTIGATOR", Role::Investigator, "CE-BCU"),
    ("DEMO-ANALYST", Role::IntelligenceAnalyst, "CE-BCU"),
    ("DEMO-CASE", Role::CasePreparer, "CE-BCU"),
    ("DEMO-RIGHTS", Role::InformationRightsOfficer, "DATA-OFFICE"),
    ("DEMO-RECORDS", Role::RecordsManager, "DATA-OFFICE"),
    ("DEMO-DPO", Role::DataProtectionOfficer, "DATA-OFFICE"),
    ("DEMO-AUDITOR", Role::Auditor, "PROF-STANDARDS"),
    ("DEMO-ADMIN", Role::Administrator, "DATA-OFFICE"),
];

/// Creates (or, on a rerun, resets) the demo users with fresh random passwords, prints them once,
/// and serves until Ctrl-C.
async fn serve(db: &DbArgs, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    let store = db.open().await?;
    let admin = local_administrator();
    let mut lines = Vec::new();
    for (id, role, unit) in DEMO_USERS {
        let user = UserId::parse(id)?;
        let password = new_password();
        if store.principal(&user).await?.is_some() {
            store.reset_password(&admin, &user, &password).await?;
        } else {
            store
                .create_user(
                    &admin,
                    NewUser {
                        user: user.clone(),
                        display_name: format!("Demo {}", role.as_str().replace('_', " ")),
                        roles: vec![*role],
                        units: vec![UnitId::parse(unit)?],
                        clearance: custos_core::marking::Classification::Secret,
                        password: password.clone(),
                    },
                )
                .await?;
        }
        lines.push(format!("  {id:<18} {:<27} {password}", role.as_str()));
    }
    store.integrate_audit().await?;
    let metrics_listen = std::net::SocketAddr::new(listen.ip(), 0);
    let config = crate::cmd::serve::config(&crate::cmd::serve::ServeArgs {
        listen,
        insecure_cookies: listen.ip().is_loopback(),
        metrics_listen,
    })?;
    crate::cmd::serve::serve(store, listen, metrics_listen, config, |address| {
        let _ = out(format_args!("serving on http://{address} (open it in a browser to sign in; API under /api/v1, OpenAPI at /api/openapi.json); Ctrl-C stops"));
        let _ = out("demo users (passwords generated for this run, shown once):");
        for line in &lines {
            let _ = out(line);
        }
    })
    .await
}

fn entity_count(f: &Force) -> usize {
    f.people.len() + f.locations.len() + f.objects.len() + f.events.len() + f.links.len() + demo::records::records(f).len()
}

/// The loader's principal, creating the `demo-loader` user (audited, with a random password nobody
/// is shown: it never signs in) on first use.
async fn loader(store: &Store) -> anyhow::Result<Principal> {
    let user = UserId::parse(LOADER)?;
    if let Some(p) = store.principal(&user).await? {
        return Ok(p);
    }
    let password = new_password();
    let units = demo::units().into_iter().map(UnitId::parse).collect::<Result<Vec<_>, _>>()?;
    store
        .create_user(
            &local_administrator(),
            NewUser {
                user: user.clone(),
                display_name: "Synthetic data loader".into(),
                roles: vec![Role::Investigator],
                units,
                clearance: custos_core::marking::Classification::Official,
                password,
            },
        )
        .await?;
    store.principal(&user).await?.context("the demo loader was not created")
}

/// Writes one chunk in one transaction, unless its last record is already stored (a previous run
/// committed it). Returns whether it wrote. The check is an ordinary authorised, audited read:
/// the loader consults its own record, and a denial (which is what a missing record gives) means
/// "not there yet".
async fn load(store: &Store, loader: &Principal, force: &Force, prelude: &Force) -> anyhow::Result<bool> {
    let entities = convert(force, prelude)?;
    let Some(last) = entities.last() else { return Ok(false) };
    let why = Justification::parse("resuming the synthetic data load")?;
    match store.read_entity(loader, last.id, &why).await {
        Ok(_) => return Ok(false),
        Err(StoreError::Denied) => {}
        Err(e) => return Err(e.into()),
    }
    store.create_entities(loader, &entities, Some("synthetic demonstration data")).await?;
    Ok(true)
}

/// Converts a chunk into store records through the same drafts an import uses, in an order where
/// every link's ends come before it.
fn convert(force: &Force, prelude: &Force) -> anyhow::Result<Vec<NewEntity>> {
    let units = demo::units();
    let unit_of = |i: usize| UnitId::parse(units[i % units.len()]);
    let id_of = |r: Ref| -> anyhow::Result<EntityId> {
        let bytes = force.id(r).or_else(|| prelude.id(r)).with_context(|| format!("dangling reference {r:?}"))?;
        Ok(EntityId::from_bytes(bytes))
    };
    let mut out = Vec::with_capacity(entity_count(force));
    for (i, l) in force.locations.iter().enumerate() {
        out.push(entity(l.id, location(l)?, SecurityMarking::official(unit_of(i)?)));
    }
    for p in &force.people {
        out.push(entity(p.id, person(p)?, SecurityMarking::official(UnitId::parse(p.owning_unit)?)));
    }
    for (i, o) in force.objects.iter().enumerate() {
        out.push(entity(o.id, object(o)?, SecurityMarking::official(unit_of(i)?)));
    }
    for (i, e) in force.events.iter().enumerate() {
        let location = e.location.map(|l| id_of(Ref::Location(l))).transpose()?;
        let mut marking = SecurityMarking::official(unit_of(i)?);
        if e.kind == "intelligence" {
            // Intelligence is OFFICIAL-SENSITIVE: need to know, granted to the owning unit.
            marking.sensitive = true;
            marking.acl = vec![AclEntry::Unit(marking.owning_unit.clone())];
        }
        out.push(entity(e.id, event(e, location)?, marking));
    }
    for (i, l) in force.links.iter().enumerate() {
        out.push(entity(l.id, link(l, id_of(l.from)?, id_of(l.to)?)?, SecurityMarking::official(unit_of(i)?)));
    }
    for r in demo::records::records(force) {
        // Each record belongs to its event's unit, and intelligence stays need-to-know.
        let mut marking = SecurityMarking::official(unit_of(r.event)?);
        if r.sensitive {
            marking.sensitive = true;
            marking.acl = vec![AclEntry::Unit(marking.owning_unit.clone())];
        }
        // Its review runs from the day its event happened: a demo force's older records are
        // due for review as a real force's would be.
        let happened = force.events.get(r.event).map(|e| e.at.as_second().div_euclid(86_400));
        let today = jiff::Timestamp::now().as_second().div_euclid(86_400);
        let recorded_on = happened.and_then(|d| custos_core::days::civil_from_days(d.min(today)));
        out.push(NewEntity { recorded_on, ..entity(r.id, record(&r)?, marking) });
    }
    Ok(out)
}

/// A generated operational record through the API's own parser and rules.
fn record(r: &demo::records::SynthRecord) -> anyhow::Result<EntityBody> {
    let record: Record = serde_json::from_value(r.record.clone())
        .map_err(|e| anyhow::anyhow!("the generator produced an unreadable record: {e}"))?;
    record.check().map_err(|e| refused(record.kind().as_str(), e))?;
    Ok(EntityBody::Record(record))
}

fn entity(id: [u8; 16], body: EntityBody, marking: SecurityMarking) -> NewEntity {
    NewEntity {
        id: EntityId::from_bytes(id),
        body,
        marking,
        recorded_on: None,
    }
}

/// A generated value the domain refused: a generator bug, reported with the field.
fn refused(kind: &str, e: custos_core::draft::FieldErrors) -> anyhow::Error {
    anyhow::anyhow!("the generator produced an invalid {kind}: {e}")
}

fn person(p: &SynthPerson) -> anyhow::Result<EntityBody> {
    let mut names = vec![PersonNameDraft {
        kind: Some("primary".into()),
        forenames: p.forenames.clone(),
        surname: p.surname.clone(),
        from: None,
        to: None,
    }];
    for (forenames, surname, kind) in &p.aliases {
        names.push(PersonNameDraft {
            kind: Some((*kind).into()),
            forenames: forenames.split(' ').filter(|f| !f.is_empty()).map(str::to_owned).collect(),
            surname: surname.clone(),
            from: None,
            to: None,
        });
    }
    let mut identifiers = Vec::new();
    let mut id = |kind: &str, value: &Option<String>, country: Option<&str>| {
        if let Some(value) = value {
            identifiers.push(IdentifierDraft {
                kind: kind.into(),
                value: value.clone(),
                issuing_country: country.map(str::to_owned),
            });
        }
    };
    id("pnc_id", &p.pnc_id, None);
    id("cro_number", &p.cro_number, None);
    id("ni_number", &p.ni_number, None);
    id("driving_licence", &p.driving_licence, None);
    id("passport", &p.passport, p.passport_country);
    id("phone", &p.phone, None);
    id("email", &p.email, None);
    let draft = PersonDraft {
        names,
        dates_of_birth: p.date_of_birth.iter().map(|d| d.to_string()).collect(),
        gender: Some(p.gender.into()),
        self_defined_ethnicity: p.self_defined_ethnicity.map(str::to_owned),
        officer_observed_ethnicity: p.officer_observed_ethnicity.map(str::to_owned),
        identifiers,
        descriptions: Vec::new(),
        warning_markers: p.warning_markers.iter().map(|m| (*m).to_owned()).collect(),
    };
    Ok(EntityBody::Person(draft.try_into().map_err(|e| refused("person", e))?))
}

fn location(l: &SynthLocation) -> anyhow::Result<EntityBody> {
    let draft = LocationDraft {
        address_lines: l.address_lines.clone(),
        town: Some(l.town.clone()),
        postcode: Some(l.postcode.clone()),
        uprn: l.uprn.map(|u| u.to_string()),
        latitude: Some(l.lat.to_string()),
        longitude: Some(l.lon.to_string()),
        premises_type: Some(l.premises_type.into()),
    };
    Ok(EntityBody::Location(draft.try_into().map_err(|e| refused("location", e))?))
}

fn object(o: &SynthObject) -> anyhow::Result<EntityBody> {
    let mut d = ObjectDraft {
        kind: o.kind.name().into(),
        ..ObjectDraft::default()
    };
    match &o.kind {
        ObjectKind::Vehicle { vrm, make, model, colour, .. } => {
            d.vrm = Some(vrm.clone());
            d.make = Some((*make).into());
            d.model = Some((*model).into());
            d.colour = Some((*colour).into());
        }
        ObjectKind::Phone { number, imei, make, model } => {
            d.number = Some(number.clone());
            d.imei = Some(imei.clone());
            d.notes = Some(format!("{make} {model}"));
        }
        ObjectKind::Weapon { category, description } => {
            d.category = Some((*category).into());
            d.description = Some(description.clone());
        }
        ObjectKind::Property { category, description, serial } => {
            d.category = Some((*category).into());
            d.description = Some(description.clone());
            d.serial = serial.clone();
        }
        ObjectKind::Document { document_type, number, issuer } => {
            d.document_type = Some((*document_type).into());
            d.number = Some(number.clone());
            d.issuer = Some((*issuer).into());
        }
    }
    Ok(EntityBody::Object(d.try_into().map_err(|e| refused("object", e))?))
}

fn event(e: &SynthEvent, location: Option<EntityId>) -> anyhow::Result<EntityBody> {
    let draft = EventDraft {
        kind: e.kind.into(),
        at: Some(e.at.to_string()),
        from: None,
        to: None,
        location: location.map(|l| l.to_string()),
        summary: format!("{} ({}): {}", e.category, e.reference, e.summary),
    };
    Ok(EntityBody::Event(draft.try_into().map_err(|err| refused("event", err))?))
}

fn link(l: &SynthLink, from: EntityId, to: EntityId) -> anyhow::Result<EntityBody> {
    let (kind, relation) = match l.kind.split_once(':') {
        Some((kind, relation)) => (kind, Some(relation.to_owned())),
        None => (l.kind, None),
    };
    let draft = LinkDraft {
        from: from.to_string(),
        to: to.to_string(),
        kind: kind.into(),
        relation,
        valid_from: l.valid_from.map(|d| d.to_string()),
        valid_to: l.valid_to.map(|d| d.to_string()),
    };
    Ok(EntityBody::Link(draft.try_into().map_err(|e| refused("link", e))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_record_converts_and_links_resolve() {
        let prelude = demo::prelude(7);
        let mut total = convert(&prelude, &prelude).unwrap().len();
        for chunk in 0..demo::chunk_count(2_500) {
            let force = demo::generate_chunk(2_500, 7, chunk);
            let entities = convert(&force, &prelude).unwrap();
            assert_eq!(entities.len(), entity_count(&force));
            // Every link's ends are earlier in the chunk or in the prelude.
            let known: std::collections::HashSet<EntityId> = entities
                .iter()
                .map(|e| e.id)
                .chain(prelude.locations.iter().map(|l| EntityId::from_bytes(l.id)))
                .collect();
            for e in &entities {
                if let EntityBody::Link(l) = &e.body {
                    assert!(known.contains(&l.from()) && known.contains(&l.to()));
                }
            }
            total += entities.len();
        }
        assert!(total > 2_500 * 4, "{total}");
    }
}
