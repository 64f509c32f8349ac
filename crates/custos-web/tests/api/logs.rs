//! What the server logs about requests: the method and the matched route, never a secret or a
//! piece of personal data (passwords, cookies, tokens, justifications, names, record ids).

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::json;
use tracing::instrument::WithSubscriber;

use crate::helpers::*;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

conformance! {
    async fn request_logs_name_the_route_and_nothing_personal(db: TestDb) {
        let app = TestApp::new(db);
        app.user("MP400001", Role::Investigator, "CE-BCU").await;
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(captured.clone())
            .finish();
        let dispatch = tracing::Dispatch::new(subscriber);
        let session = app.sign_in("MP400001").with_subscriber(dispatch.clone()).await;
        let id = app.create_person(&session, person("Zebedee", "Quartermaine")).with_subscriber(dispatch.clone()).await;
        let read = app.send(Call::get(&format!("/api/v1/entities/{id}")).session(&session).justify()).with_subscriber(dispatch.clone()).await;
        assert_eq!(read.status, StatusCode::OK);
        let search = Call::get("/api/v1/people/search?surname=Quartermaine&justification=tracing%20check%20CE%2F7").session(&session);
        assert_eq!(app.send(search).with_subscriber(dispatch.clone()).await.status, StatusCode::OK);
        let failed = Call::post("/api/v1/session").json(json!({ "user": "MP400001", "password": "my secret guess" }));
        assert_eq!(app.send(failed).with_subscriber(dispatch.clone()).await.status, StatusCode::UNAUTHORIZED);

        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains("route=\"/api/v1/entities/{id}\""), "{log}");
        assert!(log.contains("route=\"/api/v1/people/search\""), "{log}");
        assert!(log.contains("method=GET"), "{log}");
        let session_token = session.cookie.split_once('=').unwrap().1;
        let device_token = session.device.split_once('=').unwrap().1;
        for secret in [PASSWORD, "my secret guess", session_token, device_token, session.csrf.as_str(), WHY, "tracing check", "Quartermaine", "Zebedee", id.as_str()] {
            assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
        }
    }
}
