//! Real (ground-truth) people before they are written up as records: name composed according to
//! heritage, date of birth with the age profile of people known to police (10–90, most 18–40),
//! identifiers held, offending propensity, warning markers and aliases.

use jiff::civil::Date;

use super::chunk::Builder;
use super::europe::feminine_surname;
use super::forenames::{self, decade_for};
use super::ident;
use super::origins::{ORIGINS, Style};
use super::sample::{Stream, between, chance, date_of, days_of, index, pick, popular, unit, weighted, ymd};
use super::world::{self, Pool};
use super::{AS_OF, surnames};

/// One real person.
#[derive(Debug, Clone)]
pub(super) struct Human {
    pub origin: usize,
    pub female: bool,
    pub forenames: Vec<String>,
    pub surname: String,
    pub aliases: Vec<(String, String, &'static str)>,
    pub dob: Date,
    pub ethnicity: &'static str,
    pub observed: &'static str,
    pub ni: Option<String>,
    pub pnc: Option<String>,
    pub cro: Option<String>,
    pub licence: Option<String>,
    pub passport: Option<(String, &'static str)>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub markers: Vec<&'static str>,
    /// Relative chance of appearing as a suspect, arrested person or subject (0 for non-offenders).
    pub activity: f64,
    pub hard_negative: Option<&'static str>,
    /// Current home (local location index) and since when.
    pub home: Option<(usize, Date)>,
    /// Earlier homes: location, from, to.
    pub previous: Vec<(usize, Date, Date)>,
    /// Per-chunk serial, unique across chunks, for identifiers.
    pub serial: u64,
    /// How many extra (duplicate) records of this person to create.
    pub duplicates: usize,
}

/// Age bands of people known to police and their weights.
const AGES: &[((i64, i64), f64)] = &[
    ((10, 13), 3.0),
    ((14, 17), 8.0),
    ((18, 24), 22.0),
    ((25, 34), 27.0),
    ((35, 44), 18.0),
    ((45, 54), 11.0),
    ((55, 64), 6.0),
    ((65, 79), 4.0),
    ((80, 90), 1.0),
];

pub(super) const MARKERS: &[(&str, f64)] = &[
    ("violent", 5.0),
    ("weapons", 3.0),
    ("drugs", 3.0),
    ("mental_health", 2.0),
    ("self_harm", 2.0),
    ("suicidal", 1.0),
    ("ailment", 1.0),
    ("firearms", 0.5),
    ("escaper", 0.5),
    ("contagious", 0.3),
];

/// Street names and monikers recorded as nicknames.
const MONIKERS: &[&str] = &[
    "Tiny", "Ghost", "Scrappy", "Smokey", "Biggs", "Shorty", "Blade", "Chopper", "Red", "Junior", "Spider",
    "Little Man", "Taz", "Rocky", "Skinny", "Dread", "Shadow", "Chips", "Mouse", "Snoop",
];

/// A date of birth for someone exactly `age` (in whole years) on the reference date.
pub(super) fn birth_date(rng: &mut Stream, age: i64) -> Date {
    let year = i64::from(AS_OF.year()) - age;
    let (m, d) = (i64::from(AS_OF.month()), i64::from(AS_OF.day()));
    let latest = days_of(ymd(year, m, d).unwrap_or(AS_OF));
    let earliest = days_of(ymd(year - 1, m, d).unwrap_or(AS_OF)) + 1;
    date_of(between(rng, earliest, latest))
}

/// Age in whole years on `on`.
pub(super) fn age_on(dob: Date, on: Date) -> i64 {
    let before_birthday = (on.month(), on.day()) < (dob.month(), dob.day());
    i64::from(on.year()) - i64::from(dob.year()) - i64::from(before_birthday)
}

/// Age on the reference date.
pub(super) fn age_of(dob: Date) -> i64 {
    age_on(dob, AS_OF)
}

fn british_forename(rng: &mut Stream, female: bool, year: i16) -> &'static str {
    let year = if chance(rng, 0.1) { year + if chance(rng, 0.5) { 10 } else { -10 } } else { year };
    let d = decade_for(forenames::BRITISH, year);
    popular(rng, if female { d.female } else { d.male }, 4.0)
}

fn caribbean_forename(rng: &mut Stream, female: bool, year: i16) -> &'static str {
    if chance(rng, 0.6) {
        return british_forename(rng, female, year);
    }
    let d = decade_for(forenames::CARIBBEAN, year);
    popular(rng, if female { d.female } else { d.male }, 3.0)
}

