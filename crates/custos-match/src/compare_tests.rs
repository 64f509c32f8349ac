//! Table and property tests for `compare`.

use super::*;
use crate::record::MatchRecord;
use custos_core::person::IdentifierKind;
use proptest::prelude::*;

fn tok(s: &str) -> Token {
    Token::new(&crate::normalise::fold_token(s))
}

#[test]
fn token_levels() {
    use NameLevel::*;
    let table = [
        ("smith", "smith", Exact),
        ("william", "bill", Variant),
        ("mohammed", "muhammad", Variant),
        ("jonathon", "jonathan", JaroWinklerHigh),
        ("cme", "cem", JaroWinklerHigh),
        ("ian", "ain", JaroWinklerHigh),
        ("cem", "mec", Different),
        ("phillips", "fillips", Phonetic),
        ("smith", "smyth", Phonetic),
        ("martin", "marlon", JaroWinklerMid),
        ("j", "john", Initial),
        ("john", "j", Initial),
        ("j", "j", Initial),
        ("k", "john", Different),
        // A slip in a variant: Jimy (Jimmy) for James, Tomj (Tom) for Thomas.
        ("jimy", "james", JaroWinklerHigh),
        ("james", "jimy", JaroWinklerHigh),
        ("tomj", "thomas", JaroWinklerHigh),
        // Not a slip from any of James's variants (and the first letter must agree).
        ("jimy", "karen", Different),
        ("kimmy", "james", Different),
        // A name the table knows is never a slip from another's variant: Dean is not Dan
        // (Daniel), Pauline not Paulie (Paul), Maurice not Marie (Maureen).
        ("dean", "daniel", Different),
        ("pauline", "paul", JaroWinklerMid),
        ("maurice", "maureen", JaroWinklerMid),
        ("charlotte", "charles", JaroWinklerMid),
        ("smith", "jones", Different),
    ];
    for (a, b, want) in table {
        assert_eq!(token_level(&tok(a), &tok(b)), want, "{a} vs {b}");
    }
}

#[test]
fn dob_levels() {
    use DobLevel::*;
    let d = |y, m, dd| BirthDate::new(y, m, dd).unwrap();
    let table = [
        (d(1980, 3, 12), d(1980, 3, 12), Exact),
        (d(1980, 3, 12), d(1980, 12, 3), DayMonthSwapped),
        (d(1980, 3, 12), d(1979, 3, 12), YearOffByOne),
        (d(1980, 3, 12), d(1980, 3, 13), OneDigit),
        (d(1980, 3, 12), d(1990, 3, 12), OneDigit),
        (d(1980, 3, 12), d(1981, 4, 12), Close),
        (d(1947, 10, 26), d(1974, 10, 26), Transposed),
        (d(1980, 3, 12), d(1980, 3, 21), Transposed),
        (d(1983, 9, 30), d(1983, 10, 1), WithinWeek),
        (d(1997, 11, 19), d(1997, 11, 20), WithinWeek),
        (d(1999, 12, 29), d(2000, 1, 2), WithinWeek),
        (d(1980, 3, 1), d(1980, 3, 9), OneDigit),
        (d(1980, 3, 10), d(1980, 3, 19), OneDigit),
        (d(1980, 3, 10), d(1980, 3, 29), Close),
        (d(2012, 12, 4), d(2011, 4, 12), Close),
        (d(2010, 6, 5), d(2009, 6, 6), Close),
        (d(1980, 3, 12), d(1982, 3, 13), Different),
        (d(1960, 3, 12), d(1985, 3, 12), Different),
        (d(1980, 3, 12), d(2001, 7, 30), Different),
    ];
    for (a, b, want) in table {
        assert_eq!(dob_level(a, b), want, "{a:?} vs {b:?}");
    }
}

fn rec(f: &str, s: &str) -> MatchRecord {
    MatchRecord::builder().name(f, s).build()
}

/// Compares two records, returning the vector and the exact-matched surname.
fn cmp(a: &MatchRecord, b: &MatchRecord) -> (ComparisonVector, Option<String>) {
    let (pa, pb) = (Prepared::new(a), Prepared::new(b));
    let c = compare(&pa, &pb);
    (c.vector, c.surname_value.map(str::to_owned))
}

