//! The redaction rules, one table each, with the examples from the ICO's guidance and the brief.

use super::*;
use jiff::civil::date;

fn party(
    names: &[&str],
    identifiers: &[&str],
    dates_of_birth: &[Date],
    addresses: &[&str],
) -> Party {
    let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
    Party {
        names: own(names),
        identifiers: own(identifiers),
        dates_of_birth: dates_of_birth.to_vec(),
        addresses: own(addresses),
    }
}

/// Subject John Brown; victim John Smith; witness Ann Lee; Al Jones with a two-letter forename.
fn bundle() -> Redactor {
    let subject = party(
        &["John Brown"],
        &["07700 900123", "john.brown@example.com", "JB123456A"],
        &[date(1990, 1, 2)],
        &["1 Park Lane, Oldtown, M1 1AE"],
    );
    let others = [
        party(
            &["John Smith", "Johnny SMITH"],
            &[
                "AB123456C",
                "07700900456",
                "12/345678A",
                "j.smith@example.org",
            ],
            &[date(2001, 3, 4)],
            &["12 High Street, Anytown, AB1 2DE"],
        ),
        party(&["Ann Lee"], &["+44 7700 900789", "jsmith42"], &[], &[]),
        party(&["Al Jones"], &[], &[], &[]),
        party(&["José Álvarez"], &[], &[], &[]),
    ];
    Redactor::new(&subject, &others)
}

fn show(r: &Redactor, text: &str) -> String {
    render(&r.redact(text, &Adjustments::default()))
}

fn check(r: &Redactor, table: &[(&str, &str)]) {
    for (text, want) in table {
        assert_eq!(show(r, text), *want, "text {text:?}");
    }
}

#[test]
fn third_party_names_whole_and_their_words_but_not_the_subjects_words() {
    check(
        &bundle(),
        &[
            ("John Smith said", "[redacted: name] said"),
            ("Smith said", "[redacted: name] said"),
            ("SMITH, John", "[redacted: name], John"),
            // A name's words are not joined across sentence punctuation.
            ("told John. Smith left", "told John. [redacted: name] left"),
            ("John, Smith", "John, [redacted: name]"),
            ("John-Smith", "[redacted: name]"),
            ("John said", "John said"),
            ("John Brown said", "John Brown said"),
            ("Brown and Smith", "Brown and [redacted: name]"),
            ("Johnny arrived", "[redacted: name] arrived"),
            ("Smith's car", "[redacted: name]'s car"),
            // Rule 1: extra whitespace between the words of a name is one span.
            ("JOHN   SMITH", "[redacted: name]"),
            ("john\n  smith.", "[redacted: name]."),
            // Two-letter words are not redacted alone (too many false hits), but whole names are.
            ("Al said", "Al said"),
            ("Al Jones said", "[redacted: name] said"),
            ("Jones said", "[redacted: name] said"),
            // Accents are folded either way.
            ("Jose Alvarez", "[redacted: name]"),
            ("JOSÉ said", "[redacted: name] said"),
            ("Jose\u{301} said", "[redacted: name] said"),
        ],
    );
}

#[test]
fn a_name_never_matches_inside_a_longer_word() {
    check(
        &bundle(),
        &[
            ("See the Annex.", "See the Annex."),
            ("Joanne and Leeds", "Joanne and Leeds"),
            ("Smithson, blacksmith", "Smithson, blacksmith"),
            ("Ann, Annex", "[redacted: name], Annex"),
            ("Lee.", "[redacted: name]."),
        ],
    );
}

#[test]
fn a_third_party_with_the_subjects_own_name_is_the_subject() {
    let subject = party(&["John Brown"], &[], &[], &[]);
    let father = party(&["John Brown"], &[], &[], &[]);
    let r = Redactor::new(&subject, &[father]);
    assert_eq!(show(&r, "John Brown senior"), "John Brown senior");
}

