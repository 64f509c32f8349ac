//! The test harness: the real application over a throw-away database (each test runs on SQLite and
//! on PostgreSQL through `custos_store::conformance!`), requests through `oneshot`, and helpers
//! for users, sessions and the assertions every problem response must pass.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use custos_core::ids::{UnitId, UserId};
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_store::testing::TestDb;
use custos_store::users::{NewUser, local_administrator};
use custos_web::{WebConfig, app};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::Row;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";
pub const WHY: &str = "investigating crime CE/12345/26";

/// The application and its database.
pub struct TestApp {
    pub db: TestDb,
    pub app: Router,
}

impl TestApp {
    pub fn new(db: TestDb) -> Self {
        Self::with_config(db, WebConfig::default())
    }

    pub fn with_config(db: TestDb, config: WebConfig) -> Self {
        let app = app(db.store.clone(), config);
        Self { db, app }
    }

    pub async fn send(&self, call: Call) -> Reply {
        let response = self.app.clone().oneshot(call.build()).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        // Lossy: a zip download is read as text only to look for what it must or must not hold.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        Reply { status, headers, body, text }
    }

    /// Creates a user with one role in one unit.
    pub async fn user(&self, id: &str, role: Role, unit: &str) {
        self.db
            .store
            .create_user(
                &local_administrator(),
                NewUser {
                    user: UserId::parse(id).unwrap(),
                    display_name: format!("Officer {id}"),
                    roles: vec![role],
                    units: vec![UnitId::parse(unit).unwrap()],
                    clearance: Classification::Official,
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
    }

    /// Signs in through the API and returns the browser's cookies and CSRF token.
    pub async fn sign_in(&self, id: &str) -> Session {
        let reply = self.send(Call::post("/api/v1/session").json(json!({ "user": id, "password": PASSWORD }))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let cookie = |prefix: &str| {
            reply
                .set_cookies()
                .into_iter()
                .find(|c| c.starts_with(prefix))
                .and_then(|c| c.split(';').next().map(str::to_owned))
                .unwrap_or_else(|| panic!("no {prefix} cookie"))
        };
        Session {
            cookie: cookie("__Host-custos_session="),
            device: cookie("__Host-custos_device="),
            csrf: reply.body["csrf"].as_str().unwrap().to_owned(),
        }
    }

    /// A user of that role and unit, signed in.
    pub async fn signed_in(&self, id: &str, role: Role, unit: &str) -> Session {
        self.user(id, role, unit).await;
        self.sign_in(id).await
    }

    /// Runs a match search for `record` (search before create, `POST /api/v1/persons/match`).
    pub async fn match_search(&self, session: &Session, record: &Value) -> Reply {
        self.send(Call::post("/api/v1/persons/match").session(session).justify().json(record.clone())).await
    }

    /// The id of a fresh match search for `record`.
    pub async fn search_id(&self, session: &Session, record: &Value) -> String {
        let reply = self.match_search(session, record).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        reply.body["search_id"].as_str().unwrap().to_owned()
    }

    /// Match, then create: runs a match search for `body["record"]`, adds its `search_id` and
    /// the choice `none_of_these` to `body` (a create request: record, marking, reason) and posts
    /// it to `POST /api/v1/people`.
    pub async fn match_then_create(&self, session: &Session, mut body: Value) -> Reply {
        let search_id = self.search_id(session, &body["record"]).await;
        body["search_id"] = json!(search_id);
        body["choice"] = json!("none_of_these");
        self.send(Call::post("/api/v1/people").session(session).json(body)).await
    }

    /// Creates a person through the API (match, then create) and returns the new id.
    pub async fn create_person(&self, session: &Session, record: Value) -> String {
        let reply = self.match_then_create(session, json!({ "record": record })).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.body["id"].as_str().unwrap().to_owned()
    }

    /// `SELECT COUNT(*) FROM table`.
    pub async fn count(&self, table: &str) -> i64 {
        let mut conn = self.db.raw().await;
        let sql = format!("SELECT COUNT(*) FROM {table}");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_one(&mut conn).await.unwrap().get::<i64, _>(0)
    }

    /// The erasable personal payload (justification, reason, terms) an audit event commits to,
    /// read as an auditor.
    pub async fn audit_text(&self, event: &custos_audit::AuditEvent) -> String {
        let auditor = custos_authz::Principal {
            user: UserId::parse("AUDITOR1").unwrap(),
            roles: vec![Role::Auditor],
            units: Vec::new(),
            clearance: Classification::Official,
            scopes: None,
        };
        let commitment = event.payload.expect("the event commits to a payload");
        self.db.store.audit_payload(&auditor, &commitment).await.unwrap().expect("the payload is there")
    }

    /// Every audit event so far, after integrating the pending ones.
    pub async fn audit_events(&self) -> Vec<custos_audit::AuditEvent> {
        self.db.store.integrate_audit().await.unwrap();
        let snapshot = self.db.store.audit_snapshot().await.unwrap();
        snapshot.rows.iter().map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1).collect()
    }
}

/// What a signed-in browser holds.
#[derive(Debug, Clone)]
pub struct Session {
    /// `name=value` of the session cookie.
    pub cookie: String,
    /// `name=value` of the device cookie.
    pub device: String,
    pub csrf: String,
}

/// A request being built.
pub struct Call {
    method: Method,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call {
    pub fn new(method: Method, path: &str) -> Self {
        Self { method, path: path.to_owned(), headers: Vec::new(), body: Vec::new() }
    }

    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    pub fn post(path: &str) -> Self {
        Self::new(Method::POST, path)
    }

    pub fn put(path: &str) -> Self {
        Self::new(Method::PUT, path)
    }

    pub fn delete(path: &str) -> Self {
        Self::new(Method::DELETE, path)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn json(self, value: Value) -> Self {
        self.raw("application/json", value.to_string().into_bytes())
    }

    pub fn raw(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = body;
        self.header("content-type", content_type)
    }

    /// The session cookie and, on unsafe methods, the CSRF token (as the web client sends them).
    pub fn session(self, s: &Session) -> Self {
        let csrf = !matches!(self.method, Method::GET | Method::HEAD);
        let call = self.cookie_only(s);
        if csrf { call.header("x-csrf-token", &s.csrf) } else { call }
    }

    /// The session cookie without the CSRF token (what a forged cross-site request carries).
    pub fn cookie_only(self, s: &Session) -> Self {
        self.header("cookie", &s.cookie)
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn justify(self) -> Self {
        self.header("x-justification", WHY)
    }

    fn build(self) -> Request<Body> {
        let mut builder = Request::builder().method(self.method).uri(self.path);
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        builder.body(Body::from(self.body)).unwrap()
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
    }

    /// Asserts the response is an RFC 9457 problem with this status and code, carrying nothing
    /// from inside the server.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap()),
            Some("application/problem+json"),
            "{}",
            self.text
        );
        assert_eq!(self.body["code"], code, "{}", self.text);
        assert_eq!(self.body["status"], status.as_u16(), "{}", self.text);
        assert_eq!(self.body["type"], format!("https://custos.invalid/problems/{code}"));
        assert!(self.body["title"].as_str().is_some_and(|t| !t.is_empty()));
        let lower = self.text.to_lowercase();
        for leak in [
            "sqlx",
            "sqlite",
            "postgres",
            "select ",
            "insert ",
            "panicked",
            "backtrace",
            "error returned from database",
        ] {
            assert!(!lower.contains(leak), "the problem leaks {leak:?}: {}", self.text);
        }
    }

    pub fn field_errors(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| errors.iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    }
}

/// A valid person record.
pub fn person(forename: &str, surname: &str) -> Value {
    json!({
        "names": [{ "kind": "primary", "forenames": [forename], "surname": surname }],
        "dates_of_birth": ["1980-01-02"],
        "gender": "female",
        "identifiers": [{ "kind": "pnc_id", "value": "2008/0056560Z" }],
    })
}
