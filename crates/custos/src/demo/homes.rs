//! Streets, addresses and households: each chunk opens streets in weighted districts, numbers
//! houses along them, fills blocks of flats, and moves households (single people, couples,
//! families with teenage children, flat-shares, hostels) into them, with earlier homes and move
//! dates. Twins, fathers and sons of the same name, and namesakes are planted here.

use jiff::civil::Date;

use super::chunk::{Builder, Household, Shape};
use super::people::{Human, age_of};
use super::places::{DISTRICTS, districts_of, inward_code, jitter};
use super::sample::{between, chance, date_of, days_of, index, permute, pick, popular, weighted};
use super::streets::{BASES, BLOCKS, POLICE_STATIONS, PREMISES, street_name, street_space};
use super::{AS_OF, SynthLocation};

/// Street slots each chunk may open per district (street names stay unique per district for
/// `street_space() / SLOTS_PER_CHUNK` chunks).
const SLOTS_PER_CHUNK: u64 = 8;

/// A street opened by this chunk.
#[derive(Debug, Clone)]
pub(super) struct Street {
    pub district: usize,
    pub name: String,
    pub postcodes: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    pub next_number: u32,
    /// The block of flats being filled: name, flats left, next flat number.
    pub block: Option<(String, u32, u32)>,
}

impl Builder {
    fn pick_district(&mut self) -> usize {
        weighted(&mut self.rng, &self.district_weights)
    }

    fn new_street(&mut self, district: usize) -> usize {
        let used = self.slots_used[district];
        if used >= SLOTS_PER_CHUNK {
            let mine: Vec<usize> = (0..self.streets.len()).filter(|&s| self.streets[s].district == district).collect();
            if let Some(s) = self.choose(&mine) {
                return s;
            }
        }
        self.slots_used[district] += 1;
        let slot = self.block * SLOTS_PER_CHUNK + used;
        let laps = (slot / street_space()) as u32;
        let units = if chance(&mut self.rng, 0.4) { 2 } else { 1 };
        let postcodes = (0..units).map(|u| inward_code(district, slot * 2 + u, self.key)).collect::<Vec<_>>();
        let d = &DISTRICTS[district];
        let street = Street {
            district,
            name: street_name(district, slot, self.key),
            postcodes: postcodes.into_iter().map(|inward| format!("{} {inward}", d.outward)).collect(),
            lat: d.lat + jitter(&mut self.rng, 0.010),
            lon: d.lon + jitter(&mut self.rng, 0.015),
            next_number: 1 + laps * 300 + between(&mut self.rng, 0, 30) as u32,
            block: None,
        };
        self.streets.push(street);
        self.streets.len() - 1
    }

    /// A street in `district`: often one this chunk already uses, so neighbours share streets.
    fn street_in(&mut self, district: usize) -> usize {
        let mine: Vec<usize> = (0..self.streets.len()).filter(|&s| self.streets[s].district == district).collect();
        if !mine.is_empty()
            && chance(&mut self.rng, 0.6)
            && let Some(s) = self.choose(&mine)
        {
            return s;
        }
        self.new_street(district)
    }

    fn push_location(&mut self, address_lines: Vec<String>, street: usize, premises_type: &'static str, with_uprn: bool) -> usize {
        let local = self.force.locations.len();
        let s = &self.streets[street];
        let d = &DISTRICTS[s.district];
        let uprn = with_uprn.then(|| 10_000_000_000 + permute(self.block * 1024 + local as u64, 89_999_999_999, self.key ^ 0x5550));
        let mut address_lines = address_lines;
        if chance(&mut self.rng, if d.town == "London" { 0.6 } else { 0.3 }) && d.locality != d.town {
            address_lines.push(d.locality.to_owned());
        }
        let postcode = s.postcodes[index(&mut self.rng, s.postcodes.len())].clone();
        let (lat, lon) = (s.lat, s.lon);
        let location = SynthLocation {
            id: super::sample::new_id(&mut self.rng),
            address_lines,
            town: d.town.to_owned(),
            postcode,
            uprn,
            lat: lat + jitter(&mut self.rng, 0.0012),
            lon: lon + jitter(&mut self.rng, 0.0018),
            premises_type,
        };
        self.force.locations.push(location);
        self.location_district.push(s.district);
        local
    }

    fn house_number(&mut self, street: usize) -> u32 {
        let step = if chance(&mut self.rng, 0.7) { 2 } else { 1 };
        let s = &mut self.streets[street];
        let n = s.next_number;
        s.next_number += step;
        n
    }

