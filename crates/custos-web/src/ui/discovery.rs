//! Subject access discovery pages (`/requests/{id}/discovery`), for information rights officers.
//!
//! 1. Until the subject is identified: the requester's identity as verified (names, date of
//!    birth, identifiers) is searched like search before create, and every candidate is shown
//!    with the comparison and the match explanation; the officer chooses, saying why when there
//!    is more than one (the store refuses an unexplained choice among several).
//! 2. Then the bundle: every record and disclosable audit event about the subject, each item as
//!    the requester would read it, with the automatic redactions of third parties marked (the
//!    officer sees what each hid), a review form per item (disclose, partly, withhold with the
//!    ground and reasons; words to release or to redact as well), assembling again when the data
//!    changed, and the export of the pack as a zip (refused, with the reason, while any item is
//!    unreviewed or would disclose another person's identifiers).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityBody;
use custos_core::person::Person;
use custos_rights::discovery::ItemDecision;
use custos_rights::redact::Segment;
use custos_rights::request::Restriction;
use custos_store::StoreError;
use custos_store::entities::Justification;
use custos_store::matching::MatchResult;
use custos_store::rights::{RequestFile, RequestId};
use custos_store::subject_access::Bundle;
use maud::{Markup, html};
use serde_json::json;

use super::auth::Officer;
use super::compare::{compare, compare_table, percent, why as explain};
use super::error::{PageError, see_other};
use super::form::{Fields, Posted};
use super::layout::{Page, alert, csrf_field, human, page};
use super::record::{ask_justification, carry, justification, query_fields};
use crate::AppState;
use crate::extract::IdParam;
use crate::problem::Problem;

fn href(id: &str, why: &Justification) -> String {
    format!("/requests/{id}/discovery?{}", carry(why))
}

/// `GET /requests/{id}/discovery`: justified, then the identification or the bundle.
pub async fn page_for(State(state): State<AppState>, officer: Officer, IdParam(id): IdParam, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let Some(why) = justification(&query)? else {
        return Ok(ask_justification(&officer, &format!("/requests/{id}/discovery")).into_response());
    };
    Ok(discovery(&state, &officer, RequestId::from(id), &why, None).await?.into_response())
}

