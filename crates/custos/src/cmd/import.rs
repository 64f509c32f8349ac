//! `custos import records`: loads POLE records from a JSON-lines file, as a named user (authorised and
//! audited like any other creation). Every line is validated first and every error is reported
//! with its line and field; if any line is wrong, nothing is stored. Otherwise all records are
//! created in one transaction.
//!
//! A line is `{"ref": "p1", "kind": "person", "record": {…draft…}}` with optional `"unit"`,
//! `"classification"` and `"sensitive"`. A link's `from`/`to` (and an event's `location`) may name
//! a `ref` from an earlier line or the id of an existing record.
//!
//! An operational record (`"kind": "crime_report"`, `"arrest"`… with the record as the API takes
//! it) may name refs in its reference fields (`event`, `person`, `arrest`, `crime_report`,
//! `defendant`…), and may carry `"recorded_on": "YYYY-MM-DD"`, the day a legacy system first
//! recorded it: its MoPI review runs from then, not from the day of the import.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Subcommand};
use custos_core::draft::{EventDraft, LinkDraft, LocationDraft, ObjectDraft, PersonDraft};
use custos_core::entity::EntityBody;
use custos_core::ids::{EntityId, UnitId, UserId};
use custos_core::marking::{Classification, SecurityMarking};
use custos_store::entities::NewEntity;
use serde::Deserialize;

use crate::cli::{DbArgs, out};

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A legacy system's person export (CSV): streamed, resumable, rejected rows reported.
    Persons(crate::cmd::import_persons::PersonsArgs),
    /// POLE records from a JSON-lines file, as a user; all or nothing, every error reported.
    Records(ImportArgs),
}

pub async fn run(db: &DbArgs, command: ImportCommand) -> anyhow::Result<ExitCode> {
    match command {
        ImportCommand::Persons(args) => crate::cmd::import_persons::run(db, args).await,
        ImportCommand::Records(args) => run_records(db, args).await,
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The JSON-lines file to load.
    pub file: PathBuf,
    /// The user the records are created as (must exist; decides the owning unit by default).
    #[arg(long = "as")]
    pub user: UserId,
    /// Why the records are being collected (kept with each version).
    #[arg(long, default_value = "imported")]
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(rename = "ref")]
    reference: Option<String>,
    kind: String,
    record: serde_json::Value,
    unit: Option<String>,
    classification: Option<String>,
    #[serde(default)]
    sensitive: bool,
    /// An operational record's first recording day in the system it comes from.
    recorded_on: Option<jiff::civil::Date>,
}

/// The fields of operational records that name another entity (`Record::references`), where a
/// line may give a `ref` instead of an id.
const REFERENCE_FIELDS: &[&str] =
    &["event", "events", "person", "reporting_person", "place", "incident", "arrest", "crime_report", "defendant", "subject", "objects", "locations", "object"];

/// Replaces, in the reference fields of `value` (at any depth), each string that is a known ref
/// with its id.
fn resolve_refs(value: &mut serde_json::Value, refs: &HashMap<String, EntityId>, in_reference: bool) {
    match value {
        serde_json::Value::String(s) if in_reference => {
            if let Some(id) = refs.get(s.as_str()) {
                *s = id.to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| resolve_refs(v, refs, in_reference)),
        serde_json::Value::Object(fields) => {
            for (key, v) in fields.iter_mut() {
                resolve_refs(v, refs, REFERENCE_FIELDS.contains(&key.as_str()));
            }
        }
        _ => {}
    }
}

async fn run_records(db: &DbArgs, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let file = std::fs::File::open(&args.file).with_context(|| format!("cannot open {}", args.file.display()))?;
    let store = db.open().await?;
    let principal = store
        .principal(&args.user)
        .await?
        .with_context(|| format!("no such user: {}", args.user))?;
    let default_unit = principal.units.first().cloned();

    let mut refs: HashMap<String, EntityId> = HashMap::new();
    let mut entities = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let n = n + 1;
        let line = line.with_context(|| format!("cannot read line {n}"))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(&line, &refs, default_unit.as_ref()) {
            Ok((reference, entity)) => {
                if let Some(reference) = reference
                    && refs.insert(reference.clone(), entity.id).is_some()
                {
                    errors.push(format!("line {n}: ref: {reference:?} is used twice"));
                }
                entities.push(entity);
            }
            Err(problems) => errors.extend(problems.into_iter().map(|p| format!("line {n}: {p}"))),
        }
    }
    if !errors.is_empty() {
        let mut err = std::io::stderr().lock();
        use std::io::Write;
        writeln!(err, "custos: nothing was imported; {} problem(s):", errors.len())?;
        for e in &errors {
            writeln!(err, "  {e}")?;
        }
        store.close().await;
        return Ok(ExitCode::FAILURE);
    }
    store.create_entities(&principal, &entities, Some(&args.reason)).await?;
    store.integrate_audit().await?;
    store.close().await;
    out(format_args!("imported {} records", entities.len()))?;
    Ok(ExitCode::SUCCESS)
}

