//! Operational records over HTTP, beyond the create route each type has (`routes`): opening a
//! custody record from an arrest (`POST /api/v1/arrests/{id}/custody`), so that the custody
//! officer types only what happened at the station; and the one search across everything
//! (`GET /api/v1/search/everything`), with the warnings a dispatcher must see about an address
//! ([`warnings`], which the search page shows too).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_core::custody::{Arrival, Detention};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::UnitId;
use custos_core::link::LinkKind;
use custos_core::marking::{AclEntry, Classification};
use custos_core::object::ObjectKind;
use custos_core::record::custody_record::{PropertyItem, RightGiven, RiskAssessment};
use custos_core::record::{CustodyRecord, Record};
use custos_authz::Principal;
use custos_core::ids::EntityId;
use custos_store::StoreError;
use custos_store::entities::{EntityRecord, Justification};
use custos_store::full_text::Filters;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::entities::new_marking;
use crate::extract::{IdParam, Justify, QueryParams};
use crate::problem::Problem;
use crate::search::{MAX_QUERY_CHARS, page};
use crate::wire::{RecordBody, entity_json};

/// What opening a custody record reads, recorded as the justification of reading the arrest.
pub const OPEN_CUSTODY_JUSTIFICATION: &str = "opening the custody record of this arrest";
/// How many location hits of a search page are checked for warnings (each is a read of the
/// records linked to the place, audited).
pub const WARNED_LOCATIONS: usize = 5;

/// `POST /api/v1/arrests/{id}/custody`: what happened at the station. The person, the arrest
/// time and the incident come from the arrest.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenCustody {
    arrived: Timestamp,
    authorised: Timestamp,
    #[serde(default)]
    rights: Vec<RightGiven>,
    #[serde(default)]
    risk_assessment: Option<RiskAssessment>,
    #[serde(default)]
    property: Vec<PropertyItem>,
    unit: Option<UnitId>,
    classification: Option<Classification>,
    sensitive: Option<bool>,
    acl: Option<Vec<AclEntry>>,
}

/// Opens the custody record of arrest `id` → `201 {id, version, record}`.
pub async fn open_custody(
    State(state): State<AppState>,
    caller: Caller,
    IdParam(id): IdParam,
    RecordBody(request): RecordBody<OpenCustody>,
) -> Result<Response, Problem> {
    let marking = new_marking(
        &caller.principal,
        request.unit.as_ref(),
        request.classification,
        request.sensitive,
        request.acl.as_deref(),
    )?;
    let why = Justification::parse(OPEN_CUSTODY_JUSTIFICATION)?;
    let arrest = state.store.read_entity(&caller.principal, id, &why).await?;
    let EntityBody::Record(Record::Arrest(arrest_body)) = &arrest.body else {
        return Err(Problem::field("id", "this record is not an arrest"));
    };
    let record = Record::CustodyRecord(CustodyRecord {
        person: arrest_body.person,
        arrest: Some(arrest.id),
        incident: arrest_body.incident,
        detention: Detention {
            arrival: Arrival::AfterArrest,
            arrested: arrest_body.arrested_at,
            arrived: request.arrived,
            authorised: request.authorised,
            reviews: Vec::new(),
            extensions: Vec::new(),
            charged: None,
            released: None,
        },
        rights: request.rights,
        risk_assessment: request.risk_assessment,
        property: request.property,
        disposal: None,
    });
    record.check().map_err(Problem::fields)?;
    let body = EntityBody::Record(record);
    let created = state.store.create_entity(&caller.principal, body.clone(), marking, None).await?;
    let shown = crate::wire::body_json(&body)?;
    let mut response =
        (StatusCode::CREATED, Json(json!({ "id": created.to_string(), "version": 1, "record": shown }))).into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/entities/{created}")) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /api/v1/search/everything`'s query string. Dates are whole days (UTC), `to` included.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EverythingQuery {
    q: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    from: Option<String>,
    to: Option<String>,
    area: Option<String>,
    status: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    #[serde(rename = "justification")]
    _justification: Option<String>,
}

fn day(field: &str, text: Option<&str>) -> Result<Option<Date>, Problem> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<Date>().map(Some).map_err(|_| Problem::field(field, "must be a date, YYYY-MM-DD")),
    }
}

fn start_of(date: Date) -> Result<Timestamp, Problem> {
    jiff::tz::TimeZone::UTC.to_timestamp(date.to_datetime(jiff::civil::Time::midnight())).map_err(|_| Problem::field("from", "is out of range"))
}

