//! Tests against the Certificate Transparency reference vectors, plus properties.
//!
//! Vectors come from github.com/transparency-dev/merkle (the Go library that
//! certificate-transparency-go's Merkle code moved to):
//! `testonly/constants.go` (`LeafInputs`, `NodeHashes`, `RootHashes`,
//! `CompactTrees`) and `proof/verify_test.go` (`inclusionProofs`,
//! `consistencyProofs`, and the corruptions in `corruptInclusionProof` /
//! `corruptConsistencyProof`). Leaf numbers in `inclusionProofs` are 1-based
//! there; they are 0-based indices here.

use super::*;
use proptest::prelude::*;

fn h(s: &str) -> Hash {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).unwrap();
    out
}

fn leaf_inputs() -> Vec<Vec<u8>> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|s| hex::decode(s).unwrap())
    .collect()
}

fn leaf_hashes() -> Vec<Hash> {
    leaf_inputs().iter().map(|l| leaf_hash(l)).collect()
}

/// `RootHashes()`, indexed by tree size 0..=8.
const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// `NodeHashes()`: level 0 (leaves) .. level 3 (root of 8).
const NODES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

fn node(level: usize, index: usize) -> Hash {
    h(NODES[level][index])
}

/// `CompactTrees()`: (level, index) of each frontier node, by tree size.
const COMPACT: [&[(usize, usize)]; 9] = [
    &[],
    &[(0, 0)],
    &[(1, 0)],
    &[(1, 0), (0, 2)],
    &[(2, 0)],
    &[(2, 0), (0, 4)],
    &[(2, 0), (1, 2)],
    &[(2, 0), (1, 2), (0, 6)],
    &[(3, 0)],
];

/// `inclusionProofs` (0-based index, size, proof).
fn inclusion_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (0, 1, vec![]),
        (0, 8, vec![node(0, 1), node(1, 1), node(2, 1)]),
        (5, 8, vec![node(0, 4), node(1, 3), node(2, 0)]),
        (2, 3, vec![node(1, 0)]),
        (1, 5, vec![node(0, 0), node(1, 1), node(0, 4)]),
    ]
}

/// `consistencyProofs` (size1, size2, proof).
fn consistency_vectors() -> Vec<(u64, u64, Vec<Hash>)> {
    vec![
        (1, 1, vec![]),
        (1, 8, vec![node(0, 1), node(1, 1), node(2, 1)]),
        (6, 8, vec![node(1, 2), node(1, 3), node(2, 0)]),
        (2, 5, vec![node(1, 1), node(0, 4)]),
        (6, 7, vec![node(1, 2), node(0, 6), node(2, 0)]),
    ]
}

#[test]
fn leaf_hashes_match_reference_level_zero() {
    for (i, got) in leaf_hashes().iter().enumerate() {
        assert_eq!(*got, node(0, i), "leaf {i}");
    }
}

#[test]
fn roots_match_reference_for_every_size() {
    let leaves = leaf_hashes();
    assert_eq!(EMPTY_ROOT, h(ROOTS[0]));
    for (size, want) in ROOTS.iter().enumerate() {
        assert_eq!(root(&leaves[..size]), h(want), "size {size}");
    }
}

#[test]
fn frontier_matches_reference_compact_trees_and_roots() {
    let leaves = leaf_hashes();
    let mut frontier = Frontier::new();
    for size in 0..=8 {
        let want: Vec<Hash> = COMPACT[size].iter().map(|&(l, i)| node(l, i)).collect();
        assert_eq!(frontier.nodes(), want.as_slice(), "size {size}");
        assert_eq!(frontier.size(), size as u64);
        assert_eq!(frontier.root(), h(ROOTS[size]), "size {size}");
        let restored = Frontier::from_bytes(&frontier.to_bytes()).unwrap();
        assert_eq!(restored, frontier);
        if size < 8 {
            frontier.push(leaves[size]);
        }
    }
}

#[test]
fn frontier_from_bytes_rejects_wrong_lengths() {
    let mut frontier = Frontier::new();
    for l in leaf_hashes().iter().take(7) {
        frontier.push(*l);
    }
    let bytes = frontier.to_bytes();
    assert_eq!(bytes.len(), 8 + 3 * 32);
    for cut in [0, 7, 8, 8 + 32, bytes.len() - 1] {
        assert!(Frontier::from_bytes(&bytes[..cut]).is_err(), "cut {cut}");
    }
    let mut long = bytes.clone();
    long.push(0);
    let err = Frontier::from_bytes(&long).unwrap_err();
    assert_eq!(
        err.to_string(),
        "frontier encoding is 105 bytes; size 7 needs 104"
    );
    let mut huge = u64::MAX.to_be_bytes().to_vec();
    huge.extend_from_slice(&[0; 64 * 32]);
    assert_eq!(
        Frontier::from_bytes(&huge),
        Err(MerkleError::FrontierSize(u64::MAX))
    );
}

