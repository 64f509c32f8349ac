//! Authentication as an extractor: a handler that touches anything protected takes a [`Caller`]
//! (or a [`SignedInUser`]) argument, so it cannot run for an unauthenticated request and cannot
//! forget to check. Who is calling is either a browser session (the session cookie) or a machine
//! client (`Authorization: Bearer cst_…`, an API token whose scopes limit the principal).
//!
//! Cross-site request forgery (OWASP CSRF Prevention Cheat Sheet, "Synchronizer Token Pattern"):
//! a cookie-authenticated request with an unsafe method must echo the session's anti-CSRF token in
//! `X-CSRF-Token`, compared in constant time. A bearer token is never sent by a browser on its own,
//! so bearer requests need no CSRF token.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use custos_authz::Principal;
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::cookies;
use crate::problem::{Code, Problem};

/// The header a cookie-authenticated unsafe request carries its anti-CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    auth: Auth,
}

#[derive(Clone)]
enum Auth {
    /// A browser session; holds the session token (needed to sign that session out).
    Session(String),
    /// An API token (its scopes are in the principal).
    Token,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Session(_) => "Session(<redacted>)",
            Self::Token => "Token",
        })
    }
}

impl Caller {
    /// The session token, when the caller is a browser session.
    pub fn session_token(&self) -> Option<&str> {
        match &self.auth {
            Auth::Session(token) => Some(token),
            Auth::Token => None,
        }
    }
}

fn not_signed_in() -> Problem {
    Problem::new(Code::NotSignedIn)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        // An Authorization header decides on its own: a bad one never falls back to the cookie.
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value.to_str().ok().and_then(bearer).ok_or_else(not_signed_in)?;
            let principal = state.store.api_caller(token).await?.ok_or_else(not_signed_in)?;
            return Ok(Caller { principal, auth: Auth::Token });
        }
        let token = cookies::read(&parts.headers, &cookies::session_name(&state.config)).ok_or_else(not_signed_in)?;
        let session = state.store.session(&token).await?.ok_or_else(not_signed_in)?;
        if !parts.method.is_safe() && !csrf_matches(&parts.headers, &session.csrf) {
            return Err(Problem::new(Code::CsrfFailed));
        }
        Ok(Caller { principal: session.principal, auth: Auth::Session(token) })
    }
}

/// The token of an `Authorization: Bearer <token>` header (the scheme is case-insensitive, RFC
/// 9110 §11.1).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn csrf_matches(headers: &HeaderMap, expected: &str) -> bool {
    headers.get(CSRF_HEADER).is_some_and(|sent| bool::from(sent.as_bytes().ct_eq(expected.as_bytes())))
}

/// A person signed in with a browser session (not an API token). Managing the account — ending
/// sessions, changing the password, issuing tokens — needs one: a token limited to `read` must
/// not be able to mint itself a broader token.
#[derive(Clone)]
pub struct SignedInUser {
    pub principal: Principal,
    /// The session token (never shown by `Debug`).
    pub session: String,
}

impl std::fmt::Debug for SignedInUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedInUser").field("principal", &self.principal).field("session", &"<redacted>").finish()
    }
}

impl FromRequestParts<AppState> for SignedInUser {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let caller = Caller::from_request_parts(parts, state).await?;
        match caller.auth {
            Auth::Session(session) => Ok(SignedInUser { principal: caller.principal, session }),
            Auth::Token => Err(Problem::new(Code::Denied)
                .detail("an API token cannot manage sessions, passwords or tokens; sign in instead")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_parsed_strictly() {
        assert_eq!(bearer("Bearer cst_abc"), Some("cst_abc"));
        assert_eq!(bearer("bearer  cst_abc "), Some("cst_abc"));
        assert_eq!(bearer("Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer("Bearer"), None);
        assert_eq!(bearer("Bearer "), None);
    }

    #[test]
    fn csrf_tokens_must_match_exactly() {
        let mut headers = HeaderMap::new();
        assert!(!csrf_matches(&headers, "abc"));
        headers.insert(CSRF_HEADER, "abc".parse().unwrap());
        assert!(csrf_matches(&headers, "abc"));
        assert!(!csrf_matches(&headers, "abd"));
        assert!(!csrf_matches(&headers, "abcd"));
        assert!(!csrf_matches(&headers, ""));
    }

    #[test]
    fn debug_never_shows_the_session_token() {
        assert_eq!(format!("{:?}", Auth::Session("ses_secret".into())), "Session(<redacted>)");
    }
}
