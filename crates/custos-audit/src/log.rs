//! The integrator: the one writer that assigns `seq` and `prev` and grows the tree.
//!
//! [`LogState`] is everything the integrator needs to append the next leaf
//! and to state the current checkpoint, in O(log n) space; the storage crate
//! persists it with [`LogState::to_bytes`]. [`MemoryLog`] keeps the leaves
//! and signed checkpoints in memory, for tests and benchmarks.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::event::{AuditEvent, AuditKind, Decision, ObjectRef, commit_payload};
use crate::leaf::encode_leaf;
use crate::merkle::{Frontier, Hash, MerkleError, leaf_hash};
use crate::note::NoteSigner;

/// The integrator's state after `size()` leaves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogState {
    frontier: Frontier,
    last: Hash,
}

impl LogState {
    /// The state of an empty log.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of leaves so far, which is also the next leaf's `seq`.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.frontier.size()
    }

    /// Leaf hash of the last leaf (the next leaf's `prev`); zeros when empty.
    #[must_use]
    pub fn last_leaf_hash(&self) -> &Hash {
        &self.last
    }

    /// The Merkle root of the leaves so far.
    #[must_use]
    pub fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// Encodes `event` as the next leaf and advances the state.
    /// Returns the leaf's `seq` and bytes, to be stored under that `seq`.
    pub fn append(&mut self, event: &AuditEvent) -> (u64, Vec<u8>) {
        let seq = self.size();
        let leaf = encode_leaf(seq, &self.last, event);
        let hash = leaf_hash(&leaf);
        self.frontier.push(hash);
        self.last = hash;
        (seq, leaf)
    }

    /// The checkpoint for the current tree, to be signed.
    ///
    /// # Errors
    /// [`CheckpointError::Origin`] for an origin [`Checkpoint::new`] rejects.
    pub fn checkpoint(&self, origin: &str) -> Result<Checkpoint, CheckpointError> {
        Checkpoint::new(origin, self.size(), self.root())
    }

    /// `last leaf hash (32 bytes) || Frontier::to_bytes()`.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.last.to_vec();
        out.extend_from_slice(&self.frontier.to_bytes());
        out
    }

    /// Parses [`LogState::to_bytes`] output.
    ///
    /// # Errors
    /// As [`Frontier::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MerkleError> {
        let Some((last, rest)) = bytes.split_first_chunk::<32>() else {
            return Err(MerkleError::FrontierLength {
                size: 0,
                expected: 40,
                found: bytes.len(),
            });
        };
        Ok(Self {
            frontier: Frontier::from_bytes(rest)?,
            last: *last,
        })
    }
}

/// A whole log in memory: stored rows and signed checkpoint notes.
#[derive(Debug, Clone)]
pub struct MemoryLog {
    empty: Checkpoint,
    state: LogState,
    rows: Vec<(u64, Vec<u8>)>,
    checkpoints: Vec<String>,
}

impl MemoryLog {
    /// An empty log.
    ///
    /// # Errors
    /// [`CheckpointError::Origin`] for an origin no checkpoint could carry.
    pub fn new(origin: &str) -> Result<Self, CheckpointError> {
        Ok(Self {
            empty: Checkpoint::new(origin, 0, crate::merkle::EMPTY_ROOT)?,
            state: LogState::new(),
            rows: Vec::new(),
            checkpoints: Vec::new(),
        })
    }

    /// Appends an event; returns its `seq`.
    pub fn append(&mut self, event: &AuditEvent) -> u64 {
        let (seq, leaf) = self.state.append(event);
        self.rows.push((seq, leaf));
        seq
    }

    /// Signs a checkpoint of the current tree, stores the note and returns it.
    pub fn sign_checkpoint(&mut self, signer: &NoteSigner) -> &str {
        let checkpoint = self.empty.with_tree(self.state.size(), self.state.root());
        self.checkpoints.push(signer.sign_checkpoint(&checkpoint));
        self.checkpoints.last().map_or("", String::as_str)
    }

    /// The log origin.
    #[must_use]
    pub fn origin(&self) -> &str {
        self.empty.origin()
    }

    /// The integrator state.
    #[must_use]
    pub fn state(&self) -> &LogState {
        &self.state
    }

    /// Stored rows `(seq, leaf bytes)` in order.
    #[must_use]
    pub fn rows(&self) -> &[(u64, Vec<u8>)] {
        &self.rows
    }

    /// Signed checkpoint notes in order.
    #[must_use]
    pub fn checkpoints(&self) -> &[String] {
        &self.checkpoints
    }

    /// Rows and checkpoint notes, for tampering with in tests.
    #[must_use]
    pub fn into_parts(self) -> (Vec<(u64, Vec<u8>)>, Vec<String>) {
        (self.rows, self.checkpoints)
    }
}

/// A plausible, deterministic event for tests and benchmarks (about 300 bytes of JSON).
#[must_use]
pub fn sample_event(n: u64) -> AuditEvent {
    const KINDS: [AuditKind; 4] = [
        AuditKind::Read,
        AuditKind::Search,
        AuditKind::Update,
        AuditKind::Create,
    ];
    let kind = KINDS[(n % 4) as usize];
    let at =
        jiff::Timestamp::from_second(1_750_000_000 + (n as i64 % 100_000_000)).unwrap_or_default();
    AuditEvent {
        kind,
        actor: format!("user:{}", n % 997),
        at,
        objects: vec![ObjectRef {
            kind: "nominal".into(),
            id: format!("019a{n:012x}"),
        }],
        justification: (kind == AuditKind::Search).then(|| format!("incident {}", n % 10_000)),
        decision: if n.is_multiple_of(50) {
            Decision::Deny
        } else {
            Decision::Allow
        },
        policies: vec!["officer-read-own-force".into()],
        payload: (kind == AuditKind::Search)
            .then(|| commit_payload(&[n as u8; 16], b"surname=SMITH")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::merkle::root;

    #[test]
    fn state_tracks_chain_and_root_and_survives_serialisation() {
        let mut state = LogState::new();
        let mut hashes = Vec::new();
        for n in 0..21 {
            let prev = *state.last_leaf_hash();
            let (seq, leaf) = state.append(&sample_event(n));
            assert_eq!(seq, n);
            assert_eq!(&leaf[9..41], &prev);
            hashes.push(leaf_hash(&leaf));
            assert_eq!(state.root(), root(&hashes));
            let restored = LogState::from_bytes(&state.to_bytes()).unwrap();
            assert_eq!(restored, state);
        }
        let bytes = state.to_bytes();
        assert!(LogState::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        assert!(LogState::from_bytes(&bytes[..31]).is_err());
        assert_eq!(state.checkpoint("o").unwrap().size(), 21);
        assert!(state.checkpoint("").is_err());
        assert!(MemoryLog::new("two\nlines").is_err());
    }
}
