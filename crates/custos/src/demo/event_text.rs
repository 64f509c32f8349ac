//! What events are and how they read: kinds and their categories (Home Office crime types, common
//! incident types, stop and search powers, intelligence themes, custody outcomes, anti-social
//! behaviour types) with their frequency, the person roles each kind takes, and short summaries in
//! the style of an officer's entry, filled from small phrase tables.

use super::sample::{Stream, between, pick, weighted};

/// Event kinds (other than custody episodes, which follow arrests) and their share.
pub(super) const KINDS: &[(&str, f64)] = &[
    ("crime", 36.0),
    ("incident", 25.0),
    ("arrest", 11.0),
    ("stop", 12.0),
    ("intelligence", 7.5),
    ("anti_social_behaviour", 5.5),
];

pub(super) const CRIMES: &[(&str, f64)] = &[
    ("Violence with injury", 14.0),
    ("Violence without injury", 16.0),
    ("Domestic abuse", 10.0),
    ("Robbery of personal property", 6.0),
    ("Burglary - residential", 8.0),
    ("Burglary - business and community", 2.0),
    ("Theft from the person", 6.0),
    ("Shoplifting", 8.0),
    ("Theft of a motor vehicle", 4.0),
    ("Theft from a motor vehicle", 6.0),
    ("Bicycle theft", 3.0),
    ("Criminal damage", 8.0),
    ("Possession of weapons", 3.0),
    ("Drug possession", 6.0),
    ("Drug trafficking", 3.0),
    ("Public order offence", 5.0),
    ("Stalking and harassment", 6.0),
    ("Fraud", 3.0),
];

pub(super) const INCIDENTS: &[(&str, f64)] = &[
    ("Concern for welfare", 15.0),
    ("Domestic incident", 12.0),
    ("Suspicious circumstances", 12.0),
    ("Disturbance", 12.0),
    ("Missing person", 6.0),
    ("Road traffic collision", 8.0),
    ("Noise nuisance", 6.0),
    ("Mental health crisis", 6.0),
    ("Alarm activation", 4.0),
    ("Found property", 3.0),
];

pub(super) const ARREST_OFFENCES: &[(&str, f64)] = &[
    ("Assault occasioning actual bodily harm", 12.0),
    ("Common assault", 12.0),
    ("Robbery", 6.0),
    ("Burglary", 6.0),
    ("Theft", 10.0),
    ("Possession of an offensive weapon", 6.0),
    ("Possession with intent to supply", 7.0),
    ("Possession of a controlled drug", 9.0),
    ("Criminal damage", 6.0),
    ("Breach of a court order", 6.0),
    ("Wanted on warrant", 6.0),
    ("Drink driving", 5.0),
    ("Public order offence", 5.0),
    ("Harassment", 4.0),
];

pub(super) const STOP_POWERS: &[(&str, f64)] = &[
    ("s23 Misuse of Drugs Act 1971", 45.0),
    ("s1 PACE", 40.0),
    ("s163 Road Traffic Act 1988", 10.0),
    ("s60 Criminal Justice and Public Order Act 1994", 8.0),
];

pub(super) const INTELLIGENCE: &[(&str, f64)] = &[
    ("Drugs supply", 30.0),
    ("Gang association", 15.0),
    ("Weapons", 12.0),
    ("Organised acquisitive crime", 10.0),
    ("Vehicle use", 10.0),
    ("Exploitation", 8.0),
    ("Domestic abuse", 8.0),
    ("Whereabouts", 7.0),
];

pub(super) const CUSTODY_OUTCOMES: &[(&str, f64)] = &[
    ("Charged", 28.0),
    ("Released under investigation", 25.0),
    ("Bailed", 12.0),
    ("No further action", 20.0),
    ("Cautioned", 8.0),
    ("Community resolution", 5.0),
    ("Remanded in custody", 2.0),
];

