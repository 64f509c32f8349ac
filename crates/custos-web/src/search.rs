//! Search over HTTP, a page at a time: people by name (`GET /api/v1/people/search?surname=&
//! forename=&offset=&limit=`) and objects, locations or events by their words and numbers
//! (`GET /api/v1/search?kind=&q=&offset=&limit=`). Each is a justified, audited consultation:
//! the store returns only the hits the caller may read (they alone fill a page) and records the
//! terms in the erasable audit payload; the query string itself is never logged here.
//!
//! Both answer `{hits, next_offset}`; `next_offset` is the `offset` of the next page, or null
//! when there is no more. A `limit` outside 1..=200 or an `offset` past the store's scan bound is
//! `invalid_input`, not silently adjusted.

use axum::Json;
use axum::extract::State;
use custos_core::entity::EntityKind;
use custos_core::person::MAX_NAME_CHARS;
use custos_store::search::{MAX_HITS, MAX_SCAN, Page, SearchPage};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{Justify, QueryParams};
use crate::problem::Problem;
use crate::wire::entity_json;

/// The page size when the request does not give one.
pub const DEFAULT_LIMIT: usize = 50;
/// The longest free-text query accepted.
pub const MAX_QUERY_CHARS: usize = 200;
/// The kinds `GET /api/v1/search` searches.
pub const SEARCHABLE: [EntityKind; 3] = [EntityKind::Object, EntityKind::Location, EntityKind::Event];

/// The query string. `justification` is read by [`Justify`]; it is listed here so that the
/// query can still refuse unknown parameters.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    surname: String,
    forename: Option<String>,
    offset: Option<usize>,
    limit: Option<usize>,
    #[serde(rename = "justification")]
    _justification: Option<String>,
}

/// `GET /api/v1/search`'s query string. `kind` stays text so that a wrong one is named with the
/// kinds that may be searched.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsQuery {
    kind: String,
    q: String,
    offset: Option<usize>,
    limit: Option<usize>,
    #[serde(rename = "justification")]
    _justification: Option<String>,
}

/// The page asked for, checked (negative or non-numeric values were already refused when the
/// query string was read).
pub(crate) fn page(offset: Option<usize>, limit: Option<usize>) -> Result<Page, Problem> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_HITS).contains(&limit) {
        return Err(Problem::field("limit", format!("must be between 1 and {MAX_HITS}")));
    }
    let offset = offset.unwrap_or(0);
    if offset > MAX_SCAN {
        return Err(Problem::field("offset", format!("must be at most {MAX_SCAN}: narrow the search instead")));
    }
    Ok(Page { offset, limit })
}

fn page_json(found: &SearchPage) -> Result<Json<Value>, Problem> {
    let hits = found.hits.iter().map(entity_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "hits": hits, "next_offset": found.next_offset })))
}

pub async fn people(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    QueryParams(query): QueryParams<PeopleQuery>,
) -> Result<Json<Value>, Problem> {
    for (field, value) in [("surname", Some(&query.surname)), ("forename", query.forename.as_ref())] {
        if value.is_some_and(|v| v.chars().count() > MAX_NAME_CHARS) {
            return Err(Problem::field(field, format!("must be at most {MAX_NAME_CHARS} characters")));
        }
    }
    let page = page(query.offset, query.limit)?;
    let forename = query.forename.as_deref().filter(|f| !f.trim().is_empty());
    let found = state.store.search_people(&caller.principal, &query.surname, forename, page, &why).await?;
    page_json(&found)
}

pub async fn records(
    State(state): State<AppState>,
    caller: Caller,
    Justify(why): Justify,
    QueryParams(query): QueryParams<TermsQuery>,
) -> Result<Json<Value>, Problem> {
    let kind = query.kind.parse::<EntityKind>().ok().filter(|k| SEARCHABLE.contains(k)).ok_or_else(|| {
        let hint = if query.kind.trim().eq_ignore_ascii_case("person") { " (people: /api/v1/people/search)" } else { "" };
        Problem::field("kind", format!("must be object, location or event{hint}"))
    })?;
    if query.q.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::field("q", format!("must be at most {MAX_QUERY_CHARS} characters")));
    }
    let page = page(query.offset, query.limit)?;
    let found = state.store.search_entities(&caller.principal, kind, &query.q, page, &why).await?;
    page_json(&found)
}
