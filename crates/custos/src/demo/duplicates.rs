//! Writing people up as records: a primary record per person, and for about 8% of people one to
//! three further records made later by someone who did not find the first. Each duplicate gets
//! one to three deliberate corruptions (typos, OCR slips, nicknames, transliterations, swapped
//! names, half a double-barrelled surname, a married name, date-of-birth slips, missing fields, a
//! later address, a new phone) plus the incidental differences of a second write-up (fewer
//! identifiers, another officer's view of ethnicity). The truth records every label applied.

use jiff::civil::Date;

use super::chunk::{Builder, Record, Shape};
use super::corrupt::{self, Typo};
use super::ident;
use super::origins::ORIGINS;
use super::people::{Human, age_of};
use super::places::{BCUS, bcu_of};
use super::sample::{between, chance, date_of, days_of, new_id, pick, weighted};
use super::{AS_OF, DuplicateTruth, Ref, SynthLink, SynthPerson};

/// Every corruption label, deliberate ones first, then incidental ones.
pub(super) const CORRUPTIONS: &[&str] = &[
    "typo_insert",
    "typo_delete",
    "typo_substitute",
    "typo_transpose",
    "ocr",
    "nickname",
    "transliteration",
    "spelling_variant",
    "diacritics_dropped",
    "punctuation",
    "name_swap",
    "double_barrel_partial",
    "marriage_surname",
    "forename_initial",
    "middle_name_dropped",
    "known_by_middle_name",
    "alias_used",
    "case_variant",
    "dob_day_month_swap",
    "dob_year_off",
    "dob_day_off",
    "dob_year_digits_swapped",
    "dob_missing",
    "moved_address",
    "different_phone",
    "identifiers_dropped",
    "ni_missing",
    "ethnicity_differs",
    "gender_unknown",
];

/// Deliberate corruptions and their relative frequency among those that apply to a person.
const DELIBERATE: &[(&str, f64)] = &[
    ("typo_insert", 4.0),
    ("typo_delete", 4.0),
    ("typo_substitute", 4.0),
    ("typo_transpose", 4.0),
    ("ocr", 3.0),
    ("nickname", 7.0),
    ("transliteration", 15.0),
    ("spelling_variant", 10.0),
    ("diacritics_dropped", 12.0),
    ("punctuation", 15.0),
    ("name_swap", 3.0),
    ("double_barrel_partial", 60.0),
    ("marriage_surname", 4.0),
    ("forename_initial", 3.0),
    ("middle_name_dropped", 4.0),
    ("known_by_middle_name", 4.0),
    ("alias_used", 15.0),
    ("case_variant", 2.0),
    ("dob_day_month_swap", 6.0),
    ("dob_year_off", 4.0),
    ("dob_day_off", 4.0),
    ("dob_year_digits_swapped", 2.0),
    ("dob_missing", 4.0),
    ("moved_address", 6.0),
    ("different_phone", 4.0),
];

/// Whether a deliberate corruption can change this person's record.
fn applies(kind: &str, h: &Human, p: &SynthPerson) -> bool {
    let first = p.forenames.first().map_or("", String::as_str);
    let dob = p.date_of_birth;
    match kind {
        "ocr" => corrupt::ocr_applies(first) || corrupt::ocr_applies(&p.surname),
        "nickname" => corrupt::has_nickname(first),
        "transliteration" => corrupt::has_transliteration(first) || corrupt::has_transliteration(&p.surname),
        "spelling_variant" => corrupt::has_spelling(first) || corrupt::has_spelling(&p.surname),
        "diacritics_dropped" => p.forenames.iter().chain([&p.surname]).any(|n| corrupt::drop_diacritics(n).is_some()),
        "punctuation" => corrupt::punctuation_applies(&p.surname),
        "double_barrel_partial" => p.surname.split(['-', ' ']).filter(|x| x.len() > 2).count() == 2 && !p.surname.starts_with("St "),
        "marriage_surname" => h.female && age_of(h.dob) >= 20,
        "middle_name_dropped" => p.forenames.len() >= 2,
        "known_by_middle_name" => p.forenames.len() >= 2 && !["Singh", "Kaur"].contains(&p.forenames[1].as_str()),
        "alias_used" => !h.aliases.is_empty(),
        "dob_day_month_swap" => dob.and_then(corrupt::swap_day_month).is_some(),
        "dob_year_off" => dob.is_some_and(|d| (d.month(), d.day()) != (2, 29)),
        "dob_year_digits_swapped" => dob.and_then(corrupt::year_digits_swapped).is_some(),
        "dob_day_off" | "dob_missing" => dob.is_some(),
        "moved_address" => h.home.is_some(),
        "different_phone" => h.phone.is_some(),
        _ => true,
    }
}