fn pool_forename(rng: &mut Stream, pool: &Pool, female: bool) -> &'static str {
    popular(rng, if female { pool.female } else { pool.male }, 3.0)
}

/// A second forename different from the first, drawn by `draw`.
fn middle(rng: &mut Stream, first: &str, mut draw: impl FnMut(&mut Stream) -> &'static str) -> Option<String> {
    (0..4).map(|_| draw(rng)).find(|m| *m != first).map(str::to_owned)
}

/// How steeply surname popularity falls with rank (smaller is steeper): a few surnames dominate
/// some communities (Nguyen among Vietnamese, Patel among Gujarati Hindus, Khan, Ahmed and Ali
/// among Pakistanis and Bangladeshis).
fn surname_shift(origin: &str) -> f64 {
    match origin {
        "vietnamese" => 0.3,
        "indian hindu" => 1.0,
        "indian sikh" => 3.0,
        "pakistani" | "bangladeshi" | "chinese" | "somali" => 4.0,
        _ => 10.0,
    }
}

/// Forenames and surname for a person of `origin`.
pub(super) fn compose_name(rng: &mut Stream, origin: usize, female: bool, year: i16) -> (Vec<String>, String) {
    let o = &ORIGINS[origin];
    let pool = o.pool.unwrap_or(&world::IRISH);
    let surname = popular(rng, o.surnames, surname_shift(o.name)).to_owned();
    match o.style {
        Style::British | Style::Caribbean | Style::Mixed => {
            let draw = |rng: &mut Stream| {
                if o.style == Style::British { british_forename(rng, female, year) } else { caribbean_forename(rng, female, year) }
            };
            let first = draw(rng);
            let mut names = vec![first.to_owned()];
            if chance(rng, 0.5) {
                names.extend(middle(rng, first, draw));
                if chance(rng, 0.1) {
                    names.extend(middle(rng, first, draw));
                }
            }
            let surname = if o.style == Style::Mixed {
                let list = weighted(rng, &[(surnames::BRITISH, 0.6), (surnames::CARIBBEAN, 0.25), (world::WEST_AFRICAN.surnames, 0.15)]);
                popular(rng, list, 10.0).to_owned()
            } else {
                surname
            };
            // About 1 in 25 carry a double-barrelled surname (Smith-Jones).
            let surname = if chance(rng, if o.style == Style::Caribbean { 0.02 } else { 0.04 }) {
                let other = popular(rng, surnames::BRITISH, 30.0);
                if other == surname { surname } else { format!("{other}-{surname}") }
            } else {
                surname
            };
            (names, surname)
        }
        Style::Pooled | Style::Inflected | Style::Iberian | Style::WestAfrican => {
            let first = pool_forename(rng, pool, female);
            let mut names = vec![first.to_owned()];
            let second = match o.style {
                Style::WestAfrican => 0.45,
                Style::Iberian => 0.35,
                _ => 0.2,
            };
            if chance(rng, second) {
                names.extend(middle(rng, first, |r| pool_forename(r, pool, female)));
            }
            let surname = match o.style {
                Style::Inflected if female => feminine_surname(&surname),
                Style::Iberian if chance(rng, 0.4) => {
                    let other = popular(rng, o.surnames, 10.0);
                    if other == surname { surname } else { format!("{surname} {other}") }
                }
                _ => surname,
            };
            (names, surname)
        }
        Style::SouthAsianMuslim => {
            let given = pool_forename(rng, pool, female);
            let names = if !female && chance(rng, 0.3) && !given.starts_with("Mu") && !given.starts_with("Mo") {
                vec![pick(rng, &["Mohammed", "Muhammad", "Mohammad", "Md"]).to_owned(), given.to_owned()]
            } else {
                vec![given.to_owned()]
            };
            let surname = if female && chance(rng, 0.35) { pick(rng, world::SOUTH_ASIAN_WOMEN).to_owned() } else { surname };
            (names, surname)
        }
        Style::Sikh => {
            let given = pool_forename(rng, pool, female).to_owned();
            let title = if female { "Kaur" } else { "Singh" };
            match index(rng, 3) {
                0 => (vec![given], title.to_owned()),
                1 => (vec![given, title.to_owned()], surname),
                _ => (vec![given], surname),
            }
        }
        Style::Somali => {
            let given = pool_forename(rng, pool, female).to_owned();
            let father = pool_forename(rng, pool, false);
            if chance(rng, 0.4) && father != surname { (vec![given, father.to_owned()], surname) } else { (vec![given], surname) }
        }
        Style::Vietnamese => {
            let given = pool_forename(rng, pool, female).to_owned();
            let mid = pick(rng, if female { world::VIETNAMESE_MIDDLE_FEMALE } else { world::VIETNAMESE_MIDDLE_MALE });
            if chance(rng, 0.55) { (vec![mid.to_owned(), given], surname) } else { (vec![given], surname) }
        }
        Style::Chinese => {
            let given = pool_forename(rng, pool, female).to_owned();
            if chance(rng, 0.25) {
                (vec![british_forename(rng, female, year).to_owned(), given], surname)
            } else {
                (vec![given], surname)
            }
        }
    }
}