/// The filters of a query, checked.
fn filters(query: &EverythingQuery) -> Result<Filters, Problem> {
    let text = |v: &Option<String>| v.as_deref().map(str::to_owned);
    parse_filters(query.kind.as_deref(), query.from.as_deref(), query.to.as_deref(), text(&query.area), text(&query.status))
}

/// Search filters from their text (blank is no filter): a type, the first and last day (UTC,
/// both included), an area (owning unit) and a status.
pub(crate) fn parse_filters(
    kind: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    area: Option<String>,
    status: Option<String>,
) -> Result<Filters, Problem> {
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => Some(k.parse::<EntityKind>().ok().filter(|k| *k != EntityKind::Link).ok_or_else(|| {
            let kinds: Vec<&str> = EntityKind::ALL.iter().filter(|k| **k != EntityKind::Link).map(|k| k.as_str()).collect();
            Problem::field("type", format!("must be one of: {}", kinds.join(", ")))
        })?),
    };
    let from = day("from", from)?.map(start_of).transpose()?;
    let to = match day("to", to)? {
        Some(d) => Some(start_of(d.tomorrow().map_err(|_| Problem::field("to", "is out of range"))?)?),
        None => None,
    };
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        return Err(Problem::field("to", "must not be before from"));
    }
    let text = |field: &str, v: Option<String>| -> Result<Option<String>, Problem> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) if v.chars().count() > 100 || v.chars().any(char::is_control) => {
                Err(Problem::field(field, "must be at most 100 characters of plain text"))
            }
            other => Ok(other.map(str::to_owned)),
        }
    };
    Ok(Filters { kind, from, to, area: text("area", area)?, status: text("status", status)? })
}

/// `GET /api/v1/search/everything?q=&type=&from=&to=&area=&status=` → `{hits, next_offset,
/// warnings}`: newest first; `warnings` lists, for the first location hits, the warning
/// markers of the people linked to the place and the weapons recorded there.
pub async fn everything(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    QueryParams(query): QueryParams<EverythingQuery>,
) -> Result<Json<Value>, Problem> {
    if query.q.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::field("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    let filters = filters(&query)?;
    let page = page(query.offset, query.limit)?;
    let found = state.store.search_everything(&caller.principal, &query.q, &filters, page, &why).await?;
    let warnings: Vec<Value> = warnings(&state, &caller.principal, &found.hits, &why)
        .await?
        .iter()
        .map(|w| {
            let kind = if w.about.kind == EntityKind::Person { "person" } else { "object" };
            json!({ "location": w.location.to_string(), "about": w.about.id.to_string(), "kind": kind, "marker": w.marker })
        })
        .collect();
    let hits = found.hits.iter().map(entity_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "hits": hits, "next_offset": found.next_offset, "warnings": warnings })))
}

/// A warning about a place: a person linked to it with a warning marker, or a weapon recorded
/// there.
#[derive(Debug, Clone)]
pub struct Warning {
    pub location: EntityId,
    pub about: EntityRecord,
    pub marker: String,
}

/// The warnings about the first [`WARNED_LOCATIONS`] places among `hits`: each place's links
/// are read (an audited read under the search's justification; only what the caller may read).
pub async fn warnings(
    state: &AppState,
    principal: &Principal,
    hits: &[EntityRecord],
    why: &Justification,
) -> Result<Vec<Warning>, StoreError> {
    let mut out = Vec::new();
    for place in hits.iter().filter(|h| h.kind == EntityKind::Location).take(WARNED_LOCATIONS) {
        for related in state.store.related(principal, place.id, why).await? {
            match (&related.other.body, &related.link.body) {
                (EntityBody::Person(p), _) => {
                    for marker in &p.warning_markers {
                        out.push(Warning { location: place.id, about: related.other.clone(), marker: marker.as_str().to_owned() });
                    }
                }
                (EntityBody::Object(o), EntityBody::Link(l))
                    if matches!(o.kind, ObjectKind::Weapon { .. })
                        && matches!(l.kind(), LinkKind::LocatedAt | LinkKind::FoundOn | LinkKind::InvolvedIn) =>
                {
                    out.push(Warning { location: place.id, about: related.other.clone(), marker: "weapons".into() });
                }
                _ => {}
            }
        }
    }
    Ok(out)
}
