//! The five kinds of POLE entity (links are entities too: they are versioned, marked and audited
//! like the rest) and the critical-field comparison behind the submission lock.

use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::event::Event;
use crate::link::Link;
use crate::location::Location;
use crate::object::Object;
use crate::person::Person;
use crate::record::Record;

code_list! {
    /// Which kind of entity a record is.
    pub enum EntityKind ("entity kind") {
        Person = "person",
        Object = "object",
        Location = "location",
        Event = "event",
        Link = "link",
        Incident = "incident",
        Arrest = "arrest",
        CustodyRecord = "custody_record",
        CrimeReport = "crime_report",
        IntelligenceReport = "intelligence_report",
        CaseFile = "case_file",
        AsbReport = "asb_report",
        VulnerablePersonReport = "vulnerable_person_report",
    }
}

/// The content of one version of an entity. Serialised as `{"person":{…}}`, `{"event":{…}}`…
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityBody {
    Person(Person),
    Object(Object),
    Location(Location),
    Event(Event),
    Link(Link),
    /// An operational record: `{"custody_record":{…}}` (the record's own tag).
    #[serde(untagged)]
    Record(Record),
}

/// `a` and `b` hold the same items, in any order.
fn same_items<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|x| a.iter().filter(|y| *y == x).count() == b.iter().filter(|y| *y == x).count())
}

impl EntityKind {
    /// The POLE kinds and links, as opposed to operational records.
    pub fn is_pole(self) -> bool {
        matches!(self, Self::Person | Self::Object | Self::Location | Self::Event | Self::Link)
    }
}

impl EntityBody {
    pub fn kind(&self) -> EntityKind {
        match self {
            Self::Person(_) => EntityKind::Person,
            Self::Object(_) => EntityKind::Object,
            Self::Location(_) => EntityKind::Location,
            Self::Event(_) => EntityKind::Event,
            Self::Link(_) => EntityKind::Link,
            Self::Record(r) => r.kind(),
        }
    }

