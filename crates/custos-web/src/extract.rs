//! The request extractors the handlers use instead of axum's own, so that every rejection is a
//! problem with a stable code: a JSON body (content type checked, size limited, unknown fields and
//! wrong types named by their path), query strings, path parameters and the justification that
//! every consultation of personal data must carry (DPA 2018 s.62).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use custos_core::ids::EntityId;
use custos_store::entities::Justification;
use serde::de::DeserializeOwned;

use crate::problem::{Code, Problem};

/// The header that carries the justification of a read or search.
pub const JUSTIFICATION_HEADER: &str = "x-justification";
/// The query parameter that may carry it instead (for links a browser follows).
pub const JUSTIFICATION_PARAM: &str = "justification";

/// A JSON request body. The content type must be `application/json` (or `application/*+json`):
/// besides being honest, that is what protects sign-in from login CSRF, because a cross-site
/// HTML form cannot send it.
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        if !is_json(req.headers()) {
            return Err(Problem::new(Code::UnsupportedMediaType));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(Code::PayloadTooLarge)
            } else {
                Problem::new(Code::InvalidInput).detail("the request body could not be read")
            }
        })?;
        parse_json(&bytes).map(JsonBody)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

/// Parses JSON, naming the field of the first type error by its path (`record.names[0]`).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let inner = e.inner();
        if inner.is_data() { data_error(&e.path().to_string(), &inner.to_string()) } else { malformed(inner) }
    })?;
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

fn malformed(e: &serde_json::Error) -> Problem {
    Problem::new(Code::InvalidInput).detail(format!(
        "the body is not valid JSON (line {}, column {})",
        e.line(),
        e.column()
    ))
}

/// The `invalid_input` problem for a serde data error at `path`.
pub(crate) fn data_error(path: &str, message: &str) -> Problem {
    let message = without_position(message);
    Problem::field(field_path(path, &message), message)
}

/// The path of the field an error is about. For a missing or unknown field serde reports the
/// enclosing object's path, and the message names the field: join the two.
fn field_path(path: &str, message: &str) -> String {
    let named = ["missing field `", "unknown field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match (path, named) {
        (".", Some(name)) => name.to_owned(),
        (_, Some(name)) if !path.ends_with(name) => format!("{path}.{name}"),
        _ => path.to_owned(),
    }
}

/// serde_json appends " at line L column C" to data errors; the path says more.
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

/// A query string deserialised into `T` (which should deny unknown fields).
#[derive(Debug)]
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        serde_urlencoded::from_str(parts.uri.query().unwrap_or_default())
            .map(QueryParams)
            .map_err(|e| Problem::new(Code::InvalidInput).detail(format!("the query string is not acceptable: {e}")))
    }
}

/// The `{id}` path parameter as an entity id.
#[derive(Debug, Clone, Copy)]
pub struct IdParam(pub EntityId);

impl<S: Send + Sync> FromRequestParts<S> for IdParam {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::field("id", "is not an entity id"))?;
        raw.parse().map(IdParam).map_err(|_| Problem::field("id", "is not an entity id"))
    }
}

/// The `{name}` path parameter, as text.
#[derive(Debug, Clone)]
pub struct NameParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for NameParam {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Problem::field("name", "is not readable text"))?;
        Ok(NameParam(raw))
    }
}

/// Why personal data is being consulted, from the `X-Justification` header or the
/// `justification` query parameter. Missing or unacceptable: `400 justification_required`.
#[derive(Debug, Clone)]
pub struct Justify(pub Justification);

impl<S: Send + Sync> FromRequestParts<S> for Justify {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let from_header = match parts.headers.get(JUSTIFICATION_HEADER) {
            Some(value) => Some(
                String::from_utf8(value.as_bytes().to_vec())
                    .map_err(|_| required().detail("the justification must be UTF-8 text"))?,
            ),
            None => None,
        };
        let text = match from_header {
            Some(text) => Some(text),
            None => serde_urlencoded::from_str::<Vec<(String, String)>>(parts.uri.query().unwrap_or_default())
                .unwrap_or_default()
                .into_iter()
                .find(|(k, _)| k == JUSTIFICATION_PARAM)
                .map(|(_, v)| v),
        };
        let text = text.filter(|t| !t.trim().is_empty()).ok_or_else(required)?;
        Justification::parse(&text).map(Justify).map_err(|e| required().detail(e.to_string()))
    }
}

fn required() -> Problem {
    Problem::new(Code::JustificationRequired)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        n: u8,
    }

    fn field_error(json: &str) -> (String, String) {
        let p = parse_json::<Sample>(json.as_bytes()).unwrap_err();
        assert_eq!(p.code, Code::InvalidInput);
        let e = p.errors.first().unwrap_or_else(|| panic!("no field error for {json}: {p:?}"));
        (e.field.clone(), e.message.clone())
    }

    #[test]
    fn type_errors_name_the_field_by_path() {
        let (field, message) = field_error(r#"{"name":"a","items":[{"n":1},{"n":"x"}]}"#);
        assert_eq!(field, "items[1].n");
        assert!(message.starts_with("invalid type: string \"x\""), "{message}");
        assert!(!message.contains("line"), "{message}");
        let (field, message) = field_error(r#"{"name":"a","items":[],"extra":1}"#);
        assert_eq!(field, "extra");
        assert!(message.starts_with("unknown field `extra`"), "{message}");
        let (field, message) = field_error(r#"{"items":[]}"#);
        assert_eq!((field.as_str(), message.as_str()), ("name", "missing field `name`"));
        let (field, _) = field_error(r#"{"name":"a","items":[{"m":1}]}"#);
        assert_eq!(field, "items[0].m");
        let (field, _) = field_error(r#""a string""#);
        assert_eq!(field, ".");
    }

    #[test]
    fn malformed_json_and_trailing_text_are_refused_without_field_errors() {
        for json in [r#"{"name":"a","#, "", "not json", r#"{"name":"a","items":[]} trailing"#] {
            let p = parse_json::<Sample>(json.as_bytes()).unwrap_err();
            assert_eq!(p.code, Code::InvalidInput, "{json}");
            assert!(
                p.errors.is_empty() && p.detail.as_deref().unwrap_or("").contains("not valid JSON"),
                "{json}: {p:?}"
            );
        }
        assert!(parse_json::<Sample>(br#"{"name":"a","items":[{"n":3}]}"#).is_ok());
    }

    #[test]
    fn json_content_types() {
        for (value, ok) in [
            ("application/json", true),
            ("application/json; charset=utf-8", true),
            ("Application/JSON", true),
            ("application/problem+json", true),
            ("text/plain", false),
            ("application/x-www-form-urlencoded", false),
            ("multipart/form-data; boundary=x", false),
            ("text/json", false),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().unwrap());
            assert_eq!(is_json(&headers), ok, "{value}");
        }
        assert!(!is_json(&HeaderMap::new()));
    }
}
