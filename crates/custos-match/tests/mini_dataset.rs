//! A realistic mini data set: 40 hand-made true pairs (typos, OCR confusions, nicknames,
//! transliterations, swapped names, marriage, day–month swaps, missing fields, moves) and 24 hard
//! negatives (twins, father and son, common names, household members), scored by the untrained
//! default model. The counts are a ratchet: change them only when the matcher gets better.

#![allow(clippy::unwrap_used)] // test code: a panic is a failed test

use custos_core::person::IdentifierKind;
use custos_match::blocking::share_key;
use custos_match::{MatchRecord, Model, Prepared, TermFrequencies};

/// A record from a compact description: names "Forenames|Surname" separated by ";",
/// a date of birth, gender, postcode and identifiers.
fn r(
    names: &str,
    dob: &str,
    gender: &str,
    postcode: &str,
    ids: &[(IdentifierKind, &str)],
) -> MatchRecord {
    let mut b = MatchRecord::builder();
    for n in names.split(';') {
        match n.split_once('|') {
            Some((f, s)) => b = b.name(f.trim(), s.trim()),
            None => b = b.full_name(n.trim()),
        }
    }
    b = b.dob(dob).gender(gender).postcode(postcode);
    for (k, v) in ids {
        b = b.identifier(*k, v);
    }
    b.build()
}

const PNC: IdentifierKind = IdentifierKind::PncId;
const NI: IdentifierKind = IdentifierKind::NiNumber;
const PHONE: IdentifierKind = IdentifierKind::Phone;
const EMAIL: IdentifierKind = IdentifierKind::Email;

