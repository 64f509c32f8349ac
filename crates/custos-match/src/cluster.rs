//! Clustering scored pairs into people: union–find (Tarjan 1975) over pairs at or above a
//! threshold, strongest first, refusing any join that would put two different values of a unique
//! identifier (PNC ID, NI number) in one cluster, or two dates of birth that cannot be one
//! person's (further apart than any keying slip: [`DobLevel::Different`]). Refused joins are
//! returned as conflicts for a human to review, never resolved silently.
//!
//! The date-of-birth rule is what stops a chain: a record with no date of birth can score high
//! against a mother and against her daughter of the same name, and transitive closure would then
//! make the two one person although no one compared them. So before two clusters are joined by a
//! pair one of whose records has no date of birth, every pair across them other than the joining
//! pair is scored, and the join is refused if one
//! of those pairs has dates of birth too far apart for a slip *and* the model finds it unlikely
//! (below [`crate::link::KEEP_PROBABILITY`]): the record joins its better
//! match only, and the other link goes before a person (Christen 2012, "Data Matching", §6.8 on
//! cluster consistency). The joining pair itself is judged by its own score, which already
//! weighed its dates.

use custos_core::person::IdentifierKind;
use serde::{Deserialize, Serialize};

use crate::compare::{DobLevel, dob_level};
use crate::link::KEEP_PROBABILITY;
use crate::model::Scorer;
use crate::record::{BirthDate, Prepared};

/// A scored pair of record indices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScoredPair {
    pub a: usize,
    pub b: usize,
    pub probability: f64,
}

/// What two clusters disagree on, so that they may not be joined without a person's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictOn {
    /// Different values of a unique identifier.
    Identifier(IdentifierKind),
    /// Dates of birth too far apart for a keying slip.
    DateOfBirth,
}

impl ConflictOn {
    /// A stable name: the identifier kind's, or `date_of_birth`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConflictOn::Identifier(kind) => kind.as_str(),
            ConflictOn::DateOfBirth => "date_of_birth",
        }
    }
}

/// A join refused because the two sides carry different values of a unique identifier or dates
/// of birth that cannot be the same person's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub pair: ScoredPair,
    pub kind: ConflictOn,
    /// The values on each side (sorted; dates as YYYY-MM-DD).
    pub a_values: Vec<String>,
    pub b_values: Vec<String>,
}

/// Clusters (each sorted, singletons included, ordered by first member) and refused joins.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Clustering {
    pub clusters: Vec<Vec<usize>>,
    pub conflicts: Vec<Conflict>,
}

/// The match probability at or above which a pair is linked without review (clustering and
/// the `bench match` measurement use it). Pairs below it but still likely are for a human to
/// review; 0.9 keeps wrong merges, the costly error in a police index, to about one in ten of
/// the pairs at the very boundary and far fewer overall, since most true pairs score near 1.
pub const AUTO_LINK_PROBABILITY: f64 = 0.9;

/// The match probability from which a pair that is not linked automatically goes to the
/// duplicate-review queue for a records manager to link or reject. Below it a pair is taken to be
/// two people: at 0.5 the evidence for one person at least equals the evidence against.
pub const REVIEW_PROBABILITY: f64 = 0.5;

const UNIQUE: [IdentifierKind; 3] = [IdentifierKind::PncId, IdentifierKind::CroNumber, IdentifierKind::NiNumber];

/// Clusters `records` by the pairs in `pairs` with probability ≥ `threshold`. Pairs naming a
/// record index out of range are ignored.
pub fn cluster(records: &[Prepared], pairs: &[ScoredPair], threshold: f64, scorer: &Scorer<'_>) -> Clustering {
    cluster_with(records, pairs, threshold, &[], scorer)
}

