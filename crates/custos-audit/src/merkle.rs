//! RFC 6962 / RFC 9162 Merkle tree hashing over SHA-256.
//!
//! A leaf hashes as `SHA-256(0x00 || leaf)` and an interior node as
//! `SHA-256(0x01 || left || right)` (RFC 9162 §2.1.1); the tree over `n`
//! leaves splits at the largest power of two strictly below `n`. The empty
//! tree's hash is `SHA-256("")`.
//!
//! [`Frontier`] is the integrator's whole state: the roots of the perfect
//! subtrees that make up the tree so far (a "compact range"), at most 64
//! hashes, so a log can be extended without re-reading its leaves.
//! Inclusion and consistency proofs live in the private `proof` module and
//! are re-exported here.

mod proof;
#[cfg(test)]
mod tests;

pub use proof::{consistency_proof, inclusion_proof, verify_consistency, verify_inclusion};

use sha2::{Digest, Sha256};

/// A SHA-256 hash: a leaf hash, node hash or tree root.
pub type Hash = [u8; 32];

/// The root of the empty tree: `SHA-256("")` (RFC 9162 §2.1.1).
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// The largest tree a [`Frontier`] will describe: 2^63 − 1 leaves, which
/// also fits a signed 64-bit database column.
pub const MAX_TREE_SIZE: u64 = i64::MAX as u64;

/// Errors from Merkle operations on caller-supplied sizes and bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MerkleError {
    /// An inclusion proof was asked for a leaf the tree does not have.
    #[error("leaf index {index} is outside a tree of size {size}")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof was asked from a tree larger than the current one.
    #[error("old size {old_size} is larger than the tree size {size}")]
    OldSizeOutOfRange {
        /// The requested old size.
        old_size: u64,
        /// The tree size.
        size: u64,
    },
    /// Serialised frontier bytes claim more than [`MAX_TREE_SIZE`] leaves.
    #[error("frontier size {0} is larger than the maximum {MAX_TREE_SIZE}")]
    FrontierSize(u64),
    /// Serialised frontier bytes are not `8 + 32 × popcount(size)` long.
    #[error("frontier encoding is {found} bytes; size {size} needs {expected}")]
    FrontierLength {
        /// The decoded tree size (0 if fewer than 8 bytes were given).
        size: u64,
        /// The number of bytes expected for that size.
        expected: usize,
        /// The number of bytes given.
        found: usize,
    },
}

/// `SHA-256(0x00 || data)`: the hash of one leaf (RFC 9162 §2.1.1).
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    Sha256::new()
        .chain_update([0x00])
        .chain_update(data)
        .finalize()
        .into()
}

/// `SHA-256(0x01 || left || right)`: the hash of an interior node (RFC 9162 §2.1.1).
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([0x01])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The Merkle Tree Hash MTH(D\[n\]) of a list of leaf hashes (RFC 6962 §2.1).
#[must_use]
pub fn root(leaf_hashes: &[Hash]) -> Hash {
    match leaf_hashes {
        [] => EMPTY_ROOT,
        [only] => *only,
        _ => {
            let k = split_point(leaf_hashes.len());
            node_hash(&root(&leaf_hashes[..k]), &root(&leaf_hashes[k..]))
        }
    }
}

/// The largest power of two strictly less than `n` (`n` ≥ 2).
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2);
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// The roots of the perfect subtrees covering leaves `0..size`, largest first.
///
/// Bit `i` of `size` is set exactly when a perfect subtree of `2^i` leaves is
/// present, so the frontier holds `popcount(size)` hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    nodes: Vec<Hash>,
}

impl Frontier {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of leaves appended so far.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The perfect-subtree roots, largest (leftmost) first.
    #[must_use]
    pub fn nodes(&self) -> &[Hash] {
        &self.nodes
    }

    /// Appends a leaf hash, merging equal-sized subtrees like a binary counter.
    pub fn push(&mut self, leaf_hash: Hash) {
        let mut hash = leaf_hash;
        let mut carry = self.size;
        while carry & 1 == 1 {
            // A set low bit always has a matching node: popcount(size) == nodes.len().
            let Some(left) = self.nodes.pop() else { break };
            hash = node_hash(&left, &hash);
            carry >>= 1;
        }
        self.nodes.push(hash);
        self.size += 1;
    }

    /// The tree root: the subtree roots folded from the right (RFC 6962 §2.1).
    #[must_use]
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        let Some(last) = iter.next() else {
            return EMPTY_ROOT;
        };
        iter.fold(*last, |acc, left| node_hash(left, &acc))
    }

    /// `size` as 8 bytes big-endian, then each node hash, largest first.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(8 + 32 * self.nodes.len());
        out.extend_from_slice(&self.size.to_be_bytes());
        for node in &self.nodes {
            out.extend_from_slice(node);
        }
        out
    }

    /// Parses [`Frontier::to_bytes`] output, checking the length matches the size.
    ///
    /// # Errors
    /// [`MerkleError::FrontierLength`] if the bytes are truncated or too long,
    /// [`MerkleError::FrontierSize`] if the size exceeds [`MAX_TREE_SIZE`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MerkleError> {
        let Some((size_bytes, rest)) = bytes.split_first_chunk::<8>() else {
            return Err(MerkleError::FrontierLength {
                size: 0,
                expected: 8,
                found: bytes.len(),
            });
        };
        let size = u64::from_be_bytes(*size_bytes);
        if size > MAX_TREE_SIZE {
            return Err(MerkleError::FrontierSize(size));
        }
        let count = size.count_ones() as usize;
        if rest.len() != 32 * count {
            return Err(MerkleError::FrontierLength {
                size,
                expected: 8 + 32 * count,
                found: bytes.len(),
            });
        }
        let (chunks, _) = rest.as_chunks::<32>();
        Ok(Self {
            size,
            nodes: chunks.to_vec(),
        })
    }
}
