//! A pure, deterministic generator of a realistic synthetic London police force for
//! `custos demo --people N --seed S`: people with UK-shaped names, dates of birth and valid
//! identifiers; households sharing addresses with valid postcodes; vehicles, phones, weapons,
//! property and documents; incidents, crimes, arrests, stops, intelligence, custody episodes and
//! anti-social behaviour reports; dated links between them. About 8% of people are written up
//! more than once, with realistic differences, and the ground truth of who is who is returned so
//! that person matching can be measured. Hard negatives (twins, father and son of one name,
//! namesakes) are planted too.
//!
//! No I/O: the caller writes the records to a store. Output depends only on `(people, seed)`.
//! Records reference each other by global index (`Ref`). The force is generated in chunks of
//! [`CHUNK_PEOPLE`] person records that can be produced independently: the shared locations
//! (police stations) come from [`prelude`], and [`generate`] is the prelude followed by every
//! chunk. Identifier serials are unique across chunks for forces up to about 480,000 people.

use jiff::Timestamp;
use jiff::civil::Date;

mod chunk;
mod corrupt;
mod duplicates;
mod europe;
mod event_text;
mod events;
mod forenames;
mod homes;
mod households;
mod ident;
mod objects;
mod origins;
mod people;
mod places;
pub mod records;
pub mod requests;
mod sample;
mod streets;
mod surnames;
mod variants;
mod world;

#[cfg(test)]
mod tests;

/// Person records per independently generated chunk.
pub const CHUNK_PEOPLE: usize = 1000;

/// The generator's "today": ages are computed on this date and no event is later.
pub(crate) const AS_OF: Date = jiff::civil::date(2026, 3, 31);

/// A synthetic force (or one chunk of it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Force {
    pub people: Vec<SynthPerson>,
    pub locations: Vec<SynthLocation>,
    pub objects: Vec<SynthObject>,
    pub events: Vec<SynthEvent>,
    pub links: Vec<SynthLink>,
    /// One entry per person record, in the same order as `people`.
    pub truth: Vec<DuplicateTruth>,
    /// Global index of the first element of each vector (all zero for a whole force).
    pub base: Base,
}

/// Global index of the first record of each kind in a [`Force`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Base {
    pub person: usize,
    pub location: usize,
    pub object: usize,
    pub event: usize,
}

/// A reference to another record by global index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ref {
    Person(usize),
    Location(usize),
    Object(usize),
    Event(usize),
}

/// A person (nominal) record. Several records may denote the same real person (see `truth`).
#[derive(Debug, Clone, PartialEq)]
pub struct SynthPerson {
    pub id: [u8; 16],
    pub forenames: Vec<String>,
    pub surname: String,
    /// (forenames separated by spaces, surname, kind): kind is "alias", "previous", "maiden" or
    /// "nickname".
    pub aliases: Vec<(String, String, &'static str)>,
    pub date_of_birth: Option<Date>,
    /// "male", "female" or "unknown".
    pub gender: &'static str,
    /// 2021 Census group as the short code of `custos_core::person::SelfDefinedEthnicity`
    /// (W1–W5, M1–M4, A1–A5, B1–B3, O1–O2).
    pub self_defined_ethnicity: Option<&'static str>,
    /// IC1–IC6 or IC9 (unknown).
    pub officer_observed_ethnicity: Option<&'static str>,
    pub ni_number: Option<String>,
    /// `YYYY/NNNNNNNA`.
    pub pnc_id: Option<String>,
    /// `NNNNNN/YYA`.
    pub cro_number: Option<String>,
    /// 16-character DVLA licence number.
    pub driving_licence: Option<String>,
    pub passport: Option<String>,
    /// ISO 3166 alpha-3 issuing country of `passport` ("GBR", "POL"...).
    pub passport_country: Option<&'static str>,
    /// UK mobile, `07` and 9 digits.
    pub phone: Option<String>,
    pub email: Option<String>,
    /// "violent", "weapons", "firearms", "drugs", "self_harm", "suicidal", "mental_health",
    /// "escaper", "ailment", "contagious".
    pub warning_markers: Vec<&'static str>,
    /// The BCU of the home address ("CE-BCU" ...).
    pub owning_unit: &'static str,
}

/// An address or place.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthLocation {
    pub id: [u8; 16],
    /// E.g. ["Flat 3", "12 High Street", "Stratford"] or ["Tesco Express", "212 High Road"].
    pub address_lines: Vec<String>,
    pub town: String,
    pub postcode: String,
    pub uprn: Option<u64>,
    pub lat: f64,
    pub lon: f64,
    /// "house", "flat", "maisonette", "hostel", "street", "shop", "pub", "police station"...
    pub premises_type: &'static str,
}

