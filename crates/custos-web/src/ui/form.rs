//! HTML form posts: `application/x-www-form-urlencoded` bodies read as ordered name/value pairs
//! (a checkbox group repeats its name), and [`Posted`], a signed-in officer's form whose hidden
//! anti-CSRF field matched their session's token (OWASP CSRF Prevention Cheat Sheet, synchronizer
//! token pattern) before any field is looked at.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header};
use subtle::ConstantTimeEq;

use super::auth::Officer;
use super::error::PageError;
use crate::AppState;
use crate::problem::{Code, Problem};

/// The hidden field that carries the session's anti-CSRF token.
pub const CSRF_FIELD: &str = "csrf";

/// The fields of a posted form, in order.
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, trimmed; `""` when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name` that is not blank.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim()).collect()
    }

    /// The value of `name` when it is not blank.
    pub fn optional(&self, name: &str) -> Option<String> {
        Some(self.get(name)).filter(|v| !v.is_empty()).map(str::to_owned)
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(Problem::new(Code::UnsupportedMediaType).detail("send the form as the page does").into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(Code::PayloadTooLarge)
            } else {
                Problem::new(Code::InvalidInput).detail("the form could not be read")
            }
        })?;
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
            .map(Fields)
            .map_err(|_| Problem::new(Code::InvalidInput).detail("the form could not be read").into())
    }
}

/// A form posted by a signed-in officer, its anti-CSRF token checked.
#[derive(Debug)]
pub struct Posted {
    pub officer: Officer,
    pub fields: Fields,
}

impl FromRequest<AppState> for Posted {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let officer = Officer::from_request_parts(&mut parts, state).await?;
        let fields = Fields::from_request(Request::from_parts(parts, body), state).await?;
        if !tokens_match(fields.get(CSRF_FIELD), &officer.csrf) {
            return Err(Problem::new(Code::CsrfFailed)
                .detail("the form was not sent from this session's page; go back, reload it and try again")
                .into());
        }
        Ok(Self { officer, fields })
    }
}

/// Constant-time comparison of a sent token with the expected one (an empty one never matches).
pub fn tokens_match(sent: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(sent.as_bytes().ct_eq(expected.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_order_and_repeats() {
        let f = Fields(serde_urlencoded::from_str("a=1&m=x&m=&m=y&b=+2+").unwrap());
        assert_eq!(f.get("a"), "1");
        assert_eq!(f.get("b"), "2");
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.all("m"), vec!["x", "y"]);
        assert_eq!(f.optional("b").as_deref(), Some("2"));
        assert_eq!(f.optional("missing"), None);
    }

    #[test]
    fn tokens_must_match_exactly_and_not_be_empty() {
        assert!(tokens_match("abc", "abc"));
        assert!(!tokens_match("abd", "abc"));
        assert!(!tokens_match("", "abc"));
        assert!(!tokens_match("", ""));
    }
}
