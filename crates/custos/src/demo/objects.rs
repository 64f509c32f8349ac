//! Objects and their links: vehicles (popular UK makes and models, DVLA colours, current-format
//! registrations) with owners and keepers, phones whose number is their user's and whose IMEI
//! carries a valid check digit, weapons seized at stops and arrests (found on the suspect),
//! stolen property tied to the crime and its victim, and identity documents matching their
//! holder's identifiers.

use super::chunk::Builder;
use super::ident;
use super::people::age_on;
use super::sample::{between, chance, date_of, days_of, pick, weighted};
use super::{AS_OF, ObjectKind, Ref, SynthObject};

const MAKES: &[(&str, &[&str], f64)] = &[
    ("Ford", &["Fiesta", "Focus", "Kuga", "Puma", "Transit", "Transit Custom"], 14.0),
    ("Vauxhall", &["Corsa", "Astra", "Insignia", "Mokka", "Vivaro"], 10.0),
    ("Volkswagen", &["Golf", "Polo", "Passat", "Tiguan", "Transporter"], 10.0),
    ("BMW", &["1 Series", "3 Series", "5 Series", "X5", "M3"], 8.0),
    ("Mercedes-Benz", &["A-Class", "C-Class", "E-Class", "GLC", "Sprinter"], 8.0),
    ("Audi", &["A1", "A3", "A4", "Q5", "RS3"], 7.0),
    ("Toyota", &["Yaris", "Corolla", "Prius", "Auris", "C-HR", "RAV4"], 9.0),
    ("Nissan", &["Qashqai", "Micra", "Juke", "Leaf"], 6.0),
    ("Kia", &["Sportage", "Picanto", "Ceed", "Niro"], 4.0),
    ("Hyundai", &["Tucson", "i10", "i30", "Kona"], 4.0),
    ("Peugeot", &["208", "308", "3008", "Partner"], 4.0),
    ("Renault", &["Clio", "Megane", "Captur", "Trafic"], 3.0),
    ("Land Rover", &["Range Rover", "Range Rover Sport", "Range Rover Evoque", "Discovery"], 4.0),
    ("Honda", &["Civic", "Jazz", "CR-V", "PCX125"], 3.0),
    ("MINI", &["Cooper", "Countryman"], 3.0),
    ("Fiat", &["500", "Panda"], 2.0),
    ("Skoda", &["Octavia", "Fabia", "Superb"], 3.0),
    ("SEAT", &["Leon", "Ibiza"], 2.0),
    ("Citroen", &["C3", "Berlingo", "C4"], 2.0),
    ("Tesla", &["Model 3", "Model Y"], 1.5),
    ("Yamaha", &["NMAX 125", "XMAX 125"], 1.5),
    ("Piaggio", &["Zip 50", "Liberty 125"], 1.0),
];

/// DVLA colour names.
const COLOURS: &[(&str, f64)] = &[
    ("Black", 20.0),
    ("Grey", 18.0),
    ("Silver", 14.0),
    ("White", 16.0),
    ("Blue", 12.0),
    ("Red", 9.0),
    ("Green", 2.0),
    ("Orange", 2.0),
    ("Yellow", 1.0),
    ("Brown", 1.5),
    ("Bronze", 0.5),
    ("Beige", 0.5),
    ("Purple", 0.5),
];

/// Handset models and an 8-digit type allocation code for each.
const HANDSETS: &[(&str, &str, &str, f64)] = &[
    ("Apple", "iPhone 11", "35391110", 8.0),
    ("Apple", "iPhone 12", "35320711", 8.0),
    ("Apple", "iPhone 13", "35676211", 10.0),
    ("Apple", "iPhone 14", "35196562", 8.0),
    ("Apple", "iPhone 15", "35882376", 6.0),
    ("Samsung", "Galaxy S21", "35260911", 6.0),
    ("Samsung", "Galaxy S23", "35086128", 6.0),
    ("Samsung", "Galaxy A14", "35033775", 8.0),
    ("Samsung", "Galaxy A54", "35271841", 6.0),
    ("Google", "Pixel 7", "35592741", 3.0),
    ("Motorola", "Moto G54", "35146315", 3.0),
    ("Nokia", "105", "35766110", 6.0),
    ("Alcatel", "2038X", "35419508", 3.0),
    ("Xiaomi", "Redmi Note 12", "86456206", 4.0),
    ("Oppo", "A78", "86938006", 2.0),
];

