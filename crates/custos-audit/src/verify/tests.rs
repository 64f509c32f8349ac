//! Verification tests: valid logs, each kind of tampering, and the messages.

use super::*;
use crate::log::{MemoryLog, sample_event};
use crate::checkpoint::PREVIOUS_PREFIX;
use crate::note::NoteSigner;
use proptest::prelude::*;

const ORIGIN: &str = "custos.example/audit";

fn signer() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, [7; 32]).unwrap()
}

/// A log of `n` leaves with a signed checkpoint at each of `sizes` (ascending).
fn build(n: u64, sizes: &[u64]) -> (Vec<(u64, Vec<u8>)>, Vec<String>) {
    let signer = signer();
    let mut log = MemoryLog::new(ORIGIN).unwrap();
    let mut sizes = sizes.iter().peekable();
    for i in 0..=n {
        while sizes.next_if(|&&s| s == i).is_some() {
            log.sign_checkpoint(&signer);
        }
        if i < n {
            log.append(&sample_event(i));
        }
    }
    log.into_parts()
}

fn verify(rows: &[(u64, Vec<u8>)], notes: &[String]) -> Result<VerifyReport, VerifyError> {
    verify_log(
        rows.iter().map(|(s, l)| (*s, l)),
        notes,
        ORIGIN,
        &[signer().verifier()],
    )
}

#[test]
fn valid_logs_verify_and_report_the_unsigned_tail() {
    let (rows, notes) = build(10, &[0, 3, 8]);
    let report = verify(&rows, &notes).unwrap();
    assert_eq!(
        (report.leaves, report.checkpoints, report.unsigned_tail),
        (10, 3, 2)
    );
    assert_eq!(report.latest.unwrap().size(), 8);
    let empty = verify(&[], &[]).unwrap();
    assert_eq!(
        (
            empty.leaves,
            empty.checkpoints,
            empty.latest,
            empty.unsigned_tail
        ),
        (0, 0, None, 0)
    );
    let (rows, notes) = build(5, &[5]);
    assert_eq!(verify(&rows, &notes).unwrap().unsigned_tail, 0);
}

#[test]
fn messages_name_the_entry() {
    let (rows, notes) = build(50, &[10, 50]);
    let mut changed = rows.clone();
    changed[41].1[60] ^= 1;
    assert_eq!(
        verify(&changed, &notes).unwrap_err().to_string(),
        "leaf 41: changed: its hash does not match the prev stored in leaf 42"
    );
    let mut missing = rows.clone();
    missing.remove(41);
    assert_eq!(
        verify(&missing, &notes).unwrap_err().to_string(),
        "leaf 41: missing (the next stored row is 42)"
    );
    let mut notes2 = notes.clone();
    notes2[1] = notes[0].clone();
    assert_eq!(
        verify(&rows, &notes2).unwrap_err().to_string(),
        "checkpoint 1 (size 10): size does not exceed the previous checkpoint's size 10"
    );
    let truncated = &rows[..45];
    assert_eq!(
        verify(truncated, &notes).unwrap_err().to_string(),
        "leaf 45: missing: the log ends here but checkpoint 1 has size 50"
    );
    let mut last = rows.clone();
    last[49].1[60] ^= 1;
    assert_eq!(
        verify(&last, &notes).unwrap_err().to_string(),
        "leaf 49: differs from what checkpoint 1 (size 50) signed"
    );
}

#[test]
fn checkpoint_problems_are_reported() {
    let (rows, notes) = build(4, &[2, 4]);
    let stranger = NoteSigner::from_seed(ORIGIN, [8; 32]).unwrap().verifier();
    let err = verify_log(
        rows.iter().map(|(s, l)| (*s, l)),
        &notes,
        ORIGIN,
        &[stranger],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "checkpoint 0: note has no signature from a known key"
    );
    let err = verify_log(
        rows.iter().map(|(s, l)| (*s, l)),
        &notes,
        "other/log",
        &[signer().verifier()],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "checkpoint 0 (size 2): origin is \"custos.example/audit\", expected \"other/log\""
    );
    let bad_body = signer().sign("custos.example/audit\n02\nAAAA\n").unwrap();
    let err = verify(&rows, &[bad_body]).unwrap_err();
    assert!(
        err.to_string().starts_with("checkpoint 0: line 2 (size)"),
        "{err}"
    );
    let empty_wrong = signer()
        .sign(&Checkpoint::new(ORIGIN, 0, [1; 32]).unwrap().to_body())
        .unwrap();
    assert_eq!(
        verify(&rows, &[empty_wrong]).unwrap_err(),
        VerifyError::Checkpoint {
            index: 0,
            size: Some(0),
            problem: CheckpointProblem::EmptyRoot
        }
    );
}