#[test]
fn inclusion_proofs_match_reference() {
    let leaves = leaf_hashes();
    for (index, size, want) in inclusion_vectors() {
        let tree = &leaves[..size as usize];
        assert_eq!(
            inclusion_proof(tree, index).unwrap(),
            want,
            "{index}/{size}"
        );
        let r = h(ROOTS[size as usize]);
        assert!(verify_inclusion(
            &leaves[index as usize],
            index,
            size,
            &want,
            &r
        ));
    }
}

/// The probes of `corruptInclusionProof`; every one must fail.
#[test]
fn corrupted_inclusion_proofs_fail() {
    let leaves = leaf_hashes();
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (index, size, proof) in inclusion_vectors().into_iter().skip(1) {
        let r = h(ROOTS[size as usize]);
        let l = leaves[index as usize];
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (index.wrapping_sub(1), size, r, l, proof.clone()),
            (index + 1, size, r, l, proof.clone()),
            (index ^ 2, size, r, l, proof.clone()),
            (index, size * 2, r, l, proof.clone()),
            (index, size / 2, r, l, proof.clone()),
            (index, size, r, leaf_hash(b"WrongLeaf"), proof.clone()),
            (index, size, EMPTY_ROOT, l, proof.clone()),
            (index, size, some, l, proof.clone()),
            (index, size, r, l, [proof.clone(), vec![r]].concat()),
            (index, size, r, l, [vec![r], proof.clone()].concat()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 8;
            probes.push((index, size, r, l, p));
        }
        if !proof.is_empty() {
            probes.push((index, size, r, l, proof[..proof.len() - 1].to_vec()));
        }
        if proof.len() > 1 {
            probes.push((
                index,
                size,
                r,
                l,
                [vec![proof[0], some], proof[1..].to_vec()].concat(),
            ));
        }
        for (n, (i, s, r, l, p)) in probes.iter().enumerate() {
            assert!(
                !verify_inclusion(l, *i, *s, p, r),
                "vector {index}/{size} probe {n}"
            );
        }
    }
}

/// `TestVerifyInclusion`: empty proofs against bad sizes never verify.
#[test]
fn inclusion_rejects_impossible_positions() {
    let some = h("abacaba000000000000000000000000000000000000000000060061e00123456");
    for (index, size) in [(0, 0), (1, 0), (2, 1)] {
        assert!(!verify_inclusion(&some, index, size, &[], &some));
    }
    assert!(!verify_inclusion(&some, 0, 1, &[], &EMPTY_ROOT));
    assert!(verify_inclusion(&some, 0, 1, &[], &some));
    assert!(inclusion_proof(&leaf_hashes(), 8).is_err());
}

#[test]
fn consistency_proofs_match_reference() {
    let leaves = leaf_hashes();
    for (m, n, want) in consistency_vectors() {
        let got = consistency_proof(&leaves[..n as usize], m).unwrap();
        assert_eq!(got, want, "{m}->{n}");
        let (r1, r2) = (h(ROOTS[m as usize]), h(ROOTS[n as usize]));
        assert!(verify_consistency(m, n, &r1, &r2, &want), "{m}->{n}");
    }
}

/// The probes of `corruptConsistencyProof`; every one must fail.
#[test]
fn corrupted_consistency_proofs_fail() {
    let wrong = leaf_hash(b"WrongRoot");
    for (m, n, proof) in consistency_vectors().into_iter().skip(1) {
        let (r1, r2) = (h(ROOTS[m as usize]), h(ROOTS[n as usize]));
        let mut probes: Vec<(u64, u64, Hash, Hash, Vec<Hash>)> = vec![
            (m - 1, n, r1, r2, proof.clone()),
            (m + 1, n, r1, r2, proof.clone()),
            (m ^ 2, n, r1, r2, proof.clone()),
            (m, n * 2, r1, r2, proof.clone()),
            (m, n / 2, r1, r2, proof.clone()),
            (m, n, wrong, r2, proof.clone()),
            (m, n, r1, wrong, proof.clone()),
            (m, n, r2, r1, proof.clone()),
            (m, n, r1, r2, vec![]),
            (m, n, r1, r2, [proof.clone(), vec![r1]].concat()),
            (m, n, r1, r2, [proof.clone(), vec![r2]].concat()),
            (m, n, r1, r2, [vec![r1], proof.clone()].concat()),
            (m, n, r1, r2, [vec![r2], proof.clone()].concat()),
            (m, n, r1, r2, [vec![proof[0]], proof.clone()].concat()),
            (m, n, r1, r2, proof[..proof.len() - 1].to_vec()),
        ];
        for i in 0..proof.len() {
            let mut p = proof.clone();
            p[i][0] ^= 16;
            probes.push((m, n, r1, r2, p));
        }
        for (k, (a, b, x, y, p)) in probes.iter().enumerate() {
            assert!(
                !verify_consistency(*a, *b, x, y, p),
                "vector {m}->{n} probe {k}"
            );
        }
    }
}

