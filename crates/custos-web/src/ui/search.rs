//! The search page: people by name, objects, locations and events by words and numbers. A
//! search is a consultation of personal data, so the form asks for the justification with the
//! terms, and the store audits both. Results come a page at a time; each links to the record
//! carrying the same justification, so following a hit is recorded under the search's reason.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityKind;
use custos_store::entities::Justification;
use custos_store::search::{Page as ResultPage, SearchPage};
use maud::{Markup, html};

use super::auth::Officer;
use super::error::PageError;
use super::form::Fields;
use super::layout::{Page, alert, page};
use super::record::{list_item, query_fields};
use crate::AppState;

/// Hits per page.
const PER_PAGE: usize = 25;

/// The kinds the page searches, with their tab labels.
const KINDS: [(EntityKind, &str); 4] = [
    (EntityKind::Person, "People"),
    (EntityKind::Object, "Objects"),
    (EntityKind::Location, "Locations"),
    (EntityKind::Event, "Events"),
];

/// `GET /search?kind=…`: the form, and the results when the form was sent.
pub async fn page_handler(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let kind = KINDS.iter().map(|(k, _)| *k).find(|k| k.as_str() == query.get("kind")).unwrap_or(EntityKind::Person);
    let sent = query.0.iter().any(|(k, _)| k == "justification");
    let mut error = None;
    let mut results = None;
    if sent {
        match run(&state, &officer, kind, &query).await {
            Ok(found) => results = Some(found),
            Err(PageError::Problem(problem)) if problem.code.status().is_client_error() => {
                let mut message = problem.detail.clone().unwrap_or_else(|| problem.code.title().to_owned());
                for e in &problem.errors {
                    message.push_str(&format!(" ({}: {})", e.field, e.message));
                }
                error = Some(message);
            }
            Err(e) => return Err(e),
        }
    }
    let body = html! {
        nav.tabs aria-label="What to search" {
            @for (k, label) in KINDS {
                @if k == kind { a href={ "/search?kind=" (k.as_str()) } aria-current="page" { (label) } }
                @else { a href={ "/search?kind=" (k.as_str()) } { (label) } }
            }
        }
        @if let Some(error) = &error { (alert(error)) }
        (search_form(kind, &query))
        @if let Some((why, found)) = &results { (result_list(kind, &query, why, found)) }
    };
    Ok(Page::ok(page("Search", Some(&officer), body)).into_response())
}

async fn run(
    state: &AppState,
    officer: &Officer,
    kind: EntityKind,
    query: &Fields,
) -> Result<(Justification, SearchPage), PageError> {
    let why = Justification::parse(query.get("justification"))?;
    let offset = query.get("offset").parse::<usize>().unwrap_or(0);
    let window = ResultPage { offset, limit: PER_PAGE };
    let found = if kind == EntityKind::Person {
        let forename = query.optional("forename");
        state.store.search_people(&officer.principal, query.get("surname"), forename.as_deref(), window, &why).await?
    } else {
        state.store.search_entities(&officer.principal, kind, query.get("q"), window, &why).await?
    };
    Ok((why, found))
}

fn search_form(kind: EntityKind, query: &Fields) -> Markup {
    html! {
        form.search method="get" action="/search" {
            input type="hidden" name="kind" value=(kind.as_str());
            @if kind == EntityKind::Person {
                label for="surname" { "Surname" }
                input #surname name="surname" value=(query.get("surname")) required maxlength="100" autocomplete="off";
                label for="forename" { "First forename (or its start)" }
                input #forename name="forename" value=(query.get("forename")) maxlength="100" autocomplete="off";
            } @else {
                label for="q" { (hint(kind)) }
                input #q name="q" value=(query.get("q")) required maxlength="200" autocomplete="off";
            }
            label for="justification" { "Reason for searching (recorded)" }
            input #justification name="justification" value=(query.get("justification")) required minlength="3" maxlength="500";
            button type="submit" { "Search" }
        }
    }
}

fn hint(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Object => "Registration, serial, IMEI or words (make, colour…)",
        EntityKind::Location => "Postcode, UPRN or words of the address",
        EntityKind::Event => "Event type or words of the summary",
        _ => "Words",
    }
}

fn result_list(kind: EntityKind, query: &Fields, why: &Justification, found: &SearchPage) -> Markup {
    let next = found.next_offset.map(|offset| {
        let mut pairs: Vec<(&str, String)> =
            query.0.iter().filter(|(k, _)| k != "offset").map(|(k, v)| (k.as_str(), v.clone())).collect();
        pairs.push(("offset", offset.to_string()));
        format!("/search?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
    });
    let first = query.get("offset").parse::<usize>().unwrap_or(0);
    html! {
        section aria-live="polite" {
            h2 { "Results" }
            @if found.hits.is_empty() {
                p { "Nothing found that you may see." }
                @if kind == EntityKind::Person { p.muted { "Search matches whole surnames (case and accents ignored); check the spelling." } }
            } @else {
                p.muted { "Showing " (first + 1) "–" (first + found.hits.len()) }
                ol.records start=(first + 1) { @for record in &found.hits { li { (list_item(record, Some(why))) } } }
                @if let Some(next) = next { p { a.button href=(next) rel="next" { "Next page" } } }
            }
        }
    }
}
