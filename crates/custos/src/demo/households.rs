//! Who lives together: single adults, couples (some women taking their husband's surname, with
//! the birth surname kept as a maiden name), families with children aged 10 and over who carry the
//! family surname as their heritage passes it on, and flat-shares. The hard negatives are planted
//! here: twins (same surname, birth date and address, different forenames), a father and son of
//! the same name ("Jr"), namesakes with nearby birth dates, and very common names.

use super::chunk::{Builder, Shape};
use super::europe::feminine_surname;
use super::ident;
use super::origins::{ORIGINS, Style};
use super::people::{Human, age_of};
use super::sample::{between, chance, date_of, days_of, pick, weighted};

/// Whether women of this heritage usually take their husband's surname on marriage.
fn takes_husbands_name(style: Style) -> bool {
    matches!(style, Style::British | Style::Caribbean | Style::Mixed | Style::Pooled | Style::Inflected | Style::WestAfrican)
}

/// Whether children carry their father's surname.
fn inherits_surname(style: Style) -> bool {
    !matches!(style, Style::Sikh | Style::Somali)
}

impl Builder {
    /// The next household(s): usually one group of people; a planted namesake adds a second.
    pub(super) fn next_households(&mut self) -> Vec<(Vec<Human>, Shape)> {
        match weighted(&mut self.rng, &[(0, 42.0), (1, 14.0), (2, 30.0), (3, 14.0)]) {
            0 => self.single().into_iter().map(|h| (h, Shape::Alone)).collect(),
            1 => {
                let age = between(&mut self.rng, 20, 75);
                vec![(self.couple(age), Shape::Couple)]
            }
            2 => vec![self.family()],
            _ => {
                let n = between(&mut self.rng, 2, 5) as usize;
                let members = (0..n)
                    .map(|_| {
                        let age = between(&mut self.rng, 18, 45);
                        self.new_human(None, None, Some(age))
                    })
                    .collect();
                vec![(members, Shape::Sharing)]
            }
        }
    }

    fn adult(&mut self, origin: Option<usize>, female: Option<bool>) -> Human {
        let mut h = self.new_human(origin, female, None);
        for _ in 0..6 {
            if age_of(h.dob) >= 18 {
                break;
            }
            h = self.new_human(origin, female, None);
        }
        h
    }

    fn single(&mut self) -> Vec<Vec<Human>> {
        let mut h = self.adult(None, None);
        let style = ORIGINS[h.origin].style;
        if !h.female && chance(&mut self.rng, 0.06) {
            let name = match style {
                Style::British | Style::Caribbean | Style::Mixed => Some((
                    pick(&mut self.rng, &["John", "David", "Michael", "James", "Paul"]),
                    pick(&mut self.rng, &["Smith", "Jones", "Brown", "Williams", "Taylor"]),
                )),
                Style::SouthAsianMuslim => Some((
                    pick(&mut self.rng, &["Mohammed", "Muhammad"]),
                    pick(&mut self.rng, &["Khan", "Ali", "Ahmed", "Hussain"]),
                )),
                _ => None,
            };
            if let Some((f, s)) = name {
                self.rename(&mut h, vec![f.to_owned()], s.to_owned());
                h.hard_negative = Some("common_name");
            }
        }
        if !chance(&mut self.rng, 0.02) {
            return vec![vec![h]];
        }
        // A different person with the same name, born within three years.
        let mut other = self.new_human(Some(h.origin), Some(h.female), Some(age_of(h.dob)));
        let shift = between(&mut self.rng, 30, 3 * 365) * if chance(&mut self.rng, 0.5) { 1 } else { -1 };
        other.dob = date_of(days_of(h.dob) + shift);
        let mut forenames = other.forenames.clone();
        forenames[0] = h.forenames[0].clone();
        self.rename(&mut other, forenames, h.surname.clone());
        h.hard_negative = Some("namesake");
        other.hard_negative = Some("namesake");
        vec![vec![h], vec![other]]
    }

    fn couple(&mut self, age: i64) -> Vec<Human> {
        let origin = weighted(&mut self.rng, &self.origin_weights);
        let mut man = self.new_human(Some(origin), Some(false), Some(age));
        let partner_origin = if chance(&mut self.rng, 0.85) { origin } else { weighted(&mut self.rng, &self.origin_weights) };
        let same_sex = chance(&mut self.rng, 0.06);
        let partner_age = (age + between(&mut self.rng, -6, 4)).max(18);
        let mut partner = self.new_human(Some(partner_origin), Some(!same_sex), Some(partner_age));
        if partner.female && chance(&mut self.rng, 0.7) && takes_husbands_name(ORIGINS[partner.origin].style) {
            let birth = partner.surname.clone();
            let married = if ORIGINS[partner.origin].style == Style::Inflected { feminine_surname(&man.surname) } else { man.surname.clone() };
            if married != birth {
                let forenames = partner.forenames.clone();
                self.rename(&mut partner, forenames, married);
                if chance(&mut self.rng, 0.5) {
                    partner.aliases.push((partner.forenames.join(" "), birth, "maiden"));
                }
            }
        }
        if man.serial > partner.serial {
            std::mem::swap(&mut man, &mut partner);
        }
        vec![man, partner]
    }

