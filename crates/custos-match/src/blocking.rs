//! Blocking keys: which pairs are worth scoring at all. Two records are candidates when they share
//! at least one (rule, key); the store keeps a `(rule, key)` table and looks candidates up by it.
//!
//! Blocking (Newcombe et al. 1959; Fellegi & Sunter 1969 §4; Christen 2012, "A survey of indexing
//! techniques for scalable record linkage") decides both speed and recall, and a union of
//! several independent rules is how Splink recommends keeping recall high ("blocking rules for
//! prediction": a pair is compared if *any* rule admits it). Each rule below is chosen so that a
//! single kind of error on one field is caught by another rule that does not use that field.
//!
//! | rule | key | catches, despite |
//! |---|---|---|
//! | `SurnameYearInitial` | surname Double Metaphone (both codes) + birth year + a forename's initial or variant group | surname typos and transliterations, nicknames, day and month slips |
//! | `ForenameDob` | forename variant group (or Double Metaphone) + full date of birth | surname changes (marriage, deed poll), surname typos |
//! | `DobDistrict` | date of birth + postcode district | any name problem at all, for people at the same address area |
//! | `Identifier` | identifier kind + value | everything else wrong, when an identifier is shared |
//! | `SurnamePrefixInitialDayMonth` | first 3 letters of surname + forename initial + {day, month} as an unordered pair | year errors, day–month swaps |
//! | `NameTokenDob` | Double Metaphone of any name token (forename or surname) + full date of birth | forename and surname swapped, with one of them also misspelt |
//! | `NamePair` | the two phonetic codes of a forename and the surname (or a part of it), sorted | no usable date of birth or postcode at all (moved, missing) |
//! | `PostcodeInitial` | full postcode + the initial of any name (forename or surname) | several name slips at once, swapped names, any date problem, for people recorded at the same address |
//! | `DobInitial` | date of birth + the initials of any two names | several name slips at once, swapped names, when the date of birth is right |
//! | `ForenameDayMonth` | forename key + {day, month} as an unordered pair | year errors with a surname slip or change, after a move |
//! | `SurnameDayMonth` | surname Double Metaphone + {day, month} as an unordered pair | year errors with a forename change (initial, nickname, middle name), after a move |
//! | `Forenames` | the primary Double Metaphone codes of the first two full forenames (initials skipped) + the surname's initial | a surname slip with a date slip or none, after a move (two given names are rare together) |
//! | `PostcodeName` | full postcode + forename and surname primary Double Metaphone codes | a date of birth wrong twice over: the same name at the same address is a candidate whatever its date (father and son, or a slip) |
//!
//! Keys of common values make large blocks, and the number of pairs in a block grows with its
//! square: a key must stay selective at a force's scale (a million records), not only in a test.
//! Surname sound and birth year alone ("SM0|1980") gave blocks of hundreds at that scale and nine
//! tenths of all pairs, so that rule also takes a forename's initial. The store caps the block
//! size it scores and reports what it skipped, because recall must be measured, not assumed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::record::{Prepared, Token};

/// The version of the keys [`blocking_keys`] makes. The store keeps the keys and rebuilds them
/// when this changes, so it must change whenever any record's keys would: a new or changed rule,
/// normalisation, phonetic code or variant table (the `scheme_is_pinned` test fails until it does),
/// or where the store keeps them (from `2026-12-05b` under each record's own id, merged or not).
pub const SCHEME: &str = "2026-12-06";