#[test]
fn leaf_header_problems_are_reported() {
    let (rows, notes) = build(6, &[6]);
    let mut r = rows.clone();
    r[0].1[20] ^= 1;
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        leaf_err(0, LeafProblem::FirstPrev)
    );
    let mut r = rows.clone();
    r[3].1.truncate(40);
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        leaf_err(3, LeafProblem::Truncated(40))
    );
    let mut r = rows.clone();
    r[3].1[0] = 9;
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        leaf_err(3, LeafProblem::Version(9))
    );
    let mut r = rows.clone();
    r.insert(3, r[2].clone());
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        leaf_err(3, LeafProblem::OutOfOrder { row: 2 })
    );
    // A changed prev in the last leaf, with no checkpoint vouching for leaf 4: ambiguous.
    let (rows, notes) = build(6, &[3]);
    let mut r = rows.clone();
    r[5].1[20] ^= 1;
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        VerifyError::BrokenLink { seq: 4 }
    );
    assert_eq!(
        VerifyError::BrokenLink { seq: 4 }.to_string(),
        "leaf 4: its hash does not match the prev stored in leaf 5; leaf 4 or leaf 5 was changed"
    );
    // With a checkpoint of size 5 vouching for leaf 4, leaf 5 is named.
    let (rows, notes) = build(6, &[5]);
    let mut r = rows.clone();
    r[5].1[20] ^= 1;
    assert_eq!(
        verify(&r, &notes).unwrap_err(),
        leaf_err(5, LeafProblem::PrevMismatch(4))
    );
}

/// One tampering of a valid log.
#[derive(Debug, Clone)]
enum Edit {
    FlipLeafByte { row: usize, pos: usize, xor: u8 },
    DeleteRow { row: usize },
    SwapRows { a: usize, b: usize },
    FlipNoteByte { note: usize, pos: usize, xor: u8 },
    DropSignature { note: usize },
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<usize>(), 1u8..=255)
            .prop_map(|(row, pos, xor)| Edit::FlipLeafByte { row, pos, xor }),
        any::<usize>().prop_map(|row| Edit::DeleteRow { row }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapRows { a, b }),
        (any::<usize>(), any::<usize>(), 1u8..=255)
            .prop_map(|(note, pos, xor)| Edit::FlipNoteByte { note, pos, xor }),
        any::<usize>().prop_map(|note| Edit::DropSignature { note }),
    ]
}

fn names_leaf(err: &VerifyError, target: u64) -> bool {
    match err {
        VerifyError::Leaf { seq, .. } => *seq == target,
        VerifyError::BrokenLink { seq } => *seq == target || *seq + 1 == target,
        VerifyError::Unsealed { first } => *first == target,
        VerifyError::Checkpoint { .. } | VerifyError::Trusted { .. } | VerifyError::TrustedNote(_) => false,
    }
}

/// What verification must say about an edited log.
#[derive(Debug)]
enum Expect {
    /// An error naming this leaf.
    Leaf(u64),
    /// An error naming this checkpoint.
    Checkpoint(usize),
    /// Success with this many leaves and an unsigned tail: the edit touched
    /// only the unsigned end of the log, which nothing can vouch for.
    Unsigned { leaves: u64 },
    /// Success: the edit changed nothing (a row swapped with itself).
    Unchanged,
}

