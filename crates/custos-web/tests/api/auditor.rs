//! The audit log over HTTP: auditors page through events, fetch the checkpoint and prove inclusion
//! (the proofs verify against the signed note); others are denied, anonymous callers are not
//! signed in, bad parameters are named; every consultation and denial is itself audited.

use axum::http::StatusCode;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use custos_audit::{AuditEvent, AuditKind, Checkpoint, Hash, sample_event, verify_inclusion};
use custos_core::role::Role;
use custos_store::conformance;
use serde_json::{Value, json};

use crate::helpers::*;

const AUDITOR: &str = "PS000001";

fn hash(value: &Value) -> Hash {
    let bytes = B64.decode(value.as_str().unwrap()).unwrap();
    bytes.try_into().unwrap()
}

/// Writes `n` sample events and integrates everything pending; returns the log's size.
async fn log_of(app: &TestApp, n: u64) -> u64 {
    let events: Vec<AuditEvent> = (0..n).map(sample_event).collect();
    app.db.store.record_events(&events).await.unwrap();
    app.db.store.integrate_audit().await.unwrap();
    app.db.store.latest_checkpoint().await.unwrap().map_or(0, |(_, cp)| cp.size())
}

/// The audit events of `actor` consulting (or being refused) the log's `what`.
fn consultations<'a>(events: &'a [AuditEvent], actor: &str, kind: AuditKind, what: &str) -> Vec<&'a AuditEvent> {
    events
        .iter()
        .filter(|e| e.kind == kind && e.actor == actor && e.objects.iter().any(|o| o.kind == "audit_log" && o.id == what))
        .collect()
}