/// A blocking rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    SurnameYearInitial,
    ForenameDob,
    DobDistrict,
    Identifier,
    SurnamePrefixInitialDayMonth,
    NameTokenDob,
    NamePair,
    PostcodeInitial,
    DobInitial,
    ForenameDayMonth,
    SurnameDayMonth,
    Forenames,
    PostcodeName,
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::SurnameYearInitial,
        Rule::ForenameDob,
        Rule::DobDistrict,
        Rule::Identifier,
        Rule::SurnamePrefixInitialDayMonth,
        Rule::NameTokenDob,
        Rule::NamePair,
        Rule::PostcodeInitial,
        Rule::DobInitial,
        Rule::ForenameDayMonth,
        Rule::SurnameDayMonth,
        Rule::Forenames,
        Rule::PostcodeName,
    ];

    /// A stable name to store in the database.
    pub fn name(self) -> &'static str {
        match self {
            Rule::SurnameYearInitial => "surname_year_initial",
            Rule::ForenameDob => "forename_dob",
            Rule::DobDistrict => "dob_district",
            Rule::Identifier => "identifier",
            Rule::SurnamePrefixInitialDayMonth => "surname_prefix_initial_day_month",
            Rule::NameTokenDob => "name_token_dob",
            Rule::NamePair => "name_pair",
            Rule::PostcodeInitial => "postcode_initial",
            Rule::DobInitial => "dob_initial",
            Rule::ForenameDayMonth => "forename_day_month",
            Rule::SurnameDayMonth => "surname_day_month",
            Rule::Forenames => "forenames",
            Rule::PostcodeName => "postcode_name",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The Double Metaphone codes of a token (one or two, non-empty).
fn codes(t: &Token) -> impl Iterator<Item = &str> {
    let p = t.phonetic.metaphone.as_str();
    let a = t.phonetic.metaphone_alt.as_str();
    [Some(p), (a != p).then_some(a)]
        .into_iter()
        .flatten()
        .filter(|c| !c.is_empty())
}

/// A forename's keys: each variant group id it belongs to (so Bill and William share a key, and
/// Kaz meets Karen through the Karen group although Karen's first group is Catherine's), else its
/// primary Double Metaphone code.
fn forename_keys(t: &Token) -> Vec<String> {
    if t.groups.is_empty() {
        vec![t.phonetic.metaphone.clone()]
    } else {
        t.groups.iter().map(|g| format!("g{g}")).collect()
    }
}

/// Every blocking key of a record, sorted and without duplicates.
pub fn blocking_keys(r: &Prepared) -> Vec<(Rule, String)> {
    let mut keys: Vec<(Rule, String)> = Vec::new();
    each_key(r, &mut |rule, key| keys.push((rule, key.to_string())));
    keys.sort();
    keys.dedup();
    keys
}

/// Every blocking key of a record as its rule and the key's text, unsorted and possibly
/// repeated: the one definition of the keys, for [`blocking_keys`] (which the store keeps) and
/// for callers that only hash them (`link::record_keys`, a million records in one run) and need
/// not build a string each.
pub fn each_key(r: &Prepared, emit: &mut impl FnMut(Rule, fmt::Arguments<'_>)) {
    let dates: Vec<String> = r.dates_of_birth.iter().map(|d| d.iso()).collect();
    let mut years: Vec<i16> = r.dates_of_birth.iter().map(|d| d.year).collect();
    years.dedup();
    let districts: Vec<&str> = r
        .postcodes
        .iter()
        .map(|p| {
            if p.district.is_empty() {
                p.full.as_str()
            } else {
                p.district.as_str()
            }
        })
        .filter(|d| !d.is_empty())
        .collect();
    let day_months: Vec<String> = r
        .dates_of_birth
        .iter()
        .map(|d| {
            let (lo, hi) = (d.day.min(d.month), d.day.max(d.month));
            format!("{lo:02}{hi:02}")
        })
        .collect();
    let full_postcodes: Vec<&str> = r.postcodes.iter().map(|p| p.full.as_str()).filter(|p| !p.is_empty()).collect();
    let mut all_initials: Vec<char> = r
        .names
        .iter()
        .flat_map(|n| n.forenames.iter().chain(&n.surname).chain(&n.surname_parts))
        .filter_map(|t| t.initial())
        .collect();
    all_initials.sort_unstable();
    let mut initials = all_initials.clone();
    initials.dedup();
    for i in &initials {
        for p in &full_postcodes {
            emit(Rule::PostcodeInitial, format_args!("{p}|{i}"));
        }
    }
    // Two initials of different names (sorted, so a swap keeps them; the same initial twice
    // counts, Sara Smith: "ss"): one would make blocks of everyone born that day at a force's
    // scale. Repeats go with the final dedup.
    for (k, i) in all_initials.iter().enumerate() {
        for j in &all_initials[k + 1..] {
            for d in &dates {
                emit(Rule::DobInitial, format_args!("{d}|{i}{j}"));
            }
        }
    }
    for name in &r.names {
        let surnames: Vec<&Token> = name.surname.iter().chain(&name.surname_parts).map(|t| &**t).collect();
        // Only full forenames key the forename rules: an initial would make huge blocks.
        let forenames: Vec<&Token> = name
            .forenames
            .iter()
            .map(|t| &**t)
            .filter(|t| t.chars.len() > 1)
            .collect();
        let initial = name.forenames.first().and_then(|t| t.initial());
        // Every forename's initial and variant groups (Bill and William share a group, not an
        // initial; a first name written as an initial, or left off for the middle one, shares
        // the initial).
        let mut forename_marks: Vec<String> = Vec::new();
        for t in &name.forenames {
            forename_marks.extend(t.initial().map(String::from));
            forename_marks.extend(t.groups.iter().map(|g| format!("g{g}")));
        }
        for s in &surnames {
            for code in codes(s) {
                for y in &years {
                    for mark in &forename_marks {
                        emit(Rule::SurnameYearInitial, format_args!("{code}|{y}|{mark}"));
                    }
                }
                for dm in &day_months {
                    emit(Rule::SurnameDayMonth, format_args!("{code}|{dm}"));
                }
                for d in &dates {
                    emit(Rule::NameTokenDob, format_args!("{code}|{d}"));
                }
            }
            if let Some(i) = initial {
                let prefix: String = s.chars.iter().take(3).collect();
                for dm in &day_months {
                    emit(Rule::SurnamePrefixInitialDayMonth, format_args!("{prefix}|{i}|{dm}"));
                }
            }
        }
        // Two given names in order are rare enough to key a block without a date; the surname's
        // initial splits the common pairs (Mohammed Ali) by family.
        if let [first, second, ..] = forenames[..] {
            let (a, b) = (first.phonetic.metaphone.as_str(), second.phonetic.metaphone.as_str());
            // A name with no code (no Latin letters) would join everyone else without one.
            if !a.is_empty() && !b.is_empty() {
                for s in surnames.iter().filter_map(|s| s.initial()) {
                    emit(Rule::Forenames, format_args!("{a}|{b}|{s}"));
                }
            }
        }
        for f in &forenames {
            for fk in forename_keys(f) {
                for d in &dates {
                    emit(Rule::ForenameDob, format_args!("{fk}|{d}"));
                }
                for dm in &day_months {
                    emit(Rule::ForenameDayMonth, format_args!("{fk}|{dm}"));
                }
            }
            for code in codes(f) {
                for d in &dates {
                    emit(Rule::NameTokenDob, format_args!("{code}|{d}"));
                }
            }
            // Not date-checked (see `link::DOB_CHECKED`): a block of one name at one address is
            // small, and a pair in it is a father and son or a date wrong twice over, which the
            // scorer tells apart or queues for a person to decide.
            for s in &surnames {
                let (a, b) = (f.phonetic.metaphone.as_str(), s.phonetic.metaphone.as_str());
                if !a.is_empty() && !b.is_empty() {
                    for p in &full_postcodes {
                        emit(Rule::PostcodeName, format_args!("{p}|{a}|{b}"));
                    }
                }
            }
            // Forename and surname codes as an unordered pair (survives a swap of the two), with
            // each part of a double-barrelled surname too.
            for s in &surnames {
                let (a, b) = (f.phonetic.metaphone.as_str(), s.phonetic.metaphone.as_str());
                if !a.is_empty() && !b.is_empty() {
                    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
                    emit(Rule::NamePair, format_args!("{lo}|{hi}"));
                }
            }
        }
    }
    for d in &dates {
        for district in &districts {
            emit(Rule::DobDistrict, format_args!("{d}|{district}"));
        }
    }
    for (kind, value) in &r.identifiers {
        emit(Rule::Identifier, format_args!("{kind}|{value}"));
    }
}

/// Whether two records share a blocking key (for measuring recall).
pub fn share_key(a: &Prepared, b: &Prepared) -> bool {
    let kb = blocking_keys(b);
    blocking_keys(a).iter().any(|k| kb.binary_search(k).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::MatchRecord;
    use custos_core::person::IdentifierKind;

    fn prep(f: &str, s: &str, dob: &str, pc: &str) -> Prepared {
        Prepared::new(
            &MatchRecord::builder()
                .name(f, s)
                .dob(dob)
                .postcode(pc)
                .build(),
        )
    }

    #[test]
    fn keys_for_a_full_record() {
        let r = prep("William", "Smith", "1980-03-12", "SW1A 1AA");
        let keys = blocking_keys(&r);
        let has = |rule: Rule, key: &str| keys.contains(&(rule, key.to_owned()));
        assert!(has(Rule::SurnameYearInitial, "SM0|1980|w"), "{keys:?}");
        assert!(has(Rule::SurnameYearInitial, "XMT|1980|w"));
        assert!(has(Rule::DobDistrict, "1980-03-12|SW1A"));
        assert!(has(Rule::SurnamePrefixInitialDayMonth, "smi|w|0312"));
        assert!(has(Rule::PostcodeInitial, "SW1A 1AA|w"), "{keys:?}");
        assert!(has(Rule::PostcodeInitial, "SW1A 1AA|s"));
        assert!(has(Rule::DobInitial, "1980-03-12|sw"));
        assert!(has(Rule::SurnameDayMonth, "SM0|0312"));
        assert!(has(Rule::NameTokenDob, "SM0|1980-03-12"));
        assert!(has(Rule::NamePair, "ALM|SM0"), "{keys:?}");
        assert!(
            keys.iter()
                .any(|(r, k)| *r == Rule::ForenameDob && k.ends_with("|1980-03-12"))
        );
        assert!(
            keys.windows(2).all(|w| w[0] < w[1]),
            "sorted, no duplicates"
        );
    }

    #[test]
    fn rules_catch_their_errors() {
        let base = prep("William", "Smith", "1980-03-12", "SW1A 1AA");
        let cases = [
            (
                "nickname",
                prep("Bill", "Smith", "1980-03-12", ""),
                Rule::ForenameDob,
            ),
            (
                "surname typo",
                prep("Wiliam", "Smyth", "1980-03-12", ""),
                Rule::SurnameYearInitial,
            ),
            (
                "nickname, surname slip and another day",
                prep("Bill", "Smyth", "1980-05-01", ""),
                Rule::SurnameYearInitial,
            ),
            (
                "married",
                prep("William", "Jones", "1980-03-12", ""),
                Rule::ForenameDob,
            ),
            (
                "day-month swap",
                prep("W", "Smith", "1980-12-03", ""),
                Rule::SurnamePrefixInitialDayMonth,
            ),
            (
                "year wrong",
                prep("Will", "Smithe", "1981-03-12", ""),
                Rule::SurnamePrefixInitialDayMonth,
            ),
            (
                "swapped names",
                prep("Smith", "William", "1980-03-12", ""),
                Rule::DobInitial,
            ),
            (
                "no dob",
                prep("William", "Smith", "", "SW1A 2AA"),
                Rule::NamePair,
            ),
            (
                "nickname, no dob, same address",
                prep("Bill", "Smith", "", "SW1A 1AA"),
                Rule::PostcodeInitial,
            ),
            (
                "surname typo and no dob, same address",
                prep("William", "Smiht", "", "SW1A 1AA"),
                Rule::PostcodeInitial,
            ),
            (
                "swapped, both misspelt, no dob, same address",
                prep("Smiht", "Wiliamm", "", "SW1A 1AA"),
                Rule::PostcodeInitial,
            ),
            (
                "both names misspelt, right date",
                prep("Wiliamm", "Smiht", "1980-03-12", ""),
                Rule::DobInitial,
            ),
            (
                "year and surname slips, moved",
                prep("William", "Smiht", "1981-03-12", "M1 1AE"),
                Rule::ForenameDayMonth,
            ),
            (
                "year wrong, day and month swapped, nickname",
                prep("Bill", "Smith", "1979-12-03", ""),
                Rule::SurnameDayMonth,
            ),
            (
                "swapped and misspelt",
                prep("Smith", "Wiliamm", "1980-03-12", ""),
                Rule::NameTokenDob,
            ),
            (
                "moved, no dob",
                prep("William", "Smith", "", "M1 1AE"),
                Rule::NamePair,
            ),
            (
                "same name at the same address, the date wrong twice over",
                prep("William", "Smith", "1908-11-05", "SW1A 1AA"),
                Rule::PostcodeName,
            ),
            (
                "new name, same area",
                prep("Ahmed", "Khan", "1980-03-12", "SW1A 9ZZ"),
                Rule::DobDistrict,
            ),
        ];
        let kb = blocking_keys(&base);
        for (what, other, rule) in cases {
            let shared: Vec<_> = blocking_keys(&other)
                .into_iter()
                .filter(|k| kb.contains(k))
                .collect();
            assert!(
                shared.iter().any(|(r, _)| *r == rule),
                "{what}: shared {shared:?}"
            );
        }
    }

    #[test]
    fn two_forenames_key_a_surname_slip_after_a_move() {
        let a = blocking_keys(&prep("Victoria Rachel", "Lloyd", "1980-09-17", "N16 1SY"));
        let b = blocking_keys(&prep("Victoria Rachel", "Lloycl", "1980-09-18", "TW11 8EX"));
        let shared: Vec<_> = a.iter().filter(|k| b.contains(k)).collect();
        assert_eq!(shared.iter().map(|k| k.0).collect::<Vec<_>>(), [Rule::Forenames], "{shared:?}");
        // One forename keys nothing under this rule: alone it would make blocks of a surname initial.
        assert!(blocking_keys(&prep("Victoria", "Lloyd", "1980-09-17", "")).iter().all(|k| k.0 != Rule::Forenames));
    }

    #[test]
    fn names_without_a_code_key_no_name_rule() {
        // Names in a script the phonetic codes do not read have no code: they must not all meet
        // in one block.
        let a = blocking_keys(&prep("Дмитрий Иван", "Петров", "1980-03-12", "SW1A 1AA"));
        let b = blocking_keys(&prep("Ольга Анна", "Смирнова", "1971-06-30", "SW1A 1AA"));
        for rule in [Rule::Forenames, Rule::PostcodeName, Rule::NamePair] {
            assert!(a.iter().all(|k| k.0 != rule), "{rule}: {a:?}");
        }
        assert!(!a.iter().any(|k| b.contains(k)), "{a:?} {b:?}");
    }

    #[test]
    fn one_initial_for_both_names_still_keys_the_date_rule() {
        let a = blocking_keys(&prep("William", "Williams", "1980-03-12", ""));
        let b = blocking_keys(&prep("Wiliamm", "Wilaims", "1980-03-12", ""));
        assert!(a.contains(&(Rule::DobInitial, "1980-03-12|ww".to_owned())), "{a:?}");
        assert!(a.iter().filter(|k| k.0 == Rule::DobInitial).all(|k| b.contains(k)));
    }

    /// Pins the keys of a few varied records to [`SCHEME`]. When this fails, the keys changed:
    /// change `SCHEME` (so stores rebuild theirs) and then the digest here.
    #[test]
    fn scheme_is_pinned() {
        let records = [
            prep("William", "Smith", "1980-03-12", "SW1A 1AA"),
            prep("Bill", "Smyth", "1980-12-03", "M1 1AE"),
            prep("Mohammed Ali", "Khan", "2001-07-09", "E1W 2XR"),
            prep("Zoë", "O'Brien-Nowak", "1955-01-31", ""),
            prep("Siobhán", "Ní Bhriain", "", "BT1 5GS"),
        ];
        let mut digest: u64 = 0xcbf2_9ce4_8422_2325;
        for r in &records {
            for (rule, key) in blocking_keys(r) {
                for b in rule.name().bytes().chain([0]).chain(key.bytes()).chain([0xff]) {
                    digest = (digest ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        assert_eq!((SCHEME, digest), ("2026-12-06", 0x96e5_cbac_bbd5_f3ed), "blocking keys changed: change SCHEME, then pin {digest:#x} with it");
    }

    #[test]
    fn identifiers_and_empty_records() {
        let a = Prepared::new(
            &MatchRecord::builder()
                .name("A", "B")
                .identifier(IdentifierKind::NiNumber, "AB123456C")
                .build(),
        );
        let b = Prepared::new(
            &MatchRecord::builder()
                .name("Z", "Y")
                .identifier(IdentifierKind::NiNumber, "ab 12 34 56 c")
                .build(),
        );
        assert!(share_key(&a, &b));
        assert!(blocking_keys(&Prepared::new(&MatchRecord::default())).is_empty());
        let unrelated = prep("Mary", "Jones", "1970-01-01", "M1 1AE");
        assert!(!share_key(
            &prep("William", "Smith", "1980-03-12", "SW1A 1AA"),
            &unrelated
        ));
    }
}
