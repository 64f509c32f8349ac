//! Events and who was involved: each event draws a kind and category, a time between 2015 and the
//! reference date (evenings busier), people for its role slots — first people not yet involved in
//! anything, otherwise prolific offenders for suspect-type roles — and a place that fits (the
//! victim's home for a burglary, a shop for shoplifting, the borough's custody suite for a custody
//! episode, which follows most arrests). Co-suspects are linked as associates.

use std::collections::{BTreeSet, VecDeque};

use jiff::Timestamp;
use jiff::civil::Date;

use super::chunk::Builder;
use super::event_text::{self, KINDS, offender_role, slots};
use super::people::age_on;
use super::places::{BCUS, BOROUGHS, DISTRICTS};
use super::sample::{Weighted, between, chance, date_of, days_of, index, permute, weighted};
use super::{AS_OF, Ref, SynthEvent};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Hours of the day by how busy they are.
const HOURS: &[((i64, i64), f64)] = &[((0, 5), 0.6), ((6, 11), 0.8), ((12, 17), 1.0), ((18, 23), 1.4)];

/// Categories that happen at the victim's or reporter's home.
const AT_HOME: &[&str] = &[
    "Domestic abuse",
    "Domestic incident",
    "Burglary - residential",
    "Concern for welfare",
    "Missing person",
    "Mental health crisis",
    "Noise nuisance",
    "Neighbour dispute",
    "Stalking and harassment",
];

