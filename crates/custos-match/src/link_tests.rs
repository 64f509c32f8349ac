//! Tests of the linking pipeline: blocking index, candidate pairs, scoring, training.

use custos_core::person::IdentifierKind;

use super::*;
use crate::cluster::{AUTO_LINK_PROBABILITY, cluster};
use crate::model::{Model, TermFrequencies};
use crate::record::{MatchRecord, MatchRecordBuilder};

#[test]
fn the_prior_follows_the_store_size_within_bounds() {
    assert_eq!(prior_for_records(100_000), 1e-5);
    assert_eq!(prior_for_records(10), 1e-3);
    assert_eq!(prior_for_records(0), 1e-3);
    assert_eq!(prior_for_records(100_000_000), 1e-7);
}

fn person(forenames: &str, surname: &str, dob: &str, postcode: &str) -> MatchRecordBuilder {
    MatchRecord::builder()
        .name(forenames, surname)
        .dob(dob)
        .gender("male")
        .postcode(postcode)
}

fn prepare(records: &[MatchRecord]) -> Vec<Prepared> {
    records.iter().map(Prepared::new).collect()
}

#[test]
fn pack_round_trips_and_orders_by_smaller_index() {
    for (a, b) in [
        (0, 1),
        (7, 3),
        (5, 5),
        (0, u32::MAX as usize),
        (123_456, 4_000_000),
    ] {
        let p = pack(a, b);
        assert_eq!(p, pack(b, a), "unordered");
        assert_eq!(unpack(p), (a.min(b), a.max(b)));
    }
    // Sorting packed pairs sorts by smaller index, then larger.
    let mut packed = vec![pack(2, 1), pack(0, 9), pack(1, 3), pack(0, 2)];
    packed.sort_unstable();
    let pairs: Vec<_> = packed.into_iter().map(unpack).collect();
    assert_eq!(pairs, vec![(0, 2), (0, 9), (1, 2), (1, 3)]);
}

#[test]
fn par_map_keeps_order_and_indices_whatever_the_thread_count() {
    let items: Vec<u32> = (0..1_003).collect();
    let expected: Vec<(usize, u32)> =
        items.iter().enumerate().map(|(i, &x)| (i, x * 2)).collect();
    for threads in [0, 1, 3, 8, 2_000] {
        assert_eq!(
            par_map(&items, threads, |i, &x| (i, x * 2)),
            expected,
            "threads {threads}"
        );
    }
    assert!(par_map(&[] as &[u32], 4, |_, &x| x).is_empty());
}