/// As [`cluster`], and never puts the two records of a `cannot_link` pair (a person decided they
/// are two people) in one cluster, directly or through others: such a join is skipped.
pub fn cluster_with(
    records: &[Prepared],
    pairs: &[ScoredPair],
    threshold: f64,
    cannot_link: &[(usize, usize)],
    scorer: &Scorer<'_>,
) -> Clustering {
    let n = records.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // Each root's members, for the cross-cluster check.
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    // Per root: the records its cluster may not be joined with (found through `find`).
    let mut forbidden: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in cannot_link.iter().filter(|(a, b)| *a < n && *b < n && a != b) {
        forbidden[a].push(b);
        forbidden[b].push(a);
    }
    // The unique identifier values held by each root's cluster, per kind.
    let mut ids: Vec<[Vec<String>; 3]> = records
        .iter()
        .map(|r| {
            UNIQUE.map(|k| {
                let mut v: Vec<String> = r.identifier(k).map(str::to_owned).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
        })
        .collect();
    let mut sorted: Vec<ScoredPair> = pairs
        .iter()
        .filter(|p| p.probability >= threshold && p.a < n && p.b < n)
        .copied()
        .collect();
    sorted.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    let mut conflicts = Vec::new();
    for pair in sorted {
        let (ra, rb) = (find(&mut parent, pair.a), find(&mut parent, pair.b));
        if ra == rb {
            continue;
        }
        let clash = (0..UNIQUE.len()).find(|&k| {
            let (x, y) = (&ids[ra][k], &ids[rb][k]);
            !x.is_empty() && !y.is_empty() && !x.iter().any(|v| y.contains(v))
        });
        if let Some(k) = clash {
            conflicts.push(Conflict {
                pair,
                kind: ConflictOn::Identifier(UNIQUE[k]),
                a_values: ids[ra][k].clone(),
                b_values: ids[rb][k].clone(),
            });
            continue;
        }
        let refused = forbidden[ra].clone().into_iter().any(|f| find(&mut parent, f) == rb)
            || forbidden[rb].clone().into_iter().any(|f| find(&mut parent, f) == ra);
        if refused {
            continue;
        }
        // (The joining pair itself is never `apart`: one of its records has no date.)
        let apart = |x: usize, y: usize| {
            dobs_apart(&records[x].dates_of_birth, &records[y].dates_of_birth)
                && scorer.score(&records[x], &records[y]).probability < KEEP_PROBABILITY
        };
        // Only a join made without dates (one side has none) can chain two dated people; a join
        // whose own dates agree was decided on them, and a third record's gross keying error
        // must not split it.
        let undated = records[pair.a].dates_of_birth.is_empty() || records[pair.b].dates_of_birth.is_empty();
        if undated && members[ra].iter().any(|&x| members[rb].iter().any(|&y| apart(x, y))) {
            let dates = |root: usize| {
                let mut d: Vec<BirthDate> = members[root].iter().flat_map(|&i| records[i].dates_of_birth.iter().copied()).collect();
                d.sort_unstable();
                d.dedup();
                d.iter().map(BirthDate::iso).collect()
            };
            conflicts.push(Conflict {
                pair,
                kind: ConflictOn::DateOfBirth,
                a_values: dates(ra),
                b_values: dates(rb),
            });
            continue;
        }
        parent[rb] = ra;
        let moved = std::mem::take(&mut forbidden[rb]);
        forbidden[ra].extend(moved);
        let moved = std::mem::take(&mut members[rb]);
        members[ra].extend(moved);
        let moved = std::mem::take(&mut ids[rb]);
        for (k, values) in moved.into_iter().enumerate() {
            ids[ra][k].extend(values);
            ids[ra][k].sort_unstable();
            ids[ra][k].dedup();
        }
    }
    let mut groups: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut clusters: Vec<Vec<usize>> = groups.into_values().collect();
    clusters.sort_by_key(|c| c.first().copied());
    Clustering {
        clusters,
        conflicts,
    }
}

/// Whether two records' dates of birth are all too far apart for a slip (both known).
fn dobs_apart(a: &[BirthDate], b: &[BirthDate]) -> bool {
    !a.is_empty() && !b.is_empty() && a.iter().all(|x| b.iter().all(|y| dob_level(*x, *y) == DobLevel::Different))
}

/// Root of `i`, halving paths as it goes.
fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Model;
    use crate::record::MatchRecord;

    fn cluster(records: &[Prepared], pairs: &[ScoredPair], threshold: f64) -> Clustering {
        super::cluster(records, pairs, threshold, &Model::default().scorer(None).unwrap())
    }

    fn cluster_with(records: &[Prepared], pairs: &[ScoredPair], threshold: f64, cannot_link: &[(usize, usize)]) -> Clustering {
        super::cluster_with(records, pairs, threshold, cannot_link, &Model::default().scorer(None).unwrap())
    }

    fn rec(pnc: Option<&str>) -> Prepared {
        let mut b = MatchRecord::builder().name("John", "Smith");
        if let Some(p) = pnc {
            b = b.identifier(IdentifierKind::PncId, p);
        }
        Prepared::new(&b.build())
    }

    fn pair(a: usize, b: usize, probability: f64) -> ScoredPair {
        ScoredPair { a, b, probability }
    }

    #[test]
    fn joins_above_threshold_transitively() {
        let records: Vec<Prepared> = (0..5).map(|_| rec(None)).collect();
        let c = cluster(
            &records,
            &[
                pair(0, 1, 0.99),
                pair(1, 2, 0.95),
                pair(3, 4, 0.4),
                pair(9, 0, 1.0),
            ],
            0.9,
        );
        assert_eq!(c.clusters, vec![vec![0, 1, 2], vec![3], vec![4]]);
        assert!(c.conflicts.is_empty());
    }

    #[test]
    fn never_joins_different_pnc_ids_even_transitively() {
        // 0 and 2 carry different PNC IDs; 1 has none and links strongly to both.
        let records = vec![
            rec(Some("08/56560z")),
            rec(None),
            rec(Some("2010/0000001X")),
        ];
        let c = cluster(&records, &[pair(0, 1, 0.99), pair(1, 2, 0.98)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1], vec![2]]);
        assert_eq!(c.conflicts.len(), 1);
        assert_eq!(c.conflicts[0].kind, ConflictOn::Identifier(IdentifierKind::PncId));
        assert_eq!(c.conflicts[0].pair, pair(1, 2, 0.98));
        assert_eq!(c.conflicts[0].a_values, ["2008/0056560Z"]);
    }

    #[test]
    fn a_rejected_pair_is_never_joined_even_through_others() {
        let records: Vec<Prepared> = (0..4).map(|_| rec(None)).collect();
        let pairs = [pair(0, 1, 0.99), pair(1, 2, 0.98), pair(2, 3, 0.97)];
        assert_eq!(cluster(&records, &pairs, 0.9).clusters, vec![vec![0, 1, 2, 3]]);
        let c = cluster_with(&records, &pairs, 0.9, &[(2, 0)]);
        assert_eq!(c.clusters, vec![vec![0, 1], vec![2, 3]]);
        assert!(c.conflicts.is_empty());
    }

    #[test]
    fn never_joins_different_cro_numbers() {
        let cro = |v: &str| Prepared::new(&MatchRecord::builder().name("John", "Smith").identifier(IdentifierKind::CroNumber, v).build());
        let records = vec![cro("000001/12A"), rec(None), cro("000002/12B")];
        let c = cluster(&records, &[pair(0, 1, 0.99), pair(1, 2, 0.98)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1], vec![2]]);
        assert_eq!(c.conflicts[0].kind, ConflictOn::Identifier(IdentifierKind::CroNumber));
    }

    #[test]
    fn a_record_without_a_date_of_birth_does_not_chain_two_people() {
        // A mother and her daughter of the same name, and a record of one of them with no date
        // of birth, scoring high against both: it joins the stronger, never both.
        let born = |dob: &str| Prepared::new(&MatchRecord::builder().name("Katarzyna", "Kowalska").dob(dob).build());
        let records = vec![born("1980-05-01"), rec(None), born("2012-05-01")];
        let c = cluster(&records, &[pair(1, 2, 0.97), pair(0, 1, 0.99)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1], vec![2]]);
        assert_eq!(c.conflicts.len(), 1);
        assert_eq!(c.conflicts[0].kind, ConflictOn::DateOfBirth);
        assert_eq!(c.conflicts[0].kind.as_str(), "date_of_birth");
        assert_eq!((c.conflicts[0].a_values.clone(), c.conflicts[0].b_values.clone()), (vec!["1980-05-01".to_owned()], vec!["2012-05-01".to_owned()]));
        // A keying slip is not a conflict: 1980-05-01 and 1980-01-05 are one person's dates.
        let slips = vec![born("1980-05-01"), rec(None), born("1980-01-05")];
        let c = cluster(&slips, &[pair(1, 2, 0.97), pair(0, 1, 0.99)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1, 2]]);
        assert!(c.conflicts.is_empty());
        // Dates far apart do not split what the model still believes is one person: here the
        // two dated records share an NI number, and one date is a gross keying error.
        let ni = |dob: &str| {
            Prepared::new(&MatchRecord::builder().name("Katarzyna", "Kowalska").dob(dob).identifier(IdentifierKind::NiNumber, "AB123456C").build())
        };
        let believed = vec![ni("1980-05-01"), rec(None), ni("2012-05-01")];
        let c = cluster(&believed, &[pair(1, 2, 0.97), pair(0, 1, 0.99)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1, 2]]);
        assert!(c.conflicts.is_empty());
    }

    #[test]
    fn same_pnc_id_joins() {
        let records = vec![rec(Some("08/56560z")), rec(Some("2008/0056560Z"))];
        let c = cluster(&records, &[pair(0, 1, 0.95)], 0.9);
        assert_eq!(c.clusters, vec![vec![0, 1]]);
        assert!(c.conflicts.is_empty());
        assert_eq!(cluster(&[], &[pair(0, 1, 1.0)], 0.5), Clustering::default());
    }
}
