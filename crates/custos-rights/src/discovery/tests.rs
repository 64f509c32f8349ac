//! Discovery casework rules, through the request's events: each refusal leaves the request as it
//! was.

use jiff::civil::{Date, date};
use serde_json::{Value, json};

use crate::request::{CaseError, Event, Request};

const TODAY: Date = date(2026, 12, 6);
const PERSON: &str = "0190a3c4-1111-7000-8000-000000000001";
const OTHER: &str = "0190a3c4-1111-7000-8000-000000000002";

fn event(value: Value) -> Event {
    serde_json::from_value(value).unwrap()
}

fn request(law: &str) -> Request {
    let registered = event(json!({
        "event": "registered", "law": law, "channel": "email", "received": "2026-11-02",
        "requester": {"name": "Dawn Holt", "contact": "dawn@example.org", "kind": "data_subject"},
        "summary": "Everything you hold about me", "identity_verified": "2026-11-03",
    }));
    Request::from_events(&[registered], TODAY).unwrap()
}

fn identified(person: &str) -> Event {
    event(json!({"event": "subject_identified", "person": person, "search": "search-1", "reason": null}))
}

fn bundle(items: &[(&str, &str)]) -> Event {
    let items: Vec<Value> = items.iter().map(|(item, hash)| json!({"item": item, "hash": hash})).collect();
    event(json!({"event": "bundle_assembled", "items": items}))
}

fn reviewed(reviews: Value) -> Event {
    event(json!({"event": "items_reviewed", "reviews": reviews}))
}

fn exported(disclosed: usize, withheld: usize) -> Event {
    event(json!({"event": "pack_exported", "on": "2026-11-20", "disclosed": disclosed, "withheld": withheld, "sha256": "ab12"}))
}

/// Applies `e` expecting refusal with `err`, and checks the request did not change.
fn refused(r: &mut Request, e: &Event, err: CaseError) {
    let before = r.clone();
    assert_eq!(r.apply(e, TODAY), Err(err));
    assert_eq!(*r, before);
}

#[test]
fn only_a_subject_access_request_has_a_subject() {
    let mut foi = Request::from_events(
        &[event(json!({
            "event": "registered", "law": "foi", "channel": "email", "received": "2026-11-02",
            "requester": {"name": "A Journalist", "contact": "news@example.org", "kind": "journalist"},
            "summary": "Stop and search figures",
        }))],
        TODAY,
    )
    .unwrap();
    refused(&mut foi, &identified(PERSON), CaseError::NotSubjectAccess);
    let mut sar = request("sar-le");
    sar.apply(&identified(PERSON), TODAY).unwrap();
    assert_eq!(sar.discovery.subject.as_ref().unwrap().person.to_string(), PERSON);
}

#[test]
fn a_bundle_needs_a_subject_and_reviews_need_a_bundle() {
    let mut r = request("sar");
    refused(&mut r, &bundle(&[("entity:a:1", "h1")]), CaseError::NoSubject);
    refused(&mut r, &reviewed(json!([{"item": "entity:a:1", "decision": "disclose"}])), CaseError::NoBundle);
    r.apply(&identified(PERSON), TODAY).unwrap();
    refused(&mut r, &bundle(&[("entity:a:1", "h1"), ("entity:a:1", "h1")]), CaseError::DuplicateItem("entity:a:1".into()));
    r.apply(&bundle(&[("entity:a:1", "h1")]), TODAY).unwrap();
    refused(&mut r, &reviewed(json!([{"item": "entity:b:1", "decision": "disclose"}])), CaseError::UnknownItem("entity:b:1".into()));
}