#[test]
fn identifiers_match_whatever_their_spacing_and_case() {
    let r = bundle();
    let table = [
        ("NI AB123456C.", "NI [redacted: identifier]."),
        ("NI AB 12 34 56 C", "NI [redacted: identifier]"),
        ("ni ab 123456 c", "ni [redacted: identifier]"),
        ("tel 07700900456", "tel [redacted: identifier]"),
        ("tel 07700 900456", "tel [redacted: identifier]"),
        ("tel 07700-900-456", "tel [redacted: identifier]"),
        ("tel +44 7700 900456", "tel [redacted: identifier]"),
        ("tel +44 (0)7700 900456", "tel [redacted: identifier]"),
        ("tel 0044 7700 900456", "tel [redacted: identifier]"),
        ("PNC 12/345678A", "PNC [redacted: identifier]"),
        ("PNC 12/345678a", "PNC [redacted: identifier]"),
        ("mail J.Smith@Example.org", "mail [redacted: identifier]"),
        // Recorded in international form, written nationally; a user id whole only.
        ("tel (07700) 900789", "tel ([redacted: identifier]"),
        (
            "user JSMITH42 or jsmith42x",
            "user [redacted: identifier] or jsmith42x",
        ),
        // Not inside a longer code: only the shape rule could apply, and these have none.
        ("ref XAB123456C", "ref XAB123456C"),
        ("ref 9912/345678A", "ref 9912/345678A"),
        ("ref CR/12/345678A/24", "ref CR/12/345678A/24"),
    ];
    check(&r, &table);
}

#[test]
fn dates_of_birth_in_the_usual_written_forms() {
    let r = bundle();
    for text in [
        "2001-03-04",
        "04/03/2001",
        "4/3/2001",
        "04.03.2001",
        "4 March 2001",
        "4th March 2001",
        "4 mar 2001",
        "4th of March, 2001",
        "March 4, 2001",
        "04-Mar-2001",
    ] {
        assert_eq!(
            show(&r, &format!("born {text}.")),
            "born [redacted: date_of_birth].",
            "{text}"
        );
    }
    // Other dates (including the subject's own birthday, and the US order) are not.
    for text in [
        "05/03/2001",
        "2001-03-05",
        "03/04/2001",
        "2 January 1990",
        "4 March 2002",
        "4 March",
    ] {
        assert_eq!(show(&r, text), text);
    }
}

#[test]
fn ordinal_days_and_month_abbreviations() {
    let days = [1, 2, 3, 11, 12, 13, 21, 22, 23, 31];
    let dates: Vec<Date> = days.iter().map(|d| date(1999, 1, *d)).collect();
    let r = Redactor::new(&Party::default(), &[party(&[], &[], &dates, &[])]);
    for (day, suffix) in days
        .iter()
        .zip(["st", "nd", "rd", "th", "th", "th", "st", "nd", "rd", "st"])
    {
        let text = format!("{day}{suffix} January 1999");
        assert_eq!(show(&r, &text), "[redacted: date_of_birth]", "{text}");
    }
    assert_eq!(show(&r, "2th January 1999"), "2th January 1999");
    let r = Redactor::new(
        &Party::default(),
        &[party(&[], &[], &[date(1999, 9, 21)], &[])],
    );
    for text in [
        "21 Sep 1999",
        "21st Sept 1999",
        "Sept 21st, 1999",
        "21-SEP-1999",
    ] {
        assert_eq!(show(&r, text), "[redacted: date_of_birth]", "{text}");
    }
}

#[test]
fn addresses_whole_by_numbered_part_and_by_postcode() {
    check(
        &bundle(),
        &[
            (
                "lives at 12 High Street, Anytown, AB1 2DE.",
                "lives at [redacted: address].",
            ),
            (
                "lives at 12 high street\nAnytown AB1 2DE",
                "lives at [redacted: address]",
            ),
            ("near 12 High Street", "near [redacted: address]"),
            ("postcode ab12de", "postcode [redacted: address]"),
            // The town or the street alone identifies no one.
            ("in Anytown on High Street", "in Anytown on High Street"),
            // The subject's own address stays, whole or in part.
            (
                "1 Park Lane, Oldtown, M1 1AE",
                "1 Park Lane, Oldtown, M1 1AE",
            ),
            ("M1 1AE", "M1 1AE"),
        ],
    );
}

