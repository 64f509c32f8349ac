//! Search before create: a misspelt or nicknamed probe finds the person first, with an
//! explanation; unreadable candidates are never shown; each match search is audited with the
//! candidates shown; a person is created only with a fresh, unused search of one's own, and only a
//! shown candidate may be chosen instead; blocking keys follow changes and stay with each record through merges and unmerges, and
//! are rebuilt at open.

use custos_audit::AuditKind;
use custos_core::draft::PersonDraft;
use custos_core::entity::EntityBody;
use custos_core::ids::EntityId;
use custos_core::marking::Classification;
use custos_core::person::Person;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_match::Field;
use custos_store::StoreError;
use custos_store::matching::{MatchChoice, MatchOutcome, MatchResult, MatchSearchId};
use custos_store::merge::Identifiers;
use custos_store::testing::TestDb;
use sqlx::Row;

use crate::fixtures::*;
use crate::search::{audit_events, cleared, secret};
use custos_store::conformance;

fn human(forename: &str, surname: &str, dob: &str) -> Person {
    let draft: PersonDraft = serde_json::from_value(serde_json::json!({
        "names": [{"kind": "primary", "forenames": [forename], "surname": surname}],
        "dates_of_birth": [dob],
    }))
    .unwrap();
    Person::try_from(draft).unwrap()
}

fn person_body(forename: &str, surname: &str, dob: &str) -> EntityBody {
    EntityBody::Person(human(forename, surname, dob))
}

async fn create(db: &TestDb, forename: &str, surname: &str, dob: &str) -> EntityId {
    db.store.create_entity(&investigator(), person_body(forename, surname, dob), marking(), None).await.unwrap()
}

async fn probe(db: &TestDb, forename: &str, surname: &str, dob: &str) -> MatchResult {
    db.store.match_person(&investigator(), &human(forename, surname, dob), &why()).await.unwrap()
}

fn shown(result: &MatchResult) -> Vec<EntityId> {
    result.candidates.iter().map(|c| c.record.id).collect()
}

/// The (rule, key) rows stored for `id`.
async fn keys_of(db: &TestDb, id: EntityId) -> Vec<(String, String)> {
    let mut conn = db.raw().await;
    let rows = sqlx::query("SELECT rule, key FROM person_block_key WHERE entity_id = $1 ORDER BY rule, key")
        .bind(id.as_bytes().to_vec())
        .fetch_all(&mut conn)
        .await
        .unwrap();
    rows.iter().map(|r| (r.get::<String, _>(0), r.get::<String, _>(1))).collect()
}

fn has(keys: &[(String, String)], rule: &str, key: &str) -> bool {
    keys.iter().any(|(r, k)| r == rule && k == key)
}

async fn after_match(db: &TestDb, search: MatchSearchId, choice: MatchChoice) -> Result<MatchOutcome, StoreError> {
    db.store
        .create_person_after_match(&investigator(), search, choice, person_body("William", "Smith", "1980-03-12"), marking(), None)
        .await
}

fn refused(result: Result<MatchOutcome, StoreError>, words: &str) {
    match result {
        Err(StoreError::Refused(message)) => assert!(message.contains(words), "{message}"),
        other => panic!("expected a refusal about {words:?}, got {other:?}"),
    }
}