/// A person record being written.
struct Draft {
    person: SynthPerson,
    home: Option<(usize, Option<Date>)>,
}

impl Builder {
    /// Writes every human up as a primary record plus their planted duplicates, with home links.
    pub(super) fn make_records(&mut self) {
        for h in 0..self.humans.len() {
            let human = self.humans[h].clone();
            let primary = self.force.people.len();
            self.primary.push(primary);
            let draft = self.primary_record(&human);
            self.push_record(&human, draft, Vec::new(), primary);
            for &(place, from, to) in &human.previous {
                self.link(Ref::Person(primary), self.location_ref(place), "previous_address", Some(from), Some(to));
            }
            for _ in 0..human.duplicates {
                let base = self.force.people[primary].clone();
                let (draft, labels) = self.duplicate_record(&human, &base);
                self.push_record(&human, draft, labels, primary);
            }
        }
        self.family_links();
    }

    fn push_record(&mut self, human: &Human, draft: Draft, corruptions: Vec<&'static str>, primary: usize) {
        let index = self.force.people.len();
        let duplicate = index != primary;
        if let Some((home, from)) = draft.home {
            self.link(Ref::Person(index), self.location_ref(home), "home", from, None);
        }
        let home = draft.home.map(|(l, _)| l);
        self.force.people.push(draft.person);
        self.force.truth.push(DuplicateTruth { cluster: primary as u64, person_index: index, corruptions, hard_negative: human.hard_negative });
        let activity = if duplicate { human.activity * 0.3 } else { human.activity };
        self.records.push(Record { duplicate, activity, dob: Some(human.dob), home });
    }

    /// Adds a link with a fresh id.
    pub(super) fn link(&mut self, from: Ref, to: Ref, kind: &'static str, valid_from: Option<Date>, valid_to: Option<Date>) {
        let id = new_id(&mut self.rng);
        self.force.links.push(SynthLink { id, from, to, kind, valid_from, valid_to });
    }

