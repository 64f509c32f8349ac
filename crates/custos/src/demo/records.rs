//! The operational records of a synthetic force: for each event, the record the force's
//! systems would hold about it, referring to the event and its people by id. A crime gets a
//! crime report (its category's Home Office offence, its victims and suspects, an outcome once
//! it is old enough to be finalised, and a case file when someone was charged); an incident an
//! incident log (the call a few minutes after it began) and, for welfare and domestic calls with
//! a victim, a vulnerable-person report; an arrest an arrest record and, when the person was
//! booked in (the custody episode that follows it), a custody record whose PACE clocks hold;
//! intelligence a 3x5x2-graded report; anti-social behaviour an ASB report. Stops stay events.
//!
//! Deterministic: each record's id is its event's with the last byte changed by record type,
//! and every choice comes from a stream seeded by the event's id.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rand::SeedableRng;
use serde_json::{Value, json};

use super::sample::{Stream, between, chance, pick, weighted};
use super::{AS_OF, Force, Ref};

/// An operational record to store: its id, its record JSON (`{"crime_report":{…}}`), the event
/// it was made from (index in the force's events), and whether it is need-to-know.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthRecord {
    pub id: [u8; 16],
    pub record: Value,
    pub event: usize,
    pub sensitive: bool,
}

/// The Home Office classification of each demo crime category (`None`: no crime report).
fn offence(category: &str) -> Option<&'static str> {
    Some(match category {
        "Violence with injury" | "Domestic abuse" | "Assault occasioning actual bodily harm" => "8N",
        "Violence without injury" | "Common assault" => "105A",
        "Robbery of personal property" | "Robbery" => "34A",
        "Burglary - residential" | "Burglary" => "28E",
        "Burglary - business and community" => "30C",
        "Theft from the person" => "39",
        "Shoplifting" => "46",
        "Theft of a motor vehicle" => "48",
        "Theft from a motor vehicle" => "45",
        "Bicycle theft" => "44",
        "Theft" => "49",
        "Criminal damage" => "58D",
        "Possession of weapons" | "Possession of an offensive weapon" => "10D",
        "Drug possession" | "Possession of a controlled drug" => "92D",
        "Drug trafficking" | "Possession with intent to supply" => "92A",
        "Public order offence" => "9A",
        "Stalking and harassment" | "Harassment" => "8L",
        _ => return None,
    })
}

const UTC: TimeZone = TimeZone::UTC;

fn record_id(event: [u8; 16], kind: u8) -> [u8; 16] {
    let mut id = event;
    id[15] ^= kind;
    id
}

fn at(t: Timestamp, minutes: i64) -> Timestamp {
    t.saturating_add(SignedDuration::from_mins(minutes)).unwrap_or(t)
}

/// The people linked to each event of the force, with their roles, in link order.
fn people_of(force: &Force) -> Vec<Vec<(String, &'static str)>> {
    let mut out = vec![Vec::new(); force.events.len()];
    for l in &force.links {
        if let (Ref::Person(_), Ref::Event(e)) = (l.from, l.to)
            && let (Some(person), Some(slot)) = (force.id(l.from), e.checked_sub(force.base.event))
            && slot < out.len()
        {
            out[slot].push((super::uuid_string(&person), l.kind));
        }
    }
    out
}