#[test]
fn duplicates_cluster_and_different_people_do_not() {
    let records = vec![
        person("John", "Smith", "1980-03-14", "SW1A 1AA")
            .identifier(IdentifierKind::NiNumber, "AB123456C"),
        person("Mary", "Jones", "1992-11-02", "M1 1AE"),
        // A typo in the forename and the same NI number: the same person as record 0.
        person("Jon", "Smith", "1980-03-14", "SW1A 1AA")
            .identifier(IdentifierKind::NiNumber, "AB 12 34 56 C"),
        person("Priya", "Patel", "1975-06-30", "B33 8TH"),
        // Same name and birth date as record 0 but a different NI number: never joined.
        person("John", "Smith", "1980-03-14", "SW1A 1AA")
            .identifier(IdentifierKind::NiNumber, "CE654321B"),
        person("Ahmed", "Khan", "1968-01-21", "LS1 4AP"),
    ]
    .into_iter()
    .map(|b| b.build())
    .collect::<Vec<_>>();
    let prepared = prepare(&records);
    let tf = TermFrequencies::from_records(&prepared);
    let model = Model::default();
    let scorer = model.scorer(Some(&tf)).unwrap();
    let candidates = BlockingIndex::build(&prepared, 2).candidate_pairs(DEFAULT_MAX_BLOCK);
    let scored = score_pairs(&scorer, &prepared, &candidates.pairs, 2, KEEP_PROBABILITY);
    let clustering = cluster(&prepared, &scored, AUTO_LINK_PROBABILITY, &scorer);

    assert!(
        candidates.contains(0, 2),
        "the duplicates share a block"
    );
    assert!(
        !candidates.contains(1, 3),
        "unrelated people share no block"
    );
    assert_eq!(candidates.capped_blocks, 0);
    let of = |i: usize| {
        clustering
            .clusters
            .iter()
            .position(|c| c.contains(&i))
            .unwrap()
    };
    assert_eq!(of(0), of(2), "duplicates linked: {clustering:?}");
    assert_eq!(clustering.clusters[of(0)], vec![0, 2]);
    for other in [1, 3, 4, 5] {
        assert_eq!(
            clustering.clusters[of(other)],
            vec![other],
            "record {other} stays alone"
        );
    }
    // Every record is in exactly one cluster.
    let mut all: Vec<usize> = clustering.clusters.concat();
    all.sort_unstable();
    assert_eq!(all, (0..records.len()).collect::<Vec<_>>());
    // Kept pairs are candidates at or above the keep threshold.
    for p in &scored {
        assert!(p.probability >= KEEP_PROBABILITY && candidates.contains(p.a, p.b));
    }

    // Search before create finds the duplicate first and never the query itself.
    let index = BlockingIndex::build(&prepared, 1);
    assert_eq!(index.len(), records.len());
    let ranked = index.search(&scorer, &prepared, &prepared[2], Some(2), DEFAULT_MAX_BLOCK);
    assert_eq!(ranked.first().map(|r| r.1), Some(0));
    assert!(ranked.iter().all(|r| r.1 != 2));
    assert!(
        ranked.windows(2).all(|w| w[0].0 >= w[1].0),
        "strongest first"
    );
}

#[test]
fn name_only_blocks_skip_pairs_whose_dates_of_birth_clearly_disagree() {
    // Same name, different districts: only the name-only rule (NamePair) joins them.
    let records = [
        person("John", "Smith", "1980-03-14", "SW1A 1AA").build(),
        person("John", "Smith", "1951-11-02", "M1 1AE").build(),
        MatchRecord::builder().name("John", "Smith").postcode("LS1 4AP").build(),
        person("John", "Smith", "1980-03-15", "B33 8TH").build(),
    ];
    let prepared: Vec<Prepared> = records.iter().map(Prepared::new).collect();
    let pairs = BlockingIndex::build(&prepared, 2).candidate_pairs(DEFAULT_MAX_BLOCK);
    assert!(!pairs.contains(0, 1), "1980 and 1951 clearly disagree");
    assert!(pairs.contains(0, 2) && pairs.contains(1, 2), "a record with no date of birth is compared");
    assert!(pairs.contains(0, 3), "a day apart is within the levels a duplicate shows");
}

#[test]
fn entries_sorted_by_bucket_are_sorted_whatever_the_threads() {
    // Keys spread over every top byte, with repeats (blocks) and empty records.
    let mut rng = crate::model::SplitMix64(7);
    let keys: Vec<Vec<u64>> = (0..500)
        .map(|i| {
            let mut ks: Vec<u64> = (0..i % 9).map(|_| (rng.next_u64() % 4000).wrapping_mul(0x0042_1084_2108_4211)).collect();
            ks.sort_unstable();
            ks.dedup();
            ks
        })
        .collect();
    let packed: Vec<u32> = (0..500).map(|i| i * 3).collect();
    let mut expected: Vec<(u64, u32, u32)> =
        keys.iter().enumerate().flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i as u32, i as u32 * 3))).collect();
    expected.sort_unstable();
    assert!(expected.iter().map(|e| e.0 >> 56).collect::<std::collections::BTreeSet<_>>().len() > 100);
    for threads in [1, 2, 3] {
        assert_eq!(sorted_entries(&keys, &packed, threads), expected, "{threads} threads");
    }
    assert!(sorted_entries(&[], &[], 2).is_empty());
}

