//! FOI and subject access requests in the store, on both backends: registered and worked by
//! information rights officers only, each event checked against the law before it is recorded,
//! the history append-only even to a direct SQL update, every action audited.

use custos_audit::AuditKind;
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_rights::request::Event;
use custos_store::StoreError;
use custos_store::rights::{Queue, RequestId};
use custos_store::search::Page;
use custos_store::testing::TestDb;
use serde_json::{Value, json};

use crate::fixtures::*;
use crate::search::audit_events;
use custos_store::conformance;

fn officer() -> custos_authz::Principal {
    principal("DO000001", &[Role::InformationRightsOfficer], &["DATA-OFFICE"], Classification::Official)
}

fn event(value: Value) -> Event {
    serde_json::from_value(value).unwrap()
}

fn registered(law: &str, received: &str, verified: Option<&str>) -> Event {
    event(json!({
        "event": "registered", "law": law, "channel": "web_form", "received": received, "identity_verified": verified,
        "requester": {"name": "Dawn Holt", "contact": "dawn@example.org", "kind": if law == "foi" { "journalist" } else { "data_subject" }},
        "summary": "Everything you hold about me",
    }))
}

async fn history_rows(db: &TestDb) -> i64 {
    count(&mut db.raw().await, "information_request_event").await
}

