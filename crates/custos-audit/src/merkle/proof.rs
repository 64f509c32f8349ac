//! Inclusion and consistency proofs: generation per RFC 6962 §2.1.1–2.1.2,
//! verification per RFC 9162 §2.1.3.2 and §2.1.4.2.
//!
//! Generation works from the full list of leaf hashes (O(n) hashing); the
//! verifiers need only the proof, the sizes and the roots.

use super::{Hash, MerkleError, node_hash, root, split_point};

/// The audit path `PATH(index, D[n])` for the leaf at `index` (RFC 6962 §2.1.1).
///
/// # Errors
/// [`MerkleError::IndexOutOfRange`] if `index >= leaf_hashes.len()`.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, MerkleError> {
    let size = leaf_hashes.len() as u64;
    let Some(m) = usize::try_from(index)
        .ok()
        .filter(|&m| m < leaf_hashes.len())
    else {
        return Err(MerkleError::IndexOutOfRange { index, size });
    };
    let mut proof = Vec::new();
    path(m, leaf_hashes, &mut proof);
    Ok(proof)
}

/// PATH(m, D\[n\]), appending bottom-up as the RFC's recursion does.
fn path(m: usize, d: &[Hash], out: &mut Vec<Hash>) {
    if d.len() <= 1 {
        return;
    }
    let k = split_point(d.len());
    if m < k {
        path(m, &d[..k], out);
        out.push(root(&d[k..]));
    } else {
        path(m - k, &d[k..], out);
        out.push(root(&d[..k]));
    }
}

/// Checks an inclusion proof (RFC 9162 §2.1.3.2).
///
/// `false` for any index outside the tree, any proof of the wrong length and
/// any hash that does not reproduce `root`.
#[must_use]
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == *root
}

/// The consistency proof `PROOF(old_size, D[n])` (RFC 6962 §2.1.2).
///
/// Empty when `old_size` is 0 or equals the tree size: those pairs are
/// consistent by definition (as in certificate-transparency-go).
///
/// # Errors
/// [`MerkleError::OldSizeOutOfRange`] if `old_size > leaf_hashes.len()`.
pub fn consistency_proof(leaf_hashes: &[Hash], old_size: u64) -> Result<Vec<Hash>, MerkleError> {
    let size = leaf_hashes.len() as u64;
    let Some(m) = usize::try_from(old_size)
        .ok()
        .filter(|&m| m <= leaf_hashes.len())
    else {
        return Err(MerkleError::OldSizeOutOfRange { old_size, size });
    };
    let mut proof = Vec::new();
    if m > 0 {
        subproof(m, leaf_hashes, true, &mut proof);
    }
    Ok(proof)
}

/// SUBPROOF(m, D\[n\], b) from RFC 6962 §2.1.2.
fn subproof(m: usize, d: &[Hash], b: bool, out: &mut Vec<Hash>) {
    let n = d.len();
    if m == n {
        if !b {
            out.push(root(d));
        }
        return;
    }
    let k = split_point(n);
    if m <= k {
        subproof(m, &d[..k], b, out);
        out.push(root(&d[k..]));
    } else {
        subproof(m - k, &d[k..], false, out);
        out.push(root(&d[..k]));
    }
}

/// Checks a consistency proof between two tree heads (RFC 9162 §2.1.4.2).
///
/// Sizes 0 → n and n → n are consistent with an empty proof (the latter only
/// when the roots are equal); any other proof for them is rejected.
#[must_use]
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty();
    }
    let Some((first, rest)) = proof.split_first() else {
        return false;
    };
    // Step 1: when old_size is a power of two the old root is the first node
    // of the path, and the proof omits it.
    let (seed, path) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        (first, rest)
    };
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut f_r, mut s_r) = (*seed, *seed);
    for c in path {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            f_r = node_hash(c, &f_r);
            s_r = node_hash(c, &s_r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            s_r = node_hash(&s_r, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    f_r == *old_root && s_r == *new_root && s_n == 0
}