    /// A new home in `district`, or an existing one if the chunk's location budget is spent.
    pub(super) fn residence(&mut self, district: usize, hostel: bool) -> Option<usize> {
        let budget = self.target_locations.saturating_sub(self.target_people * 12 / 100);
        if self.force.locations.len() >= budget {
            return self.choose(&self.residential.clone());
        }
        let street = self.street_in(district);
        let name = self.streets[street].name.clone();
        let (lines, kind) = if hostel {
            let n = self.house_number(street);
            let base = popular(&mut self.rng, BASES, 20.0);
            (vec![format!("{base} House"), format!("{n} {name}")], "hostel")
        } else {
            match weighted(&mut self.rng, &[(0, 50.0), (1, 15.0), (2, 30.0), (3, 5.0)]) {
                0 => (vec![format!("{} {name}", self.house_number(street))], "house"),
                1 => {
                    const FLATS: &[&str] =
                        &["Flat A", "Flat B", "Flat 1", "Flat 2", "Flat 3", "Ground Floor Flat", "First Floor Flat", "Top Floor Flat"];
                    let flat = pick(&mut self.rng, FLATS);
                    (vec![flat.to_owned(), format!("{} {name}", self.house_number(street))], "flat")
                }
                2 => {
                    let (block, flat) = self.flat_in_block(street);
                    (vec![format!("Flat {flat}"), block, name], "flat")
                }
                _ => {
                    let n = self.house_number(street);
                    (vec![format!("{n}{} {name}", pick(&mut self.rng, &["a", "b"]))], "maisonette")
                }
            }
        };
        let with_uprn = chance(&mut self.rng, 0.93);
        let local = self.push_location(lines, street, kind, with_uprn);
        self.residential.push(local);
        Some(local)
    }

    fn flat_in_block(&mut self, street: usize) -> (String, u32) {
        let needs_new = self.streets[street].block.as_ref().is_none_or(|b| b.1 == 0);
        if needs_new {
            let name = format!("{} {}", popular(&mut self.rng, BASES, 20.0), pick(&mut self.rng, BLOCKS));
            let size = between(&mut self.rng, 12, 90) as u32;
            self.streets[street].block = Some((name, size, 1));
        }
        match &mut self.streets[street].block {
            Some((name, left, next)) => {
                let flat = *next;
                *left -= 1;
                *next += 1;
                (name.clone(), flat)
            }
            None => (String::from("Block"), 1),
        }
    }

    /// A non-residential place where events happen.
    pub(super) fn new_premises(&mut self) -> usize {
        let district = self.pick_district();
        let street = self.street_in(district);
        let name = self.streets[street].name.clone();
        let (kind, _, names) = PREMISES[weighted(&mut self.rng, &PREMISES.iter().enumerate().map(|(i, p)| (i, p.1)).collect::<Vec<_>>())];
        let locality = DISTRICTS[district].locality;
        let lines = if names.is_empty() {
            vec![name]
        } else {
            let brand = pick(&mut self.rng, names);
            // Generic names take the locality or a local name: "Tottenham Leisure Centre".
            let generic = !matches!(kind, "shop" | "supermarket" | "pub" | "nightclub" | "takeaway" | "restaurant" | "petrol station" | "betting shop" | "hotel");
            let title = if generic {
                let prefix = if chance(&mut self.rng, 0.5) { locality.to_owned() } else { popular(&mut self.rng, BASES, 20.0).to_owned() };
                format!("{prefix} {brand}")
            } else {
                brand.to_owned()
            };
            if matches!(kind, "park" | "railway station" | "bus station") {
                vec![title, name]
            } else {
                vec![title, format!("{} {name}", self.house_number(street))]
            }
        };
        let with_uprn = kind != "street" && chance(&mut self.rng, 0.9);
        let local = self.push_location(lines, street, kind, with_uprn);
        self.premises.push(local);
        local
    }

    /// Adds premises until the chunk has exactly its share of locations.
    pub(super) fn fill_premises(&mut self) {
        while self.force.locations.len() < self.target_locations {
            self.new_premises();
        }
    }

    /// The prelude: one custody suite per borough.
    pub(super) fn police_stations(&mut self) {
        for (name, borough) in POLICE_STATIONS {
            let districts: Vec<usize> = districts_of(*borough).collect();
            let district = self.choose(&districts).unwrap_or(0);
            let street = self.new_street(district);
            let n = self.house_number(street);
            let lines = vec![(*name).to_owned(), format!("{n} {}", self.streets[street].name)];
            self.push_location(lines, street, "police station", true);
        }
    }