conformance! {
    async fn auditors_page_through_the_events(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in(AUDITOR, Role::Auditor, "PROF-STANDARDS").await;
        let size = log_of(&app, 300).await;
        assert!(size > 300, "the sample events and the sign-in: {size}");
        let get = |query: &str| app.send(Call::get(&format!("/api/v1/audit/events{query}")).session(&s));
        // Without a limit: the default page of 100 from the start.
        let reply = get("").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["events"].as_array().unwrap().len(), 100);
        assert_eq!(reply.body["next"], 99);
        // Following `next` visits every integrated event once, in order.
        let (mut seen, mut calls, mut query) = (Vec::new(), 1, "?limit=120".to_owned());
        loop {
            let reply = get(&query).await;
            calls += 1;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            for entry in reply.body["events"].as_array().unwrap() {
                assert_eq!(B64.decode(entry["leaf_hash"].as_str().unwrap()).unwrap().len(), 32);
                let event: AuditEvent = serde_json::from_value(entry["event"].clone()).unwrap();
                seen.push((entry["seq"].as_u64().unwrap(), event));
            }
            match reply.body["next"].as_u64() {
                Some(next) => query = format!("?limit=120&after={next}"),
                None => break,
            }
        }
        assert_eq!(seen.len() as u64, size, "pending consultations are not shown");
        assert!(seen.iter().enumerate().all(|(i, (seq, _))| *seq == i as u64));
        let first_sample = seen.iter().position(|(_, e)| *e == sample_event(0)).unwrap();
        assert_eq!(seen[first_sample + 299].1, sample_event(299));
        // The largest page, and an empty one past the end.
        let reply = get("?limit=500").await;
        assert_eq!(reply.body["events"].as_array().unwrap().len() as u64, size.min(500));
        let reply = get(&format!("?after={}", size - 1)).await;
        assert_eq!(reply.body, json!({ "events": [], "next": null }));
        calls += 2;
        // Each consultation is in the log once integrated.
        let events = app.audit_events().await;
        assert_eq!(consultations(&events, AUDITOR, AuditKind::Read, "events").len(), calls);
    }

    async fn event_queries_are_checked(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in(AUDITOR, Role::Auditor, "PROF-STANDARDS").await;
        log_of(&app, 5).await;
        for (query, field) in [
            ("limit=0", "limit"),
            ("limit=501", "limit"),
            ("limit=-1", "limit"),
            ("limit=%2B5", "limit"),
            ("limit=ten", "limit"),
            ("limit=", "limit"),
            ("after=-1", "after"),
            ("after=1.5", "after"),
            ("after=18446744073709551616", "after"),
        ] {
            let reply = app.send(Call::get(&format!("/api/v1/audit/events?{query}")).session(&s)).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
            assert_eq!(reply.field_errors(), [field], "{query}");
        }
        app.send(Call::get("/api/v1/audit/events?from=3").session(&s)).await.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
        // The largest seq is a valid `after`, with nothing after it.
        let reply = app.send(Call::get("/api/v1/audit/events?after=18446744073709551615&limit=500").session(&s)).await;
        assert_eq!(reply.body, json!({ "events": [], "next": null }), "{}", reply.text);
        let events = app.audit_events().await;
        assert_eq!(consultations(&events, AUDITOR, AuditKind::Read, "events").len(), 1, "refused queries never reach the log");
    }

    async fn checkpoints_and_proofs_verify(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in(AUDITOR, Role::Auditor, "PROF-STANDARDS").await;
        let reply = app.send(Call::get("/api/v1/audit/checkpoint").session(&s)).await;
        assert_eq!((reply.status, reply.body.clone()), (StatusCode::OK, json!({ "note": null })), "{}", reply.text);
        app.send(Call::get("/api/v1/audit/proofs/0").session(&s)).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        let size = log_of(&app, 40).await;
        let reply = app.send(Call::get("/api/v1/audit/checkpoint").session(&s)).await;
        let note = reply.body["note"].as_str().unwrap().to_owned();
        let verifier = app.db.store.audit_verifier();
        let checkpoint = Checkpoint::parse(custos_audit::open(&note, std::slice::from_ref(&verifier)).unwrap()).unwrap();
        assert_eq!(checkpoint.size(), size);
        for seq in [0, 17, size - 1] {
            let reply = app.send(Call::get(&format!("/api/v1/audit/proofs/{seq}")).session(&s)).await;
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
            let p = &reply.body;
            assert_eq!((p["seq"].as_u64(), p["tree_size"].as_u64(), p["note"].as_str()), (Some(seq), Some(size), Some(note.as_str())));
            assert_eq!(hash(&p["root"]), *checkpoint.root());
            let leaf = B64.decode(p["leaf"].as_str().unwrap()).unwrap();
            let leaf_hash = hash(&p["leaf_hash"]);
            assert_eq!(custos_audit::leaf_hash(&leaf), leaf_hash);
            let mut proof: Vec<Hash> = p["proof"].as_array().unwrap().iter().map(hash).collect();
            assert!(verify_inclusion(&leaf_hash, seq, size, &proof, checkpoint.root()));
            // The event listing names the same leaf hash.
            let listed = app.send(Call::get(&format!("/api/v1/audit/events?limit=1{}", seq.checked_sub(1).map(|a| format!("&after={a}")).unwrap_or_default())).session(&s)).await;
            assert_eq!(hash(&listed.body["events"][0]["leaf_hash"]), leaf_hash);
            // A tampered proof does not verify.
            proof[0][0] ^= 1;
            assert!(!verify_inclusion(&leaf_hash, seq, size, &proof, checkpoint.root()));
        }
        app.send(Call::get(&format!("/api/v1/audit/proofs/{size}")).session(&s)).await.assert_problem(StatusCode::UNPROCESSABLE_ENTITY, "refused");
        for bad in ["-1", "abc", "1.0", "18446744073709551616"] {
            let reply = app.send(Call::get(&format!("/api/v1/audit/proofs/{bad}")).session(&s)).await;
            reply.assert_problem(StatusCode::BAD_REQUEST, "invalid_input");
            assert_eq!(reply.field_errors(), ["seq"]);
        }
        let events = app.audit_events().await;
        assert_eq!(consultations(&events, AUDITOR, AuditKind::Read, "checkpoint").len(), 2);
        assert_eq!(consultations(&events, AUDITOR, AuditKind::Read, "inclusion/17").len(), 1);
        assert_eq!(consultations(&events, AUDITOR, AuditKind::Read, &format!("inclusion/{size}")).len(), 1, "a refused proof is still a consultation");
    }

    async fn others_are_denied_and_the_denial_is_audited(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in("MP100001", Role::Investigator, "CE-BCU").await;
        log_of(&app, 3).await;
        for path in ["/api/v1/audit/events", "/api/v1/audit/checkpoint", "/api/v1/audit/proofs/1"] {
            app.send(Call::get(path).session(&s)).await.assert_problem(StatusCode::FORBIDDEN, "denied");
        }
        let events = app.audit_events().await;
        for what in ["events", "checkpoint", "inclusion/1"] {
            assert_eq!(consultations(&events, "MP100001", AuditKind::AccessDenied, what).len(), 1, "{what}");
            assert!(consultations(&events, "MP100001", AuditKind::Read, what).is_empty());
        }
    }

    async fn anonymous_callers_are_not_signed_in(db: TestDb) {
        let app = TestApp::new(db);
        log_of(&app, 3).await;
        let before = app.count("audit_pending").await;
        for path in ["/api/v1/audit/events", "/api/v1/audit/events?limit=0", "/api/v1/audit/checkpoint", "/api/v1/audit/proofs/1", "/api/v1/audit/proofs/x"] {
            app.send(Call::get(path)).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
            app.send(Call::get(path).bearer("cst_nonsense")).await.assert_problem(StatusCode::UNAUTHORIZED, "not_signed_in");
        }
        assert_eq!(app.count("audit_pending").await, before);
    }

    async fn api_tokens_need_the_audit_scope(db: TestDb) {
        let app = TestApp::new(db);
        let s = app.signed_in(AUDITOR, Role::Auditor, "PROF-STANDARDS").await;
        log_of(&app, 3).await;
        let mut tokens = Vec::new();
        for (name, scope) in [("audit", "audit"), ("reader", "read")] {
            let reply = app.send(Call::post("/api/v1/tokens").session(&s).json(json!({ "name": name, "scopes": [scope], "days": 1 }))).await;
            assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
            tokens.push(reply.body["token"].as_str().unwrap().to_owned());
        }
        let reply = app.send(Call::get("/api/v1/audit/events?limit=2").bearer(&tokens[0])).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        assert_eq!(reply.body["events"].as_array().unwrap().len(), 2);
        app.send(Call::get("/api/v1/audit/events").bearer(&tokens[1])).await.assert_problem(StatusCode::FORBIDDEN, "denied");
    }
}