/// Weapon categories (the codes of `custos_core::object::WeaponCategory`) and descriptions.
const WEAPONS: &[(&str, &[&str])] = &[
    ("knife", &["Kitchen knife, 20cm blade, black handle", "Lock knife, 8cm blade", "Serrated zombie knife, 30cm blade"]),
    ("other_bladed_article", &["Machete, 45cm blade, in a rucksack", "Sharpened flat-head screwdriver", "Samurai-style sword"]),
    ("blunt_instrument", &["Aluminium baseball bat", "Claw hammer", "Brass knuckle duster"]),
    ("corrosive_substance", &["Sports bottle containing a suspected corrosive liquid"]),
    ("imitation_firearm", &["Black imitation pistol", "BB gun resembling a handgun"]),
    ("firearm", &["Converted blank-firing pistol", "Sawn-off shotgun"]),
    ("other", &["Canister of CS spray", "Stun gun disguised as a torch"]),
];

const PROPERTY: &[(&str, &[&str], bool)] = &[
    ("bicycle", &["Carrera mountain bike, red", "Brompton folding bike, black", "Boardman road bike, grey"], true),
    ("laptop", &["Apple MacBook Air, silver", "Dell Latitude laptop", "HP Pavilion laptop"], true),
    ("jewellery", &["Gold chain necklace", "Diamond engagement ring", "Pair of gold earrings"], false),
    ("watch", &["Rolex Submariner", "Apple Watch Series 8", "Casio G-Shock"], true),
    ("bag", &["Black Michael Kors handbag", "Grey North Face rucksack"], false),
    ("cash", &["Cash in £20 notes"], false),
    ("tools", &["DeWalt combi drill and case", "Makita impact driver"], true),
    ("catalytic converter", &["Catalytic converter removed from a Toyota Prius"], false),
    ("e-scooter", &["Xiaomi electric scooter, black"], true),
];

const BANKS: &[&str] = &["Barclays", "HSBC", "Lloyds", "NatWest", "Santander", "Monzo", "Nationwide", "Starling"];

impl Builder {
    /// Creates exactly the chunk's share of objects with their links.
    pub(super) fn make_objects(&mut self) {
        while self.force.objects.len() < self.target_objects {
            let local = self.force.objects.len();
            let serial = self.block * 1024 + local as u64;
            let kind = match weighted(&mut self.rng, &[(0, 45.0), (1, 30.0), (2, 8.0), (3, 10.0), (4, 7.0)]) {
                0 => self.vehicle(local, serial),
                1 => self.phone(local, serial),
                2 => self.weapon(local),
                3 => self.property(local, serial),
                _ => self.document(local, serial),
            };
            let id = super::sample::new_id(&mut self.rng);
            self.force.objects.push(SynthObject { id, kind });
        }
    }

    /// A person record aged at least `min_age` (primary records more often than duplicates).
    fn someone(&mut self, min_age: i64) -> Option<usize> {
        for _ in 0..12 {
            let r = super::sample::index(&mut self.rng, self.records.len());
            let rec = self.records.get(r)?;
            if rec.duplicate && chance(&mut self.rng, 0.7) {
                continue;
            }
            if rec.dob.is_some_and(|d| age_on(d, AS_OF) >= min_age) {
                return Some(r);
            }
        }
        None
    }

    fn vehicle(&mut self, local: usize, serial: u64) -> ObjectKind {
        let year = 2025 - (between(&mut self.rng, 0, 22) * between(&mut self.rng, 0, 22) / 22) as i16;
        let (make, models, _) = MAKES[weighted(&mut self.rng, &MAKES.iter().enumerate().map(|(i, m)| (i, m.2)).collect::<Vec<_>>())];
        let model = pick(&mut self.rng, models);
        let colour = weighted(&mut self.rng, COLOURS);
        let vrm = ident::vrm(&mut self.rng, year, serial, self.key);
        if let Some(owner) = self.someone(17) {
            let since = self.records[owner].dob.map(|d| {
                let earliest = (days_of(d) + 17 * 365).max(days_of(jiff::civil::date(year.max(2001), 3, 1)));
                date_of(between(&mut self.rng, earliest.min(days_of(AS_OF)), days_of(AS_OF)))
            });
            let since = since.filter(|_| chance(&mut self.rng, 0.5));
            self.link(self.object_ref(local), Ref::Person(owner), "owner", since, None);
            if chance(&mut self.rng, 0.2)
                && let Some(keeper) = self.someone(17).filter(|&k| k != owner)
            {
                self.link(self.object_ref(local), Ref::Person(keeper), "keeper", None, None);
            }
        }
        if chance(&mut self.rng, 0.15)
            && let Some(e) = self.event_of(&["stop", "crime", "arrest"])
        {
            self.link(self.object_ref(local), self.event_ref(e), "involved_in", None, None);
        }
        ObjectKind::Vehicle { vrm, make, model, colour, year }
    }