    fn unit_of(&mut self, home: Option<usize>) -> &'static str {
        match home.and_then(|l| self.location_district.get(l)) {
            Some(&d) => bcu_of(d),
            None => pick(&mut self.rng, BCUS),
        }
    }

    fn primary_record(&mut self, h: &Human) -> Draft {
        let rng = &mut self.rng;
        let gender = if chance(rng, 0.01) { "unknown" } else if h.female { "female" } else { "male" };
        let person = SynthPerson {
            id: new_id(rng),
            forenames: h.forenames.clone(),
            surname: h.surname.clone(),
            aliases: h.aliases.clone(),
            date_of_birth: (!chance(rng, 0.03)).then_some(h.dob),
            gender,
            self_defined_ethnicity: chance(rng, 0.7).then_some(h.ethnicity),
            officer_observed_ethnicity: chance(rng, 0.88).then_some(h.observed),
            ni_number: h.ni.clone(),
            pnc_id: h.pnc.clone(),
            cro_number: h.cro.clone(),
            driving_licence: h.licence.clone(),
            passport: h.passport.as_ref().map(|p| p.0.clone()),
            passport_country: h.passport.as_ref().map(|p| p.1),
            phone: h.phone.clone(),
            email: h.email.clone(),
            warning_markers: h.markers.clone(),
            owning_unit: "",
        };
        let home = h.home.map(|(l, from)| (l, chance(rng, 0.8).then_some(from)));
        let mut draft = Draft { person, home };
        draft.person.owning_unit = self.unit_of(draft.home.map(|h| h.0));
        draft
    }

    /// A later record of the same person, and the labels of what differs.
    fn duplicate_record(&mut self, h: &Human, primary: &SynthPerson) -> (Draft, Vec<&'static str>) {
        let rng = &mut self.rng;
        let keep = |rng: &mut super::sample::Stream, v: &Option<String>, p: f64| v.clone().filter(|_| chance(rng, p));
        let mut p = SynthPerson {
            id: new_id(rng),
            forenames: h.forenames.clone(),
            surname: h.surname.clone(),
            aliases: primary.aliases.iter().filter(|_| chance(rng, 0.4)).cloned().collect(),
            date_of_birth: Some(h.dob),
            gender: if h.female { "female" } else { "male" },
            self_defined_ethnicity: chance(rng, 0.5).then_some(h.ethnicity),
            officer_observed_ethnicity: chance(rng, 0.85).then_some(h.observed),
            ni_number: keep(rng, &h.ni, 0.45),
            pnc_id: keep(rng, &h.pnc, 0.35),
            cro_number: keep(rng, &h.cro, 0.3),
            driving_licence: keep(rng, &h.licence, 0.3),
            passport: None,
            passport_country: None,
            phone: keep(rng, &h.phone, 0.45),
            email: keep(rng, &h.email, 0.3),
            warning_markers: h.markers.iter().copied().filter(|_| chance(rng, 0.5)).collect(),
            owning_unit: "",
        };
        if let Some((number, country)) = h.passport.as_ref().filter(|_| chance(rng, 0.2)) {
            p.passport = Some(number.clone());
            p.passport_country = Some(country);
        }
        let mut home = h.home.map(|(l, from)| (l, chance(rng, 0.5).then_some(from)));
        let wanted = weighted(rng, &[(1usize, 0.5), (2, 0.35), (3, 0.15)]);
        let mut labels: Vec<&'static str> = Vec::new();
        let mut tried: Vec<&'static str> = Vec::new();
        while labels.len() < wanted {
            let candidates: Vec<(&'static str, f64)> =
                DELIBERATE.iter().copied().filter(|(k, _)| !tried.contains(k) && applies(k, h, &p)).collect();
            if candidates.is_empty() {
                break;
            }
            let kind = weighted(&mut self.rng, &candidates);
            tried.push(kind);
            if self.corrupt(kind, h, &mut p, &mut home) {
                labels.push(kind);
            }
        }
        if labels.is_empty() {
            let fallback = corrupt::typo(&mut self.rng, &p.surname.clone(), Typo::Substitute);
            if let Some(s) = fallback {
                p.surname = s;
                labels.push("typo_substitute");
            } else {
                p.date_of_birth = None;
                labels.push("dob_missing");
            }
        }
        // Incidental differences of a second write-up.
        if chance(&mut self.rng, 0.015) {
            p.gender = "unknown";
        }
        if p.officer_observed_ethnicity.is_some() && chance(&mut self.rng, 0.2) {
            let another = weighted(&mut self.rng, ORIGINS[h.origin].observed);
            p.officer_observed_ethnicity = Some(if Some(another) == primary.officer_observed_ethnicity { "IC9" } else { another });
        }
        let dropped = [
            (&primary.pnc_id, &p.pnc_id),
            (&primary.cro_number, &p.cro_number),
            (&primary.driving_licence, &p.driving_licence),
            (&primary.passport, &p.passport),
            (&primary.email, &p.email),
            (&primary.phone, &p.phone),
        ]
        .iter()
        .any(|(a, b)| a.is_some() && b.is_none());
        if dropped {
            labels.push("identifiers_dropped");
        }
        if primary.ni_number.is_some() && p.ni_number.is_none() {
            labels.push("ni_missing");
        }
        if primary.officer_observed_ethnicity.is_some_and(|e| p.officer_observed_ethnicity.is_some_and(|o| o != e)) {
            labels.push("ethnicity_differs");
        }
        if p.gender == "unknown" && primary.gender != "unknown" {
            labels.push("gender_unknown");
        }
        p.owning_unit = self.unit_of(home.map(|h| h.0));
        (Draft { person: p, home }, labels)
    }

    /// Applies one deliberate corruption; false if it does not apply to this person.
    fn corrupt(&mut self, kind: &'static str, h: &Human, p: &mut SynthPerson, home: &mut Option<(usize, Option<Date>)>) -> bool {
        let rng = &mut self.rng;
        let on_surname = chance(rng, 0.55);
        let name = |p: &SynthPerson| if on_surname { p.surname.clone() } else { p.forenames[0].clone() };
        let changed: Option<String> = match kind {
            "typo_insert" => corrupt::typo(rng, &name(p), Typo::Insert),
            "typo_delete" => corrupt::typo(rng, &name(p), Typo::Delete),
            "typo_substitute" => corrupt::typo(rng, &name(p), Typo::Substitute),
            "typo_transpose" => corrupt::typo(rng, &name(p), Typo::Transpose),
            "spelling_variant" => {
                return set(corrupt::respell(rng, &p.forenames[0]), &mut p.forenames[0]) || set(corrupt::respell(rng, &p.surname), &mut p.surname);
            }
            "ocr" if !corrupt::ocr_applies(&name(p)) => {
                let other = if on_surname { p.forenames[0].clone() } else { p.surname.clone() };
                return match corrupt::ocr(rng, &other) {
                    Some(v) if on_surname => set(Some(v), &mut p.forenames[0]),
                    v => set(v, &mut p.surname),
                };
            }
            "ocr" => corrupt::ocr(rng, &name(p)),
            "punctuation" => return set(corrupt::punctuation(rng, &p.surname), &mut p.surname),
            "double_barrel_partial" => return set(corrupt::partial_surname(rng, &p.surname), &mut p.surname),
            "case_variant" => return set(Some(p.surname.to_uppercase()).filter(|s| *s != p.surname), &mut p.surname),
            "nickname" => return set(corrupt::nickname(rng, &p.forenames[0]), &mut p.forenames[0]),
            "transliteration" => {
                let (f, s) = (corrupt::transliterate(rng, &p.forenames[0]), corrupt::transliterate(rng, &p.surname));
                let any = f.is_some() || s.is_some();
                set(f, &mut p.forenames[0]);
                set(s, &mut p.surname);
                return any;
            }
            "diacritics_dropped" => {
                let folded: Vec<String> = p.forenames.iter().map(|f| corrupt::fold_diacritics(f)).collect();
                let surname = corrupt::fold_diacritics(&p.surname);
                let any = folded != p.forenames || surname != p.surname;
                p.forenames = folded;
                p.surname = surname;
                return any;
            }
            "name_swap" => {
                let first = std::mem::replace(&mut p.forenames[0], p.surname.clone());
                p.forenames.truncate(1);
                p.surname = first;
                return p.surname != p.forenames[0];
            }
            "marriage_surname" => {
                if !h.female || age_of(h.dob) < 20 {
                    return false;
                }
                let o = &ORIGINS[h.origin];
                let new = super::sample::popular(rng, o.surnames, 10.0).to_owned();
                if new == p.surname {
                    return false;
                }
                let old = std::mem::replace(&mut p.surname, new);
                if chance(rng, 0.4) {
                    p.aliases.push((p.forenames.join(" "), old, if chance(rng, 0.5) { "maiden" } else { "previous" }));
                }
                return true;
            }
            "forename_initial" => {
                let initials: Vec<String> = p.forenames.iter().take(2).filter_map(|f| corrupt::initial(f)).collect();
                if initials.is_empty() || initials == p.forenames {
                    return false;
                }
                p.forenames = initials;
                return true;
            }
            "middle_name_dropped" => {
                if p.forenames.len() < 2 {
                    return false;
                }
                p.forenames.truncate(1);
                return true;
            }
            "known_by_middle_name" => {
                if p.forenames.len() < 2 || ["Singh", "Kaur"].contains(&p.forenames[1].as_str()) {
                    return false;
                }
                p.forenames = vec![p.forenames[1].clone()];
                return true;
            }
            "alias_used" => {
                let Some((f, s, _)) = h.aliases.first().cloned() else { return false };
                p.forenames = f.split(' ').map(str::to_owned).collect();
                p.surname = s;
                return true;
            }
            "dob_day_month_swap" => return set_date(p.date_of_birth.and_then(corrupt::swap_day_month), &mut p.date_of_birth),
            "dob_year_off" => return set_date(p.date_of_birth.and_then(|d| corrupt::year_off(rng, d)), &mut p.date_of_birth),
            "dob_day_off" => return set_date(p.date_of_birth.map(|d| corrupt::day_off(rng, d)), &mut p.date_of_birth),
            "dob_year_digits_swapped" => return set_date(p.date_of_birth.and_then(corrupt::year_digits_swapped), &mut p.date_of_birth),
            "dob_missing" => return p.date_of_birth.take().is_some(),
            "different_phone" => {
                if h.phone.is_none() {
                    return false;
                }
                let serial = self.duplicate_serial();
                p.phone = Some(ident::mobile(serial, self.key));
                return true;
            }
            "moved_address" => return self.move_duplicate(h, home),
            _ => None,
        };
        match changed {
            Some(v) if on_surname => set(Some(v), &mut p.surname),
            Some(v) => set(Some(v), &mut p.forenames[0]),
            None => false,
        }
    }

    /// Links a duplicate to a home the person moved to after the primary record was made.
    fn move_duplicate(&mut self, h: &Human, home: &mut Option<(usize, Option<Date>)>) -> bool {
        let Some((current, since)) = h.home else { return false };
        let (earliest, latest) = (days_of(since) + 60, days_of(AS_OF) - 1);
        if earliest > latest {
            return false;
        }
        let district = self.location_district.get(current).copied().unwrap_or(0);
        let district = if chance(&mut self.rng, 0.5) { district } else { weighted(&mut self.rng, &self.district_weights) };
        match self.residence(district, false).filter(|&l| l != current) {
            Some(new) => {
                *home = Some((new, Some(date_of(between(&mut self.rng, earliest, latest)))));
                true
            }
            None => false,
        }
    }

    /// Partner and family links (parent, sibling) within some related households.
    fn family_links(&mut self) {
        for hh in self.households.clone() {
            let people: Vec<Ref> = hh.members.iter().map(|&m| Ref::Person(self.primary[m])).collect();
            let record = |i: usize| people[i];
            let n = people.len();
            match hh.shape {
                Shape::Couple if n == 2 && chance(&mut self.rng, 0.5) => self.link(record(0), record(1), "partner", None, None),
                Shape::Family(parents) if chance(&mut self.rng, 0.45) => {
                    let parents = parents.min(n);
                    if parents == 2 {
                        self.link(record(0), record(1), "partner", None, None);
                    }
                    for p in 0..parents {
                        for c in parents..n {
                            self.link(record(p), record(c), "family:parent", None, None);
                        }
                    }
                    for c in parents + 1..n {
                        self.link(record(c - 1), record(c), "family:sibling", None, None);
                    }
                }
                _ => {}
            }
        }
    }
}

fn set(value: Option<String>, field: &mut String) -> bool {
    match value {
        Some(v) if v != *field && !v.is_empty() => {
            *field = v;
            true
        }
        _ => false,
    }
}

fn set_date(value: Option<Date>, field: &mut Option<Date>) -> bool {
    match value {
        Some(v) if Some(v) != *field => {
            *field = Some(v);
            true
        }
        _ => false,
    }
}