pub(super) const ASB: &[(&str, f64)] = &[
    ("Rowdy or inconsiderate behaviour", 35.0),
    ("Neighbour dispute", 20.0),
    ("Drug-related anti-social behaviour", 15.0),
    ("Vehicle nuisance", 12.0),
    ("Street drinking", 8.0),
    ("Begging", 5.0),
    ("Fly-tipping", 5.0),
];

/// The category table of an event kind.
pub(super) fn categories(kind: &str) -> &'static [(&'static str, f64)] {
    match kind {
        "crime" => CRIMES,
        "incident" => INCIDENTS,
        "arrest" => ARREST_OFFENCES,
        "stop" => STOP_POWERS,
        "intelligence" => INTELLIGENCE,
        "custody_episode" => CUSTODY_OUTCOMES,
        _ => ASB,
    }
}

/// Person slots of an event kind: role and the chance the slot is filled.
pub(super) fn slots(kind: &str) -> &'static [(&'static str, f64)] {
    match kind {
        "crime" => &[("victim", 0.85), ("suspect", 0.4), ("suspect", 0.1), ("witness", 0.12), ("reporter", 0.06)],
        "incident" => &[("reporter", 0.55), ("victim", 0.25), ("suspect", 0.15), ("witness", 0.05)],
        "arrest" => &[("arrested", 1.0), ("arrested", 0.06)],
        "stop" => &[("subject", 1.0), ("subject", 0.1)],
        "intelligence" => &[("subject", 1.0), ("subject", 0.25)],
        "custody_episode" => &[("subject", 1.0)],
        _ => &[("reporter", 0.6), ("suspect", 0.35), ("victim", 0.1)],
    }
}

/// Roles that only people aged 10 or over with some offending history are usually given.
pub(super) fn offender_role(role: &str) -> bool {
    matches!(role, "suspect" | "arrested" | "subject")
}

const ITEMS: &[&str] = &[
    "mobile phone", "wallet", "handbag", "laptop", "bicycle", "jewellery", "cash", "watch", "keys", "bank cards",
    "designer clothing", "power tools", "games console", "e-scooter",
];
const WEAPONS: &[&str] = &["a knife", "a machete", "a hammer", "a baseball bat", "a screwdriver", "a bottle"];
const INJURIES: &[&str] = &[
    "a cut to the head", "bruising to the face", "a broken nose", "a stab wound to the leg", "minor injuries",
    "a fractured wrist", "a swollen eye",
];
const VEHICLES: &[&str] = &["a moped", "an e-bike", "a black Audi", "a grey Mercedes", "a white van", "a silver Toyota Prius"];
const STOP_FINDS: &[&str] = &[
    "Nothing found. No further action.",
    "Small quantity of cannabis found; community resolution.",
    "Lock knife found in waistband; arrested.",
    "Quantity of wraps and cash found; arrested.",
    "Nothing found. Grounds explained and record offered.",
];