/// `TestVerifyConsistency`'s table of edge cases.
#[test]
fn consistency_edge_cases() {
    let (r1, r2) = (leaf_hash(b"don't care 1"), leaf_hash(b"don't care 2"));
    let e = EMPTY_ROOT;
    type Case<'a> = (u64, u64, Hash, Hash, &'a [Hash], bool);
    let cases: [Case; 13] = [
        (0, 0, r1, r2, &[], false),
        (1, 1, r1, r2, &[], false),
        (0, 0, r1, r1, &[], true),
        (0, 1, r1, r2, &[], true),
        (1, 1, r2, r2, &[], true),
        (1, 0, r1, r2, &[], false),
        (2, 1, r1, r2, &[], false),
        (1, 2, r1, r2, &[], false),
        (0, 0, e, r2, &[], false),
        (1, 1, e, r2, &[], false),
        (0, 0, e, e, &[e], false),
        (0, 1, e, e, &[e], false),
        (1, 1, e, e, &[e], false),
    ];
    for (k, (m, n, a, b, p, ok)) in cases.iter().enumerate() {
        assert_eq!(verify_consistency(*m, *n, a, b, p), *ok, "case {k}");
    }
    assert!(consistency_proof(&leaf_hashes(), 9).is_err());
}

fn distinct_leaves(n: usize) -> Vec<Hash> {
    (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

proptest! {
    #[test]
    fn frontier_root_equals_root(n in 0usize..300) {
        let leaves = distinct_leaves(n);
        let mut f = Frontier::new();
        for (i, l) in leaves.iter().enumerate() {
            prop_assert_eq!(f.root(), root(&leaves[..i]));
            f.push(*l);
        }
        prop_assert_eq!(f.root(), root(&leaves));
        prop_assert_eq!(f.nodes().len(), n.count_ones() as usize);
    }

    #[test]
    fn inclusion_proofs_verify_and_resist_tampering(
        n in 1usize..300, pick in any::<u64>(), other in any::<u64>(),
        which in any::<usize>(), byte in 0usize..32, flip in 1u8..=255,
    ) {
        let leaves = distinct_leaves(n);
        let index = pick % n as u64;
        let r = root(&leaves);
        let proof = inclusion_proof(&leaves, index).unwrap();
        let size = n as u64;
        prop_assert!(verify_inclusion(&leaves[index as usize], index, size, &proof, &r));
        if !proof.is_empty() {
            let mut bad = proof.clone();
            bad[which % proof.len()][byte] ^= flip;
            prop_assert!(!verify_inclusion(&leaves[index as usize], index, size, &bad, &r));
        }
        let mut bad_leaf = leaves[index as usize];
        bad_leaf[byte] ^= flip;
        prop_assert!(!verify_inclusion(&bad_leaf, index, size, &proof, &r));
        let wrong_index = other % size;
        if wrong_index != index {
            prop_assert!(!verify_inclusion(&leaves[index as usize], wrong_index, size, &proof, &r));
        }
        // The Go corruptions of the size. (Not every other size fails: leaf 0
        // of 3 and leaf 0 of 4 have paths of the same shape, so a proof is
        // bound to the size through the root, which the checkpoint signs.)
        prop_assert!(!verify_inclusion(&leaves[index as usize], index, size * 2, &proof, &r));
        if index < size / 2 {
            prop_assert!(!verify_inclusion(&leaves[index as usize], index, size / 2, &proof, &r));
        }
    }

    #[test]
    fn consistency_proofs_verify_and_resist_tampering(
        n in 1usize..300, pick in any::<u64>(), which in any::<usize>(),
        byte in 0usize..32, flip in 1u8..=255,
    ) {
        let leaves = distinct_leaves(n);
        let m = pick % (n as u64 + 1);
        let (r1, r2) = (root(&leaves[..m as usize]), root(&leaves));
        let proof = consistency_proof(&leaves, m).unwrap();
        prop_assert!(verify_consistency(m, n as u64, &r1, &r2, &proof));
        if !proof.is_empty() {
            let mut bad = proof.clone();
            bad[which % proof.len()][byte] ^= flip;
            prop_assert!(!verify_consistency(m, n as u64, &r1, &r2, &bad));
            prop_assert!(!verify_consistency(m, n as u64, &r2, &r1, &proof));
            prop_assert!(!verify_consistency(m + 1, n as u64, &r1, &r2, &proof));
            prop_assert!(!verify_consistency(m - 1, n as u64, &r1, &r2, &proof));
        }
        if m > 0 && (m as usize) < n {
            let mut bad_root = r1;
            bad_root[byte] ^= flip;
            prop_assert!(!verify_consistency(m, n as u64, &bad_root, &r2, &proof));
            let mut bad_root = r2;
            bad_root[byte] ^= flip;
            prop_assert!(!verify_consistency(m, n as u64, &r1, &bad_root, &proof));
        }
    }
}