/// A vehicle, phone, weapon, item of property or document.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthObject {
    pub id: [u8; 16],
    pub kind: ObjectKind,
}

/// What an object is, with its identifying details.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectKind {
    /// `vrm` is a current-format GB registration (`AA99AAA`).
    Vehicle { vrm: String, make: &'static str, model: &'static str, colour: &'static str, year: i16 },
    /// `number` is a UK mobile; `imei` is 15 digits with a valid Luhn check digit.
    Phone { number: String, imei: String, make: &'static str, model: &'static str },
    /// `category` such as "knife", "machete", "handgun", "imitation firearm".
    Weapon { category: &'static str, description: String },
    Property { category: &'static str, description: String, serial: Option<String> },
    /// `document_type` such as "passport", "driving licence", "bank card".
    Document { document_type: &'static str, number: String, issuer: &'static str },
}

impl ObjectKind {
    /// "vehicle", "phone", "weapon", "property" or "document".
    pub fn name(&self) -> &'static str {
        match self {
            Self::Vehicle { .. } => "vehicle",
            Self::Phone { .. } => "phone",
            Self::Weapon { .. } => "weapon",
            Self::Property { .. } => "property",
            Self::Document { .. } => "document",
        }
    }
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthEvent {
    pub id: [u8; 16],
    /// "incident", "crime", "arrest", "stop", "intelligence", "custody_episode" or
    /// "anti_social_behaviour".
    pub kind: &'static str,
    /// Crime or incident type, stop power, etc. ("Burglary - residential", "s1 PACE").
    pub category: &'static str,
    /// A reference in the style of the kind's system (CAD, crime, custody numbers).
    pub reference: String,
    pub at: Timestamp,
    /// Global location index.
    pub location: Option<usize>,
    pub summary: String,
}

/// A typed, optionally dated link.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthLink {
    pub id: [u8; 16],
    pub from: Ref,
    pub to: Ref,
    /// See [`LINK_KINDS`].
    pub kind: &'static str,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

/// Every (from, to, kind) combination the generator produces. Kinds are the text form of
/// `custos_core::link::LinkKind` (`family:parent` is a family link with relation "parent":
/// `from` is the parent of `to`). Current homes are "home"; earlier ones "previous_address" with
/// both dates; objects taken, seized or used in an event are "involved_in" it.
#[cfg_attr(not(test), allow(dead_code, reason = "reference table for callers; checked by the tests"))]
pub const LINK_KINDS: &[(&str, &str, &[&str])] = &[
    ("person", "location", &["home", "previous_address"]),
    ("person", "event", &["suspect", "victim", "witness", "reporter", "arrested", "subject"]),
    ("person", "person", &["partner", "family:parent", "family:sibling", "associate"]),
    ("object", "person", &["owner", "keeper", "user", "found_on"]),
    ("object", "event", &["involved_in"]),
];

/// Which person roles each event kind takes.
#[cfg_attr(not(test), allow(dead_code, reason = "reference table for callers; checked by the tests"))]
pub const EVENT_ROLES: &[(&str, &[&str])] = &[
    ("incident", &["reporter", "victim", "witness", "suspect"]),
    ("crime", &["victim", "suspect", "witness", "reporter"]),
    ("arrest", &["arrested"]),
    ("stop", &["subject"]),
    ("intelligence", &["subject"]),
    ("custody_episode", &["subject"]),
    ("anti_social_behaviour", &["reporter", "victim", "suspect", "witness"]),
];

/// Ground truth for one person record: records with the same `cluster` are the same real person.
/// Every record has an entry; `cluster` is the global index of the cluster's first (primary)
/// record. `corruptions` says how this record differs from the truth (empty for primaries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateTruth {
    pub cluster: u64,
    pub person_index: usize,
    pub corruptions: Vec<&'static str>,
    /// Set on deliberately confusable different people: "twin", "father_son", "namesake",
    /// "common_name".
    pub hard_negative: Option<&'static str>,
}

/// Every corruption label that can appear in [`DuplicateTruth::corruptions`].
#[cfg_attr(not(test), allow(dead_code, reason = "reference table for callers; checked by the tests"))]
pub const CORRUPTIONS: &[&str] = duplicates::CORRUPTIONS;

/// The owning units (BCU codes) records are assigned to, in a stable order.
pub fn units() -> Vec<&'static str> {
    let mut units: Vec<&'static str> = places::BOROUGHS.iter().map(|(_, unit, _)| *unit).collect();
    units.sort_unstable();
    units.dedup();
    units
}