/// Parses one line into a new entity, or every problem found in it.
fn parse_line(
    line: &str,
    refs: &HashMap<String, EntityId>,
    default_unit: Option<&UnitId>,
) -> Result<(Option<String>, NewEntity), Vec<String>> {
    let parsed: Line = serde_json::from_str(line).map_err(|e| vec![format!("not a valid record line: {e}")])?;
    let mut problems = Vec::new();
    let resolve = |value: String| -> String {
        match refs.get(&value) {
            Some(id) => id.to_string(),
            None => value,
        }
    };
    let body = match parsed.kind.as_str() {
        "person" => draft::<PersonDraft, _>(parsed.record, |d| d.try_into().map(EntityBody::Person)),
        "object" => draft::<ObjectDraft, _>(parsed.record, |d| d.try_into().map(EntityBody::Object)),
        "location" => draft::<LocationDraft, _>(parsed.record, |d| d.try_into().map(EntityBody::Location)),
        "event" => draft::<EventDraft, _>(parsed.record, |mut d: EventDraft| {
            d.location = d.location.map(resolve);
            d.try_into().map(EntityBody::Event)
        }),
        "link" => draft::<LinkDraft, _>(parsed.record, |mut d: LinkDraft| {
            d.from = resolve(d.from);
            d.to = resolve(d.to);
            d.try_into().map(EntityBody::Link)
        }),
        kind => match kind.parse::<custos_core::entity::EntityKind>() {
            Ok(_) => {
                let mut value = parsed.record;
                resolve_refs(&mut value, refs, false);
                draft::<custos_core::record::Record, _>(serde_json::json!({ kind: value }), |r| r.check().map(|()| EntityBody::Record(r)))
            }
            Err(_) => Err(vec![format!("kind: unknown kind {kind:?} (person, object, location, event, link or an operational record's kind)")]),
        },
    };
    if parsed.recorded_on.is_some() && matches!(body, Ok(ref b) if !matches!(b, EntityBody::Record(_))) {
        problems.push("recorded_on: only an operational record has a first recording day".into());
    }
    let today = custos_core::days::civil_from_days(jiff::Timestamp::now().as_second().div_euclid(86_400));
    if let Some(day) = parsed.recorded_on
        && today.is_some_and(|today| day > today)
    {
        problems.push(format!("recorded_on: {day} is in the future"));
    }
    let body = body.map_err(|p| problems.extend(p)).ok();
    let unit = match parsed.unit.as_deref().map(UnitId::parse) {
        Some(Ok(unit)) => Some(unit),
        Some(Err(e)) => {
            problems.push(format!("unit: {e}"));
            None
        }
        None => default_unit.cloned(),
    };
    if unit.is_none() && problems.is_empty() {
        problems.push("unit: give a unit (the importing user belongs to none)".into());
    }
    let classification = match parsed.classification.as_deref().map(str::parse::<Classification>) {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            problems.push(format!("classification: {e}"));
            Classification::Official
        }
        None => Classification::Official,
    };
    match (body, unit) {
        (Some(body), Some(unit)) if problems.is_empty() => {
            let mut marking = SecurityMarking::official(unit);
            marking.classification = classification;
            marking.sensitive = parsed.sensitive;
            Ok((parsed.reference, NewEntity { recorded_on: parsed.recorded_on, ..NewEntity::new(body, marking) }))
        }
        _ => Err(problems),
    }
}

/// Deserialises a draft and converts it, turning every error into "field: message" lines.
fn draft<D, F>(value: serde_json::Value, convert: F) -> Result<EntityBody, Vec<String>>
where
    D: serde::de::DeserializeOwned,
    F: FnOnce(D) -> Result<EntityBody, custos_core::draft::FieldErrors>,
{
    let d: D = serde_json::from_value(value).map_err(|e| vec![format!("record: {e}")])?;
    convert(d).map_err(|errors| errors.errors().iter().map(|e| format!("{}: {}", e.field, e.message)).collect())
}