#[test]
fn contacts_postcodes_and_ni_numbers_by_shape_whoever_they_belong_to() {
    let r = bundle();
    let table = [
        ("call 07700 900999 now", "call [redacted: contact] now"),
        ("call +44 (0)20 7946 0000", "call [redacted: contact]"),
        ("call (01632) 960123", "call ([redacted: contact]"),
        ("call 01632 96012", "call [redacted: contact]"),
        ("call 0044 161 496 0000", "call [redacted: contact]"),
        (
            "mail x_y.z+tag@mail.example.co.uk.",
            "mail [redacted: contact].",
        ),
        ("at SW1A 1AA", "at [redacted: address]"),
        ("at E1 6AN", "at [redacted: address]"),
        ("at sw1a1aa", "at [redacted: address]"),
        ("NI QQ 12 34 56 D", "NI [redacted: identifier]"),
        // Not contacts: times, ordinary numbers, general dates, crime references, short numbers,
        // freephone, foreign numbers, an NI-like code with the wrong suffix, a bare @.
        ("at 14:30 on 05/03/2001", "at 14:30 on 05/03/2001"),
        ("crime ref 42/07700900999/24", "crime ref 42/07700900999/24"),
        ("ref CR-01632960123", "ref CR-01632960123"),
        ("£1234567890 and 12 345 678", "£1234567890 and 12 345 678"),
        ("07700 900 and 0800 123 4567", "07700 900 and 0800 123 4567"),
        ("+33 1 23 45 67 89", "+33 1 23 45 67 89"),
        ("QQ123456E", "QQ123456E"),
        ("me @ home, a@b, x@y.z", "me @ home, a@b, x@y.z"),
        ("01.02.2003 10:00", "01.02.2003 10:00"),
    ];
    check(&r, &table);
}

#[test]
fn the_subjects_own_contacts_and_identifiers_are_kept() {
    check(
        &bundle(),
        &[
            ("07700 900123", "07700 900123"),
            ("+44 7700 900123", "+44 7700 900123"),
            ("07700900123", "07700900123"),
            ("John.Brown@example.com", "John.Brown@example.com"),
            ("JB 12 34 56 A", "JB 12 34 56 A"),
            ("born 02/01/1990", "born 02/01/1990"),
        ],
    );
}

#[test]
fn adjustments_release_and_redact_whole_phrases() {
    let r = bundle();
    let adjust = |release: &[&str], redact: &[&str]| Adjustments {
        release: release.iter().map(|s| (*s).to_owned()).collect(),
        redact: redact.iter().map(|s| (*s).to_owned()).collect(),
    };
    let table = [
        // A released word stays wherever it is the whole span; a longer span still goes.
        (
            adjust(&["smith"], &[]),
            "Smith and John Smith",
            "Smith and [redacted: name]",
        ),
        (
            adjust(&["John Smith"], &[]),
            "John Smith and Smith",
            "John Smith and [redacted: name]",
        ),
        (
            adjust(&["07700 900999"], &[]),
            "call 07700900999",
            "call 07700900999",
        ),
        (adjust(&["Ann"], &[]), "Ann Lee", "[redacted: name]"),
        // Redactions apply to anything, the subject's own terms included, whole words only.
        (
            adjust(&[], &["Operation Nimrod"]),
            "operation  NIMROD began",
            "[redacted: name] began",
        ),
        (
            adjust(&[], &["Brown"]),
            "John Brown, Browning",
            "John [redacted: name], Browning",
        ),
        (
            adjust(&[], &["CAD 1234"]),
            "see cad1234.",
            "see [redacted: name].",
        ),
        // Released and redacted: withheld.
        (adjust(&["Lee"], &["Lee"]), "Lee", "[redacted: name]"),
    ];
    for (adjust, text, want) in table {
        assert_eq!(
            render(&r.redact(text, &adjust)),
            want,
            "{adjust:?} {text:?}"
        );
    }
}

