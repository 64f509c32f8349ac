//! The operational records' schemas, derived from one complete example of each (every optional
//! field filled), so that the document shows each record's real shape and a test proves every
//! example is accepted by the same parser the API uses.

use custos_core::entity::EntityKind;
use serde_json::{Map, Value, json};

use super::schema_ref;
use super::schemas::object;

const PERSON: &str = "018f3c1e-0000-7000-8000-000000000001";
const VICTIM: &str = "018f3c1e-0000-7000-8000-000000000002";
const EVENT: &str = "018f3c1e-0000-7000-8000-000000000003";
const PLACE: &str = "018f3c1e-0000-7000-8000-000000000004";
const RECORD: &str = "018f3c1e-0000-7000-8000-000000000005";
const OBJECT: &str = "018f3c1e-0000-7000-8000-000000000006";

/// One complete example of each operational record.
pub fn examples() -> Vec<(EntityKind, Value)> {
    let people = json!([{ "person": PERSON, "role": "suspect" }, { "person": VICTIM, "role": "victim" }]);
    vec![
        (EntityKind::Incident, json!({
            "event": EVENT,
            "call": { "received": "2026-03-01T21:55:00Z", "channel": "emergency_999", "grade": "immediate" },
            "reporting_person": VICTIM, "people": people,
            "narrative": "Neighbour reports a woman screaming at the flat; a baseball bat was seen behind the door",
            "status": "open",
        })),
        (EntityKind::Arrest, json!({
            "person": PERSON, "event": EVENT, "arrested_at": "2026-03-01T22:10:00Z", "place": PLACE,
            "offences": ["8N"], "grounds": "Victim states he struck her with a baseball bat",
            "necessity": ["prevent_injury", "investigation"], "arresting_officer": "PC 1234 Khan", "incident": RECORD,
        })),
        (EntityKind::CustodyRecord, json!({
            "person": PERSON, "arrest": RECORD, "incident": RECORD,
            "detention": {
                "arrival": "after_arrest", "arrested": "2026-03-01T22:10:00Z", "arrived": "2026-03-01T22:40:00Z",
                "authorised": "2026-03-01T22:55:00Z", "reviews": ["2026-03-02T04:30:00Z", "2026-03-02T13:30:00Z"],
                "extensions": [{ "by": "superintendent", "granted": "2026-03-02T20:00:00Z", "until": "2026-03-03T10:40:00Z" }],
                "charged": null, "released": null,
            },
            "rights": [{ "right": "legal_advice", "at": "2026-03-01T22:56:00Z", "response": "Wants the duty solicitor" }],
            "risk_assessment": { "at": "2026-03-01T22:58:00Z", "level": "medium", "notes": "Intoxicated; cell checks every 30 minutes" },
            "property": [{ "description": "Mobile phone", "retained": true }],
            "disposal": null,
        })),
        (EntityKind::CrimeReport, json!({
            "event": EVENT, "offence": "8N", "people": people,
            "narrative": "Victim struck on the arm with a baseball bat during an argument",
            "status": "finalised", "outcome": "charged",
            "mopi_override": { "group": "group_1", "reason": "Suspect is a MAPPA-managed offender" },
        })),
        (EntityKind::IntelligenceReport, json!({
            "received": "2026-02-01T10:00:00Z", "text": "Source reports the subject keeps a bat behind the front door",
            "grading": { "source": "2", "intelligence": "B",
                "handling": { "code": "C", "conditions": "Share with the MASH only", "review_by": "2026-08-01" } },
            "status": "live", "sanitised": "The subject is believed to keep a weapon at home",
            "people": [{ "person": PERSON, "role": "subject" }], "objects": [OBJECT], "locations": [PLACE], "events": [EVENT],
            "disseminations": [{ "to": "MASH", "at": "2026-02-02T09:00:00Z" }],
        })),
        (EntityKind::CaseFile, json!({
            "crime_report": RECORD,
            "charges": [{ "defendant": PERSON, "offence": "8N", "particulars": "Assault occasioning actual bodily harm on 1 March 2026", "charged_at": "2026-03-02T15:00:00Z" }],
            "evidence": [{ "reference": "JK/1", "description": "Baseball bat seized at the flat", "object": OBJECT }],
            "unused_material": [{ "reference": "U1", "description": "CAD log of the call", "sensitive": false }],
            "status": "returned", "returned_reasons": "Victim statement missing",
        })),
        (EntityKind::AsbReport, json!({
            "event": EVENT, "category": "personal", "people": [{ "person": PERSON, "role": "subject" }],
            "narrative": "Repeated shouting and threats towards neighbours", "risk": "medium", "status": "open",
        })),
        (EntityKind::VulnerablePersonReport, json!({
            "subject": VICTIM, "at_risk": "adult", "event": EVENT, "concerns": ["domestic_abuse"], "risk": "high",
            "narrative": "Third call this month; victim fears for her safety",
            "people": [{ "person": PERSON, "role": "suspect" }], "referred_to": "MARAC",
        })),
    ]
}

