//! Signing in and out, and changing one's password. Sign-in is the one unsafe request without a
//! caller; it is kept safe from login CSRF by requiring a JSON body ([`crate::extract::JsonBody`]),
//! which a cross-site form cannot send. The session (OWASP ASVS 5.0 V7) is a fresh 256-bit token
//! at every sign-in, held server-side (the cookie carries only the token), with the idle and
//! absolute timeouts of `custos_core::sign_in`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_core::ids::UnitId;
use custos_core::role::Role;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::AppState;
use crate::caller::SignedInUser;
use crate::cookies;
use crate::extract::JsonBody;
use crate::problem::Problem;

/// The longest user id accepted at sign-in (user ids are at most 64 characters).
const MAX_USER_CHARS: usize = 64;
/// The longest password accepted: long enough for any passphrase, short enough that hashing an
/// attacker's megabyte is not a way to burn CPU.
const MAX_PASSWORD_CHARS: usize = 1024;

/// `POST /api/v1/session`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    user: String,
    password: String,
}

/// The answer to a sign-in: who, with which roles and units, and the anti-CSRF token to send in
/// `X-CSRF-Token` on every unsafe request of this session.
#[derive(Serialize)]
struct SignedInResponse {
    user: String,
    roles: Vec<Role>,
    units: Vec<UnitId>,
    csrf: String,
}

/// `POST /api/v1/me/password`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
}

fn bounded(field: &str, value: &str, max: usize) -> Result<(), Problem> {
    if value.chars().count() > max {
        return Err(Problem::field(field, format!("must be at most {max} characters")));
    }
    Ok(())
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SignInRequest>,
) -> Result<Response, Problem> {
    bounded("user", &body.user, MAX_USER_CHARS)?;
    bounded("password", &body.password, MAX_PASSWORD_CHARS)?;
    let device = cookies::read(&headers, &cookies::device_name(&state.config));
    let signed = state.store.sign_in(&body.user, &body.password, device.as_deref()).await?;
    // The browser's previous session, if it had one, ends now: one browser, one session.
    if let Some(previous) = cookies::read(&headers, &cookies::session_name(&state.config))
        && let Err(e) = state.store.sign_out(&previous).await
    {
        tracing::warn!(error = %e, "could not end the previous session at sign-in");
    }
    let session_cookie = cookies::session(&state.config, signed.session.expose());
    let device_cookie = cookies::device(&state.config, signed.device.expose());
    let (Some(session_cookie), Some(device_cookie)) = (session_cookie, device_cookie) else {
        return Err(Problem::internal(&"a generated token is not a valid cookie value"));
    };
    let body = SignedInResponse {
        user: signed.principal.user.to_string(),
        roles: signed.principal.roles.clone(),
        units: signed.principal.units.clone(),
        csrf: signed.csrf,
    };
    let mut response = Json(body).into_response();
    response.headers_mut().append(header::SET_COOKIE, session_cookie);
    response.headers_mut().append(header::SET_COOKIE, device_cookie);
    Ok(response)
}

/// `DELETE /api/v1/session`: ends this session and removes its cookie.
pub async fn sign_out(State(state): State<AppState>, user: SignedInUser) -> Result<Response, Problem> {
    state.store.sign_out(&user.session).await?;
    Ok(without_session_cookie(&state, StatusCode::NO_CONTENT.into_response()))
}

/// `POST /api/v1/session/everywhere`: ends every session of the user, this one included.
pub async fn sign_out_everywhere(State(state): State<AppState>, user: SignedInUser) -> Result<Response, Problem> {
    let ended = state.store.sign_out_everywhere(&user.principal).await?;
    Ok(without_session_cookie(&state, Json(json!({ "ended": ended })).into_response()))
}

/// `POST /api/v1/me/password`: changes the password after checking the current one; every other
/// session of the user ends, this one stays.
pub async fn change_password(
    State(state): State<AppState>,
    user: SignedInUser,
    JsonBody(body): JsonBody<PasswordChange>,
) -> Result<StatusCode, Problem> {
    bounded("current", &body.current, MAX_PASSWORD_CHARS)?;
    bounded("new", &body.new, MAX_PASSWORD_CHARS)?;
    state.store.change_password(&user.principal, &body.current, &body.new, Some(&user.session)).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn without_session_cookie(state: &AppState, mut response: Response) -> Response {
    if let Some(clear) = cookies::clear_session(&state.config) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    response
}
