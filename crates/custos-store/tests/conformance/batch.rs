//! Batch import and linking: an import chunk creates people with their addresses, ledger rows and
//! data-quality issues in one transaction and is skipped when run again (resumable without
//! duplicates); a denied import stores nothing; linking reads people with their postcodes, merges
//! clusters into their oldest record with the probability, refuses (and queues) a conflicting
//! identifier, and reports each imported row's nominal; the review queue lists, links and rejects
//! pairs, a rejected pair is remembered, and only those who may merge can work the queue.

use custos_audit::AuditKind;
use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::location::Location;
use custos_core::marking::Classification;
use custos_core::person::Person;
use custos_core::role::Role;
use custos_core::text::Label;
use custos_store::StoreError;
use custos_store::batch::{ImportOutcome, ImportedPerson, PlannedMerge, QualityIssue, ReviewPair, SourceName, batch_unit};
use custos_store::review::{ReviewDecision, ReviewOutcome};
use custos_store::search::Page;
use custos_store::testing::TestDb;
use custos_store::users::batch_loader;
use sqlx::Row;

use custos_store::conformance;
use crate::fixtures::*;
use crate::merge::snapshot;
use crate::search::audit_events;

fn body_person(forename: &str, surname: &str, dob: &str) -> Person {
    match person(forename, surname, dob) {
        EntityBody::Person(p) => p,
        _ => unreachable!(),
    }
}

fn row(source_id: &str, line: u64, forename: &str, surname: &str, postcode: &str) -> ImportedPerson {
    let mut address = Location::new(vec![Label::parse("1 High Street").unwrap()]).unwrap();
    address.postcode = Some(postcode.parse().unwrap());
    ImportedPerson {
        source_id: source_id.into(),
        line,
        person: body_person(forename, surname, "1980-01-01"),
        address: Some(address),
        issues: vec![QualityIssue { field: "ni_number".into(), recorded: "QQ12".into(), problem: "not an NI number".into() }],
    }
}

fn source() -> SourceName {
    "niche-extract".parse().unwrap()
}

fn loader() -> custos_authz::Principal {
    batch_loader(batch_unit())
}

fn loader_marking() -> custos_core::marking::SecurityMarking {
    custos_core::marking::SecurityMarking::official(batch_unit())
}

async fn import(db: &TestDb, rows: &[ImportedPerson]) -> Vec<ImportOutcome> {
    db.store.import_people(&loader(), &source(), &loader_marking(), rows, "legacy load").await.unwrap()
}

fn created(outcomes: &[ImportOutcome]) -> Vec<EntityId> {
    outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::Created(id) => Some(*id),
            ImportOutcome::AlreadyImported { .. } => None,
        })
        .collect()
}