#[test]
fn record_keys_are_the_hashes_of_the_blocking_keys() {
    let records = [
        person("William Henry", "Smith", "1980-03-12", "SW1A 1AA").name("Bill", "Smyth").dob("1981-12-03").build(),
        person("Zoë", "O'Brien-Nowak", "1955-01-31", "").build(),
        MatchRecord::builder().name("Siobhán", "Ní Bhriain").postcode("BT1 5GS").identifier(IdentifierKind::NiNumber, "AB123456C").build(),
        MatchRecord::default(),
    ];
    for p in prepare(&records) {
        let mut expected: Vec<u64> = crate::blocking::blocking_keys(&p).iter().map(|(r, k)| key_hash(*r, k)).collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(record_keys(&p), expected);
    }
}

#[test]
fn the_same_name_at_the_same_address_is_a_candidate_whatever_the_dates() {
    let records = [
        person("John", "Smith", "1980-03-14", "SW1A 1AA").build(),
        person("John", "Smith", "1951-11-02", "SW1A 1AA").build(),
        person("Mary", "Smith", "1951-11-02", "SW1A 1AA").build(),
    ];
    let index = BlockingIndex::build(&prepare(&records), 2);
    assert!(index.candidate_pairs(DEFAULT_MAX_BLOCK).contains(0, 1), "father and son, or a date wrong twice over");
    assert_eq!(index.shared_rules(0, 1), [Rule::PostcodeName]);
    // Another forename at the address with a clearly different date is no candidate.
    assert!(index.shared_rules(0, 2).is_empty(), "{:?}", index.shared_rules(0, 2));
}

#[test]
fn pairs_of_one_rule_and_the_rules_of_one_pair() {
    let records = [
        person("John", "Smith", "1980-03-14", "SW1A 1AA").build(),
        person("Jhon", "Smiht", "1980-03-14", "M1 1AE").build(),
        person("John", "Smith", "1951-11-02", "LS1 4AP").build(),
        person("Mary", "Jones", "1990-01-01", "SW1A 1AA").build(),
    ];
    let prepared = prepare(&records);
    let index = BlockingIndex::build(&prepared, 2);
    // Same date of birth and initials, names misspelt: the surname rules and the date rules.
    let shared = index.shared_rules(0, 1);
    assert!(shared.contains(&Rule::DobInitial) && shared.contains(&Rule::SurnameYearInitial), "{shared:?}");
    assert!(!shared.contains(&Rule::PostcodeInitial) && !shared.contains(&Rule::ForenameDob), "{shared:?}");
    assert_eq!(index.rule_pairs(Rule::DobInitial, DEFAULT_MAX_BLOCK), [pack(0, 1)]);
    // Same name, dates 29 years apart: the name rule's block holds them, but its pair is dropped.
    assert!(index.shared_rules(0, 2).is_empty(), "{:?}", index.shared_rules(0, 2));
    assert!(!index.rule_pairs(Rule::NamePair, DEFAULT_MAX_BLOCK).contains(&pack(0, 2)));
    // Nothing in common but the address, and initials that differ.
    assert!(index.shared_rules(0, 3).is_empty());
    assert!(index.shared_rules(0, 99).is_empty(), "an unknown record shares nothing");
}