fn true_pairs() -> Vec<(&'static str, MatchRecord, MatchRecord)> {
    vec![
        (
            "surname typo",
            r("John|Smith", "1980-03-12", "M", "SW1A 1AA", &[]),
            r("John|Smiht", "1980-03-12", "M", "SW1A 1AA", &[]),
        ),
        (
            "forename typo",
            r("Jonathan|Williams", "1972-08-30", "M", "", &[]),
            r("Jonathon|Williams", "1972-08-30", "", "", &[]),
        ),
        (
            "OCR 0 and 1",
            r("J0HN|SM1TH", "1980-03-12", "", "", &[]),
            r("John|Smith", "1980-03-12", "M", "", &[]),
        ),
        (
            "OCR 5",
            r("5ARAH|5TEVEN5", "1991-01-17", "F", "", &[]),
            r("Sarah|Stevens", "1991-01-17", "F", "", &[]),
        ),
        (
            "OCR 8/0 in date",
            r("Rachel|Owen", "1980-03-18", "F", "LS1 4AP", &[]),
            r("Rachel|Owen", "1980-03-10", "F", "LS1 4AP", &[]),
        ),
        (
            "nickname Bill",
            r("William|Brown", "1965-05-02", "M", "", &[]),
            r("Bill|Brown", "1965-05-02", "M", "", &[]),
        ),
        (
            "nickname Peggy, moved",
            r("Margaret|Thompson", "1948-12-01", "F", "M1 1AE", &[]),
            r("Peggy|Thompson", "1948-12-01", "F", "B33 8TH", &[]),
        ),
        (
            "nickname Bob",
            r("Robert|Evans", "1977-07-07", "M", "CF10 1EP", &[]),
            r("Bob|Evans", "1977-07-07", "M", "CF10 1EP", &[]),
        ),
        (
            "nickname Liz, dob swap",
            r("Elizabeth|Hughes", "1983-04-09", "F", "", &[]),
            r("Liz|Hughes", "1983-09-04", "F", "", &[]),
        ),
        (
            "Mohammed/Muhammad",
            r("Mohammed|Khan", "1990-10-10", "M", "", &[]),
            r("Muhammad|Khan", "1990-10-10", "M", "", &[]),
        ),
        (
            "Aleksandr/Alexander",
            r("Aleksandr|Petrov", "1979-02-14", "M", "", &[]),
            r("Alexander|Petrov", "1979-02-14", "M", "", &[]),
        ),
        (
            "Ahmed Hussein/Ahmad Hussain",
            r("Ahmed|Hussein", "1986-06-21", "M", "", &[]),
            r("Ahmad|Hussain", "1986-06-21", "M", "", &[]),
        ),
        (
            "Yusuf/Yousef",
            r("Yusuf|Ali", "1995-03-03", "M", "E1 6AN", &[]),
            r("Yousef|Ali", "1995-03-03", "M", "E1 6AN", &[]),
        ),
        (
            "swapped names",
            r("Kumar|Rajesh", "1970-11-05", "M", "", &[]),
            r("Rajesh|Kumar", "1970-11-05", "M", "", &[]),
        ),
        (
            "family name first",
            r("Zhang|Wei", "1988-08-08", "", "", &[]),
            r("Wei|Zhang", "1988-08-08", "M", "", &[]),
        ),
        (
            "hyphenated after marriage",
            r("Anna|Smith", "1984-01-25", "F", "", &[]),
            r("Anna|Smith-Jones", "1984-01-25", "F", "", &[]),
        ),
        (
            "previous name recorded",
            r("Emma|Clarke; Emma|Wood", "1982-09-13", "F", "", &[]),
            r("Emma|Wood", "1982-09-13", "F", "", &[]),
        ),
        (
            "married, same phone",
            r(
                "Laura|Bennett",
                "1987-05-19",
                "F",
                "",
                &[(PHONE, "07700 900123")],
            ),
            r(
                "Laura|Hayes",
                "1987-05-19",
                "F",
                "",
                &[(PHONE, "07700900123")],
            ),
        ),
        (
            "day-month swap",
            r("Peter|Walsh", "1975-04-09", "M", "", &[]),
            r("Peter|Walsh", "1975-09-04", "M", "", &[]),
        ),
        (
            "year off by one",
            r("Karen|Lloyd", "1968-11-23", "F", "", &[]),
            r("Karen|Lloyd", "1969-11-23", "F", "", &[]),
        ),
        (
            "one digit in date",
            r("Gary|Price", "1982-07-14", "M", "", &[]),
            r("Gary|Price", "1982-07-15", "M", "", &[]),
        ),
        (
            "missing date, same address",
            r("Daniel|Murphy", "", "M", "BT1 5GS", &[]),
            r("Daniel|Murphy", "1993-12-12", "M", "BT1 5GS", &[]),
        ),
        (
            "missing forename",
            r("|Patel", "1999-04-30", "F", "LE1 5WW", &[]),
            r("Priya|Patel", "1999-04-30", "F", "LE1 5WW", &[]),
        ),
        (
            "moved far",
            r("Thomas|Green", "1961-06-06", "M", "NE1 4ST", &[]),
            r("Tom|Green", "1961-06-06", "M", "PL1 2AA", &[]),
        ),
        (
            "initial only",
            r("J.|Morrison", "1974-10-31", "M", "", &[]),
            r("James|Morrison", "1974-10-31", "M", "", &[]),
        ),
        (
            "middle name in use",
            r("David Ian|Roberts", "1958-02-28", "M", "", &[]),
            r("Ian|Roberts", "1958-02-28", "M", "", &[]),
        ),
        (
            "shared PNC ID",
            r("Michael|O'Neill", "", "M", "", &[(PNC, "08/56560Z")]),
            r(
                "Mick|O'Neil",
                "1985-03-15",
                "M",
                "",
                &[(PNC, "2008/0056560Z")],
            ),
        ),
        (
            "shared NI number",
            r("Sophie|Turner", "", "F", "", &[(NI, "AB123456C")]),
            r(
                "Sophie|Turner-Hall",
                "1990-07-07",
                "F",
                "",
                &[(NI, "AB 12 34 56 C")],
            ),
        ),
        (
            "diacritics",
            r("José|Martínez", "1981-05-05", "M", "", &[]),
            r("Jose|Martinez", "1981-05-05", "M", "", &[]),
        ),
        (
            "O'Brien spellings",
            r("Sean|O'Brien", "1976-03-17", "M", "", &[]),
            r("Shaun|OBrien", "1976-03-17", "M", "", &[]),
        ),
        (
            "Mc/Mac and nickname",
            r("Christopher|McDonald", "1969-09-09", "M", "", &[]),
            r("Chris|MacDonald", "1969-09-09", "M", "", &[]),
        ),
        (
            "legacy single field",
            r("SMITH, Mr John Paul", "12/03/1980", "", "", &[]),
            r("John|Smith", "1980-03-12", "M", "", &[]),
        ),
        (
            "Krzysztof/Christopher",
            r("Krzysztof|Nowak", "1989-12-24", "M", "", &[]),
            r("Christopher|Nowak", "1989-12-24", "M", "", &[]),
        ),
        (
            "phonetic both names",
            r("Catherine|Reid", "1971-01-01", "", "", &[]),
            r("Kathryn|Reed", "1971-01-01", "F", "", &[]),
        ),
        (
            "alias recorded",
            r("Tony|Russo; Anthony|Russo", "1966-06-16", "M", "", &[]),
            r("Antonio|Russo", "1966-06-16", "M", "", &[]),
        ),
        (
            "title and suffix",
            r("Dr Helen|Fraser", "1955-08-08", "F", "", &[]),
            r("Helen|Fraser", "1955-08-08", "F", "", &[]),
        ),
        (
            "typo, swap, moved",
            r("Stephen|Harris", "1990-02-11", "M", "SW1A 1AA", &[]),
            r("Steven|Harris", "1990-11-02", "M", "M1 1AE", &[]),
        ),
        (
            "transposed letters",
            r("Neil|Campbell", "1978-04-04", "M", "", &[]),
            r("Niel|Cambpell", "1978-04-04", "M", "", &[]),
        ),
        (
            "email shared, nickname",
            r(
                "Jennifer|Walsh",
                "",
                "F",
                "",
                &[(EMAIL, "jen.walsh@example.com")],
            ),
            r(
                "Jenny|Walsh",
                "1992-02-02",
                "F",
                "",
                &[(EMAIL, "Jen.Walsh@example.com")],
            ),
        ),
        (
            "Aisha/Ayesha",
            r("Aisha|Begum", "1997-07-27", "F", "E1 6AN", &[]),
            r("Ayesha|Begum", "1997-07-27", "F", "E1 6AN", &[]),
        ),
    ]
}