conformance! {
    async fn an_import_chunk_is_stored_whole_and_skipped_when_run_again(db: TestDb) {
        let rows = [row("A1", 2, "Ann", "Lee", "M1 1AE"), row("A2", 3, "Bob", "Ray", "M2 2AB")];
        let first = import(&db, &rows).await;
        assert_eq!(created(&first).len(), 2);
        let mut conn = db.raw().await;
        // A person, a location and a home link per row, the ledger and the flagged value.
        assert_eq!(count(&mut conn, "entity").await, 6);
        assert_eq!(count(&mut conn, "link").await, 2);
        assert_eq!(count(&mut conn, "import_record").await, 2);
        assert_eq!(count(&mut conn, "data_quality_issue").await, 2);

        // Resumed: both rows already there; a new row in the same chunk is created.
        let again = import(&db, &[rows[0].clone(), rows[1].clone(), row("A3", 4, "Cy", "Oh", "M3 3AB")]).await;
        assert_eq!(again[0], ImportOutcome::AlreadyImported { line: 2, person: created(&first)[0] });
        assert_eq!(again[1], ImportOutcome::AlreadyImported { line: 3, person: created(&first)[1] });
        assert_eq!(created(&again).len(), 1);
        assert_eq!(count(&mut conn, "entity").await, 9);
        assert_eq!(count(&mut conn, "import_record").await, 3);

        // Every creation is audited as the batch loader.
        let creates = audit_events(&db).await.into_iter().filter(|e| e.kind == AuditKind::Create).count();
        assert_eq!(creates, 9);
    }

    async fn an_import_the_principal_may_not_make_stores_nothing(db: TestDb) {
        let officer = principal("MP200002", &[Role::ResponseOfficer], &["NE-BCU"], Classification::Official);
        // Records owned by a unit the officer does not belong to.
        let err = db.store.import_people(&officer, &source(), &loader_marking(), &[row("A1", 2, "Ann", "Lee", "M1 1AE")], "load").await;
        assert!(matches!(err, Err(StoreError::Denied)), "{err:?}");
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "entity").await, 0);
        assert_eq!(count(&mut conn, "import_record").await, 0);
        assert_eq!(count(&mut conn, "data_quality_issue").await, 0);
        assert!(audit_events(&db).await.iter().any(|e| e.kind == AuditKind::AccessDenied));
    }

    async fn linking_merges_clusters_into_the_oldest_record_and_reports_nominals(db: TestDb) {
        let ids = created(&import(&db, &[row("A1", 2, "Ann", "Lee", "M1 1AE"), row("A2", 3, "Anne", "Lee", "M1 1AE"), row("A3", 4, "Bob", "Ray", "M2 2AB")]).await);
        let people = db.store.people_for_linking(&loader(), "linking").await.unwrap();
        assert_eq!(people.len(), 3);
        assert!(people.iter().all(|p| p.postcodes.len() == 1), "each person has their home postcode");
        assert!(audit_events(&db).await.iter().any(|e| e.kind == AuditKind::Search));

        let before = snapshot(&mut db.raw().await).await;
        let plan = PlannedMerge { primary: ids[0], members: vec![(ids[1], 0.97)] };
        let applied = db.store.apply_linkage(&loader(), std::slice::from_ref(&plan), &[], "linking").await.unwrap();
        assert_eq!(applied.merged, 1);
        // A batch merge is a merge like any other: undone, the store is exactly as before
        // (the duplicate's home link, name keys and blocking keys back where they were).
        let merge_id: Vec<u8> = sqlx::query("SELECT merge_id FROM person_merge").fetch_one(&mut db.raw().await).await.unwrap().get(0);
        let merge_id: custos_store::merge::MergeId = EntityId::from_bytes(merge_id.try_into().unwrap()).to_string().parse().unwrap();
        db.store.unmerge(&loader(), merge_id, "linked in error").await.unwrap();
        let after = snapshot(&mut db.raw().await).await;
        assert_eq!(before, after);
        let applied = db.store.apply_linkage(&loader(), &[plan], &[], "linking").await.unwrap();
        assert_eq!(applied.merged, 1);
        assert_eq!(db.store.people_for_linking(&loader(), "linking").await.unwrap().len(), 2, "the duplicate is represented by its nominal");

        let report = db.store.imported_nominals(&loader(), Some(&source()), "report").await.unwrap();
        let rows: Vec<(&str, EntityId, f64)> = report.iter().map(|r| (r.source_id.as_str(), r.nominal, r.probability)).collect();
        assert_eq!(rows, vec![("A1", ids[0], 0.97), ("A2", ids[0], 0.97), ("A3", ids[2], 1.0)]);
        assert!(audit_events(&db).await.iter().any(|e| e.kind == AuditKind::Merge));
    }

    async fn linking_never_merges_a_conflicting_identifier_and_queues_it(db: TestDb) {
        let mut other = row("A2", 3, "Ann", "Lee", "M1 1AE");
        other.person.identifiers = vec![custos_core::person::PersonIdentifier::parse(custos_core::person::IdentifierKind::PncId, "2001/0000001Q").unwrap()];
        let ids = created(&import(&db, &[row("A1", 2, "Ann", "Lee", "M1 1AE"), other]).await);
        let plan = PlannedMerge { primary: ids[0], members: vec![(ids[1], 0.99)] };
        let applied = db.store.apply_linkage(&loader(), &[plan], &[], "linking").await.unwrap();
        assert_eq!(applied.merged, 0);
        assert_eq!(applied.queued, 1);
        assert!(applied.skipped[0].1.contains("pnc_id"), "{:?}", applied.skipped);
        let queue = db.store.review_queue(&loader(), Page::first(10), &why()).await.unwrap().items;
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].cause, "conflicting_pnc_id");
    }

    async fn the_review_queue_links_and_rejects_and_remembers(db: TestDb) {
        let ids = created(&import(&db, &[
            row("A1", 2, "Ann", "Lee", "M1 1AE"),
            row("A2", 3, "Anna", "Lee", "M1 1AE"),
            row("A3", 4, "Ann", "Leigh", "M1 1AE"),
        ]).await);
        let reviews = [
            ReviewPair { a: ids[0], b: ids[1], probability: 0.8, cause: "review_band".into() },
            ReviewPair { a: ids[2], b: ids[0], probability: 0.6, cause: "review_band".into() },
        ];
        let applied = db.store.apply_linkage(&loader(), &[], &reviews, "linking").await.unwrap();
        assert_eq!(applied.queued, 2);
        // Queued again: nothing new.
        assert_eq!(db.store.apply_linkage(&loader(), &[], &reviews, "linking").await.unwrap().queued, 0);

        let manager = principal("RM000001", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Official);
        let page = db.store.review_queue(&manager, Page::first(10), &why()).await.unwrap();
        assert_eq!(page.next_offset, None, "everything fitted on one page");
        let queue = page.items;
        assert_eq!(queue.len(), 2);
        assert!(queue[0].probability > queue[1].probability, "most probable first");
        assert!(!queue[0].explanation.contributions.is_empty());

        let linked = db.store.decide_review(&manager, queue[0].id, ReviewDecision::Link, "same person, checked").await.unwrap();
        assert!(matches!(linked, ReviewOutcome::Linked(_)));
        let rejected = db.store.decide_review(&manager, queue[1].id, ReviewDecision::Reject, "twins").await.unwrap();
        assert_eq!(rejected, ReviewOutcome::Rejected);
        let again = db.store.decide_review(&manager, queue[1].id, ReviewDecision::Link, "changed my mind").await;
        assert!(matches!(again, Err(StoreError::Refused(_))), "{again:?}");
        let no_reason = db.store.decide_review(&manager, queue[1].id, ReviewDecision::Reject, "").await;
        assert!(matches!(no_reason, Err(StoreError::Refused(_))));

        let remembered = db.store.rejected_pairs(&loader()).await.unwrap();
        assert_eq!(remembered.len(), 1);
        assert!(db.store.review_queue(&manager, Page::first(10), &why()).await.unwrap().items.is_empty());

        // The linked pair is a confirmed match for the linker to learn from (both records as
        // they stand, the duplicate included), audited as a read; once unmerged it is not.
        let before = audit_events(&db).await.len();
        let confirmed = db.store.confirmed_pairs(&loader(), "learning from review").await.unwrap();
        assert_eq!(confirmed.len(), 1);
        let mut names: Vec<&str> = [&confirmed[0].0, &confirmed[0].1].iter().map(|p| p.names()[0].forenames()[0].as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Ann", "Anna"]);
        assert_eq!(audit_events(&db).await.len(), before + 1, "one audited read");
        let ReviewOutcome::Linked(merge) = linked else { unreachable!() };
        db.store.unmerge(&manager, merge, "not the same after all").await.unwrap();
        assert!(db.store.confirmed_pairs(&loader(), "learning from review").await.unwrap().is_empty());

        // Someone who may not merge cannot see or work the queue; both denials are audited.
        let officer = principal("MP200002", &[Role::ResponseOfficer], &["NE-BCU"], Classification::Official);
        assert!(matches!(db.store.review_queue(&officer, Page::first(10), &why()).await, Err(StoreError::Denied)));
        assert!(matches!(db.store.decide_review(&officer, queue[1].id, ReviewDecision::Link, "let me").await, Err(StoreError::Denied)));
        assert!(matches!(db.store.confirmed_pairs(&officer, "curious").await, Err(StoreError::Denied)));
        let events = audit_events(&db).await;
        assert!(events.iter().filter(|e| e.kind == AuditKind::AccessDenied).count() >= 2);
        assert!(events.iter().any(|e| e.kind == AuditKind::Update && e.objects.iter().any(|o| o.kind == "review")));
    }

    async fn a_nominal_keeps_the_identifiers_of_what_was_merged_into_it(db: TestDb) {
        let with_pnc = |id: &str, line: u64, pnc: &str| {
            let mut r = row(id, line, "Ann", "Lee", "M1 1AE");
            r.person.identifiers = vec![custos_core::person::PersonIdentifier::parse(custos_core::person::IdentifierKind::PncId, pnc).unwrap()];
            r
        };
        let ids = created(&import(&db, &[row("A1", 2, "Ann", "Lee", "M1 1AE"), with_pnc("A2", 3, "2001/0000001Q"), with_pnc("A3", 4, "2008/0056560Z")]).await);
        // A2 (PNC X) joins A1 (no PNC); A3 (PNC Y) must not then join A1, in this call or a later one.
        let plan = PlannedMerge { primary: ids[0], members: vec![(ids[1], 0.99), (ids[2], 0.98)] };
        let applied = db.store.apply_linkage(&loader(), &[plan], &[], "linking").await.unwrap();
        assert_eq!(applied.merged, 1);
        assert_eq!(applied.queued, 1);
        let later = PlannedMerge { primary: ids[0], members: vec![(ids[2], 0.98)] };
        let applied = db.store.apply_linkage(&loader(), &[later], &[], "linking").await.unwrap();
        assert_eq!(applied.merged, 0, "{applied:?}");
    }

    async fn a_linkage_plan_names_each_record_once(db: TestDb) {
        let ids = created(&import(&db, &[row("A1", 2, "Ann", "Lee", "M1 1AE"), row("A2", 3, "Ann", "Lee", "M1 1AE")]).await);
        let cycle = [
            PlannedMerge { primary: ids[0], members: vec![(ids[1], 0.99)] },
            PlannedMerge { primary: ids[1], members: vec![(ids[0], 0.99)] },
        ];
        let refused = db.store.apply_linkage(&loader(), &cycle, &[], "linking").await;
        assert!(matches!(refused, Err(StoreError::Refused(_))), "{refused:?}");
        let own = [PlannedMerge { primary: ids[0], members: vec![(ids[0], 0.99)] }];
        assert!(matches!(db.store.apply_linkage(&loader(), &own, &[], "linking").await, Err(StoreError::Refused(_))));
        assert_eq!(count(&mut db.raw().await, "person_merge").await, 0);
    }

    async fn only_force_wide_mergers_work_the_queue(db: TestDb) {
        // An investigator may merge within their own unit, but not work the force's queue.
        let refused = db.store.review_queue(&investigator(), Page::first(10), &why()).await;
        assert!(matches!(refused, Err(StoreError::Denied)), "{refused:?}");
        assert!(matches!(db.store.rejected_pairs(&investigator()).await, Err(StoreError::Denied)));
    }

    async fn people_are_read_for_linking_page_by_page_whatever_the_page_size(db: TestDb) {
        let mut rows = Vec::new();
        for (k, surname) in ["Lee", "Ray", "Kay", "Fox", "Day", "Roe", "Poe"].into_iter().enumerate() {
            rows.push(row(&format!("A{k}"), k as u64 + 2, "Ann", surname, "M1 1AE"));
        }
        let ids = created(&import(&db, &rows).await);
        // Two addresses for one person: its rows stay on one page.
        let extra = db.store.create_entity(&loader(), location("1 Other Row", "E1 6AN"), loader_marking(), None).await.unwrap();
        db.store.create_entity(&loader(), link(ids[3], extra, "previous_address"), loader_marking(), None).await.unwrap();
        let plan = PlannedMerge { primary: ids[0], members: vec![(ids[5], 0.97)] };
        db.store.apply_linkage(&loader(), &[plan], &[], "linking").await.unwrap();
        // Things the linker may not read, on people in the middle of the list: a SECRET link to a
        // readable place, a SECRET place behind a readable link, and a SECRET person.
        let cleared = principal("MP900009", &[Role::Investigator], &[custos_store::batch::BATCH_UNIT], Classification::Secret);
        let secret = custos_core::marking::SecurityMarking { classification: Classification::Secret, ..loader_marking() };
        let open_place = db.store.create_entity(&cleared, location("2 Open Row", "E2 7AA"), loader_marking(), None).await.unwrap();
        db.store.create_entity(&cleared, link(ids[2], open_place, "previous_address"), secret.clone(), None).await.unwrap();
        let hidden_place = db.store.create_entity(&cleared, location("3 Hidden Row", "E3 8BB"), secret.clone(), None).await.unwrap();
        db.store.create_entity(&cleared, link(ids[4], hidden_place, "previous_address"), loader_marking(), None).await.unwrap();
        db.store.create_entity(&cleared, person("Eve", "Hidden", "1970-01-01"), secret, None).await.unwrap();
        let whole = db.store.people_for_linking(&loader(), "linking").await.unwrap();
        assert_eq!(whole.len(), 6, "the merged duplicate is represented by its nominal; the SECRET person is left out");
        // Home addresses (the nominal has its duplicate's too), and the one extra address.
        for p in &whole {
            let extra = if p.id == ids[3] { vec!["E1 6AN"] } else { vec![] };
            assert!(p.postcodes.iter().all(|pc| pc == "M1 1AE" || extra.contains(&pc.as_str())), "no SECRET address is used: {:?}", p.postcodes);
        }
        let summary = |people: &[custos_store::batch::LinkablePerson]| {
            people.iter().map(|p| (p.id, p.person.names()[0].surname().to_owned(), p.postcodes.clone())).collect::<Vec<_>>()
        };
        assert_eq!(summary(&whole).iter().find(|p| p.0 == ids[3]).map(|p| p.2.len()), Some(2));
        // Pages of one, of a size that divides the people exactly (with the merged one), of a
        // size that leaves a remainder, and of more than there are: always the same people.
        for page in [1, 2, 4, 7, 100] {
            // What is made of each person comes back in the people's order.
            let ids = db.store.people_for_linking_with(&loader(), "linking", page, |p| p.id).await.unwrap();
            assert_eq!(ids, whole.iter().map(|p| p.id).collect::<Vec<_>>(), "pages of {page}");
            let paged = db.store.people_for_linking_with(&loader(), "linking", page, |p| p).await.unwrap();
            assert_eq!(summary(&paged), summary(&whole), "pages of {page}");
        }
    }

    async fn the_linkage_report_is_in_source_and_line_order_whatever_the_page_size(db: TestDb) {
        // Source ids out of line order, and a second source sorting before the first.
        let rows = [row("C", 2, "Ann", "Lee", "M1 1AE"), row("A", 3, "Bob", "Ray", "M1 1AE"), row("B", 4, "Cal", "Kay", "M1 1AE")];
        let ids = created(&import(&db, &rows).await);
        // A second file of the same source whose line 3 is another row: ties go by source id.
        db.store.import_people(&loader(), &source(), &loader_marking(), &[row("AA", 3, "Dot", "Poe", "M1 1AE")], "load").await.unwrap();
        let other: SourceName = "archive".parse().unwrap();
        db.store.import_people(&loader(), &other, &loader_marking(), &[row("Z", 9, "Dee", "Fox", "M1 1AE")], "load").await.unwrap();
        db.store.apply_linkage(&loader(), &[PlannedMerge { primary: ids[0], members: vec![(ids[2], 0.95)] }], &[], "linking").await.unwrap();
        let keys = |report: &[custos_store::batch::ImportedNominal]| {
            report.iter().map(|r| (r.source.clone(), r.source_id.clone(), r.nominal, r.probability)).collect::<Vec<_>>()
        };
        let all = keys(&db.store.imported_nominals(&loader(), None, "report").await.unwrap());
        let ids_in_order: Vec<(&str, &str)> = all.iter().map(|r| (r.0.as_str(), r.1.as_str())).collect();
        let s = source();
        assert_eq!(ids_in_order, vec![("archive", "Z"), (s.as_str(), "C"), (s.as_str(), "A"), (s.as_str(), "AA"), (s.as_str(), "B")]);
        assert_eq!((all[1].2, all[4].2, all[4].3), (ids[0], ids[0], 0.95), "B was merged into C");
        for page in [1, 2, 3, 4, 100] {
            let paged = db.store.imported_nominals_in_pages(&loader(), None, "report", page).await.unwrap();
            assert_eq!(keys(&paged), all, "pages of {page}");
            let one = db.store.imported_nominals_in_pages(&loader(), Some(&source()), "report", page).await.unwrap();
            assert_eq!(keys(&one), all[1..].to_vec(), "one source, pages of {page}");
        }
    }

    async fn an_address_behind_a_link_the_linker_may_not_read_is_not_used(db: TestDb) {
        let ids = created(&import(&db, &[row("A1", 2, "Ann", "Lee", "M1 1AE")]).await);
        let cleared = principal("MP900009", &[Role::Investigator], &[custos_store::batch::BATCH_UNIT], Classification::Secret);
        let hidden = db.store.create_entity(&cleared, location("9 Hidden Row", "E1 6AN"), loader_marking(), None).await.unwrap();
        let secret = custos_core::marking::SecurityMarking { classification: Classification::Secret, ..loader_marking() };
        db.store.create_entity(&cleared, link(ids[0], hidden, "previous_address"), secret, None).await.unwrap();
        let people = db.store.people_for_linking(&loader(), "linking").await.unwrap();
        assert_eq!(people[0].postcodes, vec!["M1 1AE".to_owned()], "the SECRET link's address is left out");
        let people = db.store.people_for_linking(&cleared, "linking").await.unwrap();
        assert_eq!(people[0].postcodes.len(), 2, "someone cleared for it sees both");
    }

    async fn confirmed_pairs_are_the_records_merged_and_only_those_the_reader_may_read(db: TestDb) {
        let ids = created(&import(&db, &[
            row("A1", 2, "Ann", "Lee", "M1 1AE"),
            row("A2", 3, "Anna", "Lee", "M1 1AE"),
            row("A3", 4, "Ann", "Leigh", "M1 1AE"),
        ]).await);
        let review = [ReviewPair { a: ids[1], b: ids[2], probability: 0.8, cause: "review_band".into() }];
        db.store.apply_linkage(&loader(), &[], &review, "linking").await.unwrap();
        // A2 is merged into A1 before the pair is decided: the reviewer then sees A1 and A3, and
        // that is the pair confirmed.
        let cleared = principal("RM000009", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Secret);
        db.store.merge_people(&cleared, ids[0], ids[1], "same person", custos_store::merge::Identifiers::MustAgree).await.unwrap();
        let queue = db.store.review_queue(&cleared, Page::first(10), &why()).await.unwrap().items;
        assert_eq!(queue.len(), 1);
        db.store.decide_review(&cleared, queue[0].id, ReviewDecision::Link, "same person, checked").await.unwrap();
        let confirmed = db.store.confirmed_pairs(&loader(), "learning from review").await.unwrap();
        let surnames: Vec<(&str, &str)> = confirmed.iter().map(|(a, b)| (a.names()[0].surname(), b.names()[0].surname())).collect();
        assert_eq!(surnames, [("Lee", "Leigh")]);
        assert_eq!(confirmed[0].0.names()[0].forenames(), ["Ann"], "A1, not A2");
        let event = audit_events(&db).await.pop().unwrap();
        assert_eq!(event.kind, AuditKind::Read);
        let mut named: Vec<String> = event.objects.iter().map(|o| o.id.clone()).collect();
        named.sort();
        let mut want = vec![ids[0].to_string(), ids[2].to_string()];
        want.sort();
        assert_eq!(named, want, "the event names the records disclosed");

        // A pair with a SECRET record is left out for a reader not cleared for it.
        let secret = custos_core::marking::SecurityMarking { classification: Classification::Secret, ..loader_marking() };
        let writer = principal("MP900009", &[Role::Investigator], &[custos_store::batch::BATCH_UNIT], Classification::Secret);
        let hidden = db.store.create_entity(&writer, person("Bea", "Stone", "1970-01-01"), secret, None).await.unwrap();
        let shown = created(&import(&db, &[row("B1", 5, "Beatrice", "Stone", "M1 1AE")]).await)[0];
        let review = [ReviewPair { a: shown, b: hidden, probability: 0.8, cause: "review_band".into() }];
        db.store.apply_linkage(&loader(), &[], &review, "linking").await.unwrap();
        let queue = db.store.review_queue(&cleared, Page::first(10), &why()).await.unwrap().items;
        db.store.decide_review(&cleared, queue[0].id, ReviewDecision::Link, "same person, checked").await.unwrap();
        assert_eq!(db.store.confirmed_pairs(&cleared, "learning from review").await.unwrap().len(), 2);
        assert_eq!(db.store.confirmed_pairs(&loader(), "learning from review").await.unwrap().len(), 1);
        let event = audit_events(&db).await.pop().unwrap();
        assert!(!event.objects.iter().any(|o| o.id == hidden.to_string() || o.id == shown.to_string()), "nothing of the unread pair");
    }

    async fn the_review_queue_pages_without_repeating_or_skipping(db: TestDb) {
        let ids = created(&import(&db, &[
            row("A1", 2, "Ann", "Lee", "M1 1AE"),
            row("A2", 3, "Anna", "Lee", "M1 1AE"),
            row("A3", 4, "Ann", "Leigh", "M1 1AE"),
            row("A4", 5, "Anne", "Lea", "M1 1AE"),
        ]).await);
        let pair = |a: usize, b: usize, p: f64| ReviewPair { a: ids[a], b: ids[b], probability: p, cause: "review_band".into() };
        let reviews = [pair(0, 1, 0.89), pair(0, 2, 0.88), pair(0, 3, 0.87), pair(1, 2, 0.86), pair(2, 3, 0.85)];
        db.store.apply_linkage(&loader(), &[], &reviews, "linking").await.unwrap();
        // 0 and 1 become one record: the pair (0, 1) now resolves to one and is left out.
        let manager = principal("RM000001", &[Role::RecordsManager], &["DATA-OFFICE"], Classification::Official);
        db.store.merge_people(&manager, ids[0], ids[1], "same person", custos_store::merge::Identifiers::MustAgree).await.unwrap();
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = db.store.review_queue(&manager, Page::new(offset, 2), &why()).await.unwrap();
            assert!(page.items.len() <= 2);
            seen.extend(page.items.iter().map(|i| i.probability));
            match page.next_offset {
                Some(next) => offset = next,
                None => break,
            }
        }
        assert_eq!(seen, vec![0.88, 0.87, 0.86, 0.85], "every pair once, most probable first");
    }
}