#[test]
fn names_use_the_best_of_all_names_and_detect_swaps() {
    let a = Prepared::new(
        &MatchRecord::builder()
            .name("Anna", "Smith-Jones")
            .name("Anna", "Jones")
            .build(),
    );
    let b = Prepared::new(&rec("Anna", "Jones"));
    let c = compare(&a, &b);
    assert_eq!(c.vector.surname, Some(NameLevel::Exact));
    assert_eq!(c.surname_value, Some("jones"));
    let married = Prepared::new(&rec("Anna", "Smith"));
    assert_eq!(
        compare(&a, &married).vector.surname,
        Some(NameLevel::Exact),
        "part of a double-barrelled name"
    );

    let (swapped, value) = cmp(&rec("Smith", "John"), &rec("John", "Smith"));
    assert_eq!(swapped.forename, Some(NameLevel::Swapped));
    assert_eq!(swapped.surname, Some(NameLevel::Swapped));
    assert_eq!(value, None);
    // Swapped with a slip in one of the two names (from the demo generator's misses).
    for (a, b) in [(("Sullivn", "Imsni"), ("Imani", "Sullivan")), (("Facey", "Arron"), ("Aaron", "Facey"))] {
        let (v, _) = cmp(&rec(a.0, a.1), &rec(b.0, b.1));
        assert_eq!((v.forename, v.surname), (Some(NameLevel::Swapped), Some(NameLevel::Swapped)), "{a:?} {b:?}");
    }
    // Both names differing after the swap is not a swap.
    let (v, _) = cmp(&rec("Sullivn", "Imsni"), &rec("Imani", "Thompson"));
    assert_ne!(v.forename, Some(NameLevel::Swapped));

    // Forenames by position, middle names compared behind them. Known by a middle name, the
    // names left over are compared: the same names in another order agree, brothers sharing one
    // name (one's middle, the other's first) differ. A middle name shared behind different first
    // names is no forename agreement and counts for nothing.
    use MiddleLevel::{Agree, Different as Apart, Initial as MiddleInitial};
    use NameLevel::{Different, Exact, JaroWinklerHigh, MiddleAsFirst, Variant};
    let table = [
        (("John Paul", "Smith"), ("Paul", "Smith"), MiddleAsFirst, None, "the middle name used up as the first"),
        (("Harry Oliver", "Bird"), ("Oliver Harry", "Bird"), MiddleAsFirst, Some(Agree), "the same names reordered"),
        (("Logan Jack", "Price"), ("Jack Jacob", "Price"), MiddleAsFirst, Some(Apart), "brothers"),
        (("Jack Jacob", "Price"), ("Logan Jack", "Price"), MiddleAsFirst, Some(Apart), "brothers, the other way round"),
        (("Mergim Ardit Blerim", "Leka"), ("Ardit Blerim", "Leka"), MiddleAsFirst, Some(Agree), "first name left off"),
        (("Sophia Olivia", "Davies"), ("Amelia Olivia", "Davies"), Different, None, "cousins sharing a middle name"),
        (("Jonathan Paul", "Smith"), ("Jonathon Paul", "Smith"), JaroWinklerHigh, Some(Agree), "a slip"),
        (("Mohammed Shahid", "Haq"), ("Md Irfan", "Haq"), Variant, Some(Apart), "brothers"),
        (("John P", "Smith"), ("John Paul", "Smith"), Exact, Some(MiddleInitial), "a middle initial"),
        (("John", "Smith"), ("John Paul", "Smith"), Exact, None, "one middle name only"),
    ];
    for (a, b, forename, middle, why) in table {
        let (v, _) = cmp(&rec(a.0, a.1), &rec(b.0, b.1));
        assert_eq!((v.forename, v.middle_name), (Some(forename), middle), "{why}: {a:?} {b:?}");
    }
    // Two names each, tied on forename and surname: the middle names break the tie the same way
    // whichever record comes first.
    let two = |x: &str, y: &str| Prepared::new(&MatchRecord::builder().name(x, "Bird").name(y, "Bird").build());
    let (a, b) = (two("Harry Oliver", "Jack Logan"), two("Logan Max", "Oliver Harry"));
    assert_eq!(compare(&a, &b).vector, compare(&b, &a).vector);
    assert_eq!(compare(&a, &b).vector.middle_name, Some(MiddleLevel::Agree));

    let (cut, _) = cmp(&rec("Metcalfe", "H"), &rec("Harry", "Metcalfe"));
    // Swapped, one cut to its initial: an initial and a surname that agree, no more (as a swap
    // it outweighed "J John" against itself).
    assert_eq!((cut.forename, cut.surname), (Some(NameLevel::Initial), Some(NameLevel::Exact)), "swapped, one cut to its initial");

    let (no_forename, _) = cmp(&rec("", "Smith"), &rec("John", "Smith"));
    assert_eq!(no_forename.forename, None);
    let (nobody, _) = cmp(&MatchRecord::default(), &rec("John", "Smith"));
    assert_eq!(
        nobody,
        ComparisonVector {
            forename: None,
            surname: None,
            date_of_birth: None,
            postcode: None,
            gender: None,
            identifier: None,
            contact: None,
            household: None,
            middle_name: None,
        }
    );
}