fn roles(people: &[(String, &'static str)], map: impl Fn(&str) -> Option<&'static str>) -> Vec<Value> {
    let mut seen: Vec<&str> = Vec::new();
    people
        .iter()
        .filter(|(p, _)| {
            let fresh = !seen.contains(&p.as_str());
            seen.push(p);
            fresh
        })
        .filter_map(|(p, role)| map(role).map(|r| json!({ "person": p, "role": r })))
        .collect()
}

fn crime_role(role: &str) -> Option<&'static str> {
    match role {
        "victim" => Some("victim"),
        "suspect" => Some("suspect"),
        "witness" => Some("witness"),
        "reporter" => Some("reporter"),
        _ => None,
    }
}

/// The records of a force (or chunk), in event order.
pub fn records(force: &Force) -> Vec<SynthRecord> {
    let people = people_of(force);
    let mut out = Vec::new();
    let as_of = UTC.to_timestamp(AS_OF.to_datetime(jiff::civil::Time::midnight())).unwrap_or(Timestamp::UNIX_EPOCH);
    for (i, e) in force.events.iter().enumerate() {
        let mut rng = Stream::from_seed({
            let mut seed = [0u8; 32];
            seed[..16].copy_from_slice(&e.id);
            seed
        });
        let event = super::uuid_string(&e.id);
        let who = &people[i];
        let mut push = |kind: u8, record: Value, sensitive: bool| {
            out.push(SynthRecord { id: record_id(e.id, kind), record, event: i, sensitive });
        };
        match e.kind {
            "crime" => {
                let Some(code) = offence(e.category) else { continue };
                let listed = roles(who, crime_role);
                let suspect = listed.iter().find(|p| p["role"] == "suspect").map(|p| p["person"].clone());
                let old = as_of.duration_since(e.at) > SignedDuration::from_hours(24 * 120);
                let outcome = match (old, &suspect) {
                    (false, _) => None,
                    (true, None) => Some(if chance(&mut rng, 0.8) { "no_suspect_identified" } else { "no_suspect_victim_declines" }),
                    (true, Some(_)) => Some(weighted(&mut rng, &[
                        ("charged", 0.25),
                        ("adult_caution", 0.05),
                        ("community_resolution", 0.07),
                        ("suspect_identified_evidential_difficulties", 0.28),
                        ("suspect_identified_victim_declines", 0.35),
                    ])),
                };
                let status = if outcome.is_some() { "finalised" } else { pick(&mut rng, &["recorded", "under_investigation"]) };
                push(1, json!({ "crime_report": {
                    "event": event, "offence": code, "people": listed, "narrative": e.summary,
                    "status": status, "outcome": outcome,
                }}), false);
                if let (Some("charged"), Some(defendant)) = (outcome, suspect) {
                    let crime = super::uuid_string(&record_id(e.id, 1));
                    let charged = at(e.at, between(&mut rng, 180, 2_000));
                    push(2, json!({ "case_file": {
                        "crime_report": crime,
                        "charges": [{ "defendant": defendant, "offence": code, "particulars": format!("{} on {}", e.category, e.at.strftime("%-d %B %Y")), "charged_at": charged }],
                        "evidence": [{ "reference": format!("{}/1", e.reference), "description": "Statement of the officer in the case" }],
                        "unused_material": [{ "reference": "U1", "description": "Incident log", "sensitive": false }],
                        "status": weighted(&mut rng, &[("accepted", 0.8), ("submitted", 0.15), ("draft", 0.05)]),
                    }}), false);
                }
            }
            "incident" => {
                let channel = weighted(&mut rng, &[("emergency_999", 0.55), ("non_emergency_101", 0.3), ("online", 0.1), ("officer_generated", 0.05)]);
                let grade = weighted(&mut rng, &[("immediate", 0.3), ("priority", 0.4), ("scheduled", 0.3)]);
                push(3, json!({ "incident": {
                    "event": event,
                    "call": { "received": at(e.at, between(&mut rng, 1, 15)), "channel": channel, "grade": grade },
                    "reporting_person": who.iter().find(|(_, r)| *r == "reporter").map(|(p, _)| p),
                    "people": roles(who, crime_role), "narrative": e.summary,
                    "status": if as_of.duration_since(e.at) > SignedDuration::from_hours(48) { "closed" } else { "open" },
                }}), false);
                let welfare = matches!(e.category, "Concern for welfare" | "Domestic incident" | "Mental health crisis" | "Missing person");
                let at_risk = who.iter().find(|(_, r)| matches!(*r, "victim" | "reporter")).map(|(p, _)| p.clone());
                if let (true, Some(subject)) = (welfare, at_risk) {
                    let concern = match e.category {
                        "Domestic incident" => "domestic_abuse",
                        "Mental health crisis" => "mental_health",
                        "Missing person" => "missing",
                        _ => "neglect",
                    };
                    let others = roles(who, |r| (r == "suspect").then_some("suspect"));
                    push(4, json!({ "vulnerable_person_report": {
                        "subject": subject, "at_risk": "adult", "event": event, "concerns": [concern],
                        "risk": weighted(&mut rng, &[("standard", 0.6), ("medium", 0.3), ("high", 0.1)]),
                        "narrative": format!("Referred after: {}", e.summary),
                        "people": others.into_iter().filter(|p| p["person"] != subject.as_str()).collect::<Vec<_>>(),
                    }}), false);
                }
            }
            "arrest" => {
                let Some((person, _)) = who.iter().find(|(_, r)| *r == "arrested") else { continue };
                push(5, json!({ "arrest": {
                    "person": person, "event": event, "arrested_at": e.at,
                    "offences": offence(e.category).into_iter().collect::<Vec<_>>(),
                    "grounds": e.summary, "necessity": [pick(&mut rng, &["investigation", "prevent_injury", "prevent_disappearance", "name"])],
                    "arresting_officer": format!("PC {}", between(&mut rng, 100, 9999)),
                }}), false);
                // The custody episode the generator put right after the arrest, if any.
                if let Some(booked) = force.events.get(i + 1).filter(|c| c.kind == "custody_episode") {
                    push(6, custody(&mut rng, person, &super::uuid_string(&record_id(e.id, 5)), e.at, booked.at, booked.category), false);
                }
            }
            "intelligence" => {
                let source = weighted(&mut rng, &[("1", 0.2), ("2", 0.7), ("3", 0.1)]);
                let assessment = weighted(&mut rng, &[("A", 0.1), ("B", 0.5), ("C", 0.3), ("D", 0.08), ("E", 0.02)]);
                let handling = if chance(&mut rng, 0.8) {
                    json!({ "code": "P" })
                } else {
                    let review = UTC.to_datetime(e.at).date().saturating_add(jiff::Span::new().months(12)).to_string();
                    json!({ "code": "C", "conditions": "Not to be shared outside the police without the author's consent", "review_by": review })
                };
                push(7, json!({ "intelligence_report": {
                    "received": e.at, "text": e.summary,
                    "grading": { "source": source, "intelligence": assessment, "handling": handling },
                    "status": "live", "sanitised": format!("Intelligence about {}", e.category.to_lowercase()),
                    "people": roles(who, |r| (r == "subject").then_some("subject")), "events": [event],
                }}), true);
            }
            "anti_social_behaviour" => {
                let category = match e.category {
                    "Fly-tipping" => "environmental",
                    "Neighbour dispute" | "Drug-related anti-social behaviour" => "personal",
                    _ => "nuisance",
                };
                push(8, json!({ "asb_report": {
                    "event": event, "category": category,
                    "people": roles(who, |r| match r { "suspect" => Some("subject"), "victim" => Some("victim"), "reporter" => Some("reporter"), _ => None }),
                    "narrative": e.summary,
                    "status": if as_of.duration_since(e.at) > SignedDuration::from_hours(24 * 30) { "closed" } else { "open" },
                }}), false);
            }
            _ => {}
        }
    }
    out
}

/// A custody record whose times keep the PACE clocks: arrival when booked in, detention
/// authorised minutes later, reviews every few hours, the outcome within 24 hours.
fn custody(rng: &mut Stream, person: &str, arrest: &str, arrested: Timestamp, arrived: Timestamp, outcome: &str) -> Value {
    let authorised = at(arrived, between(rng, 5, 40));
    let held = between(rng, 120, 22 * 60);
    let ended = at(authorised, held);
    let mut reviews = Vec::new();
    let mut next = at(authorised, between(rng, 240, 355));
    while next < ended {
        reviews.push(next);
        next = at(next, between(rng, 300, 535));
    }
    let disposal = match outcome {
        "Charged" | "Remanded in custody" => "charged",
        "Released under investigation" => "released_under_investigation",
        "Bailed" => "bailed",
        _ => "released",
    };
    let charged = (disposal == "charged").then_some(ended);
    json!({ "custody_record": {
        "person": person, "arrest": arrest,
        "detention": {
            "arrival": "after_arrest", "arrested": arrested, "arrived": arrived, "authorised": authorised,
            "reviews": reviews, "extensions": [], "charged": charged, "released": if disposal == "charged" { at(ended, 30) } else { ended },
        },
        "rights": [
            { "right": "legal_advice", "at": at(authorised, 2), "response": pick(rng, &["Wants the duty solicitor", "Declined", "Own solicitor"]) },
            { "right": "someone_informed", "at": at(authorised, 3) },
            { "right": "codes_of_practice", "at": at(authorised, 3) },
        ],
        "risk_assessment": { "at": at(authorised, 5), "level": weighted(rng, &[("standard", 0.7), ("medium", 0.25), ("high", 0.05)]) },
        "property": [{ "description": "Mobile phone", "retained": true }],
        "disposal": disposal,
    }})
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use custos_core::entity::EntityKind;
    use custos_core::ids::EntityId;
    use custos_core::record::Record;

    use super::*;

    #[test]
    fn every_record_keeps_the_rules_and_every_type_is_made() {
        let force = super::super::generate(3_000, 7);
        let made = records(&force);
        let parsed: HashMap<EntityId, Record> = made
            .iter()
            .map(|r| {
                let record: Record = serde_json::from_value(r.record.clone()).unwrap_or_else(|e| panic!("{e}: {}", r.record));
                record.check().unwrap_or_else(|e| panic!("{e}: {}", r.record));
                (EntityId::from_bytes(r.id), record)
            })
            .collect();
        assert_eq!(parsed.len(), made.len(), "ids are distinct");
        for record in parsed.values() {
            record.check_against(|id| parsed.get(&id), |id| id).unwrap_or_else(|e| panic!("{e}: {record:?}"));
        }
        for kind in EntityKind::ALL.iter().filter(|k| !k.is_pole()) {
            let n = parsed.values().filter(|r| r.kind() == *kind).count();
            assert!(n > 0, "no {kind} made");
        }
        // Deterministic: the same force gives the same records.
        assert_eq!(records(&force), made);
    }
}
