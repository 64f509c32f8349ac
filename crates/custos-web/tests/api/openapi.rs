//! The OpenAPI document matches the router: every documented operation is served (not 404/405),
//! every secured one refuses an anonymous caller, every route is documented, every `$ref`
//! resolves; and requests outside the routes get problems too.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode, header};
use custos_store::conformance;
use custos_web::routes::ROUTES;
use serde_json::{Value, json};

use crate::helpers::*;

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

conformance! {
    async fn the_document_lists_exactly_the_served_routes(db: TestDb) {
        let app = TestApp::new(db);
        let reply = app.send(Call::get("/api/openapi.json")).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.headers[header::CONTENT_TYPE], "application/json");
        let doc = reply.body;
        assert_eq!(doc["openapi"], "3.1.0");
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                documented.insert((method.to_uppercase(), path.clone()));
                let concrete = path.replace("{id}", "00000000-0000-0000-0000-000000000000").replace("{name}", "feed");
                let method: Method = method.to_uppercase().parse().unwrap();
                let mut call = Call::new(method.clone(), &concrete);
                if method == Method::POST || method == Method::PUT {
                    call = call.json(json!({}));
                }
                let reply = app.send(call).await;
                assert!(
                    reply.status != StatusCode::NOT_FOUND && reply.status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but not served: {}",
                    reply.status
                );
                let secured = operation["security"].as_array().is_some_and(|s| !s.is_empty());
                if secured {
                    reply.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
                    assert!(operation["responses"]["401"].is_object(), "{method} {path} documents its 401");
                } else {
                    assert_ne!(reply.status, StatusCode::UNAUTHORIZED, "{method} {path}");
                }
                assert!(operation["responses"]["500"].is_object(), "{method} {path}");
                assert!(operation["operationId"].is_string());
            }
        }
        let served: BTreeSet<(String, String)> = ROUTES.iter().map(|r| (r.verb.method().to_string(), r.path.to_owned())).collect();
        assert_eq!(documented, served, "every served route is documented and nothing else");
        assert_eq!(served.len(), ROUTES.len());
        // Every reference resolves.
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected ref {r}"));
            assert!(doc["components"]["schemas"][name].is_object(), "{r} does not resolve");
        }
        // The operation ids are unique.
        let ids: Vec<&str> = doc["paths"].as_object().unwrap().values().flat_map(|i| i.as_object().unwrap().values()).map(|o| o["operationId"].as_str().unwrap()).collect();
        assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());
        // The draft schemas are derived from the drafts.
        assert!(doc["components"]["schemas"]["PersonDraft"]["properties"]["identifiers"]["items"]["$ref"].is_string());
        assert!(doc["components"]["schemas"]["LinkDraft"]["properties"]["valid_from"].is_object());
    }

    async fn requests_outside_the_routes_get_problems(db: TestDb) {
        let app = TestApp::new(db);
        app.send(Call::get("/api/v1/nothing-here")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
        app.send(Call::get("/no-such-page")).await.assert_problem(StatusCode::NOT_FOUND, "not_found");
        let reply = app.send(Call::new(Method::PATCH, "/api/v1/people").json(json!({}))).await;
        reply.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        assert!(reply.headers.contains_key(header::ALLOW));
        let reply = app.send(Call::delete("/api/v1/people")).await;
        reply.assert_problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    }

    async fn health_and_readiness(db: TestDb) {
        let app = TestApp::new(db);
        let reply = app.send(Call::get("/healthz")).await;
        assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!({ "status": "ok" })));
        let reply = app.send(Call::get("/readyz")).await;
        assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!({ "status": "ready" })));
        // With the database gone, the process is alive but not ready.
        app.db.store.close().await;
        assert_eq!(app.send(Call::get("/healthz")).await.status, StatusCode::OK);
        app.send(Call::get("/readyz")).await.assert_problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
    }
}