#[test]
fn postcodes_gender_and_identifiers() {
    let base = MatchRecord::builder()
        .name("John", "Smith")
        .gender("m")
        .postcode("SW1A 1AA")
        .identifier(IdentifierKind::PncId, "08/56560Z")
        .identifier(IdentifierKind::Phone, "07700 900123")
        .build();
    let a = Prepared::new(&base);
    let cases = [
        ("SW1A 1AA", PostcodeLevel::Full),
        ("SW1A 1ZZ", PostcodeLevel::Sector),
        ("SW1A 2AA", PostcodeLevel::District),
        ("M1 1AE", PostcodeLevel::Different),
    ];
    for (pc, want) in cases {
        let b = Prepared::new(&MatchRecord::builder().postcode(pc).build());
        assert_eq!(compare(&a, &b).vector.postcode, Some(want), "{pc}");
    }
    let other = |pnc: &str, phone: &str, gender: &str| {
        Prepared::new(
            &MatchRecord::builder()
                .gender(gender)
                .identifier(IdentifierKind::PncId, pnc)
                .identifier(IdentifierKind::Phone, phone)
                .build(),
        )
    };
    let same = compare(&a, &other("2008/0056560Z", "07700900123", "M")).vector;
    assert_eq!(same.identifier, Some(IdentifierLevel::Shared));
    assert_eq!(same.contact, Some(ContactLevel::Shared));
    assert_eq!(same.gender, Some(GenderLevel::Same));
    let clash = compare(&a, &other("2010/0012345X", "07700900999", "F")).vector;
    assert_eq!(clash.identifier, Some(IdentifierLevel::Conflict));
    assert_eq!(clash.contact, Some(ContactLevel::Different));
    assert_eq!(clash.gender, Some(GenderLevel::Different));
    let passport = |n: &str| {
        Prepared::new(
            &MatchRecord::builder()
                .identifier(IdentifierKind::Passport, n)
                .build(),
        )
    };
    assert_eq!(
        compare(&passport("123456789"), &passport("987654321"))
            .vector
            .identifier,
        Some(IdentifierLevel::Different)
    );
    assert_eq!(
        compare(&a, &passport("123456789")).vector.identifier,
        None,
        "no kind in common"
    );
    assert!(unique_conflict(
        &a,
        &other("2010/0012345X", "", ""),
        IdentifierKind::PncId
    ));
    assert!(!unique_conflict(&a, &passport("1"), IdentifierKind::PncId));
}

#[test]
fn household_patterns() {
    let p = |f: &str, s: &str, dob: &str| MatchRecord::builder().name(f, s).dob(dob).build();
    let (twin, _) = cmp(
        &p("Jack", "Reilly", "2001-05-05"),
        &p("Thomas", "Reilly", "2001-05-05"),
    );
    assert_eq!(twin.household, Some(HouseholdLevel::SiblingPattern));
    let (father, _) = cmp(
        &p("John", "Smith Snr", "1960-01-01"),
        &p("John", "Smith Jr", "1988-02-02"),
    );
    assert_eq!(father.household, Some(HouseholdLevel::NamesakePattern));
    let (same, _) = cmp(
        &p("John", "Smith", "1960-01-01"),
        &p("Johnny", "Smith", "1960-01-01"),
    );
    assert_eq!(same.household, Some(HouseholdLevel::Neither));
    let (no_dob, _) = cmp(&p("John", "Smith", ""), &p("Jack", "Smith", ""));
    assert_eq!(no_dob.household, None);

    // A different surname under the same forename and date of birth: counted against a match
    // for two men only (women's surnames change on marriage; an unrecorded gender says nothing).
    let g = |f: &str, s: &str, dob: &str, gender: &str| MatchRecord::builder().name(f, s).dob(dob).gender(gender).build();
    let (men, _) = cmp(&g("Pradeep", "Joshi", "2014-12-07", "M"), &g("Pradeep Anand", "Shah", "2014-12-07", "male"));
    assert_eq!(men.household, Some(HouseholdLevel::MaleSurnameChange));
    let (slip, _) = cmp(&g("Pradeep", "Joshi", "2014-12-07", "M"), &g("Pradeep", "Shah", "2014-12-08", "M"));
    assert_eq!(slip.household, Some(HouseholdLevel::MaleSurnameChange), "a date slip does not hide it");
    let (women, _) = cmp(&g("Anna", "Joshi", "1984-12-07", "F"), &g("Anna", "Shah", "1984-12-07", "F"));
    assert_eq!(women.household, Some(HouseholdLevel::Neither));
    let (unknown, _) = cmp(&g("Sam", "Joshi", "1984-12-07", "M"), &g("Sam", "Shah", "1984-12-07", ""));
    assert_eq!(unknown.household, Some(HouseholdLevel::Neither));
    let (far, _) = cmp(&g("Sam", "Joshi", "1984-12-07", "M"), &g("Sam", "Shah", "1960-01-01", "M"));
    assert_eq!(far.household, Some(HouseholdLevel::Neither), "different people anyway");
    let (typo, _) = cmp(&g("Sam", "Joshi", "1984-12-07", "M"), &g("Sam", "Joshy", "1984-12-07", "M"));
    assert_eq!(typo.household, Some(HouseholdLevel::Neither), "a misspelt surname is not a change");
}