#[test]
fn training_keeps_a_usable_model_and_reports_its_runs() {
    let mut records = Vec::new();
    for k in 0..40 {
        let dob = format!("19{:02}-0{}-1{}", 50 + k, 1 + k % 9, k % 10);
        let postcode = ["SW1A 1AA", "M1 1AE", "LS1 4AP", "B33 8TH"][k % 4];
        let (f, s) = (["John", "Mary", "Ahmed", "Olga", "Piotr"][k % 5], ["Smith", "Jones", "Khan", "Nowak"][k % 4]);
        records.push(person(f, s, &dob, postcode).build());
        if k % 3 == 0 {
            records.push(person(&f[..f.len() - 1], s, &dob, postcode).build());
        }
    }
    let prepared = prepare(&records);
    let index = BlockingIndex::build(&prepared, 2);
    let mut model = Model::default();
    let training = train(&mut model, &prepared, &index, 2, 7).unwrap();
    assert!(training.u_pairs > 0);
    assert_eq!(training.runs.len(), 1);
    assert_eq!(training.runs[0].0, "dob_district");
    model.validate().unwrap();
    let dob = Field::ALL.iter().position(|f| *f == Field::DateOfBirth).unwrap();
    let m = |model: &Model| model.fields[dob].levels.iter().map(|l| l.m).collect::<Vec<_>>();
    assert_eq!(m(&model), m(&Model::default()), "the dates block the training rule: their m is kept");
    let forename_m = |model: &Model| model.fields[0].levels.iter().map(|l| l.m).collect::<Vec<_>>();
    assert_ne!(forename_m(&model), forename_m(&Model::default()), "the forenames' m was trained");
}

#[test]
fn candidate_pairs_are_every_pair_sharing_an_uncapped_block_whatever_the_threads() {
    // Families of near-duplicates over a few names, dates and postcodes, so that blocks of
    // many sizes overlap, some over the cap.
    let (forenames, surnames) = (["John", "Jon", "Mary", "Ann"], ["Smith", "Smyth", "Khan"]);
    let postcodes = ["SW1A 1AA", "SW1A 2BB", "CF10 1EP"];
    let mut records = Vec::new();
    for k in 0..120usize {
        let dob = format!("19{:02}-0{}-1{}", 50 + k % 7, 1 + k % 3, k % 4);
        let mut r = person(forenames[k % 4], surnames[k % 3], &dob, postcodes[k % 3]);
        if k % 5 == 0 {
            r = MatchRecord::builder().name(forenames[k % 4], surnames[(k + 1) % 3]).postcode(postcodes[k % 2]);
        }
        if k % 7 == 0 {
            // A record with two dates (a nominal holding its duplicates' dates, say).
            r = r.dob(&format!("19{:02}-1{}-0{}", 50 + k % 5, k % 3, 1 + k % 4));
        }
        records.push(r.build());
    }
    let prepared = prepare(&records);
    for max_block in [4, 12, 1_000] {
        // The reference: a pair is a candidate if some block of at most `max_block` records
        // holds both and its rule's date check (if any) passes.
        let reference_index = BlockingIndex::build(&prepared, 1);
        let block_len = |key: u64| reference_index.block(key).len();
        let mut expected = Vec::new();
        for a in 0..prepared.len() {
            for b in a + 1..prepared.len() {
                let compatible = dob_compatible(&reference_index.dobs[a], &reference_index.dobs[b]);
                let admitted = reference_index.keys[a].iter().any(|&k| {
                    reference_index.keys[b].binary_search(&k).is_ok()
                        && block_len(k) <= max_block
                        && (compatible || !rule_at(k).is_some_and(|r| DOB_CHECKED.contains(&r)))
                });
                if admitted {
                    expected.push(pack(a, b));
                }
            }
        }
        assert!(!expected.is_empty());
        for threads in [1, 3] {
            let got = BlockingIndex::build(&prepared, threads).candidate_pairs(max_block);
            assert_eq!(got.pairs, expected, "max_block {max_block}, {threads} threads");
        }
    }
}