impl Builder {
    /// A new person of `origin` (or a random one), aged `age` (or from the police age profile).
    pub(super) fn new_human(&mut self, origin: Option<usize>, female: Option<bool>, age: Option<i64>) -> Human {
        let rng = &mut self.rng;
        let origin = origin.unwrap_or_else(|| weighted(rng, &self.origin_weights));
        let female = female.unwrap_or_else(|| chance(rng, 0.37));
        let age = age.unwrap_or_else(|| {
            let (lo, hi) = weighted(rng, AGES);
            between(rng, lo, hi)
        });
        let dob = birth_date(rng, age);
        let (forenames, surname) = compose_name(rng, origin, female, dob.year());
        let o = &ORIGINS[origin];
        let peak = if (15..=35).contains(&age) { 1.0 } else if (15..=60).contains(&age) { 0.7 } else { 0.35 };
        let offender = chance(rng, 0.55 * peak * if female { 0.55 } else { 1.2 });
        let activity = if offender { (1.0 / unit(rng).max(0.02).powf(0.8)).min(25.0) } else { 0.0 };
        let serial = self.human_serial();
        let rng = &mut self.rng;
        let key = self.key;
        let uk = chance(rng, o.uk_born);
        let ni = (age >= 16 && chance(rng, if uk { 0.7 } else { 0.45 })).then(|| ident::ni_number(rng, serial, key));
        let first_arrest = ident::year_between(rng, (dob.year() + 12).max(1985), 2025);
        let pnc = (chance(rng, if offender { 0.75 } else { 0.04 }) && age >= 12).then(|| ident::pnc_id(first_arrest, serial, key));
        let cro = pnc.as_ref().filter(|_| chance(rng, 0.45)).map(|_| {
            let y = ident::year_between(rng, first_arrest, 2025);
            ident::cro_number(y, serial, key)
        });
        let licence = (age >= 17 && chance(rng, if uk { 0.45 } else { 0.25 }))
            .then(|| ident::driving_licence(rng, &surname, &forenames, dob, female));
        let passport = chance(rng, if uk { 0.15 } else { 0.45 }).then(|| {
            let country = if uk || o.countries.is_empty() || chance(rng, 0.3) { "GBR" } else { pick(rng, o.countries) };
            (ident::passport(rng, country, serial, key), country)
        });
        let phone = (age >= 12 && chance(rng, 0.62)).then(|| ident::mobile(serial, key));
        let email = (age >= 14 && chance(rng, 0.25)).then(|| ident::email(rng, &forenames[0], &surname, dob.year(), serial));
        let mut markers = Vec::new();
        if offender && chance(rng, 0.12 + activity / 60.0) {
            markers.push(weighted(rng, MARKERS));
            if chance(rng, 0.35) {
                let m = weighted(rng, MARKERS);
                if !markers.contains(&m) {
                    markers.push(m);
                }
            }
        }
        let mut aliases = Vec::new();
        if offender && chance(rng, 0.10) {
            let (f, s) = compose_name(rng, origin, female, dob.year());
            let s = if chance(rng, 0.5) { surname.clone() } else { s };
            aliases.push((f.join(" "), s, "alias"));
        }
        if chance(rng, if offender { 0.06 } else { 0.01 }) {
            aliases.push((pick(rng, MONIKERS).to_owned(), surname.clone(), "nickname"));
        }
        Human {
            origin,
            female,
            forenames,
            surname,
            aliases,
            dob,
            ethnicity: weighted(rng, o.ethnicity),
            observed: weighted(rng, o.observed),
            ni,
            pnc,
            cro,
            licence,
            passport,
            phone,
            email,
            markers,
            activity,
            hard_negative: None,
            home: None,
            previous: Vec::new(),
            serial,
            duplicates: 0,
        }
    }

