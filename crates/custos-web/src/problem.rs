//! Errors as RFC 9457 problem details (`application/problem+json`), each with a stable `code`
//! that clients may branch on. This is the one place where a failure becomes an HTTP response:
//! store errors, extractor rejections and bare error responses from the router and middleware all
//! come out here in the same shape. Internal causes (database, audit) are logged, never sent.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use custos_core::draft::{FieldError, FieldErrors};
use custos_store::StoreError;
use serde::Serialize;

/// The media type of a problem response (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";
/// The prefix of every problem `type` URI; the code follows it.
pub const TYPE_PREFIX: &str = "https://custos.invalid/problems/";

/// The stable problem codes. Renaming one breaks clients: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// The request's body, path or query is not acceptable; `errors` names the fields.
    InvalidInput,
    /// A read or search of personal data without a justification (DPA 2018 s.62).
    JustificationRequired,
    /// No valid session cookie or API token.
    NotSignedIn,
    /// Wrong user id or password (sign-in, password change).
    SignInFailed,
    /// A cookie-authenticated unsafe request without the right `X-CSRF-Token`.
    CsrfFailed,
    /// The policy denied the request, or the record does not exist (deliberately alike).
    Denied,
    /// No such route or resource.
    NotFound,
    /// The route exists but not with this method.
    MethodNotAllowed,
    /// Another writer changed the record first.
    Conflict,
    /// The body is larger than the API accepts.
    PayloadTooLarge,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// A rule refused the change; the detail says which.
    Refused,
    /// Too many failed sign-ins; see `Retry-After`.
    Throttled,
    /// A person create without a match search: run `POST /api/v1/persons/match` first and name
    /// its `search_id` and the `choice` made (DESIGN.md invariant 6, search before create).
    MatchSearchRequired,
    /// Something failed inside; the cause is in the server log.
    Internal,
    /// The database cannot be reached.
    Unavailable,
}

impl Code {
    pub const ALL: [Code; 16] = [
        Self::InvalidInput,
        Self::JustificationRequired,
        Self::NotSignedIn,
        Self::SignInFailed,
        Self::Denied,
        Self::CsrfFailed,
        Self::NotFound,
        Self::MethodNotAllowed,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::UnsupportedMediaType,
        Self::Refused,
        Self::Throttled,
        Self::MatchSearchRequired,
        Self::Internal,
        Self::Unavailable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidInput => "invalid_input",
            Self::JustificationRequired => "justification_required",
            Self::NotSignedIn => "not_signed_in",
            Self::SignInFailed => "sign_in_failed",
            Self::CsrfFailed => "csrf_failed",
            Self::Denied => "denied",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Refused => "refused",
            Self::Throttled => "throttled",
            Self::MatchSearchRequired => "match_search_required",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::InvalidInput | Self::JustificationRequired => StatusCode::BAD_REQUEST,
            Self::NotSignedIn | Self::SignInFailed => StatusCode::UNAUTHORIZED,
            Self::CsrfFailed | Self::Denied => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Refused | Self::MatchSearchRequired => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Throttled => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// A short, fixed summary (RFC 9457 §3.1.3: the same for every occurrence of the type).
    pub fn title(self) -> &'static str {
        match self {
            Self::InvalidInput => "The input is not acceptable",
            Self::JustificationRequired => "A justification is required to consult personal data",
            Self::NotSignedIn => "Not signed in",
            Self::SignInFailed => "The user id or password is not right",
            Self::CsrfFailed => "The request's anti-forgery token is missing or wrong",
            Self::Denied => "Access denied",
            Self::NotFound => "Not found",
            Self::MethodNotAllowed => "Method not allowed",
            Self::Conflict => "The record was changed by someone else; reload it and try again",
            Self::PayloadTooLarge => "The request body is too large",
            Self::UnsupportedMediaType => "The request body must be application/json",
            Self::Refused => "The change was refused",
            Self::Throttled => "Too many failed attempts; wait before trying again",
            Self::MatchSearchRequired => "A person is created only after a match search: run POST /api/v1/persons/match first",
            Self::Internal => "Something went wrong on our side",
            Self::Unavailable => "The service is not available",
        }
    }

    /// The code an error status stands for, for bare error responses made outside the handlers.
    fn for_status(status: StatusCode) -> Self {
        Self::ALL.into_iter().find(|c| c.status() == status).unwrap_or(if status.is_server_error() {
            Self::Internal
        } else {
            Self::InvalidInput
        })
    }
}