conformance! {
    async fn a_request_is_worked_to_its_answer_on_the_statutory_clock(db: TestDb) {
        let who = officer();
        let file = db.store.register_request(&who, registered("foi", "2026-03-02", None)).await.unwrap();
        assert_eq!(file.reference, "FOI/2026/000001");
        let id: RequestId = file.id.parse().unwrap();
        let second = db.store.register_request(&who, registered("foi", "2026-03-03", None)).await.unwrap();
        assert_eq!(second.reference, "FOI/2026/000002");
        let file = db.store.record_request_event(&who, id, 1, event(json!({"event": "task_added", "title": "Search the crime system"}))).await.unwrap();
        assert_eq!(file.history.len(), 2);
        db.store.record_request_event(&who, id, 2, event(json!({"event": "task_done", "task": 1}))).await.unwrap();
        db.store.record_request_event(&who, id, 3, event(json!({"event": "responded", "on": "2026-03-20", "outcome": "granted"}))).await.unwrap();
        let file = db.store.record_request_event(&who, id, 4, event(json!({"event": "closed", "on": "2026-03-20", "outcome": "granted"}))).await.unwrap();
        assert_eq!(file.request.closed.map(|(on, _)| on.to_string()), Some("2026-03-20".into()));

        let read = db.store.read_request(&who, id, &why()).await.unwrap();
        assert_eq!(read.history.len(), 5);
        assert_eq!(read.history.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert!(read.history.iter().all(|r| r.actor == "DO000001"));
        let all = db.store.list_requests(&who, Queue::All, Page::first(10)).await.unwrap();
        assert_eq!(all.len(), 2);
        let answered = all.iter().find(|l| l.reference == "FOI/2026/000001").unwrap();
        assert_eq!((answered.due.map(|d| d.to_string()), answered.on_time), (Some("2026-03-31".into()), Some(true)));
        let open = db.store.list_requests(&who, Queue::Open, Page::first(10)).await.unwrap();
        assert_eq!(open.iter().map(|l| l.reference.as_str()).collect::<Vec<_>>(), ["FOI/2026/000002"]);
        // Received 3 March 2026 and unanswered: long overdue today.
        let overdue = db.store.list_requests(&who, Queue::Overdue, Page::first(10)).await.unwrap();
        assert_eq!(overdue.len(), 1);
        // A subject access request verified a month less two days ago is due within the week.
        let today = custos_rights::calendar::uk_today();
        let start = today.checked_sub(jiff::Span::new().months(1)).unwrap().checked_add(jiff::Span::new().days(2)).unwrap().to_string();
        let soon = db.store.register_request(&who, registered("sar", &start, Some(&start))).await.unwrap();
        let due_soon = db.store.list_requests(&who, Queue::DueSoon, Page::first(10)).await.unwrap();
        assert_eq!(due_soon.iter().map(|l| l.reference.as_str()).collect::<Vec<_>>(), [soon.reference.as_str()]);
        assert!(!db.store.list_requests(&who, Queue::Overdue, Page::first(10)).await.unwrap().iter().any(|l| l.reference == soon.reference));

        let events = audit_events(&db).await;
        let about = |kind: AuditKind| events.iter().filter(|e| e.kind == kind && e.objects.iter().any(|o| o.id == file.id)).count();
        assert_eq!((about(AuditKind::Create), about(AuditKind::Update), about(AuditKind::Read)), (1, 4, 2), "created, four events, read once and listed once (it is no longer open)");
    }

    async fn bad_casework_is_refused_and_nothing_is_recorded(db: TestDb) {
        let who = officer();
        // Received in the future.
        let err = db.store.register_request(&who, registered("foi", "2099-01-05", None)).await.unwrap_err();
        assert!(err.to_string().contains("cannot be in the future"), "{err}");
        assert_eq!(count(&mut db.raw().await, "information_request").await, 0);

        let sar = db.store.register_request(&who, registered("sar", "2024-09-03", Some("2024-09-03"))).await.unwrap();
        let id: RequestId = sar.id.parse().unwrap();
        let rows = history_rows(&db).await;
        // Extending after the deadline (3 October 2024).
        let err = db.store.record_request_event(&who, id, 1, event(json!({"event": "extended", "on": "2024-10-04", "reason": "Many records", "notice": "Letter"}))).await.unwrap_err();
        assert!(matches!(&err, StoreError::Refused(m) if m.contains("has passed")), "{err:?}");
        assert_eq!(history_rows(&db).await, rows);
        // Stopping a clock the law does not let stop: a Part 3 request received before 5 February 2026.
        let le = db.store.register_request(&who, registered("sar-le", "2026-01-05", Some("2026-01-05"))).await.unwrap();
        let le_id: RequestId = le.id.parse().unwrap();
        let rows_le = history_rows(&db).await;
        let err = db.store.record_request_event(&who, le_id, 1, event(json!({"event": "clock_stopped", "kind": "clarification", "on": "2026-01-06", "notice": "Which?"}))).await.unwrap_err();
        assert!(err.to_string().contains("cannot stop"), "{err}");
        assert_eq!(history_rows(&db).await, rows_le);
        // Closing with an open task.
        db.store.record_request_event(&who, id, 1, event(json!({"event": "task_added", "title": "Search custody"}))).await.unwrap();
        let err = db.store.record_request_event(&who, id, 2, event(json!({"event": "closed", "on": "2024-09-20", "outcome": "withdrawn"}))).await.unwrap_err();
        assert!(err.to_string().contains("still open"), "{err}");
        assert_eq!(history_rows(&db).await, rows_le + 1, "only the task was recorded");
        // A stale view of the history.
        let err = db.store.record_request_event(&who, id, 1, event(json!({"event": "note", "text": "late"}))).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict), "{err:?}");
    }

    async fn only_information_rights_officers_work_requests(db: TestDb) {
        let file = db.store.register_request(&officer(), registered("sar", "2024-09-03", Some("2024-09-03"))).await.unwrap();
        let id: RequestId = file.id.parse().unwrap();
        // An investigator can neither read nor work it, nor register one.
        let err = db.store.read_request(&investigator(), id, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let err = db.store.record_request_event(&investigator(), id, 1, event(json!({"event": "note", "text": "x"}))).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let err = db.store.register_request(&investigator(), registered("foi", "2024-09-03", None)).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert!(db.store.list_requests(&investigator(), Queue::All, Page::first(10)).await.unwrap().is_empty());
        // A records manager of the Data Office may read (need to know) but not work it.
        let manager = principal("RM000001", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Official);
        db.store.read_request(&manager, id, &why()).await.unwrap();
        let err = db.store.record_request_event(&manager, id, 1, event(json!({"event": "note", "text": "x"}))).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let denials = audit_events(&db).await.iter().filter(|e| e.kind == AuditKind::AccessDenied).count();
        assert!(denials >= 4, "every denial is audited: {denials}");
        // An officer of two units registers: the other unit's investigators still cannot read it.
        let both = principal("DO000002", &[Role::InformationRightsOfficer], &["CE-BCU", "DATA-OFFICE"], Classification::Official);
        let file = db.store.register_request(&both, registered("sar", "2024-09-03", Some("2024-09-03"))).await.unwrap();
        let err = db.store.read_request(&investigator(), file.id.parse().unwrap(), &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        // A missing request is denied like a forbidden one.
        let missing: RequestId = custos_core::ids::EntityId::new().to_string().parse().unwrap();
        assert!(matches!(db.store.read_request(&officer(), missing, &why()).await, Err(StoreError::Denied)));
    }

    async fn the_history_cannot_be_changed_even_in_sql(db: TestDb) {
        let file = db.store.register_request(&officer(), registered("foi", "2026-03-02", None)).await.unwrap();
        let id: RequestId = file.id.parse().unwrap();
        let mut conn = db.raw().await;
        let update = sqlx::query("UPDATE information_request_event SET body = '{}'").execute(&mut conn).await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM information_request_event").execute(&mut conn).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
        let read = db.store.read_request(&officer(), id, &why()).await.unwrap();
        assert_eq!(read.history.len(), 1);
    }
}