    /// A move-in date for an adult born on `dob`: since turning 18, within the last 15 years.
    fn move_in(&mut self, dob: Date) -> Date {
        let latest = days_of(AS_OF) - 30;
        let adult = days_of(dob) + 18 * 365 + 5;
        let earliest = adult.max(days_of(AS_OF) - 15 * 365).min(latest);
        date_of(between(&mut self.rng, earliest, latest))
    }

    /// Earlier addresses of an adult, ending when the current one began.
    fn previous_homes(&mut self, h: &mut Human, district: usize) {
        let Some((current, from)) = h.home else { return };
        let moves = if chance(&mut self.rng, 0.22) { if chance(&mut self.rng, 0.3) { 2 } else { 1 } } else { 0 };
        let mut until = from;
        for _ in 0..moves {
            let start = days_of(until) - between(&mut self.rng, 300, 8 * 365);
            if start < days_of(h.dob) + 16 * 365 {
                break;
            }
            let existing: Vec<usize> = self.residential.iter().copied().filter(|&l| l != current).collect();
            let place = if chance(&mut self.rng, 0.5) && !existing.is_empty() {
                self.choose(&existing)
            } else {
                let d = if chance(&mut self.rng, 0.6) { district } else { self.pick_district() };
                self.residence(d, false)
            };
            let Some(place) = place.filter(|&p| p != current) else { break };
            h.previous.push((place, date_of(start), until));
            until = date_of(start);
        }
    }

    fn planted_duplicates(&mut self) -> usize {
        if !chance(&mut self.rng, 0.08) {
            return 0;
        }
        weighted(&mut self.rng, &[(1, 0.65), (2, 0.25), (3, 0.10)])
    }

    /// Creates households until the chunk holds exactly `target_people` person records.
    pub(super) fn populate(&mut self) {
        let mut planned = 0;
        while planned < self.target_people {
            for (mut members, shape) in self.next_households() {
                for m in &mut members {
                    m.duplicates = self.planted_duplicates();
                }
                fit(&mut members, self.target_people - planned);
                if members.is_empty() {
                    break;
                }
                planned += members.iter().map(|m| 1 + m.duplicates).sum::<usize>();
                self.settle(members, shape);
            }
        }
    }

    /// Houses a household: one shared home (or none for people of no fixed abode).
    fn settle(&mut self, mut members: Vec<Human>, shape: Shape) {
        let district = self.pick_district();
        let hostel = members.len() >= 3 && members.iter().all(|m| m.hard_negative.is_none()) && chance(&mut self.rng, 0.12);
        let nfa = members.len() == 1 && chance(&mut self.rng, 0.025);
        let home = if nfa { None } else { self.residence(district, hostel) };
        let oldest = members.iter().map(|m| m.dob).min().unwrap_or(AS_OF);
        let since = self.move_in(oldest);
        let first = self.humans.len();
        for m in &mut members {
            let from = if m.dob > since { m.dob } else { since };
            m.home = home.map(|h| (h, from));
            if age_of(m.dob) >= 18 {
                self.previous_homes(m, district);
            }
        }
        self.humans.extend(members);
        self.households.push(Household { members: (first..self.humans.len()).collect(), shape });
    }
}

/// Trims a household to at most `room` records: planted duplicates go first, then members.
fn fit(members: &mut Vec<Human>, room: usize) {
    let total = |ms: &[Human]| ms.iter().map(|m| 1 + m.duplicates).sum::<usize>();
    while total(members) > room {
        if let Some(m) = members.iter_mut().rev().find(|m| m.duplicates > 0) {
            m.duplicates -= 1;
        } else {
            members.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_drops_duplicates_before_people() {
        let mut b = crate::demo::tests::builder(10);
        let mut members: Vec<Human> = (0..3).map(|_| b.new_human(None, None, Some(30))).collect();
        members[0].duplicates = 2;
        members[2].duplicates = 1;
        fit(&mut members, 4);
        assert_eq!(members.len(), 3);
        assert_eq!(members.iter().map(|m| m.duplicates).sum::<usize>(), 1);
        fit(&mut members, 2);
        assert_eq!(members.len(), 2);
        assert_eq!(members.iter().map(|m| m.duplicates).sum::<usize>(), 0);
    }
}
