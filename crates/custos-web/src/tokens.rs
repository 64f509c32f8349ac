//! API tokens for machine clients: issued by a signed-in person (never by another token), limited
//! to named actions, expiring, revocable. The token is shown once; the store keeps only its hash.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use custos_authz::Action;
use custos_core::draft::{FieldError, FieldErrors};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::caller::SignedInUser;
use crate::extract::{JsonBody, NameParam};
use crate::problem::{Code, Problem};

/// The longest lifetime of a token, in days (the store's limit: a year).
pub const MAX_DAYS: u32 = 366;

/// `POST /api/v1/tokens`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    name: String,
    scopes: Vec<String>,
    days: u32,
}

/// The action a scope name stands for (`read`, `search`, `create`…).
fn scope(name: &str) -> Option<Action> {
    Action::ALL.into_iter().find(|a| a.as_str() == name.trim())
}

fn parse_scopes(names: &[String]) -> Result<Vec<Action>, FieldErrors> {
    let mut actions = Vec::new();
    let mut errors = Vec::new();
    for (i, name) in names.iter().enumerate() {
        match scope(name) {
            Some(action) if !actions.contains(&action) => actions.push(action),
            Some(_) => {}
            None => errors.push(FieldError {
                field: format!("scopes[{i}]"),
                message: format!("{name:?} is not a scope; use one of: {}", Action::ALL.map(Action::as_str).join(", ")),
            }),
        }
    }
    if names.is_empty() {
        errors.push(FieldError { field: "scopes".into(), message: "a token needs at least one scope".into() });
    }
    if errors.is_empty() { Ok(actions) } else { Err(FieldErrors(errors)) }
}

/// `POST /api/v1/tokens` → `201 {token, name, scopes}`.
pub async fn issue(
    State(state): State<AppState>,
    user: SignedInUser,
    JsonBody(body): JsonBody<TokenRequest>,
) -> Result<(StatusCode, Json<Value>), Problem> {
    let scopes = parse_scopes(&body.scopes);
    let mut errors = scopes.as_ref().map_or_else(|e| e.0.clone(), |_| Vec::new());
    if !(1..=MAX_DAYS).contains(&body.days) {
        errors.push(FieldError { field: "days".into(), message: format!("must be between 1 and {MAX_DAYS}") });
    }
    let (Ok(scopes), true) = (scopes, errors.is_empty()) else {
        return Err(Problem::fields(FieldErrors(errors)));
    };
    let lifetime = Duration::from_secs(u64::from(body.days) * 24 * 60 * 60);
    let token = state.store.issue_api_token(&user.principal, &body.name, &scopes, lifetime).await?;
    let body = json!({
        "token": token.expose(),
        "name": body.name.trim(),
        "scopes": scopes.iter().map(|a| a.as_str()).collect::<Vec<_>>(),
    });
    Ok((StatusCode::CREATED, Json(body)))
}

/// `DELETE /api/v1/tokens/{name}` → `204`, or `404` when the user has no live token of that name.
pub async fn revoke(
    State(state): State<AppState>,
    user: SignedInUser,
    NameParam(name): NameParam,
) -> Result<StatusCode, Problem> {
    if state.store.revoke_api_token(&user.principal, &name).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Problem::new(Code::NotFound).detail("you have no live token of that name"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_action_names() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_scopes(&names(&["read", "search", "read"])).unwrap(), [Action::Read, Action::Search]);
        let errors = parse_scopes(&names(&["read", "everything"])).unwrap_err();
        assert_eq!(errors.0.len(), 1);
        assert_eq!(errors.0[0].field, "scopes[1]");
        assert!(errors.0[0].message.contains("read, search, create"));
        assert_eq!(parse_scopes(&[]).unwrap_err().0[0].field, "scopes");
    }
}
