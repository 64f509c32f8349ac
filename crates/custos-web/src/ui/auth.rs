//! Signing in and out through pages. [`Officer`] is the pages' authentication extractor: a live
//! browser session, or a redirect to the sign-in page.
//!
//! The sign-in form has no session to bind a token to, so it is protected from login CSRF by a
//! double-submit token: showing the form sets a random token in a `SameSite=Strict` cookie and in
//! a hidden field, and the post must carry both, equal (OWASP CSRF Prevention Cheat Sheet,
//! "double-submit cookie"). Over HTTPS the cookie is `HttpOnly`, `Secure` and `__Host-`, so a
//! sibling subdomain can neither read nor plant it. With `--insecure-cookies` (plain HTTP on
//! loopback only) there is no prefix, and another service on the same host could plant one:
//! that mode is for a single-user machine, as `custos serve` documents. Throttling, lockout and the audit of every
//! attempt are the store's (`Store::sign_in`), exactly as for the JSON API.

use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use custos_authz::Principal;
use custos_store::StoreError;
use maud::html;
use rand::RngExt;

use super::error::{PageError, see_other};
use super::form::{Fields, Posted, tokens_match};
use super::layout::{Page, alert, page};
use crate::AppState;
use crate::cookies;
use crate::problem::Problem;

/// The hidden field of the sign-in form's double-submit token.
const SIGN_IN_FIELD: &str = "sign_in_token";

/// A person signed in with a browser session.
#[derive(Clone)]
pub struct Officer {
    pub principal: Principal,
    /// The session's anti-CSRF token, for the forms of the page.
    pub csrf: String,
    session: String,
}

impl std::fmt::Debug for Officer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Officer").field("principal", &self.principal).finish_non_exhaustive()
    }
}

impl Officer {
    /// The session token (to end or keep this session).
    pub fn session(&self) -> &str {
        &self.session
    }
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let token = cookies::read(&parts.headers, &cookies::session_name(&state.config)).ok_or(PageError::SignIn)?;
        let session = state.store.session(&token).await?.ok_or(PageError::SignIn)?;
        Ok(Self { principal: session.principal, csrf: session.csrf, session: token })
    }
}

/// `GET /sign-in`.
pub async fn sign_in_page(State(state): State<AppState>) -> Response {
    form_with_token(&state, StatusCode::OK, None, "")
}

/// The sign-in form with a fresh double-submit token (cookie and hidden field).
fn form_with_token(state: &AppState, status: StatusCode, error: Option<&str>, user: &str) -> Response {
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    let markup = page(
        "Sign in",
        None,
        html! {
            @if let Some(error) = error { (alert(error)) }
            form method="post" action="/sign-in" {
                input type="hidden" name=(SIGN_IN_FIELD) value=(token);
                label for="user" { "Warrant or pay number" }
                input #user name="user" value=(user) autocomplete="username" required autofocus
                    autocapitalize="none" spellcheck="false" maxlength="64";
                label for="password" { "Password" }
                input #password name="password" type="password" autocomplete="current-password" required maxlength="1024";
                button type="submit" { "Sign in" }
            }
        },
    );
    let mut response = Page { status, markup }.into_response();
    if let Some(cookie) = cookies::sign_in_form(&state.config, &token) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// `POST /sign-in`: on success a new session (fresh token) and the home page; on failure the form
/// again with a message that does not say whether the user id exists.
pub async fn sign_in(State(state): State<AppState>, headers: HeaderMap, fields: Fields) -> Result<Response, PageError> {
    let cookie = cookies::read(&headers, &cookies::sign_in_form_name(&state.config)).unwrap_or_default();
    if !tokens_match(fields.get(SIGN_IN_FIELD), &cookie) {
        return Ok(form_with_token(
            &state,
            StatusCode::FORBIDDEN,
            Some("The sign-in form had expired. Please sign in again."),
            "",
        ));
    }
    let user = fields.get("user");
    let password = fields.0.iter().find(|(k, _)| k == "password").map_or("", |(_, v)| v.as_str());
    if user.chars().count() > 64 || password.chars().count() > 1024 {
        return Ok(form_with_token(&state, StatusCode::BAD_REQUEST, Some("The user id or password is too long."), ""));
    }
    let device = cookies::read(&headers, &cookies::device_name(&state.config));
    let signed = match state.store.sign_in(user, password, device.as_deref()).await {
        Ok(signed) => signed,
        Err(StoreError::SignInFailed) => {
            return Ok(form_with_token(
                &state,
                StatusCode::UNAUTHORIZED,
                Some("The warrant number or password is not right."),
                user,
            ));
        }
        Err(StoreError::Throttled { retry_after }) => {
            let message = format!(
                "Too many failed attempts from this browser or for this account. Wait {} seconds, then try again.",
                retry_after.max(1)
            );
            return Ok(form_with_token(&state, StatusCode::TOO_MANY_REQUESTS, Some(&message), user));
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(previous) = cookies::read(&headers, &cookies::session_name(&state.config))
        && let Err(e) = state.store.sign_out(&previous).await
    {
        tracing::warn!(error = %e, "could not end the previous session at sign-in");
    }
    let session_cookie = cookies::session(&state.config, signed.session.expose());
    let device_cookie = cookies::device(&state.config, signed.device.expose());
    let (Some(session_cookie), Some(device_cookie)) = (session_cookie, device_cookie) else {
        return Err(Problem::internal(&"a generated token is not a valid cookie value").into());
    };
    let mut response = see_other("/");
    response.headers_mut().append(header::SET_COOKIE, session_cookie);
    response.headers_mut().append(header::SET_COOKIE, device_cookie);
    if let Some(clear) = cookies::clear_sign_in_form(&state.config) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    Ok(response)
}

/// `POST /sign-out`: ends this session and goes to the sign-in page.
pub async fn sign_out(State(state): State<AppState>, posted: Posted) -> Result<Response, PageError> {
    state.store.sign_out(&posted.officer.session).await?;
    let mut response = see_other("/sign-in");
    if let Some(clear) = cookies::clear_session(&state.config) {
        response.headers_mut().append(header::SET_COOKIE, clear);
    }
    Ok(response)
}
