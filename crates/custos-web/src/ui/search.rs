//! The search page: everything at once (the first tab: people, places, events and every record by
//! their words, with filters, and the warnings about the places found shown above the results),
//! people by name, and objects, locations and events by words and numbers. A search is a
//! consultation of personal data, so the form asks for the justification with the terms, and the
//! store audits both. Results come a page at a time; each links to the record carrying the same
//! justification, so following a hit is recorded under the search's reason.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use custos_core::entity::EntityKind;
use custos_store::entities::Justification;
use custos_store::search::{Page as ResultPage, SearchPage};
use maud::{Markup, html};

use super::auth::Officer;
use super::error::PageError;
use super::form::Fields;
use super::layout::{Page, alert, human, page};
use super::record::{list_item, query_fields};
use crate::AppState;

/// Hits per page.
const PER_PAGE: usize = 25;

/// The tabs: everything (no kind), then the kinds searched by their own keys.
const KINDS: [(Option<EntityKind>, &str); 5] = [
    (None, "Everything"),
    (Some(EntityKind::Person), "People"),
    (Some(EntityKind::Object), "Objects"),
    (Some(EntityKind::Location), "Locations"),
    (Some(EntityKind::Event), "Events"),
];

fn tab_name(kind: Option<EntityKind>) -> &'static str {
    kind.map_or("all", EntityKind::as_str)
}

/// A page of hits, and the warnings about the places among them (everything tab only).
type Found = (Justification, SearchPage, Vec<crate::records::Warning>);

/// `GET /search?kind=…`: the form, and the results when the form was sent.
pub async fn page_handler(State(state): State<AppState>, officer: Officer, RawQuery(raw): RawQuery) -> Result<Response, PageError> {
    let query = query_fields(raw.as_deref());
    let kind = KINDS.iter().map(|(k, _)| *k).find(|k| tab_name(*k) == query.get("kind")).unwrap_or(None);
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
                @if k == kind { a href={ "/search?kind=" (tab_name(k)) } aria-current="page" { (label) } }
                @else { a href={ "/search?kind=" (tab_name(k)) } { (label) } }
            }
        }
        @if let Some(error) = &error { (alert(error)) }
        (search_form(kind, &query))
        @if let Some((why, found, warnings)) = &results {
            @if !warnings.is_empty() {
                section.warnings aria-labelledby="place-warnings" {
                    h2 #place-warnings { "Warnings at these places" }
                    ul { @for w in warnings { li { (human(&w.marker)) ": " (list_item(&w.about, Some(why))) } } }
                }
            }
            (result_list(kind, &query, why, found))
        }
    };
    Ok(Page::ok(page("Search", Some(&officer), body)).into_response())
}

async fn run(state: &AppState, officer: &Officer, kind: Option<EntityKind>, query: &Fields) -> Result<Found, PageError> {
    let why = Justification::parse(query.get("justification"))?;
    let offset = query.get("offset").parse::<usize>().unwrap_or(0);
    let window = ResultPage { offset, limit: PER_PAGE };
    let found = match kind {
        None => {
            let filters = crate::records::parse_filters(
                Some(query.get("type")),
                Some(query.get("from")),
                Some(query.get("to")),
                query.optional("area"),
                query.optional("status"),
            )?;
            let found = state.store.search_everything(&officer.principal, query.get("q"), &filters, window, &why).await?;
            let warnings = crate::records::warnings(state, &officer.principal, &found.hits, &why).await?;
            return Ok((why, found, warnings));
        }
        Some(EntityKind::Person) => {
            let forename = query.optional("forename");
            state.store.search_people(&officer.principal, query.get("surname"), forename.as_deref(), window, &why).await?
        }
        Some(kind) => state.store.search_entities(&officer.principal, kind, query.get("q"), window, &why).await?,
    };
    Ok((why, found, Vec::new()))
}

fn search_form(kind: Option<EntityKind>, query: &Fields) -> Markup {
    let types: Vec<&str> = EntityKind::ALL.iter().filter(|k| **k != EntityKind::Link).map(|k| k.as_str()).collect();
    html! {
        form.search method="get" action="/search" {
            input type="hidden" name="kind" value=(tab_name(kind));
            @if kind.is_none() {
                label for="q" { "Words: a name, an address, a number, what happened" }
                input #q name="q" value=(query.get("q")) required maxlength="200" autocomplete="off";
                details {
                    summary { "Filters" }
                    label for="type" { "Only" }
                    select #type name="type" {
                        option value="" { "—" }
                        @for t in &types { option value=(t) selected[*t == query.get("type")] { (human(t)) } }
                    }
                    label for="from" { "From (day, UTC)" }
                    input #from name="from" type="date" value=(query.get("from"));
                    label for="to" { "To (day, UTC)" }
                    input #to name="to" type="date" value=(query.get("to"));
                    label for="status" { "Status" }
                    input #status name="status" value=(query.get("status")) maxlength="100" autocomplete="off";
                    label for="area" { "Area (owning unit)" }
                    input #area name="area" value=(query.get("area")) maxlength="100" autocomplete="off";
                }
            } @else if kind == Some(EntityKind::Person) {
                label for="surname" { "Surname" }
                input #surname name="surname" value=(query.get("surname")) required maxlength="100" autocomplete="off";
                label for="forename" { "First forename (or its start)" }
                input #forename name="forename" value=(query.get("forename")) maxlength="100" autocomplete="off";
            } @else if let Some(kind) = kind {
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

fn result_list(kind: Option<EntityKind>, query: &Fields, why: &Justification, found: &SearchPage) -> Markup {
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
                @if kind == Some(EntityKind::Person) { p.muted { "Search matches whole surnames (case and accents ignored); check the spelling." } }
            } @else {
                p.muted { "Showing " (first + 1) "–" (first + found.hits.len()) }
                ol.records start=(first + 1) { @for record in &found.hits { li { (list_item(record, Some(why))) } } }
                @if let Some(next) = next { p { a.button href=(next) rel="next" { "Next page" } } }
            }
        }
    }
}
