//! A year of information rights casework for the demo force: FOI requests (about 450 a year)
//! and subject access requests (about 700, a third of them under DPA 2018 Part 3), each with a
//! plausible history (assignment, searches, clarifications, exemptions, extensions, the answer,
//! the occasional internal review and ICO complaint), deterministic for a seed and a day.
//!
//! Like 2019 at the Met, a stretch of the year (eight to four months ago) has too few
//! caseworkers: answers go late and some requests are still open and overdue today, so the
//! dashboard shows a backlog and its recovery. Each history is proposed here and checked by the
//! casework rules (`custos_rights::request`): an event the rules refuse is left out, so every
//! history loads.

use custos_rights::calendar::Region;
use custos_rights::clock::{Law, due_date};
use custos_rights::request::{Event, Request};
use jiff::civil::Date;
use jiff::ToSpan;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

use super::SynthPerson;

/// One request's events, oldest first; the first is its registration.
pub type History = Vec<Event>;

fn day(d: Date, n: i64) -> Date {
    d.checked_add(n.days()).unwrap_or(d)
}

fn pick(rng: &mut ChaCha8Rng, items: &[&'static str]) -> &'static str {
    items[rng.random_range(0..items.len())]
}

fn event(value: Value) -> Option<Event> {
    serde_json::from_value(value).ok()
}

/// The demo's default size, whose casework is a year of one borough's requests; other sizes
/// scale the number of requests with the number of people.
pub const FULL_SIZE: usize = 100_000;

/// The requests received in the year before `today`, for `people` (subject access requesters
/// are people of the demo force, so their records can be found); `scale` multiplies how many
/// (1.0: about 1,100).
pub fn requests(seed: u64, people: &[SynthPerson], today: Date, scale: f64) -> Vec<History> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5a5a_0f0f_1234_0001);
    let mut out = Vec::new();
    for back in (1..=365).rev() {
        let received = day(today, -back);
        // The short-staffed months.
        let backlog = (120..=240).contains(&back);
        let weekend = matches!(received.weekday(), jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday);
        let (foi, sar) = if weekend { (rng.random_range(0..=1), rng.random_range(0..=1)) } else { (rng.random_range(0..=3), rng.random_range(1..=4)) };
        let mut scaled = |n: u32| {
            let wanted = f64::from(n) * scale;
            wanted.floor() as u32 + u32::from(rng.random_bool(wanted.fract().clamp(0.0, 1.0)))
        };
        let (foi, sar) = (scaled(foi), scaled(sar));
        for _ in 0..foi {
            out.push(history(&mut rng, Law::Foi, received, None, backlog, today));
        }
        for _ in 0..sar {
            let law = if rng.random_bool(0.3) { Law::SarLe } else { Law::Sar };
            let person = (!people.is_empty()).then(|| &people[rng.random_range(0..people.len())]);
            out.push(history(&mut rng, law, received, person, backlog, today));
        }
    }
    out
}

const FOI_TOPICS: &[&str] = &[
    "Number of stop and search encounters by borough in the last year",
    "Spending on body-worn video cameras",
    "Reports of drones flown near the airport",
    "Number of officers on long-term sick leave",
    "Calls about noise from a named venue",
    "Use of facial recognition at events",
    "Vehicles seized for having no insurance",
    "Complaints about response times",
];