    fn phone(&mut self, local: usize, serial: u64) -> ObjectKind {
        let (make, model, tac) = weighted(&mut self.rng, &HANDSETS.iter().map(|h| ((h.0, h.1, h.2), h.3)).collect::<Vec<_>>());
        let owner = self.someone(12);
        let number = owner.and_then(|o| self.force.people[o].phone.clone()).unwrap_or_else(|| {
            let s = self.duplicate_serial();
            ident::mobile(s, self.key)
        });
        if let Some(o) = owner {
            self.link(self.object_ref(local), Ref::Person(o), "user", None, None);
        }
        ObjectKind::Phone { number, imei: ident::imei(tac, serial, self.key), make, model }
    }

    fn weapon(&mut self, local: usize) -> ObjectKind {
        let (category, descriptions) = pick(&mut self.rng, WEAPONS);
        let description = pick(&mut self.rng, descriptions).to_owned();
        if let Some(e) = self.event_of(&["stop", "arrest", "crime"]) {
            self.link(self.object_ref(local), self.event_ref(e), "involved_in", None, None);
            let holder = self.event_people[e].iter().find(|(_, role)| matches!(*role, "suspect" | "arrested" | "subject")).map(|p| p.0);
            if let Some(h) = holder.filter(|_| chance(&mut self.rng, 0.7)) {
                self.link(self.object_ref(local), Ref::Person(h), "found_on", None, None);
            }
        }
        ObjectKind::Weapon { category, description }
    }

    fn property(&mut self, local: usize, serial: u64) -> ObjectKind {
        let (category, descriptions, has_serial) = pick(&mut self.rng, PROPERTY);
        let description = pick(&mut self.rng, descriptions).to_owned();
        let serial_number = has_serial.then(|| format!("{}{:08}", category[..2].to_uppercase(), super::sample::mix(serial ^ self.key) % 100_000_000));
        let crimes: Vec<usize> = (0..self.force.events.len())
            .filter(|&e| self.force.events[e].kind == "crime" && self.event_people[e].iter().any(|p| p.1 == "victim"))
            .collect();
        let owner = match self.choose(&crimes) {
            Some(e) => {
                self.link(self.object_ref(local), self.event_ref(e), "involved_in", None, None);
                self.event_people[e].iter().find(|p| p.1 == "victim").map(|p| p.0)
            }
            None => self.someone(10),
        };
        if let Some(o) = owner {
            self.link(self.object_ref(local), Ref::Person(o), "owner", None, None);
        }
        ObjectKind::Property { category, description, serial: serial_number }
    }

    fn document(&mut self, local: usize, serial: u64) -> ObjectKind {
        let Some(owner) = self.someone(16) else {
            let number = format!("XXXX-XXXX-XXXX-{:04}", serial % 10_000);
            return ObjectKind::Document { document_type: "bank card", number, issuer: pick(&mut self.rng, BANKS) };
        };
        self.link(self.object_ref(local), Ref::Person(owner), "owner", None, None);
        let p = &self.force.people[owner];
        let (passport, country, licence) = (p.passport.clone(), p.passport_country, p.driving_licence.clone());
        if let (Some(number), Some(country)) = (passport, country)
            && chance(&mut self.rng, 0.6)
        {
            return ObjectKind::Document { document_type: "passport", number, issuer: country };
        }
        if let Some(number) = licence
            && chance(&mut self.rng, 0.6)
        {
            return ObjectKind::Document { document_type: "driving licence", number, issuer: "DVLA" };
        }
        let number = format!("XXXX-XXXX-XXXX-{:04}", super::sample::mix(serial ^ self.key) % 10_000);
        ObjectKind::Document { document_type: "bank card", number, issuer: pick(&mut self.rng, BANKS) }
    }

    /// A random local event of one of `kinds`.
    fn event_of(&mut self, kinds: &[&str]) -> Option<usize> {
        for _ in 0..20 {
            let e = super::sample::index(&mut self.rng, self.force.events.len());
            if self.force.events.get(e).is_some_and(|ev| kinds.contains(&ev.kind)) {
                return Some(e);
            }
        }
        None
    }
}