    fn family(&mut self) -> (Vec<Human>, Shape) {
        let parent_age = between(&mut self.rng, 30, 58);
        let mut members = if chance(&mut self.rng, 0.38) {
            let mother = chance(&mut self.rng, 0.85);
            vec![self.new_human(None, Some(mother), Some(parent_age))]
        } else {
            self.couple(parent_age)
        };
        let head = members.iter().position(|m| !m.female).unwrap_or(0);
        let (origin, surname, father) = (members[head].origin, members[head].surname.clone(), members[head].forenames.clone());
        let has_father = !members[head].female;
        let style = ORIGINS[origin].style;
        let max_age = (parent_age - 18).min(25);
        let kids = weighted(&mut self.rng, &[(1, 0.55), (2, 0.35), (3, 0.10)]);
        let first_kid = members.len();
        for _ in 0..kids {
            let age = between(&mut self.rng, 10, max_age);
            let mut kid = self.new_human(Some(origin), None, Some(age));
            if inherits_surname(style) || (style == Style::Somali && has_father) {
                let family_name = if style == Style::Somali { father[0].clone() } else { surname.clone() };
                let family_name = if kid.female && style == Style::Inflected { feminine_surname(&family_name) } else { family_name };
                let forenames = kid.forenames.clone();
                self.rename(&mut kid, forenames, family_name);
            }
            members.push(kid);
        }
        if chance(&mut self.rng, 0.03) {
            let older = &members[first_kid];
            let (age, dob, kid_surname, taken, older_female) =
                (age_of(older.dob), older.dob, older.surname.clone(), older.forenames[0].clone(), older.female);
            let mut twin = self.new_human(Some(origin), None, Some(age));
            twin.dob = dob;
            let mut forenames = twin.forenames.clone();
            if forenames[0] == taken {
                forenames[0] = if twin.female { "Grace".to_owned() } else { "Samuel".to_owned() };
            }
            // The family surname in the twin's own grammatical gender (Petrov, Petrova).
            let kid_surname = if style == Style::Inflected && twin.female != older_female {
                if twin.female { feminine_surname(&surname) } else { surname.clone() }
            } else {
                kid_surname
            };
            self.rename(&mut twin, forenames, kid_surname);
            twin.hard_negative = Some("twin");
            members[first_kid].hard_negative = Some("twin");
            members.push(twin);
        } else if has_father
            && chance(&mut self.rng, 0.04)
            && let Some(son) = (first_kid..members.len()).find(|&i| !members[i].female && members[i].surname == surname)
        {
            let mut forenames = members[son].forenames.clone();
            forenames[0] = father[0].clone();
            let mut junior = members[son].clone();
            self.rename(&mut junior, forenames, surname.clone());
            junior.aliases.push((format!("{} Jr", father[0]), surname.clone(), "alias"));
            junior.hard_negative = Some("father_son");
            members[son] = junior;
            members[head].hard_negative = Some("father_son");
        }
        (members, Shape::Family(first_kid))
    }

    /// Gives `h` a new name, keeping the identifiers that encode it consistent.
    pub(super) fn rename(&mut self, h: &mut Human, forenames: Vec<String>, surname: String) {
        h.forenames = forenames;
        h.surname = surname;
        self.refresh_licence(h);
        if h.email.is_some() {
            h.email = Some(ident::email(&mut self.rng, &h.forenames[0], &h.surname, h.dob.year(), h.serial));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_share_a_surname_and_children_are_ten_or_over() {
        let mut b = crate::demo::tests::builder(50);
        for _ in 0..100 {
            let (members, shape) = b.family();
            assert!(matches!(shape, Shape::Family(1 | 2)));
            assert!(members.len() >= 2);
            for m in &members {
                assert!(age_of(m.dob) >= 10, "{:?}", m.dob);
            }
            let twins: Vec<&Human> = members.iter().filter(|m| m.hard_negative == Some("twin")).collect();
            if !twins.is_empty() {
                assert_eq!(twins.len(), 2);
                assert_eq!(twins[0].dob, twins[1].dob);
                assert_eq!(twins[0].surname, twins[1].surname);
                assert_ne!(twins[0].forenames[0], twins[1].forenames[0]);
            }
        }
    }

    #[test]
    fn couples_record_maiden_names() {
        let mut b = crate::demo::tests::builder(51);
        let mut maiden = 0;
        for _ in 0..300 {
            for m in b.couple(40) {
                if let Some((_, birth, _)) = m.aliases.iter().find(|a| a.2 == "maiden") {
                    maiden += 1;
                    assert_ne!(*birth, m.surname);
                }
            }
        }
        assert!(maiden > 10, "{maiden}");
    }
}
