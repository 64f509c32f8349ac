//! Tests for `model`: validation, probability, term frequencies, u estimation and EM.

use super::*;
use crate::compare::{DobLevel, NameLevel};
use crate::record::MatchRecord;

fn p(f: &str, s: &str, dob: &str) -> Prepared {
    Prepared::new(&MatchRecord::builder().name(f, s).dob(dob).build())
}

#[test]
fn default_model_is_valid_and_round_trips() {
    let m = Model::default();
    m.validate().unwrap();
    let json = serde_json::to_string(&m).unwrap();
    assert!(json.contains(r#""level":"jaro_winkler_0_92""#), "{json}");
    let back: Model = serde_json::from_str(&json).unwrap();
    assert_eq!(back, m);
}

#[test]
fn invalid_models_are_refused() {
    let m = Model {
        prior: 0.0,
        ..Model::default()
    };
    assert_eq!(m.validate(), Err(ModelError::BadPrior(0.0)));
    let mut m = Model::default();
    m.fields[2].levels[0].u = 0.0;
    assert!(matches!(
        m.validate(),
        Err(ModelError::BadProbability {
            field: Field::DateOfBirth,
            ..
        })
    ));
    let mut m = Model::default();
    m.fields.swap(0, 1);
    assert!(matches!(m.validate(), Err(ModelError::WrongFields { .. })));
    let mut m = Model::default();
    m.fields[0].levels[1].level = "nickname".into();
    assert!(matches!(
        m.validate(),
        Err(ModelError::WrongLevels {
            field: Field::Forename,
            ..
        })
    ));
    assert!(m.scorer(None).is_err(), "an invalid model gives no scorer");
    let m = Model {
        tf_floor: 2.0,
        ..Model::default()
    };
    assert_eq!(m.validate(), Err(ModelError::BadFloor(2.0)));
}

#[test]
fn probability_from_weight() {
    assert!((probability(0.0) - 0.5).abs() < 1e-12);
    assert!((probability(1.0) - 2.0 / 3.0).abs() < 1e-12);
    assert!(probability(2000.0) == 1.0);
    assert!(probability(-2000.0) == 0.0);
}

#[test]
fn explanation_adds_up_to_the_score() {
    let model = Model::default();
    let scorer = model.scorer(None).unwrap();
    let a = p("William", "Smith", "1980-03-12");
    let b = p("Bill", "Smith", "1980-12-03");
    let e = scorer.explain(&a, &b);
    let sum: f64 = e.prior_weight + e.contributions.iter().map(|c| c.weight).sum::<f64>();
    assert!((sum - e.weight).abs() < 1e-9);
    assert!((e.weight - scorer.weight(&a, &b)).abs() < 1e-9);
    assert_eq!(e.field(Field::Forename).map(|c| c.level), Some("variant"));
    assert_eq!(
        e.field(Field::DateOfBirth).map(|c| c.level),
        Some("day_month_swapped")
    );
    assert_eq!(e.field(Field::Postcode).map(|c| c.level), Some("null"));
    assert!(
        e.summary().contains("forename variant +"),
        "{}",
        e.summary()
    );
}

#[test]
fn rare_surnames_count_for_more_than_common_ones() {
    let mut records: Vec<Prepared> = (0..50)
        .map(|i| p("X", "Smith", &format!("19{:02}-01-01", i)))
        .collect();
    records.push(p("Y", "Featherstonehaugh", "1950-01-01"));
    let tf = TermFrequencies::from_records(&records);
    assert_eq!(tf.surnames.get("smith"), Some(&50));
    assert!(tf.surname_u("smith").unwrap() > 0.9);
    assert_eq!(tf.surname_u("nobody"), None);
    let model = Model::default();
    let scorer = model.scorer(Some(&tf)).unwrap();
    let smiths = scorer.explain(&p("Ann", "Smith", ""), &p("Ann", "Smith", ""));
    let rare = scorer.explain(
        &p("Ann", "Featherstonehaugh", ""),
        &p("Ann", "Featherstonehaugh", ""),
    );
    let w = |e: &Explanation| {
        e.field(Field::Surname)
            .map(|c| c.weight)
            .unwrap_or_default()
    };
    assert!(
        w(&rare) > w(&smiths) + 5.0,
        "rare {} common {}",
        w(&rare),
        w(&smiths)
    );
    assert!(
        smiths
            .field(Field::Surname)
            .unwrap()
            .term_frequency
            .is_some()
    );
    // The floor stops a value seen once in a tiny table weighing more than m/floor.
    let cap = (model.fields[1].levels[0].m / model.tf_floor).log2();
    assert!(w(&rare) <= cap + 1e-9);
}

#[test]
fn estimate_u_from_random_pairs() {
    let records = crate::bench::prepare_all(&crate::bench::sample_records(300, 1));
    let mut m = Model::default();
    assert_eq!(
        m.estimate_u(&records[..1], 100, 1),
        0,
        "one record has no pairs"
    );
    assert_eq!(m, Model::default());
    assert_eq!(m.estimate_u(&records, 5_000, 42), 5_000);
    m.validate().unwrap();
    let u = |f: usize, l: usize| m.fields[f].levels[l].u;
    // 16 surnames drawn uniformly: about 1 in 16 random pairs share one.
    let exact = u(1, NameLevel::Exact.index());
    assert!((0.04..0.09).contains(&exact), "surname exact u {exact}");
    assert!(u(2, DobLevel::Different.index()) > 0.95);
    assert_eq!(
        m.fields[7],
        Model::default().fields[7],
        "the household term is fixed"
    );
    let mut again = Model::default();
    again.estimate_u(&records, 5_000, 42);
    assert_eq!(again, m, "seeded");
}

#[test]
fn em_learns_m_from_a_mixture() {
    let records = [
        p("John", "Smith", "1980-03-12"),
        p("Jon", "Smith", "1980-03-12"),
        p("Mary", "Jones", "1975-06-01"),
        p("Mary", "Jones", "1975-01-06"),
        p("Ann", "Brown", "1990-02-02"),
        p("Ahmed", "Khan", "1985-05-05"),
    ];
    // Candidate pairs: every pair, so a third are matches at most.
    let mut vectors = Vec::new();
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            vectors.push(compare(&records[i], &records[j]).vector);
        }
    }
    let mut m = Model::default();
    assert_eq!(m.train_em(&[], 10, false), Err(ModelError::NoTrainingData));
    let report = m.train_em(&vectors, 200, true).unwrap();
    assert!(report.iterations >= 1);
    assert!(report.lambda > 0.0 && report.lambda < 0.5, "{report:?}");
    assert_eq!(m.prior, report.lambda);
    m.validate().unwrap();
    // Matches agree on surname exactly.
    assert!(m.fields[1].levels[NameLevel::Exact.index()].m > 0.5);
    let mut invalid = Model {
        prior: 1.5,
        ..Model::default()
    };
    assert!(invalid.train_em(&vectors, 10, false).is_err());
}