fn history(rng: &mut ChaCha8Rng, law: Law, received: Date, person: Option<&SynthPerson>, backlog: bool, today: Date) -> History {
    let requester = match (law, person) {
        (Law::Foi, _) => json!({
            "name": pick(rng, &["Sam Reporter", "A Researcher", "J Campaigner", "Local Resident"]),
            "contact": "requests@example.org",
            "kind": pick(rng, &["journalist", "researcher", "campaign_group", "member_of_public", "business"]),
        }),
        (_, Some(p)) => json!({
            "name": format!("{} {}", p.forenames.join(" "), p.surname),
            "contact": p.email.clone().unwrap_or_else(|| "by post".into()),
            "kind": if rng.random_bool(0.85) { "data_subject" } else { "representative" },
        }),
        (_, None) => json!({ "name": "A Subject", "contact": "by post", "kind": "data_subject" }),
    };
    let verified_at_once = law == Law::Foi || rng.random_bool(0.8);
    let verified = (law != Law::Foi).then(|| day(received, rng.random_range(0..=5))).filter(|d| *d <= today);
    let summary = match law {
        Law::Foi => FOI_TOPICS[rng.random_range(0..FOI_TOPICS.len())].to_owned(),
        _ => "All personal data the force holds about me".to_owned(),
    };
    let registration = json!({
        "event": "registered", "law": law, "channel": pick(rng, &["email", "web_form", "letter"]),
        "requester": requester, "received": received, "summary": summary,
        "identity_verified": if verified_at_once { verified } else { None },
    });
    let mut proposed: Vec<Value> = Vec::new();
    if !verified_at_once && let Some(v) = verified {
        proposed.push(json!({"event": "identity_verified", "on": day(v, 3), "how": "Copy of passport and a utility bill"}));
    }
    let start = if law == Law::Foi { received } else { verified.unwrap_or(received) };
    let due = due_date(law, start, false, Region::EnglandWales).unwrap_or(start);
    proposed.push(json!({"event": "assigned", "to": pick(rng, &["Caseworker A", "Caseworker B", "Caseworker C"])}));
    proposed.push(json!({"event": "task_added", "title": if law == Law::Foi { "Ask the business area for the figures" } else { "Search the record systems" }}));
    if rng.random_bool(0.08) {
        let asked = day(start, 2);
        proposed.push(json!({"event": "clock_stopped", "kind": "clarification", "on": asked, "notice": "Which period do you mean?"}));
        if rng.random_bool(0.85) {
            proposed.push(json!({"event": "clock_resumed", "on": day(asked, rng.random_range(2..=9))}));
        } else {
            proposed.push(json!({"event": "closed", "on": day(asked, 60), "outcome": "clarification_not_received"}));
        }
    }
    if law == Law::Foi && rng.random_bool(0.25) {
        let section = pick(rng, &["s30", "s31", "s40", "s12", "s24"]);
        proposed.push(json!({"event": "exemption_applied", "section": section, "neither_confirm_nor_deny": false, "reason": "Prejudice test and public interest recorded"}));
        if matches!(section, "s30" | "s31" | "s24") && rng.random_bool(0.3) {
            proposed.push(json!({"event": "extended", "on": day(due, -2), "reason": "Public interest test", "notice": "Letter explaining the extension"}));
        }
    } else if law != Law::Foi && rng.random_bool(0.08) {
        proposed.push(json!({"event": "extended", "on": day(due, -5), "reason": "Many records across several systems", "notice": "Letter explaining the extension"}));
    }
    proposed.push(json!({"event": "task_done", "task": 1}));
    // When the answer goes: mostly in time; in the short-staffed months often late or not yet.
    let late_chance = if backlog { 0.45 } else { 0.1 };
    let (still_open, answer) = if backlog && rng.random_bool(0.1) {
        (true, due)
    } else if rng.random_bool(late_chance) {
        (false, day(due, rng.random_range(1..=if backlog { 150 } else { 25 })))
    } else {
        (false, day(due, -rng.random_range(0..=12)))
    };
    if !still_open {
        let outcome = match law {
            Law::Foi => pick(rng, &["granted", "partly_granted", "refused", "not_held"]),
            _ => pick(rng, &["granted", "partly_granted"]),
        };
        let on = answer.max(day(start, 1));
        proposed.push(json!({"event": "responded", "on": on, "outcome": outcome}));
        proposed.push(json!({"event": "closed", "on": on, "outcome": outcome}));
        if rng.random_bool(0.05) {
            proposed.push(json!({"event": "review_requested", "on": day(on, 10)}));
            proposed.push(json!({"event": "review_decided", "on": day(on, 30), "upheld": rng.random_bool(0.7), "note": "Reviewed by a senior caseworker"}));
        }
        if rng.random_bool(0.01) {
            proposed.push(json!({"event": "ico_complaint", "on": day(on, 45), "reference": format!("IC-{}", rng.random_range(100_000..999_999))}));
        }
    }
    // The rules decide: anything refused (a date not yet come, a step out of order) is left out.
    let mut events = Vec::new();
    let Some(first) = event(registration) else { return events };
    let Ok(mut request) = Request::register(&first, today) else { return events };
    events.push(first);
    for value in proposed {
        if let Some(e) = event(value)
            && request.apply(&e, today).is_ok()
        {
            events.push(e);
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::*;
    use custos_rights::performance::{Case, performance};
    use jiff::civil::date;

    #[test]
    fn a_year_of_requests_replays_and_shows_a_backlog() {
        let today = date(2026, 12, 6);
        let force = crate::demo::generate_chunk(1000, 7, 0);
        let all = requests(7, &force.people, today, 1.0);
        assert!((900..=1600).contains(&all.len()), "{} requests", all.len());
        assert_eq!(requests(7, &force.people, today, 1.0), all, "deterministic");
        let small = requests(7, &force.people, today, 0.05).len();
        assert!((20..=120).contains(&small), "scaled down: {small}");
        let mut cases = Vec::new();
        for history in &all {
            let request = Request::from_events(history, today).unwrap_or_else(|e| panic!("{e}: {history:?}"));
            let answered = request.responded.map(|(on, _)| on);
            cases.push(Case { law: request.law, received: request.received, due: request.due().ok().flatten(), answered, closed: request.closed.map(|(on, _)| on) });
        }
        let foi = performance(&cases.iter().copied().filter(|c| c.law == Law::Foi).collect::<Vec<_>>(), today);
        assert!(foi.open_overdue > 0 && foi.open_older_than_six_months > 0, "a backlog like 2019's: {foi:?}");
        let shares: Vec<f64> = foi.months.iter().filter_map(|m| m.in_time_share).collect();
        let (low, high) = shares.iter().fold((1.0f64, 0.0f64), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
        assert!(low < 0.7 && high > 0.85, "the short-staffed months show, and the good ones: {shares:?}");
    }
}