#[test]
fn scored_pairs_come_back_in_the_order_given_whatever_the_order_of_work() {
    let mut records = Vec::new();
    for k in 0..60usize {
        let dob = format!("19{:02}-0{}-1{}", 60 + k % 4, 1 + k % 2, k % 3);
        let (forename, surname) = (["Ann", "Anne", "Bob"][k % 3], ["Lee", "Leigh", "Ray", "Khan"][k % 4]);
        records.push(person(forename, surname, &dob, ["SW1A 1AA", "M1 1AE"][k % 2]).build());
    }
    let prepared = prepare(&records);
    let model = Model::default();
    let scorer = model.scorer(None).unwrap();
    // Every pair, in an order unlike both index order and the order of work: by a
    // multiplicative hash of the pair.
    let mut pairs: Vec<u64> = (0..prepared.len()).flat_map(|a| (a + 1..prepared.len()).map(move |b| pack(a, b))).collect();
    pairs.sort_by_key(|p| p.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let expected: Vec<ScoredPair> = pairs
        .iter()
        .filter_map(|&p| {
            let (a, b) = unpack(p);
            let probability = scorer.score(&prepared[a], &prepared[b]).probability;
            (probability >= 0.01).then_some(ScoredPair { a, b, probability })
        })
        .collect();
    assert!(expected.len() > 10 && expected.len() < pairs.len(), "some pairs kept, some dropped");
    for threads in [1, 2, 5] {
        assert_eq!(score_pairs(&scorer, &prepared, &pairs, threads, 0.01), expected, "{threads} threads");
    }
}

#[test]
fn blocks_over_the_cap_are_counted_and_contribute_no_pairs() {
    // Three identical records make blocks of three; two others make blocks of two.
    let mut records = vec![person("John", "Smith", "1980-03-14", "SW1A 1AA").build(); 3];
    records.push(person("Zofia", "Kowalczyk", "1955-07-19", "CF10 1EP").build());
    records.push(person("Zofia", "Kowalczyk", "1955-07-19", "CF10 1EP").build());
    let prepared = prepare(&records);
    let index = BlockingIndex::build(&prepared, 3);

    let open = index.candidate_pairs(3);
    assert_eq!(
        open.pairs,
        vec![pack(0, 1), pack(0, 2), pack(1, 2), pack(3, 4)]
    );
    assert_eq!(open.capped_blocks, 0);
    assert_eq!(open.capped_pairs, 0);

    let capped = index.candidate_pairs(2);
    assert_eq!(
        capped.pairs,
        vec![pack(3, 4)],
        "the capped blocks' pairs are not expanded"
    );
    let keys_of_john = record_keys(&prepared[0]).len();
    assert!(keys_of_john > 1);
    assert_eq!(
        capped.capped_blocks, keys_of_john,
        "every block of three is counted"
    );
    assert_eq!(capped.capped_pairs, 3 * keys_of_john as u64);
    assert_eq!(
        capped.capped_by_rule.values().sum::<usize>(),
        capped.capped_blocks
    );
    assert!(
        capped
            .capped_by_rule
            .keys()
            .all(|r| Rule::ALL.iter().any(|x| x.name() == *r))
    );
    // The cap does not hide that the records share keys.
    assert!(index.share_key(0, 1));
    assert!(!index.share_key(0, 3));
    assert!(
        !index.share_key(0, 99),
        "an index out of range shares nothing"
    );

    // Search skips capped blocks too.
    let model = Model::default();
    let scorer = model.scorer(None).unwrap();
    assert!(
        index
            .search(&scorer, &prepared, &prepared[0], Some(0), 2)
            .is_empty()
    );
    assert_eq!(
        index
            .search(&scorer, &prepared, &prepared[0], Some(0), 3)
            .len(),
        2
    );
}

#[test]
fn score_pairs_keeps_only_likely_pairs_and_skips_unknown_records() {
    let records = vec![
        person("John", "Smith", "1980-03-14", "SW1A 1AA").build(),
        person("John", "Smith", "1980-03-14", "SW1A 1AA").build(),
        person("Mary", "Jones", "1992-11-02", "M1 1AE").build(),
    ];
    let prepared = prepare(&records);
    let model = Model::default();
    let scorer = model.scorer(None).unwrap();
    let pairs = [pack(0, 1), pack(0, 2), pack(1, 7)];
    let all = score_pairs(&scorer, &prepared, &pairs, 4, 0.0);
    assert_eq!(
        all.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(),
        vec![(0, 1), (0, 2)]
    );
    let likely = score_pairs(&scorer, &prepared, &pairs, 4, 0.5);
    assert_eq!(
        likely.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(),
        vec![(0, 1)]
    );
}