    /// The critical fields that differ between `self` (the current version) and `newer`, named
    /// for people ("date of birth", "VRM"...). Once a record is submitted these are locked: a
    /// change to them must be recorded as a correction with a reason. Reordering dates of birth
    /// or identifiers is not a change; reordering address lines is.
    pub fn critical_changes(&self, newer: &EntityBody) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, field: &'static str| {
            if differs {
                changed.push(field);
            }
        };
        match (self, newer) {
            (Self::Person(a), Self::Person(b)) => {
                note(a.primary_name() != b.primary_name(), "primary name");
                note(
                    !same_items(&a.dates_of_birth, &b.dates_of_birth),
                    "date of birth",
                );
                note(!same_items(&a.identifiers, &b.identifiers), "identifiers");
            }
            (Self::Object(a), Self::Object(b)) => {
                note(a.kind.object_type() != b.kind.object_type(), "object type");
                let (na, nb) = (a.kind.identifying_numbers(), b.kind.identifying_numbers());
                for field in [
                    "VRM",
                    "VIN",
                    "phone number",
                    "IMEI",
                    "serial number",
                    "document number",
                ] {
                    let get = |nums: &[(&'static str, &str)]| {
                        nums.iter()
                            .find(|(f, _)| *f == field)
                            .map(|(_, v)| v.to_string())
                    };
                    note(get(&na) != get(&nb), field);
                }
            }
            (Self::Location(a), Self::Location(b)) => {
                note(a.address_lines() != b.address_lines(), "address lines");
                note(a.postcode != b.postcode, "postcode");
                note(a.uprn != b.uprn, "UPRN");
            }
            (Self::Event(a), Self::Event(b)) => {
                note(a.kind != b.kind, "event kind");
                note(a.when != b.when, "event time");
                note(a.location != b.location, "event location");
            }
            (Self::Link(a), Self::Link(b)) => {
                note(a.from() != b.from() || a.to() != b.to(), "link endpoints");
                note(a.kind() != b.kind(), "link kind");
                note(
                    a.valid_from() != b.valid_from() || a.valid_to() != b.valid_to(),
                    "link dates",
                );
            }
            (Self::Record(a), Self::Record(b)) => a.critical_changes(b, &mut note),
            _ => changed.push("entity kind"),
        }
        changed
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::event::{EventKind, EventTime};
    use crate::identifiers::{Postcode, Vrm};
    use crate::ids::EntityId;
    use crate::link::LinkKind;
    use crate::object::ObjectKind;
    use crate::person::{IdentifierKind, NameKind, PersonIdentifier, PersonName};
    use crate::text::{Label, Text};
    use jiff::civil::date;

    pub(crate) fn person() -> EntityBody {
        let mut p = Person::new(vec![
            PersonName::new(NameKind::Primary, &["Sam"], "Smith").unwrap(),
        ])
        .unwrap();
        p.dates_of_birth = vec![date(1980, 1, 2), date(1980, 2, 1)];
        p.identifiers
            .push(PersonIdentifier::parse(IdentifierKind::PncId, "2008/0056560Z").unwrap());
        EntityBody::Person(p)
    }

    fn edit_person(body: &EntityBody, f: impl FnOnce(&mut Person)) -> EntityBody {
        let EntityBody::Person(p) = body else {
            panic!("not a person")
        };
        let mut p = p.clone();
        f(&mut p);
        EntityBody::Person(p)
    }

    #[test]
    fn kinds_round_trip() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>().unwrap(), *k);
        }
        assert_eq!(person().kind(), EntityKind::Person);
        assert!(
            serde_json::to_string(&person())
                .unwrap()
                .starts_with(r#"{"person":"#)
        );
    }

    #[test]
    fn person_critical_fields() {
        let p = person();
        assert!(p.critical_changes(&p.clone()).is_empty());
        let reordered = edit_person(&p, |x| x.dates_of_birth.reverse());
        assert!(
            p.critical_changes(&reordered).is_empty(),
            "order is not a change"
        );
        let described = edit_person(&p, |x| {
            x.descriptions.push(Text::parse("Scar on chin").unwrap())
        });
        assert!(
            p.critical_changes(&described).is_empty(),
            "descriptions are not critical"
        );
        let dob = edit_person(&p, |x| x.dates_of_birth[0] = date(1980, 1, 3));
        assert_eq!(p.critical_changes(&dob), vec!["date of birth"]);
        let renamed = edit_person(&p, |x| {
            x.set_names(vec![
                PersonName::new(NameKind::Primary, &["Samuel"], "Smith").unwrap(),
            ])
            .unwrap();
            x.identifiers.clear();
        });
        assert_eq!(
            p.critical_changes(&renamed),
            vec!["primary name", "identifiers"]
        );
        let alias = edit_person(&p, |x| {
            x.add_name(PersonName::new(NameKind::Alias, &[], "Smyth").unwrap())
                .unwrap()
        });
        assert!(
            p.critical_changes(&alias).is_empty(),
            "adding an alias is not critical"
        );
    }

    #[test]
    fn other_kinds_critical_fields() {
        let vehicle = |vrm: &str, colour: &str| {
            EntityBody::Object(Object::new(ObjectKind::Vehicle {
                vrm: Some(Vrm::parse(vrm).unwrap()),
                make: None,
                model: None,
                colour: Some(Label::parse(colour).unwrap()),
                vin: None,
            }))
        };
        assert!(
            vehicle("AB51ABC", "Red")
                .critical_changes(&vehicle("AB51ABC", "Blue"))
                .is_empty()
        );
        assert_eq!(
            vehicle("AB51ABC", "Red").critical_changes(&vehicle("AB51ABD", "Red")),
            vec!["VRM"]
        );

        let mut l1 = Location::new(vec![Label::parse("1 High Street").unwrap()]).unwrap();
        l1.postcode = Some(Postcode::parse("M1 1AE").unwrap());
        let mut l2 = l1.clone();
        l2.premises_type = Some(Label::parse("Flat").unwrap());
        assert!(
            EntityBody::Location(l1.clone())
                .critical_changes(&EntityBody::Location(l2.clone()))
                .is_empty()
        );
        l2.postcode = None;
        assert_eq!(
            EntityBody::Location(l1).critical_changes(&EntityBody::Location(l2)),
            vec!["postcode"]
        );

        let event = |kind, loc| {
            EntityBody::Event(Event {
                kind,
                when: EventTime::At("2024-06-01T21:30:00Z".parse().unwrap()),
                location: loc,
                summary: Text::parse("Disturbance").unwrap(),
            })
        };
        assert_eq!(
            event(EventKind::Incident, None)
                .critical_changes(&event(EventKind::Crime, Some(EntityId::new()))),
            vec!["event kind", "event location"]
        );

        let (a, b, c) = (EntityId::new(), EntityId::new(), EntityId::new());
        let l = EntityBody::Link(Link::new(a, b, LinkKind::Suspect).unwrap());
        let moved = EntityBody::Link(Link::new(a, c, LinkKind::Victim).unwrap());
        assert_eq!(
            l.critical_changes(&moved),
            vec!["link endpoints", "link kind"]
        );
        assert_eq!(l.critical_changes(&person()), vec!["entity kind"]);
    }
}