#[test]
fn overlapping_matches_become_one_span_of_the_longest_category() {
    let subject = party(&["Mary Brown"], &[], &[], &[]);
    let other = party(&["Tom Smith"], &[], &[], &["12 Smith Road, Newtown"]);
    let r = Redactor::new(&subject, &[other]);
    let segments = r.redact(
        "at 12 Smith Road, Newtown; Tom Smith",
        &Adjustments::default(),
    );
    assert_eq!(
        segments,
        [
            Segment::Kept { text: "at ".into() },
            Segment::Redacted {
                category: Category::Address,
                text: "12 Smith Road, Newtown".into()
            },
            Segment::Kept { text: "; ".into() },
            Segment::Redacted {
                category: Category::Name,
                text: "Tom Smith".into()
            },
        ]
    );
    // Partly overlapping redactions are joined, so nothing between them is disclosed.
    let segments = r.redact("Tom Smith Road", &adjust_redact("Smith Road"));
    assert_eq!(
        segments,
        [Segment::Redacted {
            category: Category::Name,
            text: "Tom Smith Road".into()
        }]
    );
}

fn adjust_redact(phrase: &str) -> Adjustments {
    Adjustments {
        release: vec![],
        redact: vec![phrase.to_owned()],
    }
}

#[test]
fn leaked_reports_identifying_spans_ignoring_names_and_adjustments() {
    let r = bundle();
    let text = "Smith (AB 12 34 56 C, born 4/3/2001) of 12 High Street rang 07700 900999 \
                and John Brown on 07700 900123.";
    assert_eq!(
        r.leaked(text),
        [
            (Category::Identifier, "AB 12 34 56 C".to_owned()),
            (Category::DateOfBirth, "4/3/2001".to_owned()),
            (Category::Address, "12 High Street".to_owned()),
            (Category::Contact, "07700 900999".to_owned()),
        ]
    );
    // A released phone number is kept in the pack, and still reported as a leak.
    let release = Adjustments {
        release: vec!["07700 900999".into()],
        redact: vec![],
    };
    let segments = r.redact("rang 07700 900999", &release);
    assert_eq!(
        segments,
        [Segment::Kept {
            text: "rang 07700 900999".into()
        }]
    );
    assert_eq!(
        r.leaked(&render(&segments)),
        [(Category::Contact, "07700 900999".to_owned())]
    );
    assert!(r.leaked("John Smith said so").is_empty());
    assert!(Category::Contact.is_identifying() && !Category::Name.is_identifying());
}

#[test]
fn segments_always_add_up_to_the_text() {
    let r = bundle();
    let adjust = Adjustments {
        release: vec!["Lee".into()],
        redact: vec!["café".into(), "Zoë".into()],
    };
    let pieces = [
        "John Smith",
        "  ",
        "Ann",
        "Annex",
        "Zoë",
        "café",
        "☕",
        "07700 900456",
        "+44",
        "@",
        "a@b.co",
        "12 High Street",
        ",",
        "AB1 2DE",
        "4/3/2001",
        "Jose\u{301}",
        "\n",
        "Lee",
        "ß",
        "İstanbul",
        "",
        "John",
        ".",
        "12/",
        "345678A",
        "ＡＢ１２",
        "e\u{301}\u{301}",
        "0",
    ];
    let mut checked = 0;
    for a in pieces {
        for b in pieces {
            for c in ["", " ", "x", "é", "-"] {
                let text = format!("{a}{c}{b}{c}{a}");
                for segments in [
                    r.redact(&text, &Adjustments::default()),
                    r.redact(&text, &adjust),
                ] {
                    let joined: String = segments
                        .iter()
                        .map(|s| match s {
                            Segment::Kept { text } | Segment::Redacted { text, .. } => {
                                text.as_str()
                            }
                        })
                        .collect();
                    assert_eq!(joined, text);
                    assert!(segments.iter().all(|s| !matches!(s, Segment::Kept { text } | Segment::Redacted { text, .. } if text.is_empty())));
                    let kept_twice = segments
                        .windows(2)
                        .any(|w| matches!(w, [Segment::Kept { .. }, Segment::Kept { .. }]));
                    assert!(!kept_twice, "{segments:?}");
                    checked += 1;
                }
                let _ = r.leaked(&text);
            }
        }
    }
    assert_eq!(checked, pieces.len() * pieces.len() * 5 * 2);
}