/// A short narrative for an event at `place`.
pub(super) fn summary(rng: &mut Stream, kind: &str, category: &str, place: &str) -> String {
    let item = pick(rng, ITEMS);
    let weapon = pick(rng, WEAPONS);
    let injury = pick(rng, INJURIES);
    let vehicle = pick(rng, VEHICLES);
    let amount = between(rng, 15, 2500);
    let n = between(rng, 2, 4);
    let grade = format!("{}{}{}", pick(rng, &["A", "B", "B", "C"]), pick(rng, &["1", "2", "2", "3", "4"]), pick(rng, &["P", "P", "C"]));
    match (kind, category) {
        (_, "Violence with injury") => format!("Victim assaulted at {place} following a verbal altercation; sustained {injury}. LAS attended."),
        (_, "Violence without injury") => format!("Victim pushed and threatened at {place}. No visible injuries. Suspect left prior to police arrival."),
        (_, "Domestic abuse" | "Domestic incident") => format!("Domestic argument at {place} between ex-partners; victim reports being grabbed and threatened. DASH risk assessment completed."),
        (_, "Robbery of personal property") => format!("Victim approached by {n} males near {place} who demanded their {item}; one displayed {weapon}. Suspects made off on {vehicle}."),
        (_, "Burglary - residential") => format!("Rear window forced at {place}; {item} and {} taken while occupants were out. Forensics requested.", pick(rng, ITEMS)),
        (_, "Burglary - business and community") => format!("Shutter forced overnight at {place}; stock and cash to the value of £{amount} taken."),
        (_, "Theft from the person") => format!("Victim's {item} snatched from their hand near {place} by suspect on {vehicle}."),
        (_, "Shoplifting") => format!("Suspect left {place} with goods worth £{amount} without paying. CCTV available."),
        (_, "Theft of a motor vehicle") => format!("Vehicle taken from outside {place} overnight. Keys still with owner. Circulated on PNC."),
        (_, "Theft from a motor vehicle") => format!("Window smashed on vehicle parked at {place}; {item} taken from the footwell."),
        (_, "Bicycle theft") => format!("Bicycle stolen from stand at {place}; lock cut. Frame number recorded."),
        (_, "Criminal damage") => format!("Damage caused to property at {place}; estimated cost of repair £{amount}."),
        (_, "Possession of weapons") => format!("Suspect found in possession of {weapon} at {place}. Item seized."),
        (_, "Drug possession") => format!("Suspect found in possession of a quantity of suspected cannabis at {place}."),
        (_, "Drug trafficking") => format!("Suspect seen conducting suspected drug deals at {place}; wraps and £{amount} cash seized."),
        (_, "Public order offence") => format!("Suspect shouting and swearing at members of the public at {place}, causing alarm and distress."),
        (_, "Stalking and harassment") => format!("Victim reports repeated unwanted messages and the suspect waiting outside {place}."),
        (_, "Fraud") => format!("Victim reports £{amount} taken from their account after a call from someone claiming to be their bank."),
        ("incident", "Concern for welfare") => format!("Caller concerned for occupant at {place} who has not been seen for several days. Officers attended."),
        ("incident", "Missing person") => format!("Reported missing from {place}; last seen {n} days ago. Risk graded medium."),
        ("incident", "Road traffic collision") => format!("Two-vehicle collision outside {place}; one driver complaining of neck pain."),
        ("incident", "Mental health crisis") => format!("Person in crisis at {place}; s136 Mental Health Act considered. Taken to place of safety."),
        ("incident", _) => format!("{category} reported at {place}. Officers attended and gave advice."),
        ("arrest", _) => format!("Arrested at {place} on suspicion of {}. Cautioned; replied \"no comment\".", category.to_lowercase()),
        ("stop", _) => format!("Stopped and searched at {place} under {category}. {}", pick(rng, STOP_FINDS)),
        ("intelligence", _) => format!("[{grade}] Subject believed to be involved in {} in the area of {place}.", category.to_lowercase()),
        ("custody_episode", _) => format!("Booked into custody at {place}. Outcome: {}.", category.to_lowercase()),
        _ => format!("Report of {} at {place}. Advice given; location added to patrol plan.", category.to_lowercase()),
    }
}

/// A category for a kind.
pub(super) fn category(rng: &mut Stream, kind: &str) -> &'static str {
    weighted(rng, categories(kind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::EVENT_ROLES;
    use rand::SeedableRng;

    #[test]
    fn slots_use_only_roles_allowed_for_the_kind() {
        for (kind, roles) in EVENT_ROLES {
            assert!(!categories(kind).is_empty());
            for (role, p) in slots(kind) {
                assert!(roles.contains(role), "{kind} {role}");
                assert!((0.0..=1.0).contains(p));
            }
        }
    }

    #[test]
    fn summaries_mention_the_place() {
        let mut rng = Stream::seed_from_u64(4);
        for (kind, _) in EVENT_ROLES {
            for (cat, _) in categories(kind) {
                let s = summary(&mut rng, kind, cat, "12 High Street");
                assert!(s.contains("12 High Street") || cat == &"Fraud", "{kind} {cat}: {s}");
            }
        }
    }
}