/// The whole force: [`prelude`] followed by every chunk, indices global. Empty when `people` is 0.
#[cfg_attr(not(test), allow(dead_code, reason = "the command streams chunks; tests use the whole force"))]
pub fn generate(people: usize, seed: u64) -> Force {
    if people == 0 {
        return Force::default();
    }
    let mut force = prelude(seed);
    for c in 0..chunk_count(people) {
        let part = generate_chunk(people, seed, c);
        force.people.extend(part.people);
        force.locations.extend(part.locations);
        force.objects.extend(part.objects);
        force.events.extend(part.events);
        force.links.extend(part.links);
        force.truth.extend(part.truth);
    }
    force
}

/// How many chunks a force of `people` records has.
pub fn chunk_count(people: usize) -> usize {
    people.div_ceil(CHUNK_PEOPLE)
}

/// The locations shared by every chunk (one police station per borough), at global location
/// indices `0..prelude(seed).locations.len()`.
pub fn prelude(seed: u64) -> Force {
    chunk::build_prelude(seed)
}

/// Chunk `chunk` (0-based) of a force of `people` records: `CHUNK_PEOPLE` person records (fewer
/// in the last chunk) and their locations, objects, events and links. Its references are global:
/// to its own records (from `base`) and to the prelude's locations. Out-of-range chunks are empty.
pub fn generate_chunk(people: usize, seed: u64, chunk: usize) -> Force {
    let start = chunk.saturating_mul(CHUNK_PEOPLE);
    if start >= people {
        return Force::default();
    }
    chunk::build_chunk(seed, chunk, (people - start).min(CHUNK_PEOPLE))
}

impl Force {
    /// The id of the record `r` points at, if it is in this force (or chunk).
    pub fn id(&self, r: Ref) -> Option<[u8; 16]> {
        match r {
            Ref::Person(i) => self.people.get(i.checked_sub(self.base.person)?).map(|p| p.id),
            Ref::Location(i) => self.locations.get(i.checked_sub(self.base.location)?).map(|l| l.id),
            Ref::Object(i) => self.objects.get(i.checked_sub(self.base.object)?).map(|o| o.id),
            Ref::Event(i) => self.events.get(i.checked_sub(self.base.event)?).map(|e| e.id),
        }
    }
}

/// The 16 bytes as a lowercase hyphenated UUID (8-4-4-4-12).
pub fn uuid_string(id: &[u8; 16]) -> String {
    let hex: String = id.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The ground truth as CSV: a header `person_id,cluster_id,corruptions`, then one row per person
/// record; corruptions are separated by `;` (empty for primary records).
#[cfg_attr(not(test), allow(dead_code, reason = "the command streams rows; tests use the whole file"))]
pub fn truth_csv(force: &Force) -> String {
    let mut out = String::from("person_id,cluster_id,corruptions\n");
    out.push_str(&truth_csv_rows(force));
    out
}

/// The CSV rows of [`truth_csv`] without the header (for writing a chunked force).
pub fn truth_csv_rows(force: &Force) -> String {
    let mut out = String::with_capacity(force.truth.len() * 64);
    for t in &force.truth {
        let Some(person) = force.people.get(t.person_index.wrapping_sub(force.base.person)) else {
            continue;
        };
        out.push_str(&uuid_string(&person.id));
        out.push(',');
        out.push_str(&t.cluster.to_string());
        out.push(',');
        out.push_str(&t.corruptions.join(";"));
        out.push('\n');
    }
    out
}

/// A line in the style of an officer's entry about an event of `kind` ("crime", "incident",
/// "arrest", "intelligence", "anti_social_behaviour"…) at `place`, from the generator's phrase
/// tables: benchmarks use it to fill narratives with realistic words.
pub fn sample_narrative(rng: &mut rand_chacha::ChaCha8Rng, kind: &str, place: &str) -> String {
    let category = event_text::category(rng, kind);
    event_text::summary(rng, kind, category, place)
}