#[test]
fn non_ascii_text_is_sliced_on_character_boundaries() {
    let r = bundle();
    for text in [
        "Zoë Smíth — café ☕ rang 07700 900456 from é@ü.com",
        "José Álvarez, né le 4 mars 2001 à Paris",
        "ＳＭＩＴＨ and 𝓢𝓶𝓲𝓽𝓱 and Smith\u{301}",
        "€12 High Street€, AB1 2DE€",
        "İİİ ßß 07700\u{a0}900456",
        "+",
        "@",
        "",
    ] {
        let segments = r.redact(text, &Adjustments::default());
        let _ = render(&segments);
        let _ = r.leaked(text);
    }
    assert_eq!(show(&r, "Smith\u{301}"), "[redacted: name]");
    assert_eq!(show(&r, "— Smith —"), "— [redacted: name] —");
}

#[test]
fn the_rendered_pack_and_the_json_forms() {
    let segments = [
        Segment::Kept { text: "a ".into() },
        Segment::Redacted {
            category: Category::DateOfBirth,
            text: "4/3/2001".into(),
        },
    ];
    assert_eq!(render(&segments), "a [redacted: date_of_birth]");
    let json = serde_json::to_string(&segments[1]).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"redacted","category":"date_of_birth","text":"4/3/2001"}"#
    );
    for c in [
        Category::Name,
        Category::Identifier,
        Category::DateOfBirth,
        Category::Address,
        Category::Contact,
    ] {
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            format!("\"{}\"", c.as_str())
        );
    }
    let adjust: Adjustments = serde_json::from_str(r#"{"release":["x"]}"#).unwrap();
    assert_eq!(
        adjust,
        Adjustments {
            release: vec!["x".into()],
            redact: vec![]
        }
    );
    let back: Party = serde_json::from_str(
        &serde_json::to_string(&party(&["A"], &[], &[date(2001, 3, 4)], &[])).unwrap(),
    )
    .unwrap();
    assert_eq!(back.dates_of_birth, [date(2001, 3, 4)]);
}

#[test]
fn an_empty_bundle_still_redacts_by_shape() {
    let r = Redactor::new(&Party::default(), &[]);
    assert_eq!(
        show(&r, "Smith rang 07700 900999"),
        "Smith rang [redacted: contact]"
    );
    assert!(r.redact("", &Adjustments::default()).is_empty());
}

#[test]
fn accents_fold_to_the_plain_letter() {
    assert_eq!(ACCENTED.chars().count(), PLAIN.chars().count());
    let table = [
        ("Müller", "muller"),
        ("ŁUKASZ", "lukasz"),
        ("Ørsted", "orsted"),
        ("Straße", "strasse"),
        ("Zoë", "zoe"),
        ("Dvořák", "dvorak"),
        ("Ţiţeica", "titeica"),
        ("Œuvre", "oeuvre"),
        ("Jose\u{301}", "jose"),
        ("Ünal", "unal"),
    ];
    for (word, want) in table {
        assert_eq!(fold(word), want, "{word}");
    }
    let r = Redactor::new(&Party::default(), &[party(&["Zoë Müller"], &[], &[], &[])]);
    assert_eq!(
        show(&r, "zoe muller, MÜLLER"),
        "[redacted: name], [redacted: name]"
    );
}

#[test]
fn a_bundle_of_many_parties_over_a_long_text() {
    let others: Vec<Party> = (0..60)
        .map(|n| {
            let name = format!("Person{n} Surname{n}");
            let id = format!("ID{n:05}X");
            party(
                &[&name],
                &[&id],
                &[date(1980, 1, 1 + n % 28)],
                &[&format!("{n} Long Road, Town")],
            )
        })
        .collect();
    let r = Redactor::new(&party(&["John Brown"], &[], &[], &[]), &others);
    let line =
        "John Brown met Surname7 (ID 00007 X) on 14/02/2020 at 7 Long Road; call 07700 900999. ";
    let text = line.repeat(5_000);
    // One pass over the words: this takes a fraction of a second even unoptimised.
    let segments = r.redact(&text, &Adjustments::default());
    let redacted = segments
        .iter()
        .filter(|s| matches!(s, Segment::Redacted { .. }))
        .count();
    assert_eq!(redacted, 4 * 5_000);
}
