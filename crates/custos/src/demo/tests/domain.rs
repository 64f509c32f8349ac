//! Every generated value is accepted by the domain types of `custos-core` (names, identifiers,
//! code lists, labels, link kinds and their endpoints), so converting a synthetic force into the
//! store cannot fail on validation.

use super::force;
use crate::demo::{ObjectKind, Ref};

#[test]
fn every_value_is_accepted_by_the_domain_types() {
    use custos_core::event::EventKind;
    use custos_core::identifiers::{
        CountryCode, CroNumber, DrivingLicence, Email, Imei, NiNumber, Passport, PhoneNumber, PncId, Postcode, Uprn, Vrm,
    };
    use custos_core::link::LinkKind;
    use custos_core::object::WeaponCategory;
    use custos_core::person::{Gender, NameKind, ObservedEthnicity, PersonName, SelfDefinedEthnicity, WarningMarker};
    use custos_core::text::{Label, Text};

    fn ok<T, E: std::fmt::Display>(r: Result<T, E>, what: &str) -> T {
        r.unwrap_or_else(|e| panic!("{what}: {e}"))
    }
    let f = force();
    for p in &f.people {
        let forenames: Vec<&str> = p.forenames.iter().map(String::as_str).collect();
        ok(PersonName::new(NameKind::Primary, &forenames, &p.surname), &format!("{forenames:?} {}", p.surname));
        for (alias_forenames, surname, kind) in &p.aliases {
            let parts: Vec<&str> = alias_forenames.split(' ').collect();
            ok(PersonName::new(ok(kind.parse::<NameKind>(), kind), &parts, surname), alias_forenames);
        }
        ok(p.gender.parse::<Gender>(), p.gender);
        p.self_defined_ethnicity.map(|e| ok(e.parse::<SelfDefinedEthnicity>(), e));
        p.officer_observed_ethnicity.map(|e| ok(e.parse::<ObservedEthnicity>(), e));
        for m in &p.warning_markers {
            ok(m.parse::<WarningMarker>(), m);
        }
        if let Some(v) = &p.ni_number {
            assert_eq!(ok(NiNumber::parse(v), v).as_str(), v);
        }
        if let Some(v) = &p.pnc_id {
            assert_eq!(ok(PncId::parse(v), v).as_str(), v, "already canonical");
        }
        if let Some(v) = &p.cro_number {
            assert_eq!(ok(CroNumber::parse(v), v).as_str(), v);
        }
        if let Some(v) = &p.driving_licence {
            ok(DrivingLicence::parse(v), v);
        }
        if let (Some(v), Some(c)) = (&p.passport, p.passport_country) {
            ok(Passport::new(v, Some(ok(CountryCode::parse(c), c))), v);
        }
        if let Some(v) = &p.phone {
            ok(PhoneNumber::parse(v), v);
        }
        if let Some(v) = &p.email {
            ok(Email::parse(v), v);
        }
    }
    for l in &f.locations {
        for line in &l.address_lines {
            ok(Label::parse(line), line);
        }
        ok(Label::parse(&l.town), &l.town);
        ok(Label::parse(l.premises_type), l.premises_type);
        assert_eq!(ok(Postcode::parse(&l.postcode), &l.postcode).as_str(), l.postcode);
        l.uprn.map(|u| ok(Uprn::new(u), "uprn"));
    }
    for o in &f.objects {
        match &o.kind {
            ObjectKind::Vehicle { vrm, make, model, colour, .. } => {
                assert_eq!(ok(Vrm::parse(vrm), vrm).as_str(), vrm);
                for label in [make, model, colour] {
                    ok(Label::parse(label), label);
                }
            }
            ObjectKind::Phone { number, imei, .. } => {
                ok(PhoneNumber::parse(number), number);
                ok(Imei::parse(imei), imei);
            }
            ObjectKind::Weapon { category, description } => {
                ok(category.parse::<WeaponCategory>(), category);
                ok(Text::parse(description), description);
            }
            ObjectKind::Property { category, description, serial } => {
                ok(Label::parse(category), category);
                ok(Text::parse(description), description);
                serial.as_deref().map(|s| ok(Label::parse(s), s));
            }
            ObjectKind::Document { document_type, number, issuer } => {
                for label in [*document_type, number.as_str(), *issuer] {
                    ok(Label::parse(label), label);
                }
            }
        }
    }
    for e in &f.events {
        ok(e.kind.parse::<EventKind>(), e.kind);
        ok(Text::parse(&e.summary), &e.summary);
        ok(Label::parse(e.category), e.category);
        ok(Label::parse(&e.reference), &e.reference);
    }
    let entity = |r: Ref| match r {
        Ref::Person(_) => "person",
        Ref::Location(_) => "location",
        Ref::Object(_) => "object",
        Ref::Event(_) => "event",
    };
    for l in &f.links {
        let kind = ok(l.kind.parse::<LinkKind>(), l.kind);
        let (from, to) = kind.endpoints();
        assert_eq!((from.as_str(), to.as_str()), (entity(l.from), entity(l.to)), "{}", l.kind);
    }
}