conformance! {
    async fn a_misspelt_or_nicknamed_probe_finds_the_person_first_with_an_explanation(db: TestDb) {
        let william = create(&db, "William", "Smith", "1980-03-12").await;
        let mary = create(&db, "Mary", "Smith", "1980-03-12").await;
        create(&db, "William", "Smith", "1955-07-30").await;
        create(&db, "Ahmed", "Khan", "1980-03-12").await;

        for (forename, surname, dob) in [("Bill", "Smith", "1980-03-12"), ("Wiliam", "Smyth", "1980-03-12"), ("William", "Smith", "1980-12-03")] {
            let result = probe(&db, forename, surname, dob).await;
            assert_eq!(shown(&result).first(), Some(&william), "{forename} {surname} {dob}: {:?}", shown(&result));
            let best = &result.candidates[0];
            assert!(best.probability > 0.5, "{forename} {surname}: {}", best.explanation.summary());
            let surname_part = best.explanation.field(Field::Surname).unwrap();
            assert!(surname_part.weight > 0.0, "{}", best.explanation.summary());
            assert!(best.explanation.field(Field::DateOfBirth).is_some());
            assert!(!result.truncated);
            let probs: Vec<f64> = result.candidates.iter().map(|c| c.probability).collect();
            assert!(probs.windows(2).all(|w| w[0] >= w[1]), "most probable first: {probs:?}");
        }
        let result = probe(&db, "Mary", "Smith", "1980-03-12").await;
        assert_eq!(shown(&result).first(), Some(&mary));
        // Someone sharing no key is not a candidate at all.
        assert!(probe(&db, "Zebedee", "Quartermaine", "2001-01-01").await.candidates.is_empty());
    }

    async fn unreadable_candidates_are_not_shown(db: TestDb) {
        let open = create(&db, "William", "Smith", "1980-03-12").await;
        let hidden = db.store.create_entity(&cleared(), person_body("William", "Smith", "1980-03-12"), secret(), None).await.unwrap();
        let result = probe(&db, "Bill", "Smith", "1980-03-12").await;
        assert_eq!(shown(&result), [open], "the SECRET record is not shown to an OFFICIAL investigator");
        let result = db.store.match_person(&cleared(), &human("Bill", "Smith", "1980-03-12"), &why()).await.unwrap();
        let mut ids = shown(&result);
        ids.sort();
        let mut both = vec![open, hidden];
        both.sort();
        assert_eq!(ids, both);
        // The hidden one cannot be chosen with the OFFICIAL investigator's search either.
        let search = probe(&db, "Bill", "Smith", "1980-03-12").await.search_id;
        refused(after_match(&db, search, MatchChoice::Existing(hidden)).await, "not one of the candidates");
    }

    async fn match_searches_are_authorised_and_audited_with_the_candidates_shown(db: TestDb) {
        let william = create(&db, "William", "Smith", "1980-03-12").await;
        let result = probe(&db, "Bill", "Smith", "1980-03-12").await;
        let denied = db.store.match_person(&auditor(), &human("Bill", "Smith", "1980-03-12"), &why()).await.unwrap_err();
        assert!(matches!(denied, StoreError::Denied), "{denied:?}");

        let events = audit_events(&db).await;
        let searches: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::Search).collect();
        assert_eq!(searches.len(), 1, "one event per match search");
        let objects: Vec<(String, String)> = searches[0].objects.iter().map(|o| (o.kind.clone(), o.id.clone())).collect();
        assert_eq!(
            objects,
            [("match_search".to_owned(), result.search_id.to_string()), ("person".to_owned(), william.to_string())]
        );
        let payload = db.store.audit_payload(&auditor(), &searches[0].payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains("Bill") && payload.contains(why().as_str()), "{payload}");
        let leaf_text = format!("{:?}", searches[0]);
        assert!(!leaf_text.contains("Bill"), "the probe stays out of the leaf");
        let denial = events.iter().rfind(|e| e.kind == AuditKind::AccessDenied).expect("the denied search is audited");
        assert_eq!(denial.actor, auditor().user.to_string());
    }

    async fn a_person_is_created_only_with_a_fresh_unused_search_of_ones_own(db: TestDb) {
        let william = create(&db, "William", "Smith", "1980-03-12").await;
        let mut conn = db.raw().await;
        let people = count(&mut conn, "entity").await;

        refused(after_match(&db, "0190a5c4-0000-7000-8000-000000000000".parse().unwrap(), MatchChoice::NoneOfThese).await, "run the match search first");
        let someone_else = principal("MP100002", &[Role::Investigator], &["CE-BCU"], Classification::Official);
        let theirs = db.store.match_person(&someone_else, &human("Bill", "Smith", "1980-03-12"), &why()).await.unwrap();
        refused(after_match(&db, theirs.search_id, MatchChoice::NoneOfThese).await, "run the match search first");

        let stale = probe(&db, "Bill", "Smith", "1980-03-12").await;
        sqlx::query("UPDATE person_match_search SET created_at = created_at - 1860000000 WHERE search_id = $1")
            .bind(stale.search_id.to_string().parse::<EntityId>().unwrap().as_bytes().to_vec())
            .execute(&mut conn)
            .await
            .unwrap();
        refused(after_match(&db, stale.search_id, MatchChoice::NoneOfThese).await, "more than 30 minutes old");

        let fresh = probe(&db, "Bill", "Smith", "1980-03-12").await;
        let stranger = create(&db, "Zebedee", "Quartermaine", "2001-01-01").await;
        refused(after_match(&db, fresh.search_id, MatchChoice::Existing(stranger)).await, "not one of the candidates");
        let bad_reason = db
            .store
            .create_person_after_match(&investigator(), fresh.search_id, MatchChoice::NoneOfThese, person_body("A", "B", "1990-01-01"), marking(), Some("bad\u{7}"))
            .await;
        assert!(matches!(bad_reason, Err(StoreError::Refused(_))), "{bad_reason:?}");
        assert_eq!(count(&mut conn, "entity").await, people + 1, "only the stranger was created");

        let created = after_match(&db, fresh.search_id, MatchChoice::NoneOfThese).await.unwrap();
        let MatchOutcome::Created(new_id) = created else { panic!("{created:?}") };
        assert_ne!(new_id, william);
        let record = db.store.read_entity(&investigator(), new_id, &why()).await.unwrap();
        assert_eq!(record.body, person_body("William", "Smith", "1980-03-12"));
        assert!(!keys_of(&db, new_id).await.is_empty(), "a created person is keyed at once");
        refused(after_match(&db, fresh.search_id, MatchChoice::NoneOfThese).await, "already been used");
        assert_eq!(count(&mut conn, "entity").await, people + 2);

        // Choosing a shown candidate returns it and creates nothing; the search is then used.
        let again = probe(&db, "Bill", "Smith", "1980-03-12").await;
        assert!(shown(&again).contains(&william) && shown(&again).contains(&new_id));
        assert_eq!(after_match(&db, again.search_id, MatchChoice::Existing(william)).await.unwrap(), MatchOutcome::Existing(william));
        refused(after_match(&db, again.search_id, MatchChoice::Existing(william)).await, "already been used");
        assert_eq!(count(&mut conn, "entity").await, people + 2);

        // Each choice is audited, naming the search and the record.
        let events = audit_events(&db).await;
        let names = |e: &custos_audit::AuditEvent| e.objects.iter().map(|o| format!("{}:{}", o.kind, o.id)).collect::<Vec<_>>();
        let creation = events.iter().find(|e| e.kind == AuditKind::Create && names(e).contains(&format!("person:{new_id}"))).unwrap();
        assert!(names(creation).contains(&format!("match_search:{}", fresh.search_id)));
        assert!(names(creation).contains(&"match_choice:none_of_these".to_owned()));
        let choice = events.iter().find(|e| names(e).contains(&"match_choice:existing".to_owned())).unwrap();
        assert_eq!(choice.kind, AuditKind::Search);
        assert!(names(choice).contains(&format!("match_search:{}", again.search_id)));
        assert!(names(choice).contains(&format!("person:{william}")));
    }

    async fn blocking_keys_follow_changes_merges_and_unmerges_and_are_rebuilt_at_open(db: TestDb) {
        let who = investigator();
        let anna = create(&db, "Anna", "Jones", "1990-05-05").await;
        let hanna = create(&db, "Hannah", "Brown", "1985-11-20").await;
        assert!(has(&keys_of(&db, anna).await, "surname_year_initial", "JNS|1990|a"));

        db.store.change_entity(&who, anna, 1, person_body("Anna", "Whitfield", "1990-05-05"), ChangeKind::Edited, None).await.unwrap();
        let keys = keys_of(&db, anna).await;
        assert!(!has(&keys, "surname_year_initial", "JNS|1990|a"), "the old surname's keys are gone: {keys:?}");
        assert!(keys.iter().any(|(r, k)| r == "surname_year_initial" && k.ends_with("|1990|a")));
        let before_merge = (keys_of(&db, anna).await, keys_of(&db, hanna).await);

        let merge_id = db.store.merge_people(&who, anna, hanna, "the same person, checked", Identifiers::MustAgree).await.unwrap();
        assert_eq!((keys_of(&db, anna).await, keys_of(&db, hanna).await), before_merge, "a merge writes no keys");
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [anna], "the duplicate's name finds the primary");
        // A probe sharing keys with both records of the nominal finds it once.
        db.store.change_entity(&who, anna, 2, person_body("Hannah", "Brown", "1985-11-21"), ChangeKind::Edited, None).await.unwrap();
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [anna]);
        // A change of the primary leaves the duplicate's keys alone, and the nominal is still found
        // by them.
        db.store.change_entity(&who, anna, 3, person_body("Anna", "Whitfield", "1990-05-05"), ChangeKind::Edited, None).await.unwrap();
        assert_eq!(keys_of(&db, hanna).await, before_merge.1);
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [anna]);
        // Through a chain: the nominal merged into a third record is found as that record.
        let carl = create(&db, "Carl", "Ode", "1970-01-01").await;
        let chained = db.store.merge_people(&who, carl, anna, "the same person, checked", Identifiers::MustAgree).await.unwrap();
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [carl], "resolved along the chain");
        db.store.unmerge(&who, chained, "not the same person after all").await.unwrap();

        db.store.unmerge(&who, merge_id, "not the same person after all").await.unwrap();
        assert_eq!((keys_of(&db, anna).await, keys_of(&db, hanna).await), before_merge);
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [hanna]);

        // Built again at open when they were built with other rules: an older build's keys
        // (here a lost half and a rule that no longer exists) are replaced by this build's.
        let mut conn = db.raw().await;
        let stored = count(&mut conn, "person_block_key").await;
        sqlx::query("DELETE FROM person_block_key WHERE rule <> 'identifier'").execute(&mut conn).await.unwrap();
        sqlx::query("INSERT INTO person_block_key (entity_id, rule, key) VALUES ($1, 'surname_phonetic_year', 'PRN|1985')")
            .bind(hanna.as_bytes().to_vec())
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("UPDATE block_key_scheme SET scheme = 'an older build'").execute(&mut conn).await.unwrap();
        assert!(probe(&db, "Hannah", "Brown", "1985-11-20").await.candidates.is_empty());
        let reopened = db.reopen().await.unwrap();
        assert_eq!(count(&mut conn, "person_block_key").await, stored);
        assert!(!keys_of(&db, hanna).await.iter().any(|(r, _)| r == "surname_phonetic_year"), "the old rule's keys are gone");
        let scheme: String = sqlx::query_scalar("SELECT scheme FROM block_key_scheme").fetch_one(&mut conn).await.unwrap();
        assert_eq!(scheme, custos_match::blocking::SCHEME);
        let found = reopened.match_person(&who, &human("Hannah", "Brown", "1985-11-20"), &why()).await.unwrap();
        assert_eq!(shown(&found), [hanna]);
    }

    async fn a_store_keyed_the_old_way_is_rebuilt_with_each_records_own_keys(db: TestDb) {
        // Before scheme 2026-12-05b a merge moved the duplicate's keys under its primary.
        let who = investigator();
        let anna = create(&db, "Anna", "Jones", "1990-05-05").await;
        let hanna = create(&db, "Hannah", "Brown", "1985-11-20").await;
        let own = (keys_of(&db, anna).await, keys_of(&db, hanna).await);
        db.store.merge_people(&who, anna, hanna, "the same person, checked", Identifiers::MustAgree).await.unwrap();
        let mut conn = db.raw().await;
        sqlx::query(
            "INSERT INTO person_block_key (entity_id, rule, key) SELECT $1, rule, key FROM person_block_key \
             WHERE entity_id = $2 ON CONFLICT DO NOTHING",
        )
        .bind(anna.as_bytes().to_vec())
        .bind(hanna.as_bytes().to_vec())
        .execute(&mut conn)
        .await
        .unwrap();
        sqlx::query("DELETE FROM person_block_key WHERE entity_id = $1").bind(hanna.as_bytes().to_vec()).execute(&mut conn).await.unwrap();
        sqlx::query("UPDATE block_key_scheme SET scheme = '2026-12-05a'").execute(&mut conn).await.unwrap();
        assert_ne!(keys_of(&db, anna).await, own.0, "the old layout: the primary carries both");
        db.reopen().await.unwrap();
        assert_eq!((keys_of(&db, anna).await, keys_of(&db, hanna).await), own, "each record's own keys again");
    }

    async fn two_merged_records_stand_for_their_nominal_once(db: TestDb) {
        // The nominal's own keys do not match the probe; both of its duplicates' do.
        let who = investigator();
        let anna = create(&db, "Anna", "Jones", "1990-05-05").await;
        let first = create(&db, "Hannah", "Brown", "1985-11-20").await;
        let second = create(&db, "Hannah", "Brown", "1985-11-20").await;
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await).len(), 2);
        for duplicate in [first, second] {
            db.store.merge_people(&who, anna, duplicate, "the same person, checked", Identifiers::MustAgree).await.unwrap();
        }
        assert_eq!(shown(&probe(&db, "Hannah", "Brown", "1985-11-20").await), [anna]);
    }

    async fn backfill_keeps_a_merged_duplicates_keys_with_it(db: TestDb) {
        let who = investigator();
        let anna = create(&db, "Anna", "Jones", "1990-05-05").await;
        let hanna = create(&db, "Hannah", "Brown", "1985-11-20").await;
        db.store.merge_people(&who, anna, hanna, "the same person, checked", Identifiers::MustAgree).await.unwrap();
        let merged = (keys_of(&db, anna).await, keys_of(&db, hanna).await);
        assert!(!merged.1.is_empty());
        let mut conn = db.raw().await;
        sqlx::query("DELETE FROM person_block_key").execute(&mut conn).await.unwrap();
        sqlx::query("DELETE FROM block_key_scheme").execute(&mut conn).await.unwrap();
        let reopened = db.reopen().await.unwrap();
        assert_eq!((keys_of(&db, anna).await, keys_of(&db, hanna).await), merged);
        let found = reopened.match_person(&who, &human("Hannah", "Brown", "1985-11-20"), &why()).await.unwrap();
        assert_eq!(shown(&found), [anna]);
    }

    async fn old_match_searches_are_purged_and_fresh_ones_kept(db: TestDb) {
        let old = probe(&db, "Ann", "Lee", "1980-01-01").await;
        let fresh = probe(&db, "Bob", "Ray", "1970-01-01").await;
        let day_and_more = i64::try_from(custos_store::matching::SEARCH_KEPT_FOR.as_micros()).unwrap() + 60_000_000;
        sqlx::query("UPDATE person_match_search SET created_at = created_at - $1 WHERE search_id = $2")
            .bind(day_and_more)
            .bind(old.search_id.to_string().parse::<EntityId>().unwrap().as_bytes().to_vec())
            .execute(&mut db.raw().await)
            .await
            .unwrap();
        assert_eq!(db.store.purge_match_searches().await.unwrap(), 1);
        assert_eq!(count(&mut db.raw().await, "person_match_search").await, 1);
        // The fresh one still works.
        let created = after_match(&db, fresh.search_id, MatchChoice::NoneOfThese).await;
        assert!(matches!(created, Ok(MatchOutcome::Created(_))), "{created:?}");
    }
}
