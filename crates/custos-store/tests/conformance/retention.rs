//! MoPI review, retention and disposal through the store, on both backends: records are graded
//! and scheduled as they are written, the sweep restarts clear periods on new contact, the
//! records manager's decisions follow the assessment criteria (retain only with a reason), a legal
//! hold blocks disposal, and a disposal deletes the record everywhere, all or nothing, leaving a
//! stub and an erasure event while the audit log still verifies.

use custos_audit::AuditKind;
use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::marking::Classification;
use custos_core::record::{MopiGroup, Record};
use custos_core::retention::assessment::{Assessment, Criterion, Outcome};
use custos_core::role::Role;
use custos_store::StoreError;
use custos_store::full_text::Filters;
use custos_store::retention::{State, Trigger};
use custos_store::retention_review::{QueueFilter, Review};
use custos_store::retention_sweep::Sweep;
use custos_store::search::Page;
use custos_store::testing::TestDb;
use jiff::civil::Date;
use serde_json::{Value, json};
use sqlx::{Connection, Row};

use crate::fixtures::*;
use crate::search::audit_events;
use custos_store::conformance;

fn manager() -> custos_authz::Principal {
    principal("RM000001", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Official)
}

fn record(kind: &str, body: Value) -> EntityBody {
    EntityBody::Record(serde_json::from_value::<Record>(json!({ kind: body })).unwrap())
}

/// A word nobody else uses, to look for the disposed text everywhere.
const NEEDLE: &str = "Zanzibarite";

fn crime(event: EntityId, offence: &str, suspect: EntityId, narrative: &str) -> EntityBody {
    record("crime_report", json!({
        "event": event, "offence": offence, "status": "under_investigation", "narrative": narrative,
        "people": [{"person": suspect, "role": "suspect"}],
    }))
}