fn hard_negatives() -> Vec<(&'static str, MatchRecord, MatchRecord)> {
    vec![
        (
            "twin brothers",
            r("Jack|Reilly", "2001-05-05", "M", "L1 8JQ", &[]),
            r("Thomas|Reilly", "2001-05-05", "M", "L1 8JQ", &[]),
        ),
        (
            "twin sisters",
            r("Emily|Carter", "1999-09-19", "F", "S1 2HE", &[]),
            r("Sophie|Carter", "1999-09-19", "F", "S1 2HE", &[]),
        ),
        (
            "boy-girl twins",
            r("Oliver|Baker", "2003-03-30", "M", "BS1 4DJ", &[]),
            r("Olivia|Baker", "2003-03-30", "F", "BS1 4DJ", &[]),
        ),
        (
            "twins whose names share a short form's letters (Dean, Dan for Daniel)",
            r("Dean|Okafor", "2006-02-14", "M", "E5 9QT", &[]),
            r("Daniel|Okafor", "2006-02-14", "M", "E5 9QT", &[]),
        ),
        (
            "boy-girl twins, Paul and Pauline",
            r("Paul|Hughes", "1994-07-21", "M", "CF10 1EP", &[]),
            r("Pauline|Hughes", "1994-07-21", "F", "CF10 1EP", &[]),
        ),
        (
            "brothers, one's middle name the other's first",
            r("Logan Jack|Price", "2009-11-02", "M", "W4 9UU", &[]),
            r("Jack Jacob|Price", "2008-10-12", "M", "W4 9UU", &[]),
        ),
        (
            "two men of one forename and birthday, different surnames",
            r("Pradeep|Joshi", "2014-12-07", "M", "N7 7WZ", &[]),
            r("Pradeep Anand|Shah", "2014-12-07", "M", "N7 7QA", &[]),
        ),
        (
            "father and son, Snr/Jr",
            r("John|Smith Snr", "1958-06-01", "M", "SW1A 1AA", &[]),
            r("John|Smith Jr", "1986-02-14", "M", "SW1A 1AA", &[]),
        ),
        (
            "father and son, no suffix",
            r("David|Jones", "1955-04-02", "M", "CF10 1EP", &[]),
            r("David|Jones", "1984-09-17", "M", "CF10 1EP", &[]),
        ),
        (
            "John Smith 1",
            r("John|Smith", "1980-03-12", "M", "M1 1AE", &[]),
            r("John|Smith", "1975-11-30", "M", "B33 8TH", &[]),
        ),
        (
            "John Smith 2",
            r("John|Smith", "1962-01-01", "M", "", &[]),
            r("John|Smith", "1990-07-22", "M", "", &[]),
        ),
        (
            "John Smith 3",
            r("John|Smith", "1980-03-12", "M", "LS1 4AP", &[]),
            r("Jon|Smith", "1983-08-19", "M", "NE1 4ST", &[]),
        ),
        (
            "common Muslim name",
            r("Mohammed|Khan", "1990-10-10", "M", "B11 1AA", &[]),
            r("Mohammed|Khan", "1985-04-22", "M", "BD1 1AA", &[]),
        ),
        (
            "same birthday only",
            r("Sarah|Jones", "1980-03-12", "F", "", &[]),
            r("Karen|Price", "1980-03-12", "F", "", &[]),
        ),
        (
            "sisters",
            r("Mary|Doyle", "1980-02-02", "F", "D1 1AA", &[]),
            r("Margaret|Doyle", "1983-06-15", "F", "D1 1AA", &[]),
        ),
        (
            "mother and daughter",
            r("Susan|Clarke", "1960-10-10", "F", "", &[]),
            r("Susan|Clarke", "1990-05-05", "F", "", &[]),
        ),
        (
            "husband and wife",
            r("Paul|Green", "1970-01-20", "M", "NG1 1AA", &[]),
            r("Karen|Green", "1972-03-08", "F", "NG1 1AA", &[]),
        ),
        (
            "neighbours",
            r("Ian|Moore", "1966-12-12", "M", "NG1 1AA", &[]),
            r("Adam|Shaw", "1988-04-01", "M", "NG1 1AA", &[]),
        ),
        (
            "similar names, far apart",
            r("Jon|Smyth", "1970-01-01", "M", "", &[]),
            r("John|Smith", "1992-10-10", "M", "", &[]),
        ),
        (
            "cousins Liam and William",
            r("Liam|Murphy", "1990-03-04", "M", "", &[]),
            r("William|Murphy", "1991-07-12", "M", "", &[]),
        ),
        (
            "Chris and Chris",
            r("Chris|Taylor", "1985-05-05", "M", "", &[]),
            r("Chris|Taylor", "1987-02-19", "F", "", &[]),
        ),
        (
            "flatmates born the same day",
            r("Tom|Hill", "1995-06-06", "M", "OX1 1AA", &[]),
            r("Ravi|Shah", "1995-06-06", "M", "OX1 1AA", &[]),
        ),
        (
            "initial and surname only",
            r("J|Smith", "1980-03-12", "", "", &[]),
            r("Jane|Smith", "1957-08-08", "F", "", &[]),
        ),
        (
            "different NI numbers",
            r("Paul|Wright", "", "M", "", &[(NI, "AB123456C")]),
            r("Paul|Wright", "", "M", "", &[(NI, "CE654321A")]),
        ),
    ]
}

