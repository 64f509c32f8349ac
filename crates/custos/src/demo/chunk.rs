//! Builds one chunk (or the prelude) of the force: the shared state of a chunk under construction
//! and the order of the steps — households and people, their records and planted duplicates,
//! premises, events, objects — then a shuffle so that duplicates do not sit next to their primary.

use jiff::civil::Date;
use rand::SeedableRng;

use super::people::Human;
use super::places::{BOROUGHS, DISTRICTS};
use super::sample::{Stream, index, mix};
use super::streets::POLICE_STATIONS;
use super::{Base, CHUNK_PEOPLE, DuplicateTruth, Force, Ref, SynthPerson};

/// Locations, objects and events per 10 person records: fixed, so every chunk's global offsets
/// are known without generating the earlier chunks.
const LOCATIONS_PER_10: usize = 6;
const OBJECTS_PER_10: usize = 4;
const EVENTS_PER_10: usize = 8;

/// Serial numbers reserved per chunk (humans below 1024, duplicate records above).
pub(super) const SERIALS_PER_CHUNK: u64 = 2048;

/// What the builder knows about each person record.
#[derive(Debug, Clone)]
pub(super) struct Record {
    pub duplicate: bool,
    /// Relative chance of being picked as a suspect, arrested person or subject.
    pub activity: f64,
    pub dob: Option<Date>,
    /// Local location index of the home this record is linked to.
    pub home: Option<usize>,
}

/// How the members of a household are related.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// One person, or namesakes living apart.
    Alone,
    /// Two partners.
    Couple,
    /// This many parents first, then their children.
    Family(usize),
    /// Unrelated adults sharing.
    Sharing,
}

/// A group of people living together.
#[derive(Debug, Clone)]
pub(super) struct Household {
    pub members: Vec<usize>,
    pub shape: Shape,
}