/// Applies `edit` to a log of `n` leaves whose last checkpoint has size `signed`.
fn apply(
    edit: &Edit,
    rows: &mut Vec<(u64, Vec<u8>)>,
    notes: &mut [Vec<u8>],
    signed: u64,
) -> Expect {
    let n = rows.len() as u64;
    let unsigned_last = |row: usize| row as u64 == n - 1 && row as u64 >= signed;
    match *edit {
        Edit::FlipLeafByte { row, pos, xor } => {
            let row = row % rows.len();
            let pos = pos % rows[row].1.len();
            rows[row].1[pos] ^= xor;
            // The unsigned last leaf's event has no later leaf or checkpoint to check it.
            if unsigned_last(row) && pos >= 41 {
                Expect::Unsigned { leaves: n }
            } else {
                Expect::Leaf(row as u64)
            }
        }
        Edit::DeleteRow { row } => {
            let row = row % rows.len();
            rows.remove(row);
            if unsigned_last(row) {
                Expect::Unsigned { leaves: n - 1 }
            } else {
                Expect::Leaf(row as u64)
            }
        }
        Edit::SwapRows { a, b } => {
            let (a, b) = (a % rows.len(), b % rows.len());
            let (x, y) = (rows[a].1.clone(), rows[b].1.clone());
            rows[a].1 = y;
            rows[b].1 = x;
            if a == b {
                Expect::Unchanged
            } else {
                Expect::Leaf(a.min(b) as u64)
            }
        }
        Edit::FlipNoteByte { note, pos, xor } => {
            let note = note % notes.len();
            let pos = pos % notes[note].len();
            notes[note][pos] ^= xor;
            Expect::Checkpoint(note)
        }
        Edit::DropSignature { note } => {
            let note = note % notes.len();
            let text = String::from_utf8(notes[note].clone()).unwrap();
            notes[note].truncate(text.rfind("\n\n").unwrap() + 2);
            Expect::Checkpoint(note)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn unmodified_logs_verify(n in 0u64..80, picks in proptest::collection::btree_set(0u64..80, 0..6)) {
        let sizes: Vec<u64> = picks.into_iter().filter(|&s| s <= n).collect();
        let (rows, notes) = build(n, &sizes);
        let report = verify(&rows, &notes).unwrap();
        prop_assert_eq!(report.leaves, n);
        prop_assert_eq!(report.checkpoints, sizes.len() as u64);
        prop_assert_eq!(report.unsigned_tail, n - sizes.last().copied().unwrap_or(0));
    }

    #[test]
    fn any_single_edit_is_caught_and_named(
        n in 2u64..60,
        picks in proptest::collection::btree_set(0u64..60, 1..5),
        edit in edit_strategy(),
    ) {
        let sizes: Vec<u64> = picks.into_iter().filter(|&s| s <= n).collect();
        prop_assume!(!sizes.is_empty());
        let (mut rows, notes) = build(n, &sizes);
        let mut notes: Vec<Vec<u8>> = notes.into_iter().map(String::into_bytes).collect();
        let expect = apply(&edit, &mut rows, &mut notes, *sizes.last().unwrap());
        let result = verify_log(rows.iter().map(|(s, l)| (*s, l)), &notes, ORIGIN, &[signer().verifier()]);
        match (expect, result) {
            (Expect::Leaf(t), Err(err)) => prop_assert!(names_leaf(&err, t), "{err}: expected leaf {t} ({edit:?})"),
            (Expect::Checkpoint(k), Err(err)) => prop_assert!(
                matches!(err, VerifyError::Checkpoint { index, .. } if index == k),
                "{err}: expected checkpoint {k} ({edit:?})"
            ),
            (Expect::Unsigned { leaves }, Ok(report)) => {
                // Deleting the one unsigned leaf leaves an unsigned tail of zero.
                prop_assert_eq!(report.leaves, leaves);
                prop_assert_eq!(report.unsigned_tail, leaves - *sizes.last().unwrap());
            }
            (Expect::Unchanged, Ok(_)) => {}
            (expect, result) => prop_assert!(false, "{edit:?}: expected {expect:?}, got {result:?}"),
        }
    }
}

fn verify_trusting(rows: &[(u64, Vec<u8>)], notes: &[String], trusted: Checkpoint) -> Result<VerifyReport, VerifyError> {
    let verifiers = [signer().verifier()];
    let mut v = LogVerifier::new(ORIGIN, &verifiers, notes).trusting(trusted);
    for (seq, leaf) in rows {
        v.push(*seq, leaf)?;
    }
    v.finish()
}

#[test]
fn a_trusted_checkpoint_catches_truncation_and_rewrites_behind_deleted_checkpoints() {
    let (rows, notes) = build(10, &[4, 10]);
    let trusted = verify(&rows, &notes).unwrap().latest.unwrap();
    assert_eq!(trusted.size(), 10);
    verify_trusting(&rows, &notes, trusted.clone()).expect("the intact log holds the trusted tree");
    // Truncation: the last checkpoint and the leaves after size 4 deleted. The rest still verifies…
    let (short_rows, short_notes) = (rows[..4].to_vec(), notes[..1].to_vec());
    assert!(verify(&short_rows, &short_notes).is_ok());
    // …but not against the checkpoint kept outside.
    let err = verify_trusting(&short_rows, &short_notes, trusted.clone()).unwrap_err();
    assert!(matches!(err, VerifyError::Trusted { size: 10, found: 4 }), "{err}");
    // A rewrite: every checkpoint deleted, a different log of the same size in its place.
    let (forged, _) = {
        let mut log = MemoryLog::new(ORIGIN).unwrap();
        for i in 0..10 {
            log.append(&sample_event(i + 100));
        }
        log.into_parts()
    };
    assert!(verify(&forged, &[]).is_ok(), "without checkpoints anything chains");
    let err = verify_trusting(&forged, &[], trusted).unwrap_err();
    assert!(matches!(err, VerifyError::Trusted { size: 10, .. }), "{err}");
    assert!(err.to_string().contains("truncated or rewritten"), "{err}");
}

#[test]
fn require_sealed_refuses_an_unsigned_tail() {
    let (rows, notes) = build(6, &[4]);
    let err = verify(&rows, &notes).unwrap().require_sealed().unwrap_err();
    assert!(matches!(err, VerifyError::Unsealed { first: 4 }), "{err}");
    assert!(err.to_string().starts_with("leaf 4: not covered"), "{err}");
    let (rows, notes) = build(6, &[6]);
    verify(&rows, &notes).unwrap().require_sealed().expect("fully sealed");
    let (rows, _) = build(3, &[]);
    assert!(matches!(verify(&rows, &[]).unwrap().require_sealed(), Err(VerifyError::Unsealed { first: 0 })));
}

#[test]
fn a_checkpoint_deleted_from_the_middle_is_missed_by_its_successor() {
    let (rows, _) = build(9, &[]);
    let hashes: Vec<Hash> = rows.iter().map(|(_, leaf)| leaf_hash(leaf)).collect();
    let mut previous = 0;
    let notes: Vec<String> = [3u64, 6, 9]
        .iter()
        .map(|&size| {
            let cp = Checkpoint::new(ORIGIN, size, crate::merkle::root(&hashes[..size as usize]))
                .unwrap()
                .with_extension(&format!("{PREVIOUS_PREFIX}{previous}"))
                .unwrap();
            previous = size;
            assert_eq!(cp.previous_size(), Some(previous_of(size)));
            signer().sign_checkpoint(&cp)
        })
        .collect();
    verify(&rows, &notes).unwrap().require_sealed().expect("all checkpoints in place");
    let without_middle = [notes[0].clone(), notes[2].clone()];
    let err = verify(&rows, &without_middle).unwrap_err();
    assert!(
        matches!(&err, VerifyError::Checkpoint { index: 1, problem: CheckpointProblem::PreviousMissing { named: 6, stored: 3 }, .. }),
        "{err}"
    );
    let without_first = [notes[1].clone(), notes[2].clone()];
    assert!(matches!(verify(&rows, &without_first).unwrap_err(), VerifyError::Checkpoint { index: 0, .. }));
}

fn previous_of(size: u64) -> u64 {
    size - 3
}