    /// Rewrites the licence after a name or birth date change so it stays consistent.
    pub(super) fn refresh_licence(&mut self, h: &mut Human) {
        if h.licence.is_some() {
            h.licence = Some(ident::driving_licence(&mut self.rng, &h.surname, &h.forenames, h.dob, h.female));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn names_follow_each_style() {
        let mut rng = Stream::seed_from_u64(5);
        for (i, o) in ORIGINS.iter().enumerate() {
            for female in [false, true] {
                for _ in 0..30 {
                    let (f, s) = compose_name(&mut rng, i, female, 1990);
                    assert!(!f.is_empty() && f.iter().all(|n| !n.is_empty()), "{}: {f:?}", o.name);
                    assert!(!s.is_empty(), "{}", o.name);
                }
            }
        }
        let sikh = ORIGINS.iter().position(|o| o.style == Style::Sikh).unwrap();
        let women: Vec<(Vec<String>, String)> = (0..200).map(|_| compose_name(&mut rng, sikh, true, 1980)).collect();
        assert!(women.iter().any(|(f, s)| s == "Kaur" || f.contains(&"Kaur".to_owned())));
        assert!(women.iter().all(|(f, s)| s != "Singh" && !f.contains(&"Singh".to_owned())));
        let polish = ORIGINS.iter().position(|o| o.name == "polish").unwrap();
        assert!((0..200).map(|_| compose_name(&mut rng, polish, true, 1985).1).all(|s| !s.ends_with("ski")));
    }

    #[test]
    fn ages_are_in_range() {
        let mut rng = Stream::seed_from_u64(6);
        for age in [10, 18, 45, 90] {
            for _ in 0..200 {
                let dob = birth_date(&mut rng, age);
                assert_eq!(age_of(dob), age, "{dob}");
            }
        }
        assert_eq!(age_on(jiff::civil::date(2000, 4, 1), jiff::civil::date(2010, 3, 31)), 9);
        assert_eq!(age_on(jiff::civil::date(2000, 3, 31), jiff::civil::date(2010, 3, 31)), 10);
    }
}
