//! Person search by name (`GET /api/v1/people/search?surname=&forename=`): a justified, audited
//! consultation. The store returns only the hits the caller may read, and records the terms in the
//! erasable audit payload; the query string itself is never logged here.

use axum::Json;
use axum::extract::State;
use custos_core::person::MAX_NAME_CHARS;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::Caller;
use crate::extract::{Justify, QueryParams};
use crate::problem::Problem;
use crate::wire::entity_json;

/// The query string. `justification` is read by [`Justify`]; it is listed here so that the
/// query can still refuse unknown parameters.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    surname: String,
    forename: Option<String>,
    #[serde(rename = "justification")]
    _justification: Option<String>,
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
    let forename = query.forename.as_deref().filter(|f| !f.trim().is_empty());
    let hits = state.store.search_people(&caller.principal, &query.surname, forename, &why).await?;
    let hits = hits.iter().map(entity_json).collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "hits": hits })))
}
