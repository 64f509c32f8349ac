//! Property tests over whole records: comparison and scoring are symmetric, and a record scores
//! at least as high against itself as against any other record.

use custos_core::person::IdentifierKind;
use custos_match::{MatchRecord, Model, Prepared, TermFrequencies, compare};
use proptest::prelude::*;

fn arb_record() -> impl Strategy<Value = MatchRecord> {
    let fore = prop::sample::select(vec![
        "John", "Jon", "J", "Bill", "William", "Mary", "Olivia", "Oliver", "Smith", "",
    ]);
    let sur = prop::sample::select(vec![
        "Smith",
        "Smyth",
        "Jones",
        "Smith-Jones",
        "O'Brien",
        "John",
        "Khan",
        "Sm1th",
    ]);
    let dob = prop::sample::select(vec![
        "1980-03-12",
        "1980-12-03",
        "1981-03-12",
        "1980-03-13",
        "1955-06-01",
        "",
    ]);
    let pc = prop::sample::select(vec!["SW1A 1AA", "SW1A 1ZZ", "SW1A 2AA", "M1 1AE", ""]);
    let pnc = prop::sample::select(vec!["", "08/56560Z", "2010/0012345X"]);
    let phone = prop::sample::select(vec!["", "07700 900123", "07700 900999"]);
    let g = prop::sample::select(vec!["m", "f", ""]);
    (
        fore.clone(),
        sur.clone(),
        prop::option::of((fore, sur)),
        dob,
        pc,
        pnc,
        phone,
        g,
    )
        .prop_map(|(f, s, alias, d, pc, pnc, phone, g)| {
            let mut b = MatchRecord::builder().name(f, s);
            if let Some((f2, s2)) = alias {
                b = b.name(f2, s2);
            }
            b.dob(d)
                .postcode(pc)
                .identifier(IdentifierKind::PncId, pnc)
                .identifier(IdentifierKind::Phone, phone)
                .gender(g)
                .build()
        })
}

proptest! {
    #[test]
    fn scores_are_symmetric(a in arb_record(), b in arb_record()) {
        let (pa, pb) = (Prepared::new(&a), Prepared::new(&b));
        prop_assert_eq!(compare(&pa, &pb).vector, compare(&pb, &pa).vector);
        let model = Model::default();
        let scorer = model.scorer(None).unwrap();
        prop_assert!((scorer.weight(&pa, &pb) - scorer.weight(&pb, &pa)).abs() < 1e-9);
    }

    #[test]
    fn a_record_scores_highest_against_itself(a in arb_record(), b in arb_record()) {
        let (pa, pb) = (Prepared::new(&a), Prepared::new(&b));
        let model = Model::default();
        let scorer = model.scorer(None).unwrap();
        let itself = scorer.weight(&pa, &pa);
        prop_assert!(itself >= scorer.weight(&pa, &pb) - 1e-9,
            "self {} other {}: {}", itself, scorer.weight(&pa, &pb), scorer.explain(&pa, &pb).summary());
        let e = scorer.explain(&pa, &pb);
        let total: f64 = e.prior_weight + e.contributions.iter().map(|c| c.weight).sum::<f64>();
        prop_assert!((total - e.weight).abs() < 1e-9);
        prop_assert!((0.0..=1.0).contains(&e.probability));
    }

    #[test]
    fn term_frequency_scores_are_symmetric(a in arb_record(), b in arb_record()) {
        let (pa, pb) = (Prepared::new(&a), Prepared::new(&b));
        let tf = TermFrequencies::from_records(&[pa.clone(), pb.clone()]);
        let model = Model::default();
        let scorer = model.scorer(Some(&tf)).unwrap();
        let (x, y) = (scorer.weight(&pa, &pb), scorer.weight(&pb, &pa));
        prop_assert!(x.is_finite() && (x - y).abs() < 1e-9, "{} {}", x, y);
    }
}