fn arb_record() -> impl Strategy<Value = MatchRecord> {
    let name = prop::sample::select(vec![
        "John", "Jon", "Bill", "William", "Smith", "Smyth", "Ann", "J", "Mohammed", "Muhammad", "",
        // Several forenames, so that a middle name in use and the leftover names are reached.
        "Harry Oliver", "Oliver Harry", "Jack Logan", "Logan Max", "John Paul", "Paul J",
    ]);
    let sur = prop::sample::select(vec![
        "Smith",
        "Smyth",
        "Jones",
        "Smith-Jones",
        "O'Brien",
        "Obrien",
        "John",
        "Khan",
    ]);
    let dob = prop::sample::select(vec![
        "1980-03-12",
        "1980-12-03",
        "1981-03-12",
        "1980-03-13",
        "1975-06-01",
        "",
    ]);
    let pc = prop::sample::select(vec!["SW1A 1AA", "SW1A 1ZZ", "SW1A 2AA", "M1 1AE", ""]);
    let pnc = prop::sample::select(vec!["", "08/56560Z", "2010/0012345X"]);
    let g = prop::sample::select(vec!["m", "f", ""]);
    (name.clone(), sur.clone(), name, sur, dob, pc, pnc, g).prop_map(
        |(f, s, f2, s2, d, pc, pnc, g)| {
            MatchRecord::builder()
                .name(f, s)
                .name(f2, s2)
                .dob(d)
                .postcode(pc)
                .identifier(IdentifierKind::PncId, pnc)
                .gender(g)
                .build()
        },
    )
}

proptest! {
    #[test]
    fn comparison_is_symmetric(a in arb_record(), b in arb_record()) {
        let (pa, pb) = (Prepared::new(&a), Prepared::new(&b));
        prop_assert_eq!(compare(&pa, &pb).vector, compare(&pb, &pa).vector);
    }

    #[test]
    fn a_record_agrees_with_itself_wherever_it_has_data(a in arb_record()) {
        let p = Prepared::new(&a);
        let v = compare(&p, &p).vector;
        prop_assert!(v.forename.is_none_or(|l| l == NameLevel::Exact || l == NameLevel::Initial));
        prop_assert!(v.surname.is_none_or(|l| l == NameLevel::Exact));
        prop_assert!(v.date_of_birth.is_none_or(|l| l == DobLevel::Exact));
        prop_assert!(v.postcode.is_none_or(|l| l == PostcodeLevel::Full));
        prop_assert!(v.identifier.is_none_or(|l| l == IdentifierLevel::Shared));
    }
}

#[test]
fn the_quick_date_check_agrees_with_the_date_levels() {
    // Every pair of a grid of dates with near and far years, every month, and days that make
    // swaps, single-digit slips and transpositions: the blocking shortcut must say "not
    // different" exactly when `dob_level` does.
    let mut dates = Vec::new();
    for year in [1912, 1921, 1950, 1951, 1952, 1960, 2005, 2050] {
        for month in 1..=12u8 {
            for day in [1u8, 2, 3, 10, 11, 12, 13, 21, 28, 29, 30, 31] {
                dates.push(BirthDate::new(year, month, day).unwrap());
            }
        }
    }
    let mut agreeing = 0usize;
    for &a in &dates {
        for &b in &dates {
            let expected = dob_level(a, b) != DobLevel::Different;
            assert_eq!(dob_not_different(a, b), expected, "{a:?} {b:?}");
            agreeing += usize::from(expected);
        }
    }
    assert!(agreeing > dates.len() && agreeing < dates.len() * dates.len() / 2, "both answers are exercised");
}