#[test]
fn a_restriction_needs_its_ground_and_reasons() {
    let mut r = request("sar-le");
    r.apply(&identified(PERSON), TODAY).unwrap();
    r.apply(&bundle(&[("entity:a:1", "h1"), ("audit:7", "h2")]), TODAY).unwrap();
    // Withheld without a reason, or without a ground: refused, and nothing of the batch recorded.
    let batch = reviewed(json!([
        {"item": "entity:a:1", "decision": "disclose"},
        {"item": "audit:7", "decision": "withhold", "ground": "s45_4_b"},
    ]));
    refused(&mut r, &batch, CaseError::RestrictionUnexplained("audit:7".into()));
    refused(&mut r, &reviewed(json!([{"item": "audit:7", "decision": "partly", "reason": "Live investigation"}])), CaseError::RestrictionUnexplained("audit:7".into()));
    // A UK GDPR ground does not restrict a Part 3 request.
    refused(
        &mut r,
        &reviewed(json!([{"item": "audit:7", "decision": "withhold", "ground": "sch2_para2", "reason": "Crime"}])),
        CaseError::WrongRestriction { ground: crate::request::Restriction::CrimeAndTaxation, law: crate::clock::Law::SarLe },
    );
    refused(
        &mut r,
        &reviewed(json!([{"item": "entity:a:1", "decision": "disclose", "ground": "s45_4_b", "reason": "x"}])),
        CaseError::GroundOnDisclosure("entity:a:1".into()),
    );
    r.apply(&reviewed(json!([{"item": "audit:7", "decision": "withhold", "ground": "s45_4_b", "reason": "Would alert a suspect"}])), TODAY).unwrap();
    assert_eq!(r.discovery.reviews.len(), 1);
}

#[test]
fn disclosing_an_unreviewed_item_is_refused() {
    let mut r = request("sar");
    r.apply(&identified(PERSON), TODAY).unwrap();
    refused(&mut r, &exported(0, 0), CaseError::NoBundle);
    r.apply(&bundle(&[("entity:a:1", "h1"), ("entity:b:2", "h2"), ("audit:9", "h3")]), TODAY).unwrap();
    r.apply(&reviewed(json!([{"item": "entity:b:2", "decision": "disclose"}])), TODAY).unwrap();
    refused(&mut r, &exported(3, 0), CaseError::Unreviewed { count: 2, first: "entity:a:1".into() });
    r.apply(
        &reviewed(json!([
            {"item": "entity:a:1", "decision": "disclose", "adjustments": {"release": ["Holt"], "redact": []}},
            {"item": "audit:9", "decision": "withhold", "ground": "sch2_para16", "reason": "Names an officer's private address"},
        ])),
        TODAY,
    )
    .unwrap();
    // The counts must be the reviews' own.
    refused(&mut r, &exported(3, 0), CaseError::ExportCounts { disclosed: 2, withheld: 1 });
    r.apply(&exported(2, 1), TODAY).unwrap();
    assert_eq!(r.discovery.exports.len(), 1);
}

#[test]
fn assembling_again_keeps_only_the_reviews_of_unchanged_items() {
    let mut r = request("sar");
    r.apply(&identified(PERSON), TODAY).unwrap();
    r.apply(&bundle(&[("entity:a:1", "h1"), ("entity:b:1", "h2")]), TODAY).unwrap();
    r.apply(&reviewed(json!([{"item": "entity:a:1", "decision": "disclose"}, {"item": "entity:b:1", "decision": "disclose"}])), TODAY).unwrap();
    // b's content changed (a new version is a new key; here its rendering changed): re-review it.
    r.apply(&bundle(&[("entity:a:1", "h1"), ("entity:b:1", "h9"), ("audit:4", "h4")]), TODAY).unwrap();
    let unreviewed: Vec<&str> = r.discovery.unreviewed().map(|e| e.item.as_str()).collect();
    assert_eq!(unreviewed, ["entity:b:1", "audit:4"]);
    // Another subject discards the bundle.
    r.apply(&identified(OTHER), TODAY).unwrap();
    assert!(r.discovery.items.is_empty() && r.discovery.reviews.is_empty());
}

#[test]
fn a_pack_goes_only_to_a_verified_subject_and_not_from_the_future() {
    let registered = event(json!({
        "event": "registered", "law": "sar", "channel": "letter", "received": "2026-11-02",
        "requester": {"name": "Dawn Holt", "contact": "1 High Street", "kind": "data_subject"},
        "summary": "Everything",
    }));
    let mut r = Request::from_events(&[registered, identified(PERSON), bundle(&[("entity:a:1", "h")])], TODAY).unwrap();
    r.apply(&reviewed(json!([{"item": "entity:a:1", "decision": "disclose"}])), TODAY).unwrap();
    refused(&mut r, &exported(1, 0), CaseError::NotStarted);
    r.apply(&event(json!({"event": "identity_verified", "on": "2026-11-04", "how": "Passport"})), TODAY).unwrap();
    let future = event(json!({"event": "pack_exported", "on": "2026-12-07", "disclosed": 1, "withheld": 0, "sha256": "ab"}));
    refused(&mut r, &future, CaseError::Future { what: "the export", day: date(2026, 12, 7) });
    r.apply(&exported(1, 0), TODAY).unwrap();
}
