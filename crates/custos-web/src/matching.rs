//! Search before create over HTTP (DESIGN.md invariant 6).
//!
//! `POST /api/v1/persons/match` takes a person draft (the same shape as a create's `record`) and a
//! justification, and answers `{search_id, truncated, candidates: [{id, probability, record,
//! explanation: [{field, level, weight}]}]}`: the people the caller may read who may be that
//! person, most probable first. `POST /api/v1/persons` then names the search and the choice:
//! `"none_of_these"` creates the person (`201 {id, version, created: true}`), `{"existing": id}`
//! returns that candidate without creating anything (`200 {id, created: false}`). The store checks
//! that the search is the caller's own, fresh and unused, and that an existing choice was shown,
//! refusing otherwise (`422 refused`, nothing written); it audits the search and the choice.
//!
//! `POST /api/v1/people` is the same operation under its older name: there is no way to create a
//! person over HTTP without a match search. A create that names no search or no choice (an older
//! client's `{record}`) is answered `422 match_search_required`, pointing at the match route.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_authz::Principal;
use custos_core::draft::PersonDraft;
use custos_core::entity::EntityBody;
use custos_core::ids::{EntityId, UnitId};
use custos_core::marking::{AclEntry, Classification, SecurityMarking};
use custos_core::person::Person;
use custos_store::matching::{MatchCandidate, MatchChoice, MatchOutcome, MatchSearchId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{JsonBody, Justify};
use crate::problem::{Code, Problem};
use crate::wire::{RecordBody, body_json, explanation_json};

/// What the caller decided after looking at the candidates.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Choice {
    NoneOfThese,
    Existing(String),
}

/// `POST /api/v1/persons` (and `/api/v1/people`): the match search, the choice, and the person as
/// a create takes it. The search and the choice are optional only so that their absence gets its
/// own problem ([`match_search_required`]) rather than a generic missing-field error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateAfterMatch {
    search_id: Option<String>,
    choice: Option<Choice>,
    record: PersonDraft,
    unit: Option<UnitId>,
    classification: Option<Classification>,
    sensitive: Option<bool>,
    acl: Option<Vec<AclEntry>>,
    reason: Option<String>,
}

/// The marking of a new person, by the same rule as `POST /api/v1/people`.
fn marking(principal: &Principal, request: &CreateAfterMatch) -> Result<SecurityMarking, Problem> {
    crate::entities::new_marking(
        principal,
        request.unit.as_ref(),
        request.classification,
        request.sensitive,
        request.acl.as_deref(),
    )
}

fn candidate_json(candidate: &MatchCandidate) -> Result<Value, Problem> {
    Ok(json!({
        "id": candidate.record.id.to_string(),
        "probability": candidate.probability,
        "record": body_json(&candidate.record.body)?,
        "explanation": explanation_json(&candidate.explanation),
    }))
}

/// `POST /api/v1/persons/match`: the candidates for a person about to be recorded.
pub async fn match_person(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    JsonBody(draft): JsonBody<PersonDraft>,
) -> Result<Json<Value>, Problem> {
    let probe = Person::try_from(draft).map_err(Problem::fields)?;
    let found = state.store.match_person(&caller.principal, &probe, &why).await?;
    let candidates = found.candidates.iter().map(candidate_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({
        "search_id": found.search_id.to_string(),
        "truncated": found.truncated,
        "candidates": candidates,
    })))
}

/// The problem of a person create that names no match search (or no choice after one).
pub fn match_search_required() -> Problem {
    Problem::new(Code::MatchSearchRequired).detail(
        "run POST /api/v1/persons/match with the person first, look at the candidates, then send its search_id \
         with choice \"none_of_these\" (to create the person) or {\"existing\": id} (to take a candidate)",
    )
}

/// `POST /api/v1/persons` and `POST /api/v1/people`: create the person after a match search, or
/// take a shown candidate.
pub async fn create_after_match(
    State(state): State<AppState>,
    caller: Caller,
    RecordBody(request): RecordBody<CreateAfterMatch>,
) -> Result<Response, Problem> {
    let (Some(search_id), Some(choice)) = (&request.search_id, &request.choice) else {
        return Err(match_search_required());
    };
    let search_id: MatchSearchId =
        search_id.trim().parse().map_err(|_| Problem::field("search_id", "is not a match search id"))?;
    let choice = match choice {
        Choice::NoneOfThese => MatchChoice::NoneOfThese,
        Choice::Existing(id) => MatchChoice::Existing(
            id.trim().parse::<EntityId>().map_err(|_| Problem::field("choice.existing", "is not a record id"))?,
        ),
    };
    let marking = marking(&caller.principal, &request)?;
    let person = Person::try_from(request.record).map_err(Problem::fields)?;
    let outcome = state
        .store
        .create_person_after_match(
            &caller.principal,
            search_id,
            choice,
            EntityBody::Person(person),
            marking,
            request.reason.as_deref(),
        )
        .await?;
    Ok(match outcome {
        MatchOutcome::Existing(id) => {
            (StatusCode::OK, Json(json!({ "id": id.to_string(), "created": false }))).into_response()
        }
        MatchOutcome::Created(id) => {
            let body = json!({ "id": id.to_string(), "version": 1, "created": true });
            let mut response = (StatusCode::CREATED, Json(body)).into_response();
            if let Ok(location) = HeaderValue::from_str(&format!("/api/v1/entities/{id}")) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
    })
}