#[test]
fn packed_dates_round_trip_and_decide_as_the_dates_do() {
    // Years chosen so that one digit, two swapped digits, and neither, each separate some of
    // them (1912 and 1921, 1950 and 1960, 2005 and 2050), near and far apart.
    let mut dates = Vec::new();
    for year in [1, 999, 1899, 1912, 1921, 1950, 1951, 1953, 1954, 1960, 1989, 1998, 2005, 2050, 9999] {
        for month in [1u8, 2, 3, 10, 11, 12] {
            for day in [1u8, 2, 3, 10, 11, 12, 13, 21, 28, 29, 30, 31] {
                if let Some(d) = BirthDate::new(year, month, day) {
                    dates.push(d);
                }
            }
        }
    }
    let mut agreeing = 0usize;
    for &a in &dates {
        let pa = packed_dob(&[a]);
        assert_eq!(unpacked_dob(pa), a);
        assert!(pa != 0 && pa != SEVERAL_DOBS);
        for &b in &dates {
            let expected = dob_not_different(a, b);
            assert_eq!(packed_not_different(pa, packed_dob(&[b])), expected, "{a:?} {b:?}");
            agreeing += usize::from(expected);
        }
    }
    assert!(agreeing > dates.len() && agreeing < dates.len() * dates.len() / 2, "both answers are exercised");
    let d = BirthDate::new(1980, 3, 12).unwrap();
    assert_eq!(packed_dob(&[]), 0);
    assert_eq!(packed_dob(&[d, d]), SEVERAL_DOBS, "several dates are read from the list");
    assert_eq!(packed_dob(&[BirthDate { year: 12_000, month: 1, day: 1 }]), SEVERAL_DOBS, "a year of five digits too");
    assert_eq!(packed_dob(&[BirthDate { year: -5, month: 1, day: 1 }]), SEVERAL_DOBS, "and a negative one");
    assert_eq!(packed_dob(&[BirthDate { year: 1980, month: 13, day: 1 }]), SEVERAL_DOBS, "a month out of range");
    assert_eq!(packed_dob(&[BirthDate { year: 1980, month: 1, day: 100 }]), SEVERAL_DOBS, "a day out of range");
}

#[test]
fn postcodes_kept_as_recorded_compare_as_text_whatever_their_length() {
    // Malformed postcodes are kept as recorded (normalised): short ones pack into a number, long
    // ones are compared as text; a long one never equals a short one.
    let level = |x: &str, y: &str| {
        let a = Prepared::new(&MatchRecord::builder().postcode(x).build());
        let b = Prepared::new(&MatchRecord::builder().postcode(y).build());
        compare(&a, &b).vector.postcode
    };
    let cases = [
        ("NOT KNOWN AT ALL", "not known at all", PostcodeLevel::Full),
        ("NOT KNOWN AT ALL", "NOT KNOWN AT ALX", PostcodeLevel::Different),
        ("UNKNOWN", "unknown", PostcodeLevel::Full),
        ("UNKNOWN", "UNKNOWN1", PostcodeLevel::Different),
        ("ABCDEFGH", "ABCDEFGHI", PostcodeLevel::Different),
        ("SW1A 1AA", "SW1A1AA", PostcodeLevel::Full),
    ];
    for (x, y, want) in cases {
        assert_eq!(level(x, y), Some(want), "{x} / {y}");
        assert_eq!(level(y, x), Some(want), "{y} / {x}");
    }
    assert_eq!(crate::record::packed_text(""), 0);
    assert_eq!(crate::record::packed_text("ABCDEFGHI"), NOT_PACKED);
    assert_eq!(crate::record::packed_text("AB\u{0}"), NOT_PACKED, "zero padding would make it AB");
}

#[test]
fn the_token_memo_gives_what_working_the_level_out_gives() {
    // Far more pairs than the test memo has slots, so pairs evict one another; every pair asked
    // twice and both ways round, after other pairs have been asked.
    let names = [
        "william", "bill", "billy", "will", "willaim", "mohammed", "muhammad", "mohamed", "smith", "smyth", "smlth",
        "j", "s", "w", "jon", "john", "jonathan", "jonathon", "cem", "cme", "jimy", "james", "jimmy", "dean", "dan",
        "daniel", "oliver", "olivia", "o", "", "zzyzx",
    ];
    let tokens: Vec<Token> = names.iter().map(|n| tok(n)).collect();
    for round in 0..2 {
        for a in &tokens {
            for b in &tokens {
                assert_eq!(token_level(a, b), token_level_uncached(a, b), "{} / {} (round {round})", a.text, b.text);
            }
        }
    }
    assert!(names.len() * names.len() > TOKEN_MEMO_SLOTS * 4, "the memo is too large for this test to evict");
}