async fn discovery(state: &AppState, officer: &Officer, id: RequestId, why: &Justification, error: Option<&str>) -> Result<Page, PageError> {
    let file = state.store.read_request(&officer.principal, id, why).await?;
    let body = if file.request.law == custos_rights::clock::Law::Foi {
        html! {
            (alert("An FOI request is answered from the force's information, not a person's data: there is no subject to find."))
            p { a href={ "/requests/" (file.id) "?" (carry(why)) } { "Back to the request" } }
        }
    } else if file.request.discovery.subject.is_none() {
        identify_form(officer, &file, why, error)
    } else {
        let (file, bundle) = state.store.subject_bundle(&officer.principal, id, why).await?;
        bundle_body(officer, &file, &bundle, why, error)
    };
    let mut page = Page::ok(page(&format!("{}: the subject's data", file.reference), Some(officer), body));
    if error.is_some() {
        page.status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(page)
}

fn identify_form(officer: &Officer, file: &RequestFile, why: &Justification, error: Option<&str>) -> Markup {
    html! {
        @if let Some(message) = error { (alert(message)) }
        p { a href={ "/requests/" (file.id) "?" (carry(why)) } { "Back to the request" } }
        h2 { "Who is the requester?" }
        p { "Enter the identity as verified (" (file.request.requester.name) "). Every person who may be them is shown with why; choose the one who is." }
        form method="post" action={ "/requests/" (file.id) "/discovery/search" } {
            (csrf_field(officer))
            input type="hidden" name="justification" value=(why.as_str());
            label { "Forenames " input name="forenames" required; }
            label { "Surname " input name="surname" required; }
            label { "Date of birth " input type="date" name="dob"; }
            label { "PNC ID, NI number or other identifier (optional) " input name="identifier"; }
            select name="identifier_kind" aria-label="Identifier kind" {
                @for kind in ["pnc_id", "ni_number", "cro_number", "driving_licence", "passport", "phone", "email"] { option value=(kind) { (human(kind)) } }
            }
            button type="submit" { "Find the requester" }
        }
    }
}

/// The posted identity as a person to search for.
fn probe(fields: &Fields) -> Result<Person, String> {
    let identifiers = match fields.optional("identifier") {
        Some(value) => json!([{ "kind": fields.get("identifier_kind"), "value": value }]),
        None => json!([]),
    };
    let draft = json!({
        "names": [{ "kind": "primary", "forenames": fields.get("forenames").split_whitespace().collect::<Vec<_>>(), "surname": fields.get("surname") }],
        "dates_of_birth": fields.optional("dob").into_iter().collect::<Vec<_>>(),
        "identifiers": identifiers,
    });
    let draft: custos_core::draft::PersonDraft = serde_json::from_value(draft).map_err(|e| e.to_string())?;
    Person::try_from(draft).map_err(|e| format!("{e}"))
}

/// `POST /requests/{id}/discovery/search`: the candidates, each with why.
pub async fn search(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let id = RequestId::from(id);
    let person = match probe(&fields) {
        Ok(p) => p,
        Err(e) => return Ok(discovery(&state, &officer, id, &why, Some(&format!("The identity is incomplete: {e}"))).await?.into_response()),
    };
    let file = state.store.read_request(&officer.principal, id, &why).await?;
    let found = state.store.match_person(&officer.principal, &person, &why).await?;
    Ok(Page::ok(page("Which person is the requester?", Some(&officer), candidates(&officer, &file, &why, &person, &found))).into_response())
}

fn candidates(officer: &Officer, file: &RequestFile, why: &Justification, entered: &Person, found: &MatchResult) -> Markup {
    let several = found.candidates.len() > 1;
    html! {
        @if found.candidates.is_empty() {
            p.ok role="status" { "No one you may see matches this identity. Check the details, or answer that no data is held." }
        }
        @if several { p role="status" { (found.candidates.len()) " people may be the requester, most likely first: say why the one you choose is them." } }
        @for (n, c) in found.candidates.iter().enumerate() {
            @if let EntityBody::Person(recorded) = &c.record.body {
                section.candidate aria-labelledby={ "candidate-" (n + 1) } {
                    h2 id={ "candidate-" (n + 1) } { "Candidate " (n + 1) ": " (recorded.primary_name().display_name()) }
                    p.probability { strong { (percent(c.probability)) } " match probability" }
                    (compare_table(&compare(entered, recorded), ["Identity verified", "Recorded"], ["not given", "not recorded"]))
                    p.why { "Why: " (explain(&c.explanation)) "." }
                    form method="post" action={ "/requests/" (file.id) "/events" } {
                        (csrf_field(officer))
                        input type="hidden" name="justification" value=(why.as_str());
                        input type="hidden" name="expected_events" value=(file.history.len());
                        input type="hidden" name="event" value="subject_identified";
                        input type="hidden" name="search" value=(found.search_id.to_string());
                        input type="hidden" name="person" value=(c.record.id.to_string());
                        @if several {
                            fieldset {
                                legend { "Also the requester's, not yet merged (optional)" }
                                @for (m, other) in found.candidates.iter().enumerate() {
                                    @if m != n { label { input type="checkbox" name="also" value=(other.record.id.to_string()); " Candidate " (m + 1) } }
                                }
                            }
                            label { "Why this person " textarea name="reason" required {} }
                        }
                        button.choose type="submit" { "This is the requester" }
                    }
                }
            }
        }
        p { a href=(href(&file.id, why)) { "Search again" } }
    }
}

fn segments(parts: &[Segment]) -> Markup {
    html! {
        @for part in parts {
            @match part {
                Segment::Kept { text } => (text),
                Segment::Redacted { category, text } => {
                    mark.redacted title={ "Redacted (" (human(category.as_str())) "): " (text) } { "[redacted: " (human(category.as_str())) "]" }
                }
            }
        }
    }
}

fn bundle_body(officer: &Officer, file: &RequestFile, bundle: &Bundle, why: &Justification, error: Option<&str>) -> Markup {
    let discovery = &file.request.discovery;
    let redactor = bundle.redactor();
    let stale = discovery.items != bundle.entries();
    let unreviewed = bundle.items.iter().filter(|i| !discovery.reviews.contains_key(&i.key)).count();
    let grounds: Vec<&str> = Restriction::ALL.iter().map(|r| r.as_str()).filter(|g| g.starts_with(if file.request.law.as_str() == "sar" { "sch2" } else { "s45" })).collect();
    let post = |what: &str| format!("/requests/{}/discovery/{what}", file.id);
    html! {
        @if let Some(message) = error { (alert(message)) }
        p { a href={ "/requests/" (file.id) "?" (carry(why)) } { "Back to the request" } }
        @if bundle.unreadable > 0 {
            p.alert role="status" { (bundle.unreadable) " record(s) about the subject are beyond your clearance or need to know: an officer who may read them must disclose the pack." }
        }
        @if discovery.items.is_empty() || stale {
            p.alert role="status" { @if discovery.items.is_empty() { "The bundle has not been assembled yet." } @else { "The subject's data changed since the bundle was assembled: assemble it again and review what changed." } }
        }
        p { (bundle.items.len()) " item(s); " (unreviewed) " not yet reviewed." }
        div.choices {
            form method="post" action=(post("assemble")) {
                (csrf_field(officer))
                input type="hidden" name="justification" value=(why.as_str());
                input type="hidden" name="expected_events" value=(file.history.len());
                button type="submit" { "Assemble the bundle" }
            }
            form method="post" action=(post("pack")) {
                (csrf_field(officer))
                input type="hidden" name="justification" value=(why.as_str());
                input type="hidden" name="expected_events" value=(file.history.len());
                button type="submit" { "Export the disclosure pack" }
            }
        }
        @for item in &bundle.items {
            @let review = discovery.reviews.get(&item.key);
            @let adjustments = review.map(|r| r.adjustments.clone()).unwrap_or_default();
            section.item aria-label=(item.title) {
                h2 { (item.title) }
                p { @match review {
                    Some(r) => { "Reviewed: " (human(r.decision.as_str())) @if let (Some(g), Some(why)) = (r.ground, &r.reason) { " (" (g.as_str()) ": " (why) ")" } },
                    None => strong { "Not reviewed" },
                } }
                dl {
                    @for field in &item.fields {
                        dt { (field.label) }
                        dd { (segments(&redactor.redact(&field.text, &adjustments))) }
                    }
                }
                @if !discovery.items.is_empty() && !stale {
                    details {
                        summary { "Review this item" }
                        form method="post" action=(post("review")) {
                            (csrf_field(officer))
                            input type="hidden" name="justification" value=(why.as_str());
                            input type="hidden" name="expected_events" value=(file.history.len());
                            input type="hidden" name="item" value=(item.key);
                            label { "Decision " select name="decision" { @for d in ItemDecision::ALL { option value=(d.as_str()) { (human(d.as_str())) } } } }
                            label { "Restriction (partly or withheld) " select name="ground" { option value="" { "none" } @for g in &grounds { option value=(g) { (g) } } } }
                            label { "Reasons for the restriction " textarea name="reason" {} }
                            label { input type="checkbox" name="conceal" value="true"; " Withheld without telling the requester: telling them would undermine the restriction (s.45(5))" }
                            label { "Release from redaction (one per line) " textarea name="release" { (adjustments.release.join("\n")) } }
                            label { "Redact as well (one per line) " textarea name="redact" { (adjustments.redact.join("\n")) } }
                            button type="submit" { "Record the review" }
                        }
                    }
                }
            }
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn expected(fields: &Fields) -> Result<u32, PageError> {
    Ok(fields.get("expected_events").parse().map_err(|_| Problem::field("expected_events", "is missing"))?)
}

/// Shows a refusal (or a lost race) on the discovery page; anything else is an error page.
async fn refused(state: &AppState, officer: &Officer, id: RequestId, why: &Justification, e: StoreError) -> Result<Response, PageError> {
    let message = match &e {
        StoreError::Conflict => "Someone else recorded something first: nothing was recorded. Here is the request as it is now.".to_owned(),
        StoreError::Refused(m) => format!("Nothing was recorded: {m}"),
        _ => return Err(e.into()),
    };
    Ok(discovery(state, officer, id, why, Some(&message)).await?.into_response())
}

/// `POST /requests/{id}/discovery/review`: one item's review.
pub async fn review(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let id = RequestId::from(id);
    let event = json!({ "event": "items_reviewed", "reviews": [{
        "item": fields.get("item"), "decision": fields.get("decision"),
        "ground": fields.optional("ground"), "reason": fields.optional("reason"), "conceal": fields.optional("conceal").is_some(),
        "adjustments": { "release": lines(fields.get("release")), "redact": lines(fields.get("redact")) },
    }] });
    let outcome = match serde_json::from_value(event) {
        Ok(event) => state.store.record_request_event(&officer.principal, id, expected(&fields)?, event).await,
        Err(e) => Err(StoreError::Refused(format!("the form is incomplete: {e}"))),
    };
    match outcome {
        Ok(_) => Ok(see_other(&href(&id.to_string(), &why))),
        Err(e) => refused(&state, &officer, id, &why, e).await,
    }
}

/// `POST /requests/{id}/discovery/assemble`.
pub async fn assemble(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let id = RequestId::from(id);
    match state.store.assemble_bundle(&officer.principal, id, expected(&fields)?, &why).await {
        Ok(_) => Ok(see_other(&href(&id.to_string(), &why))),
        Err(e) => refused(&state, &officer, id, &why, e).await,
    }
}

/// `POST /requests/{id}/discovery/pack`: the zip, or the page with the reason it was refused.
pub async fn pack(State(state): State<AppState>, IdParam(id): IdParam, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let why = Justification::parse(fields.get("justification"))?;
    let id = RequestId::from(id);
    match state.store.export_pack(&officer.principal, id, expected(&fields)?, &why).await {
        Ok((_, pack)) => Ok(crate::pack::download(&pack)?),
        Err(e) => refused(&state, &officer, id, &why, e).await,
    }
}
