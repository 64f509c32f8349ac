//! Tests of the whole generator: determinism, chunking, volumes, identifier validity (checked by
//! independent validators written from the published rules), referential integrity, and the
//! planted duplicates and hard negatives.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::chunk::Builder;
use super::people::age_of;
use super::places::DISTRICTS;
use super::*;

mod domain;

/// A chunk builder for unit tests of the parts.
pub(super) fn builder(seed: u64) -> Builder {
    Builder::for_tests(seed)
}

/// One 5,000-person force shared by the tests that only read it.
pub(super) fn force() -> &'static Force {
    static FORCE: OnceLock<Force> = OnceLock::new();
    FORCE.get_or_init(|| generate(5000, 20_260_331))
}

// ---- Independent validators (written from the standards, not from the generator) ----

/// Royal Mail postcode format: outward A9, A99, AA9, AA99, A9A or AA9A with the positional letter
/// restrictions; inward 9AA never using C I K M O V.
fn valid_postcode(p: &str) -> bool {
    let Some((outward, inward)) = p.split_once(' ') else { return false };
    let shape: String = outward.chars().map(|c| if c.is_ascii_digit() { '9' } else if c.is_ascii_uppercase() { 'A' } else { '?' }).collect();
    let o = outward.as_bytes();
    let i = inward.as_bytes();
    let outward_ok = match shape.as_str() {
        "A9" | "A99" => !b"QVX".contains(&o[0]),
        "AA9" | "AA99" => !b"QVX".contains(&o[0]) && !b"IJZ".contains(&o[1]),
        "A9A" => !b"QVX".contains(&o[0]) && b"ABCDEFGHJKPSTUW".contains(&o[2]),
        "AA9A" => !b"QVX".contains(&o[0]) && !b"IJZ".contains(&o[1]) && b"ABEHMNPRVWXY".contains(&o[3]),
        _ => false,
    };
    outward_ok && i.len() == 3 && i[0].is_ascii_digit() && i[1..].iter().all(|c| c.is_ascii_uppercase() && !b"CIKMOV".contains(c))
}

/// HMRC NIM39110.
fn valid_nino(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() == 9
        && b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && !b"DFIQUV".contains(&b[0])
        && !b"DFIQUVO".contains(&b[1])
        && !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].contains(&&n[..2])
        && b[2..8].iter().all(u8::is_ascii_digit)
        && b"ABCD".contains(&b[8])
}

const CHECK: &[u8; 23] = b"ZABCDEFGHJKLMNPQRTUVWXY";

/// `YYYY/NNNNNNNA`, check letter = (YY ++ 7-digit serial) mod 23.
fn valid_pnc(p: &str) -> bool {
    let b = p.as_bytes();
    if b.len() != 13 || b[4] != b'/' || !b[..4].iter().chain(&b[5..12]).all(u8::is_ascii_digit) {
        return false;
    }
    let n: u64 = format!("{}{}", &p[2..4], &p[5..12]).parse().unwrap_or(u64::MAX);
    CHECK[(n % 23) as usize] == b[12]
}

/// `NNNNNN/YYA`, check letter = (YY ++ 6-digit serial) mod 23.
fn valid_cro(c: &str) -> bool {
    let b = c.as_bytes();
    if b.len() != 10 || b[6] != b'/' || !b[..6].iter().chain(&b[7..9]).all(u8::is_ascii_digit) {
        return false;
    }
    let n: u64 = format!("{}{}", &c[7..9], &c[..6]).parse().unwrap_or(u64::MAX);
    CHECK[(n % 23) as usize] == b[9]
}

/// DVLA INF104 current format `AA99AAA`.
fn valid_vrm(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 7
        && b[..2].iter().all(|c| c.is_ascii_uppercase() && !b"IQZ".contains(c))
        && b[2..4].iter().all(u8::is_ascii_digit)
        && &v[2..4] != "01"
        && b[4..].iter().all(|c| c.is_ascii_uppercase() && !b"IQ".contains(c))
}