/// A schema of the example's shape: each field typed as the example has it, objects nested,
/// arrays by their first item. Fields whose example is null are nullable strings or objects.
pub fn schema_of(example: &Value) -> Value {
    match example {
        Value::Object(fields) => {
            let properties: Map<String, Value> = fields.iter().map(|(k, v)| (k.clone(), schema_of(v))).collect();
            object(&[], Value::Object(properties))
        }
        Value::Array(items) => json!({ "type": "array", "items": items.first().map_or(json!({}), schema_of) }),
        Value::String(_) => json!({ "type": "string" }),
        Value::Bool(_) => json!({ "type": "boolean" }),
        Value::Number(_) => json!({ "type": "number" }),
        Value::Null => json!({ "type": ["string", "object", "null"] }),
    }
}

/// The request and answer of opening custody, and the answer of the search across everything.
pub fn other_schemas() -> Map<String, Value> {
    let string = json!({ "type": "string" });
    let time = json!({ "type": "string", "format": "date-time" });
    let custody = examples().into_iter().find(|(k, _)| *k == EntityKind::CustodyRecord).map(|(_, v)| v).unwrap_or_default();
    let mut map = Map::new();
    map.insert("OpenCustody".into(), object(&["arrived", "authorised"], json!({
        "arrived": time, "authorised": time,
        "rights": schema_of(&custody["rights"]),
        "risk_assessment": schema_of(&custody["risk_assessment"]),
        "property": schema_of(&custody["property"]),
        "unit": { "type": ["string", "null"] },
        "classification": { "type": ["string", "null"], "enum": ["OFFICIAL", "SECRET", "TOP_SECRET", null] },
        "sensitive": { "type": ["boolean", "null"] },
        "acl": { "type": ["array", "null"], "items": schema_ref("AclEntry") },
    })));
    map.insert("CustodyOpened".into(), object(&["id", "version", "record"], json!({
        "id": string, "version": { "type": "integer" }, "record": schema_ref("CustodyRecord"),
    })));
    map.insert("EverythingResult".into(), object(&["hits", "next_offset", "warnings"], json!({
        "hits": { "type": "array", "items": schema_ref("Entity") },
        "next_offset": { "type": ["integer", "null"] },
        "warnings": { "type": "array", "items": object(&["location", "about", "kind", "marker"], json!({
            "location": string, "about": string, "kind": { "type": "string", "enum": ["person", "object"] }, "marker": string,
        })) },
    })));
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::body_from_json;

    #[test]
    fn every_example_is_a_valid_record_of_its_kind() {
        let examples = examples();
        for kind in EntityKind::ALL.iter().filter(|k| !k.is_pole()) {
            let (_, example) = examples.iter().find(|(k, _)| k == kind).unwrap_or_else(|| panic!("no example of {kind}"));
            let body = body_from_json(*kind, example.clone()).unwrap_or_else(|p| panic!("{kind}: {p:?}"));
            assert_eq!(body.kind(), *kind);
            // Complete: the example shows every field the record has.
            let shown = crate::wire::body_json(&body).unwrap();
            let keys = |v: &Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
            let mut want = keys(&shown);
            let mut have = keys(example);
            want.sort();
            have.sort();
            assert_eq!(have, want, "{kind}: the example leaves a field out");
        }
    }
}