impl Builder {
    /// Creates exactly the chunk's share of events with their person links.
    pub(super) fn make_events(&mut self) {
        let mut pending = self.pending_queue();
        let offenders = Weighted::new(self.records.iter().map(|r| r.activity));
        let mut associates: BTreeSet<(usize, usize)> = BTreeSet::new();
        let (first_day, last_day) = (days_of(jiff::civil::date(2015, 1, 1)), days_of(AS_OF));
        while self.force.events.len() < self.target_events {
            let kind = weighted(&mut self.rng, KINDS);
            let day = between(&mut self.rng, first_day, last_day);
            let (lo, hi) = weighted(&mut self.rng, HOURS);
            let seconds = day * 86_400 + between(&mut self.rng, lo, hi) * 3600 + between(&mut self.rng, 0, 3599);
            let date = date_of(day);
            let mut people: Vec<(usize, &'static str)> = Vec::new();
            for &(role, p) in slots(kind) {
                if chance(&mut self.rng, p)
                    && let Some(r) = self.participant(role, date, &mut pending, &offenders, &people)
                {
                    people.push((r, role));
                }
            }
            let category = event_text::category(&mut self.rng, kind);
            let location = self.event_location(kind, category, &people);
            let home = people.first().and_then(|p| self.records[p.0].home);
            let place = self.describe(location, home);
            self.push_event(kind, category, seconds, location.map(|l| self.base.location + l), &place, people.clone());
            let suspects: Vec<usize> = people.iter().filter(|(_, role)| offender_role(role)).map(|p| p.0).collect();
            for pair in suspects.windows(2) {
                let key = (pair[0].min(pair[1]), pair[0].max(pair[1]));
                if chance(&mut self.rng, 0.6) && associates.insert(key) {
                    self.link(Ref::Person(key.0), Ref::Person(key.1), "associate", Some(date), None);
                }
            }
            if kind == "arrest" && !people.is_empty() && self.force.events.len() < self.target_events && chance(&mut self.rng, 0.7) {
                let station = self.station_for(location);
                let outcome = event_text::category(&mut self.rng, "custody_episode");
                let name = super::streets::POLICE_STATIONS[station].0;
                let detainee = vec![(people[0].0, "subject")];
                let later = (seconds + between(&mut self.rng, 1200, 10_800)).min(last_day * 86_400 + 86_399);
                self.push_event("custody_episode", outcome, later, Some(station), name, detainee);
            }
        }
    }

    /// Records not yet involved in anything: duplicates first (each was created at an event),
    /// then everyone else, each group in random order.
    fn pending_queue(&mut self) -> VecDeque<usize> {
        let mut dups: Vec<usize> = (0..self.records.len()).filter(|&r| self.records[r].duplicate).collect();
        let mut rest: Vec<usize> = (0..self.records.len()).filter(|&r| !self.records[r].duplicate).collect();
        for v in [&mut dups, &mut rest] {
            for i in (1..v.len()).rev() {
                let j = index(&mut self.rng, i + 1);
                v.swap(i, j);
            }
        }
        dups.into_iter().chain(rest).collect()
    }

    fn participant(&mut self, role: &str, date: Date, pending: &mut VecDeque<usize>, offenders: &Weighted, taken: &[(usize, &str)]) -> Option<usize> {
        let offender = offender_role(role);
        let min_age = if offender { 10 } else if role == "reporter" { 16 } else { 0 };
        let suitable = |b: &Builder, r: usize| -> bool {
            let rec = &b.records[r];
            !taken.iter().any(|t| t.0 == r)
                && rec.dob.is_some_and(|dob| age_on(dob, date) >= min_age)
                && (!offender || rec.activity > 0.0)
        };
        if chance(&mut self.rng, 0.75)
            && let Some(k) = (0..pending.len().min(8)).find(|&k| suitable(self, pending[k]))
        {
            return pending.remove(k);
        }
        for _ in 0..12 {
            let r = if offender { offenders.sample(&mut self.rng) } else { index(&mut self.rng, self.records.len()) };
            if r < self.records.len() && suitable(self, r) {
                return Some(r);
            }
        }
        None
    }

    /// Local location of an event, chosen to fit its kind and category.
    fn event_location(&mut self, kind: &str, category: &str, people: &[(usize, &str)]) -> Option<usize> {
        let home = people.first().and_then(|p| self.records[p.0].home);
        if kind == "intelligence" {
            let roll = index(&mut self.rng, 10);
            return if roll < 4 { None } else if roll < 8 && home.is_some() { home } else { self.place_of(&[]) };
        }
        if AT_HOME.contains(&category) && home.is_some() {
            return home;
        }
        if matches!(category, "Shoplifting" | "Burglary - business and community") {
            return self.place_of(&["shop", "supermarket", "retail park"]);
        }
        if chance(&mut self.rng, 0.2) && home.is_some() {
            return home;
        }
        self.place_of(&[])
    }

    /// A premises of one of `types` (any premises if empty or none match; a home if no premises).
    fn place_of(&mut self, types: &[&str]) -> Option<usize> {
        let matching: Vec<usize> = if types.is_empty() {
            Vec::new()
        } else {
            self.premises.iter().copied().filter(|&l| types.contains(&self.force.locations[l].premises_type)).collect()
        };
        let pool = if !matching.is_empty() {
            matching
        } else if !self.premises.is_empty() {
            self.premises.clone()
        } else {
            self.residential.clone()
        };
        self.choose(&pool)
    }

    /// How a summary names the place: the premises or address, "the home address", or for an
    /// event without a location the locality of the first person's home.
    fn describe(&mut self, location: Option<usize>, home: Option<usize>) -> String {
        let Some(l) = location else {
            let district = home.and_then(|h| self.location_district.get(h)).copied();
            return district.map_or_else(|| String::from("central London"), |d| DISTRICTS[d].locality.to_owned());
        };
        let loc = &self.force.locations[l];
        let residential = matches!(loc.premises_type, "house" | "flat" | "maisonette" | "hostel");
        if residential && chance(&mut self.rng, 0.5) {
            return String::from("the home address");
        }
        match loc.address_lines.as_slice() {
            [first, second, ..] if first.starts_with("Flat") || first.contains("Floor") => format!("{first}, {second}"),
            [first, ..] => first.clone(),
            [] => String::from("the scene"),
        }
    }

    fn push_event(
        &mut self,
        kind: &'static str,
        category: &'static str,
        seconds: i64,
        location: Option<usize>,
        place: &str,
        people: Vec<(usize, &'static str)>,
    ) {
        let local = self.force.events.len();
        let at = Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH);
        let date = date_of(seconds.div_euclid(86_400));
        let reference = self.reference(kind, local, date, location);
        let summary = event_text::summary(&mut self.rng, kind, category, place);
        let id = super::sample::new_id(&mut self.rng);
        self.force.events.push(SynthEvent { id, kind, category, reference, at, location, summary });
        for &(record, role) in &people {
            self.link(Ref::Person(record), self.event_ref(local), role, None, None);
        }
        self.event_people.push(people);
    }

    /// A reference number in the style of the system that records this kind of event.
    fn reference(&mut self, kind: &str, local: usize, date: Date, location: Option<usize>) -> String {
        let serial = permute(self.block * 1024 + local as u64, 900_000, self.key ^ kind.len() as u64) + 100_000;
        let yy = date.year() % 100;
        match kind {
            "incident" => format!("CAD {}/{:02}{}{yy:02}", serial % 9000 + 1000, date.day(), MONTHS[(date.month() - 1) as usize]),
            "crime" => format!("{:07}/{yy:02}", serial + 4_000_000),
            "arrest" => format!("ARR/{yy:02}/{serial:06}"),
            "stop" => format!("STOP/{}/{serial:06}", date.year()),
            "intelligence" => format!("INT/{yy:02}/{serial:06}"),
            "custody_episode" => {
                // Custody suites are the prelude's locations, one per borough in borough order.
                let borough = location.map_or(0, |l| l.min(BOROUGHS.len() - 1));
                let bcu = BOROUGHS[borough].1;
                let unit = BCUS.iter().find(|b| **b == bcu).map_or("XX", |b| &b[..2]);
                format!("{unit}/{:05}/{yy:02}", serial % 100_000)
            }
            _ => format!("ASB/{yy:02}/{:05}", serial % 100_000),
        }
    }
}