/// 15 digits whose Luhn sum is a multiple of 10 (3GPP TS 23.003 Annex B).
fn valid_imei(i: &str) -> bool {
    if i.len() != 15 || !i.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = i
        .bytes()
        .rev()
        .enumerate()
        .map(|(k, b)| {
            let d = u32::from(b - b'0');
            if k % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn valid_mobile(p: &str) -> bool {
    p.len() == 11 && p.starts_with("07") && p.bytes().all(|b| b.is_ascii_digit()) && &p[2..3] != "6" && &p[2..3] != "0"
}

#[test]
fn validators_accept_published_examples_and_reject_broken_ones() {
    for good in ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB"] {
        assert!(valid_postcode(good), "{good}");
    }
    for bad in ["SW1A 1CA", "QW1 1AA", "W1 1AK", "SW1A1AA", "1W1 1AA"] {
        assert!(!valid_postcode(bad), "{bad}");
    }
    assert!(valid_pnc("2008/0056560Z") && !valid_pnc("2008/0056560A"));
    assert!(valid_cro("265416/21G") && !valid_cro("265416/21H"));
    assert!(valid_nino("AB123456C") && !valid_nino("QQ123456A") && !valid_nino("AB123456E") && !valid_nino("GB123456A"));
    assert!(valid_vrm("AB51ABC") && !valid_vrm("AI51ABC") && !valid_vrm("AB01ABC") && !valid_vrm("AB51AQC"));
    assert!(valid_imei("490154203237518") && !valid_imei("490154203237519"));
}

#[test]
fn same_seed_same_force_and_different_seed_different_force() {
    let a = generate(1200, 99);
    let b = generate(1200, 99);
    assert_eq!(a, b);
    let c = generate(1200, 100);
    assert_ne!(a.people[0].id, c.people[0].id);
    let names = |f: &Force| f.people.iter().map(|p| format!("{} {}", p.forenames.join(" "), p.surname)).collect::<Vec<_>>();
    assert_ne!(names(&a), names(&c));
    assert_eq!(generate(0, 1), Force::default());
}

#[test]
fn the_force_is_the_prelude_followed_by_its_chunks() {
    let people = 2500;
    let whole = generate(people, 5);
    let mut joined = prelude(5);
    assert_eq!(chunk_count(people), 3);
    for c in 0..chunk_count(people) {
        let part = generate_chunk(people, 5, c);
        assert_eq!(part.base.person, joined.people.len(), "chunk {c}");
        assert_eq!(part.base.location, joined.locations.len(), "chunk {c}");
        assert_eq!(part.base.object, joined.objects.len(), "chunk {c}");
        assert_eq!(part.base.event, joined.events.len(), "chunk {c}");
        for link in &part.links {
            for end in [link.from, link.to] {
                let shared = matches!(end, Ref::Location(i) if i < joined.locations.len().min(prelude(5).locations.len()));
                assert!(part.id(end).is_some() || shared, "chunk {c} refers outside itself: {end:?}");
            }
        }
        joined.people.extend(part.people);
        joined.locations.extend(part.locations);
        joined.objects.extend(part.objects);
        joined.events.extend(part.events);
        joined.links.extend(part.links);
        joined.truth.extend(part.truth);
    }
    assert_eq!(joined, whole);
    assert_eq!(generate_chunk(people, 5, 3), Force::default());
    // The first chunks do not depend on the force's size.
    assert_eq!(generate_chunk(1000, 5, 0), generate_chunk(people, 5, 0));
    assert_eq!(whole.id(Ref::Person(7)), Some(whole.people[7].id));
    assert_eq!(whole.id(Ref::Event(whole.events.len())), None);
}

#[test]
fn volumes_for_two_thousand_people() {
    let f = generate(2000, 11);
    let n = 2000.0;
    assert_eq!(f.people.len(), 2000);
    assert_eq!(f.truth.len(), 2000);
    let ratio = |x: usize| x as f64 / n;
    assert!((0.55..=0.65).contains(&ratio(f.locations.len())), "{} locations", f.locations.len());
    assert!((0.35..=0.45).contains(&ratio(f.objects.len())), "{} objects", f.objects.len());
    assert!((0.75..=0.85).contains(&ratio(f.events.len())), "{} events", f.events.len());
    assert!((2.0..=3.5).contains(&ratio(f.links.len())), "{} links", f.links.len());
    let homes = f.locations.iter().filter(|l| matches!(l.premises_type, "house" | "flat" | "maisonette" | "hostel")).count();
    assert!(homes as f64 > 0.3 * n, "{homes} homes");
    let kinds: BTreeSet<&str> = f.objects.iter().map(|o| o.kind.name()).collect();
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    let events: BTreeSet<&str> = f.events.iter().map(|e| e.kind).collect();
    assert_eq!(events.len(), EVENT_ROLES.len(), "{events:?}");
}

#[test]
fn every_identifier_is_well_formed() {
    let f = force();
    let mut counts = [0usize; 8];
    for p in &f.people {
        for (i, (value, ok)) in [
            (&p.ni_number, p.ni_number.as_deref().is_none_or(valid_nino)),
            (&p.pnc_id, p.pnc_id.as_deref().is_none_or(valid_pnc)),
            (&p.cro_number, p.cro_number.as_deref().is_none_or(valid_cro)),
            (&p.phone, p.phone.as_deref().is_none_or(valid_mobile)),
        ]
        .into_iter()
        .enumerate()
        {
            assert!(ok, "{value:?}");
            counts[i] += usize::from(value.is_some());
        }
        if let Some(dl) = &p.driving_licence {
            assert_eq!(dl.len(), 16, "{dl}");
            assert!(dl[..5].bytes().all(|b| b.is_ascii_uppercase() || b == b'9') && dl[5..11].bytes().all(|b| b.is_ascii_digit()), "{dl}");
            counts[4] += 1;
        }
        if let Some(email) = &p.email {
            let (local, domain) = email.split_once('@').unwrap_or_default();
            assert!(!local.is_empty() && domain.contains('.') && email.is_ascii(), "{email}");
        }
        assert_eq!(p.passport.is_some(), p.passport_country.is_some());
        assert!(p.owning_unit.ends_with("-BCU"), "{}", p.owning_unit);
        assert!(["male", "female", "unknown"].contains(&p.gender));
        assert!(p.self_defined_ethnicity.is_none_or(|e| e.len() == 2));
        assert!(p.officer_observed_ethnicity.is_none_or(|e| e.starts_with("IC")));
    }
    assert!(counts.iter().take(5).all(|&c| c > 100), "{counts:?}");
    let outwards: BTreeSet<&str> = DISTRICTS.iter().map(|d| d.outward).collect();
    for l in &f.locations {
        assert!(valid_postcode(&l.postcode), "{}", l.postcode);
        assert!(outwards.contains(l.postcode.split(' ').next().unwrap_or("")), "{}", l.postcode);
        assert!((51.2..51.8).contains(&l.lat) && (-0.6..0.4).contains(&l.lon));
        assert!(l.uprn.is_none_or(|u| (1..=999_999_999_999).contains(&u)));
        assert!(!l.address_lines.is_empty() && !l.town.is_empty());
    }
    let mut vehicles = 0;
    for o in &f.objects {
        match &o.kind {
            ObjectKind::Vehicle { vrm, year, .. } => {
                vehicles += 1;
                assert!(valid_vrm(vrm), "{vrm}");
                let age: i16 = vrm[2..4].parse().unwrap_or(0);
                assert!(age % 50 == year % 100 || (age == 51 && *year == 2001), "{vrm} {year}");
            }
            ObjectKind::Phone { number, imei, .. } => {
                assert!(valid_mobile(number), "{number}");
                assert!(valid_imei(imei), "{imei}");
            }
            _ => {}
        }
    }
    assert!(vehicles > 500);
}

#[test]
fn identifiers_are_not_shared_between_different_people() {
    let f = force();
    let mut owner: BTreeMap<String, u64> = BTreeMap::new();
    for (p, t) in f.people.iter().zip(&f.truth) {
        for id in [&p.ni_number, &p.pnc_id, &p.cro_number, &p.phone].into_iter().flatten() {
            let first = *owner.entry(id.clone()).or_insert(t.cluster);
            assert_eq!(first, t.cluster, "{id} is held by two different people");
        }
    }
    let mut vrms: Vec<&str> = f
        .objects
        .iter()
        .filter_map(|o| if let ObjectKind::Vehicle { vrm, .. } = &o.kind { Some(vrm.as_str()) } else { None })
        .collect();
    let n = vrms.len();
    vrms.sort_unstable();
    vrms.dedup();
    assert_eq!(vrms.len(), n);
}

#[test]
fn licences_encode_the_true_name_and_birth_date() {
    let f = force();
    let mut checked = 0;
    for (p, t) in f.people.iter().zip(&f.truth) {
        let (Some(dl), Some(dob)) = (&p.driving_licence, p.date_of_birth) else { continue };
        if !t.corruptions.is_empty() || p.gender == "unknown" {
            continue;
        }
        let month = i32::from(dob.month()) + if p.gender == "female" { 50 } else { 0 };
        let year = i32::from(dob.year());
        let expected = format!("{}{month:02}{:02}{}", (year / 10) % 10, dob.day(), year % 10);
        assert_eq!(&dl[5..11], expected, "{dl} for {dob} {}", p.gender);
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn every_reference_exists_and_every_link_is_a_valid_pair() {
    let f = force();
    let exists = |r: Ref| match r {
        Ref::Person(i) => i < f.people.len(),
        Ref::Location(i) => i < f.locations.len(),
        Ref::Object(i) => i < f.objects.len(),
        Ref::Event(i) => i < f.events.len(),
    };
    let kind_of = |r: Ref| match r {
        Ref::Person(_) => "person",
        Ref::Location(_) => "location",
        Ref::Object(_) => "object",
        Ref::Event(_) => "event",
    };
    for l in &f.links {
        assert!(exists(l.from) && exists(l.to), "{l:?}");
        let allowed = LINK_KINDS.iter().find(|(a, b, _)| *a == kind_of(l.from) && *b == kind_of(l.to)).map(|k| k.2);
        assert!(allowed.is_some_and(|k| k.contains(&l.kind)), "{l:?}");
        if let (Ref::Person(_), Ref::Event(e)) = (l.from, l.to) {
            let event_kind = f.events[e].kind;
            let roles = EVENT_ROLES.iter().find(|(k, _)| *k == event_kind).map(|r| r.1).unwrap_or_default();
            assert!(roles.contains(&l.kind), "{} in a {event_kind}", l.kind);
        }
        if let (Some(from), Some(to)) = (l.valid_from, l.valid_to) {
            assert!(from <= to, "{l:?}");
        }
        assert!(l.valid_from.is_none_or(|d| d <= AS_OF), "{l:?}");
    }
    for e in &f.events {
        assert!(e.location.is_none_or(|l| l < f.locations.len()));
        assert!(e.at >= "2015-01-01T00:00:00Z".parse().unwrap_or(jiff::Timestamp::MAX), "{}", e.at);
        assert!(e.at <= "2026-04-01T00:00:00Z".parse().unwrap_or(jiff::Timestamp::MIN), "{}", e.at);
        assert!(!e.summary.is_empty() && !e.reference.is_empty());
        if e.kind == "custody_episode" {
            assert_eq!(e.location.map(|l| f.locations[l].premises_type), Some("police station"));
        }
    }
    let mut ids: Vec<[u8; 16]> = f.people.iter().map(|p| p.id).collect();
    ids.extend(f.locations.iter().map(|l| l.id));
    ids.extend(f.objects.iter().map(|o| o.id));
    ids.extend(f.events.iter().map(|e| e.id));
    ids.extend(f.links.iter().map(|l| l.id));
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n, "ids are unique");
}

#[test]
fn people_have_homes_and_events() {
    let f = force();
    let mut homes = vec![0usize; f.people.len()];
    let mut involved = vec![false; f.people.len()];
    for l in &f.links {
        match (l.from, l.to, l.kind) {
            (Ref::Person(p), Ref::Location(_), "home") if l.valid_to.is_none() => homes[p] += 1,
            (Ref::Person(p), Ref::Event(_), _) => involved[p] = true,
            _ => {}
        }
    }
    let without_home = homes.iter().filter(|&&h| h == 0).count();
    assert!(without_home < f.people.len() / 20, "{without_home} of no fixed abode");
    assert!(homes.iter().all(|&h| h <= 1), "one current home per record");
    let with_events = involved.iter().filter(|&&i| i).count();
    assert!(with_events > f.people.len() * 6 / 10, "{with_events}");
    // Every duplicate record was created at some event.
    for t in &f.truth {
        if t.cluster as usize != t.person_index {
            assert!(involved[t.person_index], "duplicate {} has no event", t.person_index);
        }
    }
}

#[test]
fn ages_and_names_look_like_people_known_to_police() {
    let f = force();
    let primaries = f.people.iter().zip(&f.truth).filter(|(_, t)| t.corruptions.is_empty());
    let ages: Vec<i64> = primaries.filter_map(|(p, _)| p.date_of_birth.map(age_of)).collect();
    assert!(ages.iter().all(|a| (10..=90).contains(a)), "{:?}", ages.iter().min());
    let young_adults = ages.iter().filter(|a| (18..=40).contains(*a)).count();
    assert!(young_adults * 100 > ages.len() * 45, "{young_adults} of {}", ages.len());
    let mut surnames: BTreeMap<&str, usize> = BTreeMap::new();
    let mut forenames: BTreeSet<&str> = BTreeSet::new();
    for p in &f.people {
        *surnames.entry(p.surname.as_str()).or_default() += 1;
        forenames.insert(p.forenames[0].as_str());
    }
    assert!(surnames.len() > 700, "{} surnames", surnames.len());
    assert!(forenames.len() > 500, "{} forenames", forenames.len());
    assert!(surnames.values().all(|&c| c < f.people.len() * 3 / 100), "no surname above 3%");
    for common in ["Smith", "Jones", "Khan", "Patel", "Nguyen", "Okafor"] {
        assert!(surnames.contains_key(common), "{common}");
    }
    assert!(surnames.keys().any(|s| s.contains('-')), "double-barrelled surnames");
    assert!(surnames.keys().any(|s| !s.is_ascii()), "surnames with diacritics");
}

#[test]
fn duplicates_are_planted_at_the_stated_rate_with_every_corruption() {
    let f = force();
    for (i, t) in f.truth.iter().enumerate() {
        assert_eq!(t.person_index, i);
        let primary = &f.truth[t.cluster as usize];
        assert_eq!(primary.cluster, t.cluster, "the cluster id is its primary's index");
        assert!(primary.corruptions.is_empty());
        if t.cluster as usize != i {
            assert!(!t.corruptions.is_empty(), "duplicate {i} has no labels");
            assert!(t.corruptions.iter().any(|c| !["identifiers_dropped", "ni_missing", "ethnicity_differs", "gender_unknown"].contains(c)));
        }
        assert!(t.corruptions.iter().all(|c| CORRUPTIONS.contains(c)), "{:?}", t.corruptions);
    }
    let mut sizes: BTreeMap<u64, usize> = BTreeMap::new();
    for t in &f.truth {
        *sizes.entry(t.cluster).or_default() += 1;
    }
    let multi = sizes.values().filter(|&&s| s > 1).count();
    let rate = multi as f64 / sizes.len() as f64;
    assert!((0.06..=0.10).contains(&rate), "{rate}");
    assert!(sizes.values().all(|&s| s <= 4));
    let seen: BTreeSet<&str> = f.truth.iter().flat_map(|t| t.corruptions.iter().copied()).collect();
    let missing: Vec<&&str> = CORRUPTIONS.iter().filter(|c| !seen.contains(**c)).collect();
    assert!(missing.is_empty(), "never planted: {missing:?}");
    let several = f.truth.iter().filter(|t| t.corruptions.len() >= 3).count();
    assert!(several > 50, "{several} records with several corruptions");
}

#[test]
fn corruptions_match_what_changed() {
    let f = force();
    for (p, t) in f.people.iter().zip(&f.truth) {
        let primary = &f.people[t.cluster as usize];
        let has = |c: &str| t.corruptions.contains(&c);
        if has("dob_day_month_swap") && t.corruptions.iter().filter(|c| c.starts_with("dob_")).count() == 1 {
            let (a, b) = (primary.date_of_birth, p.date_of_birth);
            if let (Some(a), Some(b)) = (a, b) {
                assert_eq!((a.day(), a.month(), a.year()), (b.month(), b.day(), b.year()));
                assert!(a.day() <= 12 && a.day() != a.month());
            }
        }
        if has("dob_missing") {
            assert_eq!(p.date_of_birth, None);
        }
        if t.corruptions.len() == 1 && (has("moved_address") || has("different_phone")) {
            assert_eq!((&p.forenames, &p.surname), (&primary.forenames, &primary.surname));
        }
        let renamed = ["name_swap", "alias_used", "marriage_surname", "transliteration", "punctuation", "spelling_variant"];
        if has("case_variant") && !renamed.iter().any(|c| has(c)) {
            assert!(p.surname.chars().all(|c| !c.is_lowercase()), "{}", p.surname);
        }
        if has("forename_initial") && t.corruptions.len() == 1 {
            assert!(p.forenames.iter().all(|f| f.chars().count() == 1), "{:?}", p.forenames);
        }
    }
}

#[test]
fn hard_negatives_are_different_people_who_look_alike() {
    let f = force();
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for t in &f.truth {
        if let Some(label) = t.hard_negative.filter(|_| t.cluster as usize == t.person_index) {
            by_label.entry(label).or_default().push(t.person_index);
        }
    }
    for label in ["twin", "father_son", "namesake", "common_name"] {
        assert!(by_label.get(label).is_some_and(|v| !v.is_empty()), "no {label}");
    }
    let home: BTreeMap<usize, usize> = f.links.iter().filter_map(|l| match (l.from, l.to) {
        (Ref::Person(p), Ref::Location(h)) if l.kind == "home" && l.valid_to.is_none() => Some((p, h)),
        _ => None,
    }).collect();
    let twins = by_label.get("twin").map_or(&[][..], Vec::as_slice);
    let mut pairs = 0;
    for &a in twins {
        for &b in twins {
            let (pa, pb) = (&f.people[a], &f.people[b]);
            let same_birth = pa.date_of_birth.is_some() && pa.date_of_birth == pb.date_of_birth;
            if a < b && pa.surname == pb.surname && same_birth && home.get(&a) == home.get(&b) {
                assert_ne!(f.truth[a].cluster, f.truth[b].cluster);
                assert_ne!(pa.forenames[0], pb.forenames[0]);
                pairs += 1;
            }
        }
    }
    assert!(pairs >= 1, "twins share surname, birth date and home");
    let juniors = f.people.iter().filter(|p| p.aliases.iter().any(|a| a.0.ends_with(" Jr"))).count();
    assert!(juniors >= 1);
}

#[test]
fn truth_csv_has_one_row_per_record() {
    let f = generate(1500, 3);
    let csv = truth_csv(&f);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("person_id,cluster_id,corruptions"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), f.people.len());
    for (row, p) in rows.iter().zip(&f.people) {
        let cols: Vec<&str> = row.split(',').collect();
        assert_eq!(cols.len(), 3, "{row}");
        assert_eq!(cols[0], uuid_string(&p.id));
        assert!(cols[1].parse::<u64>().is_ok());
    }
    assert!(rows.iter().any(|r| r.matches(';').count() >= 1), "multi-label rows use ;");
    assert_eq!(truth_csv_rows(&f), csv.split_once('\n').map(|x| x.1).unwrap_or_default());
}

#[test]
fn uuid_strings_are_hyphenated_lowercase_hex() {
    let id = [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4e, 0xf0, 0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef];
    assert_eq!(uuid_string(&id), "12345678-9abc-4ef0-8123-456789abcdef");
}

