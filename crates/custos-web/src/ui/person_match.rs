//! Search before create in the pages (DESIGN.md invariant 6). Posting the new-person form does
//! not create anyone: once the draft is valid, the store's match search runs and this page shows
//! the person as entered beside each candidate (field by field, differences flagged in words as
//! well as colour), with the candidate's match probability and why. The officer then chooses:
//! "This is the person" opens that record and creates nothing; "None of these" creates the
//! person; "Change details" goes back to the form with everything kept. Either choice goes
//! through `Store::create_person_after_match` with the search's id, so the store checks the search
//! is the officer's own, fresh and unused, and audits the candidates shown and the choice made.
//!
//! The draft travels in hidden fields under the form's own names, so the final post is read by
//! the same `draft_from` and validated again (a hidden field can be edited like any other).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::person::Person;
use custos_store::StoreError;
use custos_store::entities::Justification;
use custos_store::matching::{MatchCandidate, MatchChoice, MatchOutcome, MatchResult, MatchSearchId};
use maud::{Markup, html};

use super::auth::Officer;
use super::compare::{compare, compare_table, percent, why};
use super::error::{PageError, see_other};
use super::form::{CSRF_FIELD, Fields, Posted};
use super::layout::{Page, csrf_field, page};
use super::person_form::{FormKind, draft_from, form_page, refused};
use super::record::record_href;
use super::widgets::marking;
use crate::AppState;
use crate::problem::{Code, Problem};

/// Where the candidates page posts the choice.
pub const CHOOSE_PATH: &str = "/people/new/choose";
/// The justification of the match search: its purpose is the create the officer is making.
const MATCH_WHY: &str = "checking whether the person I am recording is already known (search before create)";
/// The justification of opening the record chosen instead of creating a duplicate.
const CHOSEN_WHY: &str = "opening the existing record I chose instead of recording a duplicate";
/// The justification of showing the record just created.
const CREATED_WHY: &str = "viewing the record I have just created";
/// The choice that creates the person.
const NONE_OF_THESE: &str = "none_of_these";
/// The choice that goes back to the form.
const CHANGE: &str = "change";
/// The prefix of a candidate's choice (`existing:<id>`).
const EXISTING: &str = "existing:";

/// Runs the match search for a valid draft and shows the candidates page.
pub async fn candidates(state: &AppState, officer: &Officer, fields: &Fields, person: &Person) -> Result<Response, PageError> {
    let why = Justification::parse(MATCH_WHY)?;
    let found = state.store.match_person(&officer.principal, person, &why).await?;
    Ok(candidates_page(officer, fields, person, &found).into_response())
}

/// `POST /people/new/choose`: the officer's choice on the candidates page.
pub async fn choose(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    let Posted { officer, fields } = posted;
    let choice = fields.get("choice");
    if choice == CHANGE {
        return Ok(form_page(&officer, FormKind::Create, &fields, &Default::default(), None).into_response());
    }
    let (draft, rows) = draft_from(&fields);
    let person = match Person::try_from(draft) {
        Ok(person) => person,
        Err(errors) => return Ok(refused(&officer, FormKind::Create, &fields, errors.0, &rows)),
    };
    let marking = marking(&officer, &fields)?;
    let Ok(search_id) = fields.get("search_id").parse::<MatchSearchId>() else {
        return Err(search_required("this form names no match search").into());
    };
    let choice = if choice == NONE_OF_THESE {
        MatchChoice::NoneOfThese
    } else if let Some(id) = choice.strip_prefix(EXISTING).and_then(|id| id.parse::<EntityId>().ok()) {
        MatchChoice::Existing(id)
    } else {
        return Err(Problem::field("choice", "choose one of the candidates, or none of these").into());
    };
    let result = state
        .store
        .create_person_after_match(&officer.principal, search_id, choice, EntityBody::Person(person), marking, None)
        .await;
    match result {
        Ok(MatchOutcome::Created(id)) => Ok(see_other(&record_href(id, Some(&Justification::parse(CREATED_WHY)?)))),
        Ok(MatchOutcome::Existing(id)) => Ok(see_other(&record_href(id, Some(&Justification::parse(CHOSEN_WHY)?)))),
        Err(StoreError::Invalid(errors)) => Ok(refused(&officer, FormKind::Create, &fields, errors.0, &rows)),
        // A forged, foreign, stale or used search, or a choice the search did not show.
        Err(StoreError::Refused(message)) => Err(search_required(&message).into()),
        Err(e) => Err(e.into()),
    }
}

/// The page error of a choice without a usable match search.
fn search_required(detail: &str) -> Problem {
    Problem::new(Code::MatchSearchRequired)
        .detail(format!("{detail}. Nobody was created: start again from the New person form."))
}

/// The posted fields that carry the draft and its marking to the next post (not the token, which
/// the page adds afresh, nor the candidates page's own fields).
fn carried(fields: &Fields) -> impl Iterator<Item = &(String, String)> {
    fields.0.iter().filter(|(name, value)| {
        ![CSRF_FIELD, "search_id", "choice"].contains(&name.as_str()) && !value.trim().is_empty()
    })
}

fn candidates_page(officer: &Officer, fields: &Fields, entered: &Person, found: &MatchResult) -> Page {
    let count = found.candidates.len();
    let body = html! {
        p { "Before a new person is recorded, check that they are not already known. Compare what you entered with each person below. If one of them is this person, open their record instead of recording them again." }
        @if found.truncated {
            p.alert role="status" { "Many people share these details, so not all of them were compared. If you know of a record, search for it too." }
        }
        form method="post" action=(CHOOSE_PATH) {
            (csrf_field(officer))
            input type="hidden" name="search_id" value=(found.search_id.to_string());
            @for (name, value) in carried(fields) { input type="hidden" name=(name) value=(value); }
            @if count == 0 {
                p.ok role="status" { "No likely matches were found among the people you may see." }
            } @else {
                p role="status" { (count) @if count == 1 { " possible match" } @else { " possible matches, most likely first" } "." }
            }
            @for (i, candidate) in found.candidates.iter().enumerate() { (candidate_section(i + 1, entered, candidate)) }
            div.choices {
                button type="submit" name="choice" value=(NONE_OF_THESE) {
                    @if count == 0 { "Create new person" } @else { "None of these — create new person" }
                }
                button.secondary type="submit" name="choice" value=(CHANGE) { "Change details" }
            }
        }
    };
    Page::ok(page("Is this person already known?", Some(officer), body))
}

fn candidate_section(number: usize, entered: &Person, candidate: &MatchCandidate) -> Markup {
    let EntityBody::Person(recorded) = &candidate.record.body else { return html! {} };
    let heading = format!("candidate-{number}");
    html! {
        section.candidate aria-labelledby=(heading) {
            h2 id=(heading) { "Candidate " (number) ": " (recorded.primary_name().display_name()) }
            p.probability { strong { (percent(candidate.probability)) } " match probability" }
            (compare_table(&compare(entered, recorded), ["You entered", "Recorded"], ["not entered", "not recorded"]))
            p.why { "Why: " (why(&candidate.explanation)) ". Numbers count for (+) or against (−) being the same person." }
            button.choose type="submit" name="choice" value=(format!("{EXISTING}{}", candidate.record.id)) { "This is the person" }
        }
    }
}
