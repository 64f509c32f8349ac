//! What a custody officer records as the detention goes on: a review (PACE s.40) and the end of
//! the detention (charge, bail, release under investigation or release). Each is a new version of
//! the custody record, checked by the same rules as any other (a review after the release, or a
//! release beyond the limit without an extension, is refused and nothing is stored); a submitted
//! record keeps its earlier times locked, so these only add to it.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityBody;
use custos_core::record::custody_record::Disposal;
use custos_core::record::{CustodyRecord, Record};
use custos_core::version::ChangeKind;
use custos_store::StoreError;
use custos_store::entities::Justification;
use jiff::Timestamp;
use maud::{Markup, html};

use super::auth::Officer;
use super::error::{PageError, see_other};
use super::form::Posted;
use super::layout::{Page, alert, csrf_field, human, page};
use super::record::record_href;
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

/// The forms shown on a custody record's page while the person is held.
pub fn forms(id: custos_core::ids::EntityId, record: &CustodyRecord, version: u32, officer: &Officer, why: &Justification) -> Markup {
    if record.detention.released.is_some() {
        return html! {};
    }
    let hidden = hidden(officer, why, version);
    html! {
        section aria-labelledby="review-form" {
            h2 #review-form { "Record a review" }
            form method="post" action={ "/records/" (id) "/review" } {
                (hidden)
                label for="review_at" { "Review held at (UTC)" }
                input type="datetime-local" #review_at name="at" required;
                button type="submit" { "Record the review" }
            }
        }
        section aria-labelledby="end-form" {
            h2 #end-form { "End the detention" }
            form method="post" action={ "/records/" (id) "/release" } {
                (hidden)
                label for="disposal" { "Outcome" }
                select #disposal name="disposal" required {
                    @for d in Disposal::ALL { option value=(d.as_str()) { (human(d.as_str())) } }
                }
                label for="charged" { "Charged at (UTC, when charged)" }
                input type="datetime-local" #charged name="charged";
                label for="released" { "Released at (UTC)" }
                input type="datetime-local" #released name="released";
                button type="submit" { "Record the outcome" }
            }
        }
    }
}

/// The fields every form that amends a record carries: the CSRF token, the page's
/// justification and the version the officer saw (a lost update is refused).
pub(super) fn hidden(officer: &Officer, why: &Justification, version: u32) -> Markup {
    html! {
        (csrf_field(officer))
        input type="hidden" name="justification" value=(why.as_str());
        input type="hidden" name="expected_version" value=(version);
    }
}

fn instant(field: &str, typed: &str) -> Result<Option<Timestamp>, PageError> {
    if typed.is_empty() {
        return Ok(None);
    }
    let text = if typed.len() == 16 { format!("{typed}:00Z") } else { format!("{typed}Z") };
    text.parse().map(Some).map_err(|_| Problem::field(field, "is not a date and time").into())
}

/// Applies `change` to the custody record `id` as a new version (see [`amend`]).
async fn amend_custody(
    state: &AppState,
    officer: &Officer,
    id: custos_core::ids::EntityId,
    fields: &super::form::Fields,
    change: impl FnOnce(&mut CustodyRecord) -> Result<(), PageError>,
) -> Result<Response, PageError> {
    amend(state, officer, id, fields, |record| match record {
        Record::CustodyRecord(c) => change(c),
        _ => Err(Problem::field("id", "this record is not a custody record").into()),
    })
    .await
}

/// Applies `change` to the operational record `id` as a new version, then shows the record
/// again; a refusal by the record's rules is shown with the record's link, nothing stored.
pub(super) async fn amend(
    state: &AppState,
    officer: &Officer,
    id: custos_core::ids::EntityId,
    fields: &super::form::Fields,
    change: impl FnOnce(&mut Record) -> Result<(), PageError>,
) -> Result<Response, PageError> {
    let why = Justification::parse(fields.get("justification"))?;
    let expected: u32 = fields.get("expected_version").parse().map_err(|_| Problem::field("expected_version", "is missing"))?;
    let current = state.store.read_entity(&officer.principal, id, &why).await?;
    let EntityBody::Record(mut record) = current.body else {
        return Err(Problem::field("id", "this record is not an operational record").into());
    };
    change(&mut record)?;
    let body = EntityBody::Record(record);
    match state.store.change_entity(&officer.principal, id, expected, body, ChangeKind::Edited, None).await {
        Ok(_) => Ok(see_other(&record_href(id, Some(&why)))),
        Err(StoreError::Invalid(errors)) => {
            let body = html! {
                (alert("Nothing was saved."))
                ul { @for e in errors.errors() { li { (e.message) } } }
                p { a href=(record_href(id, Some(&why))) { "Back to the record" } }
            };
            let mut page = Page::ok(page("Not recorded", Some(officer), body));
            page.status = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page.into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /records/{id}/review`.
pub async fn review(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let at = instant("at", fields.get("at"))?.ok_or_else(|| Problem::field("at", "say when the review was held"))?;
    amend_custody(&state, &officer, id, &fields, |record| {
        record.detention.reviews.push(at);
        Ok(())
    })
    .await
}

/// `POST /records/{id}/release`.
pub async fn release(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let disposal: Disposal = fields.get("disposal").parse().map_err(|_| Problem::field("disposal", "choose an outcome"))?;
    let charged = instant("charged", fields.get("charged"))?;
    let released = instant("released", fields.get("released"))?;
    amend_custody(&state, &officer, id, &fields, |record| {
        record.disposal = Some(disposal);
        record.detention.charged = charged.or(record.detention.charged);
        record.detention.released = released;
        Ok(())
    })
    .await
}