/// A chunk under construction. Indices into the builder's own vectors are local; references
/// stored in records are global, except person references, which stay local until the shuffle.
#[derive(Debug)]
pub(super) struct Builder {
    pub rng: Stream,
    pub key: u64,
    /// 0 for the prelude, chunk + 1 otherwise: selects street slots and serial ranges.
    pub block: u64,
    pub base: Base,
    pub target_people: usize,
    pub target_locations: usize,
    pub target_objects: usize,
    pub target_events: usize,
    pub force: Force,
    pub origin_weights: Vec<(usize, f64)>,
    pub district_weights: Vec<(usize, f64)>,
    pub streets: Vec<super::homes::Street>,
    pub slots_used: Vec<u64>,
    pub humans: Vec<Human>,
    pub households: Vec<Household>,
    pub records: Vec<Record>,
    /// Primary record of each human.
    pub primary: Vec<usize>,
    pub residential: Vec<usize>,
    pub premises: Vec<usize>,
    /// District of each local location.
    pub location_district: Vec<usize>,
    /// People (local record index) and their role in each local event.
    pub event_people: Vec<Vec<(usize, &'static str)>>,
    humans_made: u64,
    duplicates_made: u64,
}

impl Builder {
    fn new(seed: u64, block: u64, base: Base, people: usize) -> Self {
        let mut rng = Stream::seed_from_u64(seed);
        rng.set_stream(block);
        let district_weights = DISTRICTS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let n = DISTRICTS.iter().filter(|o| o.borough == d.borough).count().max(1);
                (i, BOROUGHS[d.borough].2 / n as f64)
            })
            .collect();
        Self {
            rng,
            key: mix(seed ^ 0x0C05_7005),
            block,
            base,
            target_people: people,
            target_locations: people * LOCATIONS_PER_10 / 10,
            target_objects: people * OBJECTS_PER_10 / 10,
            target_events: people * EVENTS_PER_10 / 10,
            force: Force { base, ..Force::default() },
            origin_weights: super::origins::ORIGINS.iter().enumerate().map(|(i, o)| (i, o.weight)).collect(),
            district_weights,
            streets: Vec::new(),
            slots_used: vec![0; DISTRICTS.len()],
            humans: Vec::new(),
            households: Vec::new(),
            records: Vec::new(),
            primary: Vec::new(),
            residential: Vec::new(),
            premises: Vec::new(),
            location_district: Vec::new(),
            event_people: Vec::new(),
            humans_made: 0,
            duplicates_made: 0,
        }
    }

    /// A builder for chunk 0 of a 1,000-person force, for unit tests of the parts.
    #[cfg(test)]
    pub(super) fn for_tests(seed: u64) -> Self {
        Self::new(seed, 1, Base::default(), CHUNK_PEOPLE)
    }

    /// A serial for a new human, unique across the force.
    pub(super) fn human_serial(&mut self) -> u64 {
        self.humans_made += 1;
        self.block * SERIALS_PER_CHUNK + (self.humans_made - 1)
    }

    /// A serial for identifiers that only a duplicate record carries (a new phone number).
    pub(super) fn duplicate_serial(&mut self) -> u64 {
        self.duplicates_made += 1;
        self.block * SERIALS_PER_CHUNK + SERIALS_PER_CHUNK / 2 + (self.duplicates_made - 1)
    }

    /// A reference to local location `i`.
    pub(super) fn location_ref(&self, i: usize) -> Ref {
        Ref::Location(self.base.location + i)
    }

    /// A reference to local event `i`.
    pub(super) fn event_ref(&self, i: usize) -> Ref {
        Ref::Event(self.base.event + i)
    }

    /// A reference to local object `i`.
    pub(super) fn object_ref(&self, i: usize) -> Ref {
        Ref::Object(self.base.object + i)
    }

    /// A uniformly chosen element of `items`, if any.
    pub(super) fn choose<T: Copy>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[index(&mut self.rng, items.len())])
    }

    /// Global index of the police station serving the borough of local location `location`.
    pub(super) fn station_for(&self, location: Option<usize>) -> usize {
        let borough = location.and_then(|l| self.location_district.get(l)).map_or(0, |&d| DISTRICTS[d].borough);
        borough.min(POLICE_STATIONS.len() - 1)
    }

    /// Moves people into a random order (so a duplicate is never next to its primary) and turns
    /// local person indices into global ones everywhere.
    fn shuffle_people(&mut self) {
        let n = self.force.people.len();
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = index(&mut self.rng, i + 1);
            order.swap(i, j);
        }
        // order[new] = old; position[old] = new.
        let mut position = vec![0; n];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new;
        }
        let global = |old: usize| self.base.person + position[old];
        let mut old_people: Vec<Option<SynthPerson>> = std::mem::take(&mut self.force.people).into_iter().map(Some).collect();
        let mut old_truth: Vec<Option<DuplicateTruth>> = std::mem::take(&mut self.force.truth).into_iter().map(Some).collect();
        let mut people = Vec::with_capacity(n);
        let mut truth = Vec::with_capacity(n);
        for &old in &order {
            if let (Some(p), Some(mut t)) = (old_people[old].take(), old_truth[old].take()) {
                t.person_index = global(old);
                t.cluster = global(t.cluster as usize) as u64;
                people.push(p);
                truth.push(t);
            }
        }
        for link in &mut self.force.links {
            for end in [&mut link.from, &mut link.to] {
                if let Ref::Person(i) = end {
                    *i = global(*i);
                }
            }
        }
        self.force.people = people;
        self.force.truth = truth;
    }
}

/// Global location indices of the prelude's police stations are `0..POLICE_STATIONS.len()`.
pub(super) fn prelude_len() -> usize {
    POLICE_STATIONS.len()
}

pub(super) fn build_prelude(seed: u64) -> Force {
    let mut b = Builder::new(seed, 0, Base::default(), 0);
    b.police_stations();
    b.force
}

pub(super) fn build_chunk(seed: u64, chunk: usize, people: usize) -> Force {
    let base = Base {
        person: chunk * CHUNK_PEOPLE,
        location: prelude_len() + chunk * CHUNK_PEOPLE * LOCATIONS_PER_10 / 10,
        object: chunk * CHUNK_PEOPLE * OBJECTS_PER_10 / 10,
        event: chunk * CHUNK_PEOPLE * EVENTS_PER_10 / 10,
    };
    let mut b = Builder::new(seed, chunk as u64 + 1, base, people);
    b.populate();
    b.make_records();
    b.fill_premises();
    b.make_events();
    b.make_objects();
    b.shuffle_people();
    b.force
}
