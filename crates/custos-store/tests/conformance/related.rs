//! Around a record and a user: a record's links with their other ends (only those whose link and
//! end may both be read; an unreadable or missing record denied and audited like a read), and a
//! user's own recent work (own, readable, newest first). Each audited as one read.

use custos_audit::AuditKind;
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_core::role::Role;
use custos_core::version::ChangeKind;
use custos_core::marking::Classification;
use custos_store::StoreError;
use custos_store::entities::NewEntity;
use custos_store::related::RECENT_WORK_JUSTIFICATION;

use custos_store::conformance;
use crate::fixtures::*;
use crate::search::{audit_events, cleared, event, secret, vehicle};

conformance! {
    async fn related_shows_only_links_and_ends_that_may_be_read(db: TestDb) {
        let who = investigator();
        let ann = db.store.create_entity(&who, person("Ann", "Lee", "1980-01-01"), marking(), None).await.unwrap();
        let home = db.store.create_entity(&who, location("2 Acacia Avenue", "M1 1AE"), marking(), None).await.unwrap();
        let lives = db.store.create_entity(&who, link(ann, home, "home"), marking(), None).await.unwrap();
        // A readable link to an unreadable end.
        let safe_house = db.store.create_entity(&cleared(), location("1 Hidden Lane", "M1 1AE"), secret(), None).await.unwrap();
        let visits = db.store.create_entity(&cleared(), link(ann, safe_house, "visits"), marking(), None).await.unwrap();
        // An unreadable link to a readable end.
        let burglary = db.store.create_entity(&who, event("crime", "Burglary at the shop"), marking(), None).await.unwrap();
        let suspect = db.store.create_entity(&cleared(), link(ann, burglary, "suspect"), secret(), None).await.unwrap();
        // A link to the record (Ann at the other end from the car's side).
        let car = db.store.create_entity(&who, vehicle("AB51ABC", "Ford", "Blue"), marking(), None).await.unwrap();
        let owns = db.store.create_entity(&who, link(car, ann, "owner"), marking(), None).await.unwrap();

        let related = db.store.related(&who, ann, &why()).await.unwrap();
        let pairs: Vec<(EntityId, EntityId)> = related.iter().map(|r| (r.link.id, r.other.id)).collect();
        assert_eq!(pairs, [(lives, home), (owns, car)]);
        assert_eq!(related[1].other.kind, EntityKind::Object);
        // From the other end, Ann is the other end.
        let from_car = db.store.related(&who, car, &why()).await.unwrap();
        assert_eq!(from_car.iter().map(|r| (r.link.id, r.other.id)).collect::<Vec<_>>(), [(owns, ann)]);
        // Someone cleared sees everything.
        let all = db.store.related(&cleared(), ann, &why()).await.unwrap();
        assert_eq!(
            all.iter().map(|r| (r.link.id, r.other.id)).collect::<Vec<_>>(),
            [(lives, home), (visits, safe_house), (suspect, burglary), (owns, car)]
        );

        // One read event per call, listing the record, the links and the ends shown, nothing else.
        let events = audit_events(&db).await;
        let reads: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::Read).collect();
        assert_eq!(reads.len(), 3);
        let shown: Vec<String> = reads[0].objects.iter().map(|o| o.id.clone()).collect();
        assert_eq!(shown, [ann, lives, home, owns, car].map(|id| id.to_string()));
        assert_eq!(reads[0].objects[1].kind, "link");
        assert_eq!(reads[0].actor, who.user.as_str());
        let payload = db.store.audit_payload(&auditor(), &reads[0].payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains(why().as_str()), "{payload}");
        assert!(!reads[0].policies.is_empty());
    }

    async fn related_on_an_unreadable_or_missing_record_is_denied_and_audited(db: TestDb) {
        let who = investigator();
        let hidden = db.store.create_entity(&cleared(), person("Kim", "Philby", "1912-01-01"), secret(), None).await.unwrap();
        let place = db.store.create_entity(&who, location("2 Acacia Avenue", "M1 1AE"), marking(), None).await.unwrap();
        db.store.create_entity(&cleared(), link(hidden, place, "home"), marking(), None).await.unwrap();
        let err = db.store.related(&who, hidden, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        let missing = EntityId::new();
        let err = db.store.related(&who, missing, &why()).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        // The auditor may read no personal data at all.
        assert!(matches!(db.store.related(&auditor(), place, &why()).await, Err(StoreError::Denied)));

        let events = audit_events(&db).await;
        let denied: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::AccessDenied).collect();
        assert_eq!(denied.len(), 3);
        assert_eq!(denied[0].objects.len(), 1);
        assert_eq!(denied[0].objects[0].id, hidden.to_string());
        assert!(denied[0].policies.iter().any(|p| p == "guard.clearance"), "{:?}", denied[0].policies);
        let payload = db.store.audit_payload(&auditor(), &denied[0].payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains(why().as_str()), "the justification of a refused read is kept: {payload}");
        assert_eq!((denied[1].objects[0].kind.as_str(), denied[1].objects[0].id.clone()), ("unknown", missing.to_string()));
        assert_eq!(denied[2].objects[0].id, place.to_string());
        assert!(!events.iter().any(|e| e.kind == AuditKind::Read), "nothing was shown");
    }

    async fn recent_work_is_own_readable_records_newest_first(db: TestDb) {
        let who = investigator();
        // The same officer, before their clearance was lowered: their SECRET work is now hidden.
        let earlier_self = principal(who.user.as_str(), &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        let colleague = principal("MP100002", &[Role::Investigator], &["CE-BCU"], Classification::Official);
        let a = db.store.create_entity(&who, person("Ann", "Lee", "1980-01-01"), marking(), None).await.unwrap();
        let b = db.store.create_entity(&who, vehicle("AB51ABC", "Ford", "Blue"), marking(), None).await.unwrap();
        let theirs = db.store.create_entity(&colleague, event("crime", "Theft"), marking(), None).await.unwrap();
        let c = db.store.create_entity(&who, location("2 Acacia Avenue", "M1 1AE"), marking(), None).await.unwrap();
        db.store.create_entity(&earlier_self, event("intelligence", "Source report"), secret(), None).await.unwrap();
        db.store.change_entity(&who, a, 1, person("Ann", "Leigh", "1980-01-01"), ChangeKind::Edited, None).await.unwrap();
        // A colleague's edit of my record does not make it more recent for me.
        db.store.change_entity(&colleague, b, 1, vehicle("AB51ABC", "Ford", "Red"), ChangeKind::Edited, None).await.unwrap();
        let _ = theirs;

        let recent = db.store.recent_work(&who, 10).await.unwrap();
        assert_eq!(recent.iter().map(|r| r.id).collect::<Vec<_>>(), [a, c, b], "edited last first, each once");
        assert_eq!(recent[0].version, 2, "the current version is shown");
        let top = db.store.recent_work(&who, 2).await.unwrap();
        assert_eq!(top.iter().map(|r| r.id).collect::<Vec<_>>(), [a, c]);
        assert!(db.store.recent_work(&who, 0).await.unwrap().is_empty());
        assert!(db.store.recent_work(&auditor(), 10).await.unwrap().is_empty(), "the auditor wrote nothing");

        let events = audit_events(&db).await;
        let reads: Vec<_> = events.iter().filter(|e| e.kind == AuditKind::Read).collect();
        assert_eq!(reads.len(), 3, "one read per call that consulted anything");
        assert_eq!(reads[0].objects.iter().map(|o| o.id.clone()).collect::<Vec<_>>(), [a, c, b].map(|id| id.to_string()));
        let payload = db.store.audit_payload(&auditor(), &reads[0].payload.unwrap()).await.unwrap().unwrap();
        assert!(payload.contains(RECENT_WORK_JUSTIFICATION), "{payload}");
    }

    async fn recent_work_walks_past_many_versions_written_at_once(db: TestDb) {
        let who = investigator();
        let earlier_self = principal(who.user.as_str(), &[Role::Investigator], &["CE-BCU"], Classification::Secret);
        let first = db.store.create_entity(&who, location("1 First Street", "M1 1AE"), marking(), None).await.unwrap();
        // 210 records in one transaction share one time, and none is readable now: the walk must
        // resume inside that time, past more than one batch of them.
        let hidden: Vec<NewEntity> =
            (0..210).map(|i| NewEntity::new(location(&format!("{i} Secret Road"), "M1 1AE"), secret())).collect();
        db.store.create_entities(&earlier_self, &hidden, None).await.unwrap();
        let recent = db.store.recent_work(&who, 50).await.unwrap();
        assert_eq!(recent.iter().map(|r| r.id).collect::<Vec<_>>(), [first]);
        let mine = db.store.recent_work(&earlier_self, 50).await.unwrap();
        assert_eq!(mine.len(), 50);
        let mut distinct: Vec<EntityId> = mine.iter().map(|r| r.id).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 50);
        assert!(!mine.iter().any(|r| r.id == first), "the 210 are newer");
    }
}