#[test]
fn em_over_blocked_pairs_leaves_the_blocking_fields_and_the_share_of_matches_alone() {
    // Pairs a date-of-birth rule admitted: every pair agrees on the date, whether it is one
    // person (the two Smiths, the two Joneses) or two (everyone else born that day).
    let day = "1980-03-12";
    let records = [
        p("John", "Smith", day),
        p("Jon", "Smith", day),
        p("Mary", "Jones", day),
        p("Mary", "Jones", day),
        p("Ann", "Brown", day),
        p("Ahmed", "Khan", day),
        p("Olga", "Nowak", day),
        p("Tom", "Ford", day),
    ];
    let mut vectors = Vec::new();
    for i in 0..records.len() {
        for j in i + 1..records.len() {
            vectors.push(compare(&records[i], &records[j]).vector);
        }
    }
    let dob = Field::ALL.iter().position(|f| *f == Field::DateOfBirth).unwrap();
    let before = Model::default();

    // Free, the forced agreement on dates is read as evidence of matching: λ runs high and the
    // date's m is rewritten.
    let mut free = Model::default();
    let report = free.train_em(&vectors, 200, false).unwrap();
    assert!(report.lambda > 0.5, "{report:?}");
    assert_ne!(free.fields[dob], before.fields[dob]);

    // Held out, the date keeps its m, λ stays at what the other fields say (2 matches in 28
    // pairs), and the names still learn from the matches.
    let mut held = Model::default();
    let report = held.train_em_holding_out(&vectors, &[Field::DateOfBirth], 200, false).unwrap();
    assert_eq!(held.fields[dob], before.fields[dob]);
    assert!(report.lambda > 0.02 && report.lambda < 0.2, "{report:?}");
    assert_eq!(held.prior, before.prior, "the prior is not updated unless asked");
    assert!(held.fields[1].levels[NameLevel::Exact.index()].m > 0.5);
    held.validate().unwrap();
}

#[test]
fn confirmed_pairs_move_m_by_their_weight_against_the_model() {
    let mut model = Model::default();
    let before = model.clone();
    // Forty confirmed pairs, every one with a day–month swapped date of birth and no postcode.
    let a = p("Anna", "Nowak", "1990-03-12");
    let b = p("Anna", "Nowak", "1990-12-03");
    let v = compare(&a, &b).vector;
    assert_eq!(v.date_of_birth, Some(DobLevel::DayMonthSwapped));
    assert_eq!(model.learn_from_matches(&[v; 40], 160.0), Ok(40));
    let dob = |m: &Model, level: DobLevel| m.fields[2].levels[level.index()].m;
    // (160·m + 40) / 200 for the level shown, 160·m / 200 for the others.
    let want = (160.0 * dob(&before, DobLevel::DayMonthSwapped) + 40.0) / 200.0;
    assert!((dob(&model, DobLevel::DayMonthSwapped) - want).abs() < 1e-12);
    assert!((dob(&model, DobLevel::Exact) - 0.8 * dob(&before, DobLevel::Exact)).abs() < 1e-12);
    assert!(dob(&model, DobLevel::Different) > 0.0, "an unseen level keeps a positive m");
    let total: f64 = model.fields[2].levels.iter().map(|l| l.m).sum();
    assert!((total - before.fields[2].levels.iter().map(|l| l.m).sum::<f64>()).abs() < 1e-9, "m still sums as before");
    // Fields never compared in the labels (postcode), the fixed household term and every u are
    // left alone; the swapped date now weighs more.
    assert_eq!(model.fields[3], before.fields[3]);
    assert_eq!(model.fields[7], before.fields[7]);
    assert!(model.fields.iter().zip(&before.fields).all(|(x, y)| x.levels.iter().zip(&y.levels).all(|(l, k)| l.u == k.u)));
    let weight = |m: &Model| m.scorer(None).unwrap().weight(&a, &b);
    assert!(weight(&model) > weight(&before));
}

#[test]
fn no_labels_change_nothing_and_a_bad_weight_is_refused() {
    let mut model = Model::default();
    assert_eq!(model.learn_from_matches(&[], 100.0), Ok(0));
    assert_eq!(model, Model::default());
    for w in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(model.learn_from_matches(&[], w), Err(ModelError::BadPriorWeight(_))), "{w}");
    }
    assert_eq!(model, Model::default());
}