/// A problem response. Build one with [`Problem::new`] or from a [`StoreError`].
#[derive(Debug, Clone)]
pub struct Problem {
    pub code: Code,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Wire<'a> {
    r#type: String,
    title: &'static str,
    status: u16,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl Problem {
    pub fn new(code: Code) -> Self {
        Self { code, detail: None, errors: Vec::new(), retry_after: None }
    }

    /// Adds a human-readable explanation. Only for text that is safe to show.
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// An `invalid_input` problem about one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::fields(FieldErrors(vec![FieldError { field: field.into(), message: message.into() }]))
    }

    /// An `invalid_input` problem listing every field error.
    pub fn fields(errors: FieldErrors) -> Self {
        Self { errors: errors.0, ..Self::new(Code::InvalidInput) }
    }

    /// A generic `internal` problem; `cause` goes to the log only.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(Code::Internal)
    }

    /// The problem standing for an error status produced outside the handlers.
    pub fn for_status(status: StatusCode) -> Self {
        Self::new(Code::for_status(status))
    }

    fn body(&self) -> String {
        let wire = Wire {
            r#type: format!("{TYPE_PREFIX}{}", self.code.as_str()),
            title: self.code.title(),
            status: self.code.status().as_u16(),
            code: self.code.as_str(),
            detail: self.detail.as_deref(),
            errors: &self.errors,
        };
        // Serialising plain strings and numbers cannot fail; fall back to a fixed body anyway.
        serde_json::to_string(&wire).unwrap_or_else(|_| format!("{{\"code\":\"{}\"}}", self.code.as_str()))
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Denied => Self::new(Code::Denied),
            StoreError::Invalid(errors) => Self::fields(errors),
            StoreError::Refused(message) => Self::new(Code::Refused).detail(message),
            StoreError::SignInFailed => Self::new(Code::SignInFailed),
            StoreError::Throttled { retry_after } => Self {
                retry_after: Some(retry_after),
                ..Self::new(Code::Throttled).detail(format!("try again in {retry_after} s"))
            },
            StoreError::Conflict => Self::new(Code::Conflict),
            StoreError::Unavailable(_) => {
                tracing::error!(error = %e, "database unavailable");
                Self::new(Code::Unavailable)
            }
            StoreError::Config(_) | StoreError::Schema(_) | StoreError::Audit(_) | StoreError::Database(_) => {
                Self::internal(&e)
            }
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.code.status(), self.body()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// Middleware body: turns any error response that is not already a problem (the router's 404 and
/// 405, the body-limit layer's 413) into one, keeping its status and headers (`Allow`…).
pub async fn ensure_problem<B>(response: axum::http::Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let status = response.status();
    // A problem already, or an error page of the user interface: leave it alone.
    let is_answer = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes() == PROBLEM_JSON.as_bytes() || v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_answer {
        return response.map(Body::new);
    }
    let (mut parts, _) = response.into_parts();
    let problem = Problem::for_status(status);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(problem.body()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_round_trip_through_their_status() {
        for code in Code::ALL {
            assert_eq!(Code::ALL.iter().filter(|c| c.as_str() == code.as_str()).count(), 1, "{code:?}");
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
        assert_eq!(Code::for_status(StatusCode::NOT_FOUND), Code::NotFound);
        assert_eq!(Code::for_status(StatusCode::FORBIDDEN), Code::Denied);
        assert_eq!(Code::for_status(StatusCode::UNAUTHORIZED), Code::NotSignedIn);
        assert_eq!(Code::for_status(StatusCode::PAYLOAD_TOO_LARGE), Code::PayloadTooLarge);
        assert_eq!(Code::for_status(StatusCode::BAD_GATEWAY), Code::Internal);
        assert_eq!(Code::for_status(StatusCode::IM_A_TEAPOT), Code::InvalidInput);
        // Two codes share 422; a bare 422 is the general one.
        assert_eq!(Code::for_status(StatusCode::UNPROCESSABLE_ENTITY), Code::Refused);
    }

    #[test]
    fn internal_causes_are_not_sent() {
        let p = Problem::from(StoreError::Audit("leaf 7 of bundle 3 is corrupt".into()));
        assert_eq!(p.code, Code::Internal);
        assert!(!p.body().contains("leaf"), "{}", p.body());
        let p = Problem::from(StoreError::Config("postgres://secret@host".into()));
        assert!(!p.body().contains("secret"));
    }

    #[test]
    fn the_body_follows_rfc_9457() {
        let body: serde_json::Value =
            serde_json::from_str(&Problem::field("names[0].surname", "must not be empty").body()).unwrap();
        assert_eq!(body["type"], "https://custos.invalid/problems/invalid_input");
        assert_eq!(body["status"], 400);
        assert_eq!(body["code"], "invalid_input");
        assert_eq!(body["errors"][0]["field"], "names[0].surname");
        assert!(body.get("detail").is_none());
    }
}