fn today() -> Date {
    let days = jiff::Timestamp::now().as_second().div_euclid(86_400);
    jiff::civil::date(1970, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap()
}

fn years(n: i16) -> jiff::Span {
    jiff::Span::new().years(n)
}

async fn sweep(db: &TestDb) -> Sweep {
    db.store.sweep_retention(&|_, _| {}).await.unwrap()
}

/// Moves a record's creation (as the schedule knows it) back by `days`, as if written then.
async fn backdate(db: &TestDb, record: EntityId, days: i64) {
    let mut conn = db.raw().await;
    sqlx::query("UPDATE retention SET created_day = created_day - $1, last_contact = last_contact - $1 WHERE record_id = $2")
        .bind(days)
        .bind(record.as_bytes().to_vec())
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
}

fn retain(record: EntityId, reason: Option<&str>) -> Review {
    Review {
        record,
        assessment: Assessment {
            outcome: Outcome::Retain,
            risks: [Criterion::SeriousHarm].into_iter().collect(),
            reason: reason.map(str::to_owned),
            next_review: None,
        },
    }
}

fn dispose(record: EntityId) -> Review {
    Review { record, assessment: Assessment { outcome: Outcome::Dispose, risks: Default::default(), reason: None, next_review: None } }
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>, words: &str) {
    match result {
        Err(StoreError::Refused(m)) => assert!(m.contains(words), "{m:?} should say {words:?}"),
        other => panic!("expected a refusal saying {words:?}, got {other:?}"),
    }
}

async fn decisions(db: &TestDb) -> i64 {
    count(&mut db.raw().await, "retention_decision").await
}

struct Case {
    suspect: EntityId,
    event: EntityId,
    crime: EntityId,
}

/// A suspect and a shoplifting (Group 3) about them, read once with a justification naming the
/// needle, and due for review: written seven years ago as far as the schedule knows.
async fn case(db: &TestDb) -> Case {
    let who = investigator();
    let suspect = db.store.create_entity(&who, person("Orla", "Kestrel", "1985-05-05"), marking(), None).await.unwrap();
    let event = db.store.create_entity(&who, crate::search::event("crime", "Theft at a shop"), marking(), None).await.unwrap();
    let narrative = format!("Orla Kestrel took {NEEDLE} perfume from the shop");
    let crime = db.store.create_entity(&who, crime(event, "46", suspect, &narrative), marking(), None).await.unwrap();
    let reason = custos_store::entities::Justification::parse(&format!("Checking the {NEEDLE} theft")).unwrap();
    db.store.read_entity(&who, crime, &reason).await.unwrap();
    backdate(db, crime, 7 * 366).await;
    sweep(db).await;
    Case { suspect, event, crime }
}

/// Where `needle` is stored in the database, byte for byte (any table, any column, text or
/// binary: FTS5's index segments and PostgreSQL's tsvectors included), as `table.column` (or the
/// table on PostgreSQL, whose rows are read as JSON with byte strings in hex).
async fn stored(db: &TestDb, needle: &str) -> Vec<String> {
    let mut conn = db.raw().await;
    let mut out = Vec::new();
    if db.is_postgres() {
        let tables: Vec<String> = sqlx::query_scalar("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'").fetch_all(&mut conn).await.unwrap();
        let hex: String = needle.bytes().map(|b| format!("{b:02x}")).collect();
        for t in tables {
            let sql = format!("SELECT COUNT(*) FROM \"{t}\" t WHERE strpos(row_to_json(t)::text, $1) > 0 OR strpos(row_to_json(t)::text, $2) > 0");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(needle).bind(&hex).fetch_one(&mut conn).await.unwrap();
            if n > 0 {
                out.push(t);
            }
        }
    } else {
        let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(&mut conn).await.unwrap();
        for t in tables {
            let columns: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{t}')")))
                .fetch_all(&mut conn)
                .await
                .unwrap();
            for c in columns {
                let sql = format!("SELECT COUNT(*) FROM \"{t}\" WHERE instr(CAST(\"{c}\" AS BLOB), CAST($1 AS BLOB)) > 0");
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(needle).fetch_one(&mut conn).await.unwrap();
                if n > 0 {
                    out.push(format!("{t}.{c}"));
                }
            }
        }
    }
    out
}

/// Where the needle is stored, as written or as the full-text engines keep it (folded and
/// stemmed; the middle of the word, as FTS5 may share a term's first letter with the term before).
async fn needle_stored(db: &TestDb) -> Vec<String> {
    let mut found = stored(db, NEEDLE).await;
    found.extend(stored(db, "nzibari").await);
    found
}

conformance! {
    async fn records_are_graded_and_scheduled_as_they_are_written(db: TestDb) {
        let who = investigator();
        let suspect = db.store.create_entity(&who, person("Ned", "Pardoe", "1990-02-03"), marking(), None).await.unwrap();
        let event = db.store.create_entity(&who, crate::search::event("crime", "Assault"), marking(), None).await.unwrap();
        let theft = db.store.create_entity(&who, crime(event, "46", suspect, "Shoplifting"), marking(), None).await.unwrap();
        let assault = db.store.create_entity(&who, crime(event, "8N", suspect, "Assault with injury"), marking(), None).await.unwrap();
        let murder = db.store.create_entity(&who, crime(event, "1", suspect, "Murder"), marking(), None).await.unwrap();
        let store = &db.store;
        let due = move |id| async move { store.retention_due(id).await.unwrap().unwrap() };
        let today = today();
        // Group 3: six years; Group 2: a ten-year clear period; Group 1: every ten years until 100.
        let g3 = due(theft).await;
        assert_eq!((g3.group, g3.next_review), (MopiGroup::OtherOffences, today.checked_add(years(6)).unwrap()));
        let g2 = due(assault).await;
        assert_eq!((g2.group, g2.next_review), (MopiGroup::SexualViolentSerious, today.checked_add(years(10)).unwrap()));
        let g1 = due(murder).await;
        assert_eq!(g1.group, MopiGroup::PublicProtection);
        assert_eq!(g1.disposal_from, Some(jiff::civil::date(2090, 2, 3)), "deemed 100 on his hundredth birthday");
        assert_eq!(g1.state, State::Active);
        // A changed offence re-grades the record.
        let current = db.store.read_entity(&who, theft, &why()).await.unwrap();
        let EntityBody::Record(Record::CrimeReport(mut report)) = current.body else { panic!() };
        report.offence = custos_core::record::Offence::parse("28E").unwrap();
        db.store.change_entity(&who, theft, current.version, EntityBody::Record(Record::CrimeReport(report)), custos_core::version::ChangeKind::Edited, None).await.unwrap();
        assert_eq!(due(theft).await.group, MopiGroup::SexualViolentSerious);
        // The people are not records: they have no schedule of their own.
        assert!(db.store.retention_due(suspect).await.unwrap().is_none());
    }

    async fn new_contact_restarts_the_clear_period_of_everything_about_them(db: TestDb) {
        let c = case(&db).await;
        let before = db.store.retention_due(c.crime).await.unwrap().unwrap();
        assert!(before.next_review < today(), "due: {before:?}");
        // Two years ago the same woman was suspected again, of another theft: her clear period
        // restarts from then.
        let again = db.store.create_entity(&investigator(), crate::search::event("crime", "Another theft"), marking(), None).await.unwrap();
        let later = db.store.create_entity(&investigator(), crime(again, "46", c.suspect, "Again"), marking(), None).await.unwrap();
        backdate(&db, later, 2 * 365).await;
        let swept = sweep(&db).await;
        assert_eq!(swept.records, 2);
        assert!(swept.changed >= 1);
        let after = db.store.retention_due(c.crime).await.unwrap().unwrap();
        let later_due = db.store.retention_due(later).await.unwrap().unwrap();
        assert_eq!(after.next_review, later_due.next_review, "both run from her newest contact");
        assert!(after.next_review > today());
        // Her coming back to notice asked for an early review of the older record.
        assert_eq!(after.triggered, Some(Trigger::BackToNotice));
        assert_eq!(later_due.triggered, None);
        // A second sweep finds nothing to change.
        assert_eq!(sweep(&db).await.changed, 0);
    }

    async fn only_a_new_matter_brings_a_subject_back_to_notice(db: TestDb) {
        let c = case(&db).await;
        let who = investigator();
        // A year on, she was charged with the same theft: more of the same matter.
        let charge = json!([{"defendant": c.suspect, "offence": "46", "particulars": "Theft of perfume"}]);
        let file = db.store.create_entity(&who, record("case_file", json!({"crime_report": c.crime, "status": "draft", "charges": charge})), marking(), None).await.unwrap();
        backdate(&db, file, 6 * 366).await;
        sweep(&db).await;
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().triggered, None, "a case file on the same crime");
        // Then another matter: that brings her back to notice.
        let other = db.store.create_entity(&who, crate::search::event("crime", "Criminal damage"), marking(), None).await.unwrap();
        let damage = db.store.create_entity(&who, crime(other, "58A", c.suspect, "Broke a window"), marking(), None).await.unwrap();
        sweep(&db).await;
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().triggered, Some(Trigger::BackToNotice));
        // And for the case file; not for the new matter itself.
        assert_eq!(db.store.retention_due(file).await.unwrap().unwrap().triggered, Some(Trigger::BackToNotice));
        assert_eq!(db.store.retention_due(damage).await.unwrap().unwrap().triggered, None);
    }

    async fn the_child_rule_reads_the_earliest_date_of_birth_and_deemed_100_the_latest(db: TestDb) {
        let who = investigator();
        // Recorded with two dates of birth: eight or eighteen when the record is made.
        let eight = today().checked_sub(years(8)).unwrap();
        let eighteen = today().checked_sub(years(18)).unwrap();
        let mut body = person("Kit", "Marlowe", &eight.to_string());
        let EntityBody::Person(p) = &mut body else { panic!() };
        p.dates_of_birth.push(eighteen);
        let kit = db.store.create_entity(&who, body, marking(), None).await.unwrap();
        let event = db.store.create_entity(&who, crate::search::event("crime", "Wounding"), marking(), None).await.unwrap();
        let wounding = db.store.create_entity(&who, crime(event, "8N", kit, "Wounding"), marking(), None).await.unwrap();
        let due = db.store.retention_due(wounding).await.unwrap().unwrap();
        assert_eq!(due.group, MopiGroup::SexualViolentSerious, "not certainly under 10: kept as Group 2");
        sweep(&db).await;
        assert_eq!(db.store.retention_due(wounding).await.unwrap().unwrap().group, MopiGroup::SexualViolentSerious, "and the sweep agrees");
        // With only the younger date, she was eight: no higher than Group 3.
        let young = db.store.create_entity(&who, person("Ada", "Marlowe", &eight.to_string()), marking(), None).await.unwrap();
        let other = db.store.create_entity(&who, crime(event, "8N", young, "Wounding"), marking(), None).await.unwrap();
        assert_eq!(db.store.retention_due(other).await.unwrap().unwrap().group, MopiGroup::OtherOffences);
        // A Group 1 matter waits for the later hundredth birthday.
        let murder = db.store.create_entity(&who, crime(event, "1", kit, "Murder"), marking(), None).await.unwrap();
        let due = db.store.retention_due(murder).await.unwrap().unwrap();
        assert_eq!(due.disposal_from, eight.checked_add(years(100)).ok());
    }

    async fn a_stub_is_authorised_against_the_marking_the_record_had(db: TestDb) {
        let c = case(&db).await;
        let cleared = principal("RM000002", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Secret);
        let who = principal("MP100002", &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        let event = db.store.create_entity(&who, crate::search::event("crime", "Secret theft"), marking(), None).await.unwrap();
        let secret = custos_core::marking::SecurityMarking { classification: Classification::Secret, ..marking() };
        let crime_id = db.store.create_entity(&who, crime(event, "46", c.suspect, "A SECRET theft"), secret, None).await.unwrap();
        backdate(&db, crime_id, 7 * 366).await;
        sweep(&db).await;
        // An OFFICIAL records manager may not review it; a SECRET one disposes of it.
        assert!(matches!(db.store.review_records(&manager(), &[dispose(crime_id)]).await, Err(StoreError::Denied)));
        db.store.review_records(&cleared, &[dispose(crime_id)]).await.unwrap();
        let mut conn = db.raw().await;
        let level: i64 = sqlx::query_scalar("SELECT classification FROM disposed WHERE entity_id = $1").bind(crime_id.as_bytes().to_vec()).fetch_one(&mut conn).await.unwrap();
        assert_eq!(level, Classification::Secret.level());
        // Once gone, the OFFICIAL manager is still not told of it; the SECRET one is.
        assert!(matches!(db.store.retention_file(&manager(), crime_id).await, Err(StoreError::Denied)));
        refused(db.store.retention_file(&cleared, crime_id).await, "disposed of on");
        // A need-to-know record: only those on its list are told of its disposal.
        let listed = principal("RM000003", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Official);
        let need_to_know = custos_core::marking::SecurityMarking {
            sensitive: true,
            acl: vec![custos_core::marking::AclEntry::User("RM000003".parse().unwrap()), custos_core::marking::AclEntry::User("MP100001".parse().unwrap())],
            ..marking()
        };
        let event = db.store.create_entity(&investigator(), crate::search::event("crime", "Sensitive theft"), marking(), None).await.unwrap();
        let sensitive = db.store.create_entity(&investigator(), crime(event, "46", c.suspect, "A sensitive theft"), need_to_know, None).await.unwrap();
        backdate(&db, sensitive, 8 * 366).await;
        sweep(&db).await;
        db.store.review_records(&listed, &[dispose(sensitive)]).await.unwrap();
        refused(db.store.retention_file(&listed, sensitive).await, "disposed of on");
        assert!(matches!(db.store.retention_file(&manager(), sensitive).await, Err(StoreError::Denied)), "not on the list");
    }

    async fn the_sweep_erases_text_a_disposal_raced_with_and_says_so(db: TestDb) {
        // The state a race leaves: a record's stub written while an audit event about it (its
        // read, with a justification naming it) was still being written, so that its payload
        // outlived the disposal. Made here by writing the stub alone.
        let c = case(&db).await;
        db.store.integrate_audit().await.unwrap();
        let justification = format!("Checking the {NEEDLE} theft");
        assert!(!stored(&db, &justification).await.is_empty());
        let mut conn = db.raw().await;
        sqlx::query("INSERT INTO disposed (entity_id, kind, owning_unit, disposed_at) VALUES ($1, 'crime_report', 'CE-BCU', 0)")
            .bind(c.crime.as_bytes().to_vec())
            .execute(&mut conn)
            .await
            .unwrap();
        sweep(&db).await;
        assert_eq!(stored(&db, &justification).await, Vec::<String>::new());
        db.store.integrate_audit().await.unwrap();
        let events = audit_events(&db).await;
        let swept = custos_store::retention_sweep::SWEEP_ACTOR;
        assert!(events.iter().any(|e| e.kind == AuditKind::Erase && e.actor == swept && e.objects.iter().any(|o| o.id == c.crime.to_string())));
        let verifier = db.store.audit_verifier();
        db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap().unwrap();
        // Nothing left to erase: the next sweep writes no event.
        sweep(&db).await;
        db.store.integrate_audit().await.unwrap();
        assert_eq!(audit_events(&db).await.iter().filter(|e| e.actor == swept).count(), 1);
    }

    async fn a_queue_page_counts_only_what_the_reader_may_review(db: TestDb) {
        let c = case(&db).await;
        // Two SECRET records due before the OFFICIAL one: an OFFICIAL records manager may not
        // review them, and they must not take the places of the page.
        let who = principal("MP100002", &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        let secret = custos_core::marking::SecurityMarking { classification: Classification::Secret, ..marking() };
        let other = db.store.create_entity(&who, person("Sid", "Vane", "1970-01-01"), marking(), None).await.unwrap();
        for n in 0..2 {
            let event = db.store.create_entity(&who, crate::search::event("crime", "Secret theft"), marking(), None).await.unwrap();
            let id = db.store.create_entity(&who, crime(event, "46", other, "A SECRET theft"), secret.clone(), None).await.unwrap();
            backdate(&db, id, 8 * 366 + n).await;
        }
        sweep(&db).await;
        let rm = manager();
        let everything = QueueFilter::default();
        let page = |offset, limit| db.store.retention_queue(&rm, &everything, offset, limit);
        assert_eq!(page(0, 1).await.unwrap().iter().map(|d| d.record).collect::<Vec<_>>(), [c.crime]);
        assert!(page(1, 1).await.unwrap().is_empty());
        let cleared = principal("RM000002", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Secret);
        let all = db.store.retention_queue(&cleared, &QueueFilter::default(), 0, 10).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_ne!(all[0].record, c.crime, "a secret one is overdue longer");
        let second = db.store.retention_queue(&cleared, &QueueFilter::default(), 1, 1).await.unwrap();
        assert_eq!(second[0].record, all[1].record);
    }

    async fn a_migrated_record_is_reviewed_from_its_first_recording(db: TestDb) {
        let who = investigator();
        let suspect = db.store.create_entity(&who, person("Ada", "Lovelace", "1990-12-10"), marking(), None).await.unwrap();
        let event = db.store.create_entity(&who, crate::search::event("crime", "Theft"), marking(), None).await.unwrap();
        let first = jiff::civil::date(2015, 3, 1);
        let legacy = custos_store::entities::NewEntity { recorded_on: Some(first), ..custos_store::entities::NewEntity::new(crime(event, "46", suspect, "Took perfume"), marking()) };
        db.store.create_entities(&who, std::slice::from_ref(&legacy), Some("migrated from the legacy system")).await.unwrap();
        let due = db.store.retention_due(legacy.id).await.unwrap().unwrap();
        assert_eq!(due.next_review, jiff::civil::date(2021, 3, 1), "six years from 2015, not from today");
        // Only a record has a first recording day, and never a future one; nothing is written.
        let person = custos_store::entities::NewEntity { recorded_on: Some(first), ..custos_store::entities::NewEntity::new(person("Bo", "Peep", "1990-01-01"), marking()) };
        refused(db.store.create_entities(&who, &[person], None).await, "only an operational record");
        let future = custos_store::entities::NewEntity { recorded_on: today().checked_add(jiff::Span::new().days(1)).ok(), ..custos_store::entities::NewEntity::new(crime(event, "46", suspect, "Later"), marking()) };
        refused(db.store.create_entities(&who, std::slice::from_ref(&future), None).await, "in the future");
        assert!(db.store.retention_due(future.id).await.unwrap().is_none());
    }

    async fn a_retention_needs_its_reason_and_schedules_the_next_review(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let queue = db.store.retention_queue(&rm, &QueueFilter::default(), 0, 50).await.unwrap();
        assert_eq!(queue.iter().map(|d| d.record).collect::<Vec<_>>(), [c.crime]);
        assert!(queue[0].overdue_days > 0);
        let g2 = QueueFilter { group: Some(MopiGroup::SexualViolentSerious), ..QueueFilter::default() };
        assert!(db.store.retention_queue(&rm, &g2, 0, 50).await.unwrap().is_empty(), "filtered by group");
        // Nobody but the records manager sees the queue.
        assert!(db.store.retention_queue(&investigator(), &QueueFilter::default(), 0, 50).await.unwrap().is_empty());
        // Retain without a reason: refused, nothing recorded.
        refused(db.store.review_records(&rm, &[retain(c.crime, None)]).await, "must give its reason");
        refused(db.store.review_records(&rm, &[retain(c.crime, Some("  "))]).await, "must give its reason");
        // Dispose although the assessment found a risk: refused.
        let mut risky = dispose(c.crime);
        risky.assessment.risks.insert(Criterion::ChildrenOrVulnerable);
        refused(db.store.review_records(&rm, &[risky]).await, "found a risk");
        assert_eq!(decisions(&db).await, 0);
        let decided = db.store.review_records(&rm, &[retain(c.crime, Some("Threatened staff with a knife"))]).await.unwrap();
        let next = today().checked_add(years(6)).unwrap();
        assert_eq!(decided[0].next_review, Some(next));
        let file = db.store.retention_file(&rm, c.crime).await.unwrap();
        assert_eq!(file.scheduled.next_review, next);
        assert_eq!(file.last_reviewed, Some(today()));
        assert_eq!(file.decisions[0].reason.as_deref(), Some("Threatened staff with a knife"));
        assert_eq!(file.decisions[0].risks, [Criterion::SeriousHarm]);
        assert!(db.store.retention_queue(&rm, &QueueFilter::default(), 0, 50).await.unwrap().is_empty(), "no longer due");
        // The sweep keeps the reviewer's date.
        sweep(&db).await;
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().next_review, next);
        let events = audit_events(&db).await;
        assert!(events.iter().any(|e| e.kind == AuditKind::Update && e.actor == "RM000001" && e.objects.iter().any(|o| o.id == c.crime.to_string())));
    }

    async fn disposal_deletes_the_record_everywhere_and_leaves_a_stub(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let who = investigator();
        let find = || async { db.store.search_everything(&who, NEEDLE, &Filters::default(), Page::first(10), &why()).await.unwrap().hits.len() };
        assert_eq!(find().await, 1);
        let before = needle_stored(&db).await;
        assert!(before.iter().any(|t| t.starts_with("entity_version")), "{before:?}");
        assert!(before.iter().any(|t| t.starts_with("search_text") || t == "search_doc"), "in the full-text index before: {before:?}");
        assert!(before.iter().any(|t| t.starts_with("audit_payload")), "in the audit payloads before: {before:?}");
        let decided = db.store.review_records(&rm, &[dispose(c.crime)]).await.unwrap();
        assert_eq!(decided[0].deleted, [c.crime]);
        // Nothing stored anywhere holds its text: versions, search entries, and the
        // justification of its read and the terms of the search that found it (audit payloads).
        db.store.integrate_audit().await.unwrap();
        let leftovers = needle_stored(&db).await;
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // No query returns it: full text, read, history, retention file.
        assert_eq!(find().await, 0);
        assert!(matches!(db.store.read_entity(&who, c.crime, &why()).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.entity_history(&who, c.crime, &why()).await, Err(StoreError::Denied)));
        refused(db.store.retention_file(&rm, c.crime).await, "disposed of");
        // The stub and the erasure event; the log still verifies.
        let mut conn = db.raw().await;
        let stub = sqlx::query("SELECT kind FROM disposed WHERE entity_id = $1").bind(c.crime.as_bytes().to_vec()).fetch_one(&mut conn).await.unwrap();
        assert_eq!(stub.get::<String, _>(0), "crime_report");
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().state, State::Disposed);
        let events = audit_events(&db).await;
        assert!(events.iter().any(|e| e.kind == AuditKind::Erase && e.objects.iter().any(|o| o.id == c.crime.to_string())));
        let verifier = db.store.audit_verifier();
        db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap().unwrap();
        // A review of a record already disposed of is refused, with nothing changed.
        let before = decisions(&db).await;
        refused(db.store.review_records(&rm, &[retain(c.crime, Some("again"))]).await, "disposed of on");
        refused(db.store.set_legal_hold(&rm, c.crime, true, "inquiry").await, "disposed of on");
        assert_eq!(decisions(&db).await, before);
        // The person goes once no record names her: with her names, keys and links.
        refused(db.store.review_records(&rm, &[dispose(c.event)]).await, "only operational records");
        db.store.review_records(&rm, &[dispose(c.suspect)]).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let leftovers = stored(&db, "Kestrel").await;
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(stored(&db, "kestrel").await.is_empty(), "nor folded in an index");
        assert!(db.store.search_people(&who, "Kestrel", None, Page::first(10), &why()).await.unwrap().hits.is_empty());
        let probe = match person("Orla", "Kestrel", "1985-05-05") { EntityBody::Person(p) => p, _ => unreachable!() };
        assert!(db.store.match_person(&who, &probe, &why()).await.unwrap().candidates.is_empty(), "search before create finds nothing");
        assert!(matches!(db.store.read_entity(&who, c.suspect, &why()).await, Err(StoreError::Denied)));
        for table in ["person_name_key", "person_block_key", "retention_person"] {
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {} = $1", if table == "retention_person" { "person_id" } else { "entity_id" })))
                .bind(c.suspect.as_bytes().to_vec())
                .fetch_one(&mut conn)
                .await
                .unwrap();
            assert_eq!(n, 0, "{table}");
        }
        db.store.verify_audit(std::slice::from_ref(&verifier)).await.unwrap().unwrap();
    }

    async fn a_disposed_record_is_not_in_a_subject_access_bundle(db: TestDb) {
        let sar = crate::subject_access::case(&db).await;
        let iro = crate::subject_access::officer();
        let keys = |bundle: &custos_store::subject_access::Bundle| bundle.items.iter().map(|i| i.key.clone()).collect::<Vec<_>>();
        let (_, before) = db.store.assemble_bundle(&iro, sar.request, 2, &why()).await.unwrap();
        let crime = format!("entity:{}:", sar.crime);
        assert!(keys(&before).iter().any(|k| k.starts_with(&crime)), "the crime is in the bundle before");
        assert!(before.items.iter().flat_map(|i| &i.fields).any(|f| f.text.contains("struck her")));
        // His identification brought the review of the records about him forward.
        let triggered = db.store.retention_queue(&manager(), &QueueFilter { triggered: true, ..QueueFilter::default() }, 0, 50).await.unwrap();
        assert!(triggered.iter().any(|d| d.record == sar.crime && d.triggered == Some(Trigger::SubjectAccess)), "{triggered:?}");
        // A subject access request does not let a record go early (DPA 2018 s.173); a deletion
        // request does.
        refused(db.store.review_records(&manager(), &[dispose(sar.crime)]).await, "not due until");
        // The officer withholds the crime, giving reasons and redacting a word of it.
        let item = keys(&before).into_iter().find(|k| k.starts_with(&crime)).unwrap();
        let withheld = |reason: &str| {
            let review = json!({"item": item, "decision": "withhold", "ground": "s45_4_e", "reason": reason, "adjustments": {"redact": [NEEDLE]}});
            serde_json::from_value::<custos_rights::request::Event>(json!({"event": "items_reviewed", "reviews": [review]})).unwrap()
        };
        db.store.record_request_event(&iro, sar.request, 3, withheld(&format!("Names the {NEEDLE} informant"))).await.unwrap();
        assert!(!needle_stored(&db).await.is_empty());
        let mut conn = db.raw().await;
        sqlx::query("UPDATE retention SET triggered = 'deletion_request' WHERE record_id = $1").bind(sar.crime.as_bytes().to_vec()).execute(&mut conn).await.unwrap();
        db.store.review_records(&manager(), &[dispose(sar.crime)]).await.unwrap();
        // The casework's text about it went with it; the decision stays, and the history replays.
        let erased = custos_store::request_erasure::ERASED;
        let reviewed = |file: &custos_store::rights::RequestFile| file.request.discovery.reviews.get(&item).cloned().unwrap();
        let file = db.store.read_request(&iro, sar.request, &why()).await.unwrap();
        assert_eq!(reviewed(&file).reason.map(|r| r.as_str().to_owned()).as_deref(), Some(erased));
        assert!(reviewed(&file).adjustments.redact.is_empty());
        assert_eq!(reviewed(&file).decision, custos_rights::discovery::ItemDecision::Withhold);
        // A review written afterwards of the old bundle's item is erased before it is stored.
        let file = db.store.record_request_event(&iro, sar.request, 4, withheld(&format!("Still the {NEEDLE} informant"))).await.unwrap();
        assert_eq!(needle_stored(&db).await, Vec::<String>::new());
        let read = db.store.read_request(&iro, sar.request, &why()).await.unwrap();
        assert_eq!(file.history.last().map(|r| &r.event), Some(&read.history[4].event), "shown as stored");
        assert_eq!(file.request.discovery.reviews.get(&item), read.request.discovery.reviews.get(&item));
        // Text a race left behind (written as the disposal ran) goes at the next sweep, audited.
        let late = json!({"reason": format!("Raced the {NEEDLE} disposal")}).to_string();
        sqlx::query("UPDATE information_request_text SET text = $1 WHERE about = $2").bind(late).bind(sar.crime.as_bytes().to_vec()).execute(&mut conn).await.unwrap();
        assert!(!needle_stored(&db).await.is_empty());
        sweep(&db).await;
        assert_eq!(needle_stored(&db).await, Vec::<String>::new());
        db.store.integrate_audit().await.unwrap();
        let swept = custos_store::retention_sweep::SWEEP_ACTOR;
        assert!(audit_events(&db).await.iter().any(|e| e.actor == swept && e.objects.iter().any(|o| o.id == sar.crime.to_string())));
        // The history is still append-only otherwise.
        let tampered = sqlx::query("UPDATE information_request_event SET body = 'x' WHERE request_id = $1").bind(sar.request.to_string().parse::<EntityId>().unwrap().as_bytes().to_vec()).execute(&mut conn).await;
        assert!(tampered.is_err(), "an update that is not an erasure is refused");
        let (_, after) = db.store.assemble_bundle(&iro, sar.request, 5, &why()).await.unwrap();
        assert!(!keys(&after).iter().any(|k| k.starts_with(&crime)), "{:?}", keys(&after));
        let texts: Vec<&str> = after.items.iter().flat_map(|i| i.fields.iter().map(|f| f.text.as_str())).collect();
        assert!(!texts.iter().any(|t| t.contains("struck her")), "{texts:?}");
    }

    async fn casework_text_written_inline_before_an_upgrade_is_moved_out_once(db: TestDb) {
        let sar = crate::subject_access::case(&db).await;
        let iro = crate::subject_access::officer();
        let (_, bundle) = db.store.assemble_bundle(&iro, sar.request, 2, &why()).await.unwrap();
        let item = bundle.items.iter().map(|i| i.key.clone()).find(|k| k.starts_with(&format!("entity:{}:", sar.crime))).unwrap();
        let review = json!({"item": item, "decision": "withhold", "ground": "s45_4_e", "reason": format!("Names the {NEEDLE} informant")});
        let event = json!({"event": "items_reviewed", "reviews": [review]});
        db.store.record_request_event(&iro, sar.request, 3, serde_json::from_value(event.clone()).unwrap()).await.unwrap();
        // As a store before migration 0014 held it: the text inline in the event, none apart.
        let mut conn = db.raw().await;
        let request = sar.request.to_string().parse::<EntityId>().unwrap().as_bytes().to_vec();
        sqlx::query("UPDATE retention_state SET refined = 0").execute(&mut conn).await.unwrap();
        sqlx::query("UPDATE information_request_event SET body = $1 WHERE request_id = $2 AND seq = 4").bind(event.to_string()).bind(request.clone()).execute(&mut conn).await.unwrap();
        sqlx::query("DELETE FROM information_request_text").execute(&mut conn).await.unwrap();
        assert!(stored(&db, NEEDLE).await.contains(&if db.is_postgres() { "information_request_event".to_owned() } else { "information_request_event.body".to_owned() }));
        // Opening the store moves it out, and the history is append-only again.
        let store = db.reopen().await.unwrap();
        let file = store.read_request(&iro, sar.request, &why()).await.unwrap();
        assert!(file.request.discovery.reviews[&item].reason.as_ref().unwrap().as_str().contains(NEEDLE));
        assert_eq!(count(&mut conn, "information_request_text").await, 1);
        let tampered = sqlx::query("UPDATE information_request_event SET body = 'x' WHERE request_id = $1").bind(request).execute(&mut conn).await;
        assert!(tampered.is_err(), "append-only once the upgrade is done");
        // And a disposal then erases it.
        sqlx::query("UPDATE retention SET triggered = 'deletion_request' WHERE record_id = $1").bind(sar.crime.as_bytes().to_vec()).execute(&mut conn).await.unwrap();
        store.review_records(&manager(), &[dispose(sar.crime)]).await.unwrap();
        let left: Vec<String> = stored(&db, NEEDLE).await;
        assert_eq!(left, Vec::<String>::new());
        store.close().await;
    }

    async fn a_person_goes_only_once_no_record_names_them(db: TestDb) {
        let c = case(&db).await;
        let tables = ["entity", "entity_version", "person_name_key", "person_block_key", "retention_person", "retention_decision", "disposed"];
        let mut counts = Vec::new();
        for t in tables {
            counts.push(count(&mut db.raw().await, t).await);
        }
        refused(db.store.review_records(&manager(), &[dispose(c.suspect)]).await, "still held name this person");
        for (t, before) in tables.iter().zip(counts) {
            assert_eq!(count(&mut db.raw().await, t).await, before, "{t} unchanged");
        }
        assert!(db.store.read_entity(&investigator(), c.suspect, &why()).await.is_ok());
    }

    async fn disposal_without_authority_is_denied_and_changes_nothing(db: TestDb) {
        let c = case(&db).await;
        let who = investigator();
        assert!(matches!(db.store.review_records(&who, &[dispose(c.crime)]).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.review_records(&who, &[retain(c.crime, Some("mine"))]).await, Err(StoreError::Denied)));
        assert!(db.store.read_entity(&who, c.crime, &why()).await.is_ok());
        assert_eq!(decisions(&db).await, 0);
        let events = audit_events(&db).await;
        assert!(events.iter().any(|e| e.kind == AuditKind::AccessDenied && e.actor == who.user.to_string()));
        assert!(!events.iter().any(|e| e.kind == AuditKind::Erase));
    }

    async fn a_legal_hold_blocks_disposal_until_released(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        refused(db.store.set_legal_hold(&rm, c.crime, true, " ").await, "must give the reason");
        db.store.set_legal_hold(&rm, c.crime, true, "Civil claim against the force").await.unwrap();
        refused(db.store.set_legal_hold(&rm, c.crime, true, "again").await, "already under a legal hold");
        let held = decisions(&db).await;
        refused(db.store.review_records(&rm, &[dispose(c.crime)]).await, "under a legal hold");
        assert_eq!(decisions(&db).await, held);
        assert!(db.store.read_entity(&investigator(), c.crime, &why()).await.is_ok());
        // Retaining while held is allowed (with its reason).
        db.store.review_records(&rm, &[retain(c.crime, Some("Under the civil claim"))]).await.unwrap();
        db.store.set_legal_hold(&rm, c.crime, false, "Claim settled").await.unwrap();
        // Kept at review, it is not due again for six years: only an early review lets it go.
        refused(db.store.review_records(&rm, &[dispose(c.crime)]).await, "not due until");
        db.store.request_review(&rm, c.suspect, Trigger::DeletionRequest).await.unwrap();
        db.store.review_records(&rm, &[dispose(c.crime)]).await.unwrap();
        assert!(matches!(db.store.read_entity(&investigator(), c.crime, &why()).await, Err(StoreError::Denied)));
    }

    async fn a_batch_is_all_or_nothing_with_one_event_per_decision(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let second = db.store.create_entity(&investigator(), crime(c.event, "46", c.suspect, "Second theft"), marking(), None).await.unwrap();
        // Not yet due: it cannot be disposed of before its review.
        refused(db.store.review_records(&rm, &[dispose(second)]).await, "not due until");
        backdate(&db, second, 7 * 366).await;
        sweep(&db).await;
        // One bad item refuses the whole batch.
        refused(db.store.review_records(&rm, &[dispose(second), retain(c.crime, None)]).await, &c.crime.to_string());
        assert!(db.store.read_entity(&investigator(), second, &why()).await.is_ok(), "the good item was not applied");
        assert_eq!(decisions(&db).await, 0);
        refused(db.store.review_records(&rm, &[dispose(second), dispose(second)]).await, "decided twice");
        let decided = db.store.review_records(&rm, &[dispose(second), retain(c.crime, Some("Persistent offender"))]).await.unwrap();
        assert_eq!(decided.len(), 2);
        assert_eq!(decisions(&db).await, 2);
        let events = audit_events(&db).await;
        assert_eq!(events.iter().filter(|e| e.actor == "RM000001" && matches!(e.kind, AuditKind::Erase | AuditKind::Update)).count(), 2);
    }

    async fn a_crash_during_disposal_leaves_everything(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        // The stub is written last: make it fail, as a crash at that point would.
        let mut conn = db.raw().await;
        if db.is_postgres() {
            sqlx::raw_sql("CREATE FUNCTION crash() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'crash'; END $$ LANGUAGE plpgsql; \
                           CREATE TRIGGER crash BEFORE INSERT ON disposed FOR EACH ROW EXECUTE FUNCTION crash();")
                .execute(&mut conn)
                .await
                .unwrap();
        } else {
            sqlx::raw_sql("CREATE TRIGGER crash BEFORE INSERT ON disposed BEGIN SELECT RAISE(ABORT, 'crash'); END;").execute(&mut conn).await.unwrap();
        }
        let held = needle_stored(&db).await;
        assert!(db.store.review_records(&rm, &[dispose(c.crime)]).await.is_err());
        assert_eq!(needle_stored(&db).await, held, "nothing deleted");
        let who = investigator();
        assert_eq!(db.store.search_everything(&who, NEEDLE, &Filters::default(), Page::first(10), &why()).await.unwrap().hits.len(), 1);
        assert_eq!(db.store.entity_history(&who, c.crime, &why()).await.unwrap().len(), 1);
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().state, State::Active);
        assert_eq!(decisions(&db).await, 0);
        sqlx::raw_sql("DROP TRIGGER crash ON disposed").execute(&mut conn).await.ok();
        sqlx::raw_sql("DROP TRIGGER crash").execute(&mut conn).await.ok();
        db.store.review_records(&rm, &[dispose(c.crime)]).await.unwrap();
    }

    async fn the_restricted_archive_is_out_of_operational_use_with_its_own_permission(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let who = investigator();
        assert_eq!(db.store.search_everything(&who, "perfume", &Filters::default(), Page::first(10), &why()).await.unwrap().hits.len(), 1);
        let mut archive = dispose(c.crime);
        archive.assessment.outcome = Outcome::Archive;
        refused(db.store.review_records(&rm, std::slice::from_ref(&archive)).await, "historical value");
        archive.assessment.reason = Some("The first case of its kind in the borough".into());
        db.store.review_records(&rm, &[archive]).await.unwrap();
        // Out of operational search and reads (searched by another of its words, so that the
        // terms of this search, which stay in the audit log, do not hold the needle).
        assert_eq!(db.store.search_everything(&who, "perfume", &Filters::default(), Page::first(10), &why()).await.unwrap().hits.len(), 0);
        assert!(matches!(db.store.read_entity(&who, c.crime, &why()).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.read_entity(&rm, c.crime, &why()).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.entity_history(&who, c.crime, &why()).await, Err(StoreError::Denied)));
        // Read only with the archive's own permission.
        let kept = db.store.read_archived(&rm, c.crime, &why()).await.unwrap();
        assert!(serde_json::to_string(&kept.body).unwrap().contains(NEEDLE));
        assert!(matches!(db.store.read_archived(&who, c.crime, &why()).await, Err(StoreError::Denied)));
        assert_eq!(db.store.retention_file(&rm, c.crime).await.unwrap().scheduled.state, State::Archived);
        assert!(db.store.retention_queue(&rm, &QueueFilter::default(), 0, 50).await.unwrap().is_empty());
        // An archived record is only ever disposed of.
        refused(db.store.review_records(&rm, &[retain(c.crime, Some("keep"))]).await, "can only be disposed of");
        assert!(matches!(db.store.review_records(&who, &[dispose(c.crime)]).await, Err(StoreError::Denied)));
        db.store.review_records(&rm, &[dispose(c.crime)]).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let leftovers = needle_stored(&db).await;
        assert!(leftovers.is_empty(), "{leftovers:?}");
        assert!(matches!(db.store.read_archived(&rm, c.crime, &why()).await, Err(StoreError::Denied)));
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().state, State::Disposed);
    }

    async fn a_records_manager_regrades_with_a_reason(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let before = db.store.retention_due(c.crime).await.unwrap().unwrap();
        assert_eq!(before.group, MopiGroup::OtherOffences);
        refused(db.store.regrade(&rm, c.crime, Some(MopiGroup::SexualViolentSerious), "").await, "must give its reason");
        assert!(matches!(db.store.regrade(&investigator(), c.crime, Some(MopiGroup::SexualViolentSerious), "mine").await, Err(StoreError::Denied)));
        assert_eq!(decisions(&db).await, 0);
        db.store.regrade(&rm, c.crime, Some(MopiGroup::SexualViolentSerious), "Threats to kill during the theft").await.unwrap();
        let after = db.store.retention_due(c.crime).await.unwrap().unwrap();
        assert_eq!(after.group, MopiGroup::SexualViolentSerious);
        assert!(after.next_review > before.next_review, "a ten-year clear period: {after:?}");
        let file = db.store.retention_file(&rm, c.crime).await.unwrap();
        assert_eq!((file.graded, file.override_group), (MopiGroup::OtherOffences, Some(MopiGroup::SexualViolentSerious)));
        assert_eq!(file.decisions[0].outcome, "regrade");
        // The sweep keeps the override; back to the grading with another reason.
        sweep(&db).await;
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap(), after);
        refused(db.store.regrade(&rm, c.crime, Some(MopiGroup::SexualViolentSerious), "again").await, "already held in that group");
        db.store.regrade(&rm, c.crime, None, "The threat was not substantiated").await.unwrap();
        assert_eq!(db.store.retention_due(c.crime).await.unwrap().unwrap().group, MopiGroup::OtherOffences);
    }

    async fn group_1_is_kept_until_the_subject_is_deemed_100(db: TestDb) {
        let who = investigator();
        let rm = manager();
        let event = db.store.create_entity(&who, crate::search::event("crime", "Murder"), marking(), None).await.unwrap();
        let known = db.store.create_entity(&who, person("Ada", "Sable", "1950-02-01"), marking(), None).await.unwrap();
        let murder = db.store.create_entity(&who, crime(event, "1", known, "Murder"), marking(), None).await.unwrap();
        let unknown = db.store.create_entity(&who, EntityBody::Person(custos_core::person::Person::try_from(
            serde_json::from_value::<custos_core::draft::PersonDraft>(json!({"names": [{"kind": "primary", "forenames": ["Bo"], "surname": "Sable"}]})).unwrap(),
        ).unwrap()), marking(), None).await.unwrap();
        let other = db.store.create_entity(&who, crime(event, "1", unknown, "Murder"), marking(), None).await.unwrap();
        for id in [murder, other] {
            backdate(&db, id, 11 * 366).await;
        }
        sweep(&db).await;
        // Both are due their ten-yearly review; neither may go.
        refused(db.store.review_records(&rm, &[dispose(murder)]).await, "deemed 100, on 2050-02-01");
        refused(db.store.review_records(&rm, &[dispose(other)]).await, "date of birth is unknown");
        let mut archive = dispose(murder);
        archive.assessment.outcome = Outcome::Archive;
        archive.assessment.reason = Some("A notable case".into());
        refused(db.store.review_records(&rm, &[archive]).await, "deemed 100");
        // Kept at review: reviewed again in ten years.
        let decided = db.store.review_records(&rm, &[retain(murder, Some("Public protection: MAPPA"))]).await.unwrap();
        assert_eq!(decided[0].next_review, today().checked_add(years(10)).ok());
    }

    async fn a_record_another_refers_to_goes_with_it_or_after_it(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let who = investigator();
        let arrest = db.store.create_entity(&who, record("arrest", json!({
            "person": c.suspect, "event": c.event, "arrested_at": "2026-03-01T22:10:00Z", "offences": ["46"],
            "grounds": "Seen taking perfume", "necessity": ["investigation"], "arresting_officer": "PC 1 Ash",
        })), marking(), None).await.unwrap();
        let custody = db.store.create_entity(&who, record("custody_record", json!({ "person": c.suspect, "arrest": arrest, "detention": {
            "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z",
            "authorised": "2026-03-01T22:55:00Z", "reviews": [], "extensions": [], "charged": null, "released": null,
        }})), marking(), None).await.unwrap();
        // The custody record is held in its arrest's group, and follows it.
        assert_eq!(db.store.retention_due(custody).await.unwrap().unwrap().group, MopiGroup::OtherOffences);
        db.store.regrade(&rm, arrest, Some(MopiGroup::SexualViolentSerious), "Violence during the arrest").await.unwrap();
        assert_eq!(db.store.retention_due(custody).await.unwrap().unwrap().group, MopiGroup::SexualViolentSerious);
        db.store.regrade(&rm, arrest, None, "Recorded in error").await.unwrap();
        let current = db.store.read_entity(&who, arrest, &why()).await.unwrap();
        let EntityBody::Record(Record::Arrest(mut changed)) = current.body else { panic!() };
        changed.offences = vec![custos_core::record::Offence::parse("8N").unwrap()];
        db.store.change_entity(&who, arrest, current.version, EntityBody::Record(Record::Arrest(changed)), custos_core::version::ChangeKind::Edited, None).await.unwrap();
        assert_eq!(db.store.retention_due(custody).await.unwrap().unwrap().group, MopiGroup::SexualViolentSerious, "assault with injury: Group 2");
        // Not due (the subject's theft is newer contact): kept, until the subject asks for deletion.
        refused(db.store.review_records(&rm, &[dispose(custody)]).await, "not due until");
        db.store.request_review(&rm, c.suspect, Trigger::DeletionRequest).await.unwrap();
        refused(db.store.review_records(&rm, &[dispose(arrest)]).await, "refer to this one");
        assert!(db.store.read_entity(&who, arrest, &why()).await.is_ok());
        let mut archive = dispose(arrest);
        archive.assessment.outcome = Outcome::Archive;
        archive.assessment.reason = Some("A notable arrest".into());
        refused(db.store.review_records(&rm, &[archive]).await, "refers to this one");
        // Together, the record referred to first.
        db.store.review_records(&rm, &[dispose(arrest), dispose(custody)]).await.unwrap();
        assert!(matches!(db.store.read_entity(&who, custody, &why()).await, Err(StoreError::Denied)));
    }

    async fn a_person_found_by_a_match_search_takes_its_probe_with_them(db: TestDb) {
        let who = investigator();
        let rm = manager();
        let probe = match person("Xanthippe", "Morrow", "1971-07-07") { EntityBody::Person(p) => p, _ => unreachable!() };
        let found = db.store.match_person(&who, &probe, &why()).await.unwrap();
        let outcome = db.store.create_person_after_match(&who, found.search_id, custos_store::matching::MatchChoice::NoneOfThese,
            EntityBody::Person(probe), marking(), None).await.unwrap();
        let custos_store::matching::MatchOutcome::Created(id) = outcome else { panic!("{outcome:?}") };
        db.store.integrate_audit().await.unwrap();
        assert!(!stored(&db, "Xanthippe").await.is_empty());
        // Years later: the search has long expired and been purged, but not forgotten.
        let mut conn = db.raw().await;
        sqlx::query("UPDATE person_match_search SET created_at = created_at - 86400000000 * 400").execute(&mut conn).await.unwrap();
        db.store.purge_match_searches().await.unwrap();
        db.store.review_records(&rm, &[dispose(id)]).await.unwrap();
        db.store.integrate_audit().await.unwrap();
        let leftovers = stored(&db, "Xanthippe").await;
        assert!(leftovers.is_empty(), "the match search's probe is erased with the person: {leftovers:?}");
    }

    async fn what_goes_with_a_person_must_be_erasable_by_the_reviewer(db: TestDb) {
        let who = investigator();
        let rm = manager();
        let person_id = db.store.create_entity(&who, person("Cass", "Wren", "1980-01-01"), marking(), None).await.unwrap();
        let safe_house = db.store.create_entity(&who, location("1 Hidden Row", "E8 2BB"), marking(), None).await.unwrap();
        // A need-to-know link the records manager is not on.
        let mut secret = marking();
        secret.sensitive = true;
        secret.acl = vec![custos_core::marking::AclEntry::User(who.user.clone())];
        let link = db.store.create_entity(&who, link(person_id, safe_house, "home"), secret, None).await.unwrap();
        assert!(matches!(db.store.review_records(&rm, &[dispose(person_id)]).await, Err(StoreError::Denied)));
        assert!(db.store.read_entity(&who, person_id, &why()).await.is_ok());
        assert!(db.store.read_entity(&who, link, &why()).await.is_ok());
        let events = audit_events(&db).await;
        assert!(events.iter().any(|e| e.kind == AuditKind::AccessDenied && e.objects.iter().any(|o| o.id == link.to_string())));
    }

    async fn a_stub_reveals_nothing_to_those_who_may_not_review(db: TestDb) {
        let c = case(&db).await;
        db.store.review_records(&manager(), &[dispose(c.crime)]).await.unwrap();
        let who = investigator();
        assert!(matches!(db.store.review_records(&who, &[retain(c.crime, Some("x"))]).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.retention_file(&who, c.crime).await, Err(StoreError::Denied)));
        let events = audit_events(&db).await;
        assert!(events.iter().filter(|e| e.kind == AuditKind::AccessDenied && e.actor == who.user.to_string()).count() >= 2);
    }

    async fn undetected_crime_is_held_as_group_4(db: TestDb) {
        let who = investigator();
        let rm = manager();
        let event = db.store.create_entity(&who, crate::search::event("crime", "Murder"), marking(), None).await.unwrap();
        let undetected = db.store.create_entity(&who, record("crime_report", json!({
            "event": event, "offence": "1", "status": "finalised", "outcome": "no_suspect_identified", "narrative": "No suspect", "people": [],
        })), marking(), None).await.unwrap();
        backdate(&db, undetected, 11 * 366).await;
        sweep(&db).await;
        let g4 = QueueFilter { group: Some(MopiGroup::Undetected), ..QueueFilter::default() };
        let shown = db.store.retention_queue(&rm, &g4, 0, 50).await.unwrap();
        assert_eq!(shown.iter().map(|d| (d.record, d.group)).collect::<Vec<_>>(), [(undetected, MopiGroup::Undetected)]);
        let report = db.store.retention_report(&rm).await.unwrap();
        assert_eq!(report.groups[3].0, MopiGroup::Undetected);
        assert_eq!(report.groups[3].1.held, 1);
        assert_eq!(report.groups[3].1.overdue, 1);
        // With nobody to wait for, it goes at a review that finds no need.
        db.store.review_records(&rm, &[dispose(undetected)]).await.unwrap();
    }

    async fn deletion_requests_and_subject_access_bring_reviews_forward(db: TestDb) {
        let c = case(&db).await;
        let rm = manager();
        let assault = db.store.create_entity(&investigator(), crate::search::event("crime", "An assault"), marking(), None).await.unwrap();
        let fresh = db.store.create_entity(&investigator(), crime(assault, "8N", c.suspect, "Fresh"), marking(), None).await.unwrap();
        sweep(&db).await;
        let triggered = QueueFilter { triggered: true, ..QueueFilter::default() };
        let shown = db.store.retention_queue(&rm, &triggered, 0, 50).await.unwrap();
        assert_eq!(shown.iter().map(|d| d.record).collect::<Vec<_>>(), [c.crime], "back to notice marks the older record");
        // A deletion request marks both, replacing the older one's mark (only it lets a record go early).
        assert_eq!(db.store.request_review(&rm, c.suspect, Trigger::DeletionRequest).await.unwrap(), 2);
        for id in [fresh, c.crime] {
            assert_eq!(db.store.retention_due(id).await.unwrap().unwrap().triggered, Some(Trigger::DeletionRequest));
        }
        assert_eq!(db.store.request_review(&rm, c.suspect, Trigger::SubjectAccess).await.unwrap(), 0, "a lesser mark replaces none");
        assert!(matches!(db.store.request_review(&investigator(), c.suspect, Trigger::DeletionRequest).await, Err(StoreError::Denied)));
    }
}