fn probability(
    model: &Model,
    tf: Option<&TermFrequencies>,
    a: &MatchRecord,
    b: &MatchRecord,
) -> (f64, String) {
    let scorer = model.scorer(tf).unwrap();
    let (pa, pb) = (Prepared::new(a), Prepared::new(b));
    let e = scorer.explain(&pa, &pb);
    (e.probability, e.summary())
}

#[test]
fn default_model_separates_true_pairs_from_hard_negatives() {
    let model = Model::default();
    let mut missed = Vec::new();
    for (what, a, b) in true_pairs() {
        let (p, why) = probability(&model, None, &a, &b);
        if p <= 0.9 {
            missed.push(format!("{what}: {why}"));
        }
    }
    let mut wrong = Vec::new();
    for (what, a, b) in hard_negatives() {
        let (p, why) = probability(&model, None, &a, &b);
        if p >= 0.5 {
            wrong.push(format!("{what}: {why}"));
        }
    }
    assert_eq!(true_pairs().len(), 40);
    assert_eq!(hard_negatives().len(), 24);
    // Ratchet: measured 40/40 and 20/20 (the first run was 39/40 and 19/20, which led to the OCR
    // form and the mixed-gender sibling pattern); then 24/24 with the cases behind the leftover
    // forenames of `middle_as_first`, the male surname pattern and known names never read as slips. Keep it exact; add harder cases rather than
    // loosening it.
    assert!(
        missed.is_empty() && wrong.is_empty(),
        "true pairs at or below 0.9: {}/40\n{}\nnegatives at or above 0.5: {}/24\n{}",
        missed.len(),
        missed.join("\n"),
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn every_true_pair_shares_a_blocking_key() {
    let missed: Vec<&str> = true_pairs()
        .iter()
        .filter(|(_, a, b)| !share_key(&Prepared::new(a), &Prepared::new(b)))
        .map(|(what, _, _)| *what)
        .collect();
    assert!(missed.is_empty(), "blocking recall misses: {missed:?}");
}

#[test]
fn term_frequencies_keep_separation() {
    let mut all = Vec::new();
    for (_, a, b) in true_pairs().into_iter().chain(hard_negatives()) {
        all.push(Prepared::new(&a));
        all.push(Prepared::new(&b));
    }
    let tf = TermFrequencies::from_records(&all);
    let model = Model::default();
    let (rare, _) = probability(
        &model,
        Some(&tf),
        &r("Anna|Zielinski", "", "", "", &[]),
        &r("Anna|Zielinski", "", "", "", &[]),
    );
    let (common, _) = probability(
        &model,
        Some(&tf),
        &r("Anna|Smith", "", "", "", &[]),
        &r("Anna|Smith", "", "", "", &[]),
    );
    assert!(rare > common, "rare {rare} common {common}");
}
