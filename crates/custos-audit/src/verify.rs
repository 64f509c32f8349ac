//! Offline verification of a whole log, streaming, naming the first bad entry.
//!
//! Rows arrive in stored order. Each must carry the next `seq`, a header
//! with the same `seq`, and a `prev` equal to the previous leaf's hash; each
//! checkpoint note must open with a known key, carry the expected origin, grow
//! strictly, and have the root of exactly that prefix of the log. Matching
//! every checkpoint against the one recomputed tree also proves the
//! checkpoints consistent with one another.
//!
//! Blame: a broken `prev` link between leaves `i` and `i+1` means one of them
//! changed. The verifier reads one more row to tell which (if `i+1` is intact
//! its hash still matches leaf `i+2`'s `prev`), or uses a checkpoint of size
//! `i+1` that vouches for leaf `i`; with neither it reports the pair. A root
//! mismatch after an intact chain means the checkpoint's last leaf differs
//! from what was signed. Verification hashes each leaf once and never parses
//! event JSON.

#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::leaf::{LeafError, LeafHeader};
use crate::bundle::{BundleError, decode_bundle};
use crate::merkle::{Frontier, Hash, leaf_hash};
use crate::note::{NoteError, NoteVerifier, open};

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Leaves read and chained.
    pub leaves: u64,
    /// Checkpoints opened and matched.
    pub checkpoints: u64,
    /// The last checkpoint, if any.
    pub latest: Option<Checkpoint>,
    /// Leaves after the latest checkpoint: chained, but covered by no signature.
    pub unsigned_tail: u64,
}

impl VerifyReport {
    /// Fails when some leaves are covered by no checkpoint. A log whose integrator signs a
    /// checkpoint in the same transaction as it stores leaves (Custos's) never has such a tail, so
    /// one means the checkpoint that covered it was deleted.
    pub fn require_sealed(self) -> Result<Self, VerifyError> {
        if self.unsigned_tail > 0 {
            return Err(VerifyError::Unsealed { first: self.leaves - self.unsigned_tail });
        }
        Ok(self)
    }
}

/// What is wrong with one leaf.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeafProblem {
    /// A row is missing: the stored rows jump past this seq.
    #[error("missing (the next stored row is {next_row})")]
    Missing {
        /// The row number found instead.
        next_row: u64,
    },
    /// The log ends before a checkpoint's size: leaves were deleted.
    #[error("missing: the log ends here but checkpoint {checkpoint} has size {size}")]
    MissingAtEnd {
        /// Index of the checkpoint that covers this leaf.
        checkpoint: usize,
        /// That checkpoint's size.
        size: u64,
    },
    /// A row number that repeats or goes backwards.
    #[error("stored row {row} is repeated or out of order")]
    OutOfOrder {
        /// The row number found.
        row: u64,
    },
    /// The stored bundle that starts with this leaf does not parse (see `bundle`).
    #[error("the stored bundle starting here is malformed ({0})")]
    Bundle(BundleError),
    /// The leaf is shorter than its fixed header.
    #[error("leaf is {0} bytes, shorter than its 41-byte header")]
    Truncated(usize),
    /// Unknown format version byte.
    #[error("unknown leaf format version 0x{0:02x}")]
    Version(u8),
    /// The header's seq is not the row's.
    #[error("header says seq {0}")]
    WrongSeq(u64),
    /// The first leaf's prev is not all zeros.
    #[error("prev of the first leaf is not all zeros")]
    FirstPrev,
    /// This leaf's prev was changed: the leaf before it is vouched for.
    #[error("prev does not match the hash of leaf {0}")]
    PrevMismatch(u64),
    /// This leaf was changed: the leaf after it still chains to the original.
    #[error("changed: its hash does not match the prev stored in leaf {0}")]
    Changed(u64),
    /// The chain is intact but the checkpoint's root differs: this leaf, or
    /// this leaf together with the chain before it, was rewritten.
    #[error("differs from what checkpoint {checkpoint} (size {size}) signed")]
    NotAsSigned {
        /// Index of the checkpoint.
        checkpoint: usize,
        /// Its size (this leaf is its last).
        size: u64,
    },
}

/// What is wrong with one checkpoint note.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointProblem {
    /// The note did not open with the given keys.
    #[error("{0}")]
    Note(#[from] NoteError),
    /// The signed body is not a checkpoint.
    #[error("{0}")]
    Body(#[from] CheckpointError),
    /// The checkpoint is for another log.
    #[error("origin is {found:?}, expected {expected:?}")]
    Origin {
        /// The origin in the checkpoint.
        found: String,
        /// The origin asked for.
        expected: String,
    },
    /// The size does not grow past the previous checkpoint's.
    #[error("size does not exceed the previous checkpoint's size {previous}")]
    NotIncreasing {
        /// The previous checkpoint's size.
        previous: u64,
    },
    /// The root of the empty tree is wrong.
    #[error("root does not match the empty tree")]
    EmptyRoot,
    /// It names a previous checkpoint that is not the one stored before it: one was deleted.
    #[error("it follows the checkpoint of size {named}, but the one stored before it has size {stored}: a checkpoint is missing")]
    PreviousMissing {
        /// The previous size the checkpoint names.
        named: u64,
        /// The size of the checkpoint actually stored before it (0 when none).
        stored: u64,
    },
}

/// The first bad entry found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// A problem pinned to one leaf.
    #[error("leaf {seq}: {problem}")]
    Leaf {
        /// The leaf's seq.
        seq: u64,
        /// What is wrong.
        problem: LeafProblem,
    },
    /// Leaf `seq`'s hash does not match leaf `seq + 1`'s prev, and nothing
    /// later tells which of the two was changed.
    #[error("leaf {seq}: its hash does not match the prev stored in leaf {}; leaf {seq} or leaf {} was changed", .seq + 1, .seq + 1)]
    BrokenLink {
        /// The earlier leaf of the pair.
        seq: u64,
    },
    /// Leaves that no stored checkpoint covers, where every leaf should be (see
    /// [`VerifyReport::require_sealed`]).
    #[error("leaf {first}: not covered by any signed checkpoint; the checkpoint that sealed it is missing")]
    Unsealed {
        /// The first leaf after the last checkpoint.
        first: u64,
    },
    /// The log does not contain the tree of the trusted checkpoint kept outside it.
    #[error("the log does not contain the tree of size {size} signed earlier (it has {found} leaves there or a different root): it was truncated or rewritten")]
    Trusted {
        /// The trusted checkpoint's size.
        size: u64,
        /// How many leaves the log has (or the size at which its root differs).
        found: u64,
    },
    /// The trusted checkpoint kept outside the log does not open with the verifier keys.
    #[error("the checkpoint kept outside the log does not verify: {0}")]
    TrustedNote(String),
    /// A problem with one checkpoint note (0-based, in stored order).
    #[error("checkpoint {index}{}: {problem}", .size.map(|s| format!(" (size {s})")).unwrap_or_default())]
    Checkpoint {
        /// Position of the note in the list given.
        index: usize,
        /// Its size, when the note opened and parsed.
        size: Option<u64>,
        /// What is wrong.
        problem: CheckpointProblem,
    },
}

fn leaf_err(seq: u64, problem: LeafProblem) -> VerifyError {
    VerifyError::Leaf { seq, problem }
}

/// Verifies a log fed one row at a time; see the module docs.
///
/// After [`LogVerifier::push`] returns an error, stop: the error is final.
/// An error may surface one row late, so that it names the right leaf.
#[derive(Debug)]
pub struct LogVerifier<'a, S> {
    origin: &'a str,
    verifiers: &'a [NoteVerifier],
    notes: &'a [S],
    next_note: usize,
    waiting: Option<(usize, Checkpoint)>,
    latest: Option<Checkpoint>,
    matched: u64,
    frontier: Frontier,
    last_hash: Hash,
    broken: Option<u64>,
    started: bool,
    trusted: Option<Checkpoint>,
}

impl<'a, S: AsRef<[u8]>> LogVerifier<'a, S> {
    /// A verifier for the log `origin`, with its checkpoint notes in stored order.
    pub fn new(origin: &'a str, verifiers: &'a [NoteVerifier], checkpoint_notes: &'a [S]) -> Self {
        Self {
            origin,
            verifiers,
            notes: checkpoint_notes,
            next_note: 0,
            waiting: None,
            latest: None,
            matched: 0,
            frontier: Frontier::new(),
            last_hash: [0; 32],
            broken: None,
            started: false,
            trusted: None,
        }
    }

    /// Also requires the log to contain the tree of `checkpoint`, a checkpoint kept outside the
    /// log (by the integrator beside its key, or by an auditor from an earlier look): a log that
    /// was truncated or rewritten before it, with the checkpoints that covered the change deleted,
    /// fails here although every remaining checkpoint still verifies.
    #[must_use]
    pub fn trusting(mut self, checkpoint: Checkpoint) -> Self {
        self.trusted = Some(checkpoint);
        self
    }

    /// Checks the next stored bundle (see `bundle`), whose first leaf is stored as `first_seq`.
    ///
    /// # Errors
    /// The first bad leaf or checkpoint found so far; a bundle that does not parse is blamed on
    /// its first leaf.
    pub fn push_bundle(&mut self, first_seq: u64, bundle: &[u8]) -> Result<(), VerifyError> {
        let leaves = decode_bundle(bundle).map_err(|e| leaf_err(first_seq, LeafProblem::Bundle(e)))?;
        for (i, leaf) in leaves.into_iter().enumerate() {
            self.push(first_seq.saturating_add(i as u64), leaf)?;
        }
        Ok(())
    }

    /// Checks the next stored row.
    ///
    /// # Errors
    /// The first bad leaf or checkpoint found so far.
    pub fn push(&mut self, row_seq: u64, leaf: &[u8]) -> Result<(), VerifyError> {
        if !self.started {
            self.started = true;
            self.settle()?;
        }
        let expected = self.frontier.size();
        if let Some(seq) = self.broken {
            return Err(self.blame(seq, row_seq, leaf));
        }
        match row_seq.cmp(&expected) {
            Ordering::Greater => {
                return Err(leaf_err(
                    expected,
                    LeafProblem::Missing { next_row: row_seq },
                ));
            }
            Ordering::Less => {
                return Err(leaf_err(expected, LeafProblem::OutOfOrder { row: row_seq }));
            }
            Ordering::Equal => {}
        }
        let header = LeafHeader::parse(leaf).map_err(|e| {
            let problem = match e {
                LeafError::Version(v) => LeafProblem::Version(v),
                _ => LeafProblem::Truncated(leaf.len()),
            };
            leaf_err(expected, problem)
        })?;
        if header.seq != expected {
            return Err(leaf_err(expected, LeafProblem::WrongSeq(header.seq)));
        }
        if header.prev != self.last_hash {
            if expected == 0 {
                return Err(leaf_err(0, LeafProblem::FirstPrev));
            }
            // A matched checkpoint of size `expected` vouches for the leaf before.
            if self.latest.as_ref().is_some_and(|cp| cp.size() == expected) {
                return Err(leaf_err(expected, LeafProblem::PrevMismatch(expected - 1)));
            }
            self.broken = Some(expected - 1);
        }
        let hash = leaf_hash(leaf);
        self.frontier.push(hash);
        self.last_hash = hash;
        if self.broken.is_none() {
            self.settle()?;
            // After the stored checkpoints, which can name the leaf at fault, have had their say.
            if let Some(trusted) = &self.trusted
                && trusted.size() == self.frontier.size()
                && trusted.root() != &self.frontier.root()
            {
                return Err(VerifyError::Trusted { size: trusted.size(), found: self.frontier.size() });
            }
        }
        Ok(())
    }

    /// Ends the stream and reports.
    ///
    /// # Errors
    /// A pending broken link, a checkpoint past the last leaf (leaves were
    /// deleted), or any checkpoint problem not yet reported.
    pub fn finish(mut self) -> Result<VerifyReport, VerifyError> {
        if !self.started {
            self.settle()?;
        }
        if let Some(seq) = self.broken {
            return Err(VerifyError::BrokenLink { seq });
        }
        let leaves = self.frontier.size();
        if let Some((checkpoint, cp)) = self.waiting {
            let problem = LeafProblem::MissingAtEnd {
                checkpoint,
                size: cp.size(),
            };
            return Err(leaf_err(leaves, problem));
        }
        if let Some(trusted) = &self.trusted
            && trusted.size() > leaves
        {
            return Err(VerifyError::Trusted { size: trusted.size(), found: leaves });
        }
        let signed = self.latest.as_ref().map_or(0, Checkpoint::size);
        Ok(VerifyReport {
            leaves,
            checkpoints: self.matched,
            latest: self.latest,
            unsigned_tail: leaves - signed,
        })
    }

    /// With the link `seq → seq+1` broken, uses row `seq+2` to say which leaf changed.
    fn blame(&self, seq: u64, row_seq: u64, leaf: &[u8]) -> VerifyError {
        let next_ok = (row_seq == seq + 2)
            .then(|| LeafHeader::parse(leaf).ok())
            .flatten()
            .filter(|h| h.seq == row_seq)
            .map(|h| h.prev == self.last_hash);
        match next_ok {
            Some(true) => leaf_err(seq, LeafProblem::Changed(seq + 1)),
            Some(false) => leaf_err(seq + 1, LeafProblem::PrevMismatch(seq)),
            None => VerifyError::BrokenLink { seq },
        }
    }

    /// Opens checkpoints in turn and matches every one whose size is reached.
    fn settle(&mut self) -> Result<(), VerifyError> {
        loop {
            let (index, cp) = match self.waiting.take() {
                Some(waiting) => waiting,
                None if self.next_note < self.notes.len() => {
                    let index = self.next_note;
                    self.next_note += 1;
                    (index, self.open_checkpoint(index)?)
                }
                None => return Ok(()),
            };
            let size = self.frontier.size();
            match cp.size().cmp(&size) {
                Ordering::Greater => {
                    self.waiting = Some((index, cp));
                    return Ok(());
                }
                // Unreachable: sizes grow and are matched as soon as reached.
                Ordering::Less => {
                    let previous = self.latest.as_ref().map_or(0, Checkpoint::size);
                    return Err(Self::cp_err(
                        index,
                        &cp,
                        CheckpointProblem::NotIncreasing { previous },
                    ));
                }
                Ordering::Equal => {}
            }
            if self.frontier.root() != *cp.root() {
                return Err(match size.checked_sub(1) {
                    Some(last) => leaf_err(
                        last,
                        LeafProblem::NotAsSigned {
                            checkpoint: index,
                            size,
                        },
                    ),
                    None => Self::cp_err(index, &cp, CheckpointProblem::EmptyRoot),
                });
            }
            let stored = self.latest.as_ref().map_or(0, Checkpoint::size);
            if let Some(named) = cp.previous_size()
                && named != stored
            {
                return Err(Self::cp_err(index, &cp, CheckpointProblem::PreviousMissing { named, stored }));
            }
            self.latest = Some(cp);
            self.matched += 1;
        }
    }

    fn open_checkpoint(&self, index: usize) -> Result<Checkpoint, VerifyError> {
        let err = |problem: CheckpointProblem| VerifyError::Checkpoint {
            index,
            size: None,
            problem,
        };
        let note = self.notes.get(index).map_or(&[][..], AsRef::as_ref);
        let body = open(note, self.verifiers).map_err(|e| err(e.into()))?;
        let cp = Checkpoint::parse(body).map_err(|e| err(e.into()))?;
        if cp.origin() != self.origin {
            let found = cp.origin().to_owned();
            let expected = self.origin.to_owned();
            return Err(Self::cp_err(
                index,
                &cp,
                CheckpointProblem::Origin { found, expected },
            ));
        }
        if let Some(previous) = self
            .latest
            .as_ref()
            .map(Checkpoint::size)
            .filter(|&p| cp.size() <= p)
        {
            return Err(Self::cp_err(
                index,
                &cp,
                CheckpointProblem::NotIncreasing { previous },
            ));
        }
        Ok(cp)
    }

    fn cp_err(index: usize, cp: &Checkpoint, problem: CheckpointProblem) -> VerifyError {
        VerifyError::Checkpoint {
            index,
            size: Some(cp.size()),
            problem,
        }
    }
}

/// Verifies stored rows and checkpoint notes in one pass.
///
/// # Errors
/// The first bad leaf or checkpoint, as [`VerifyError`].
pub fn verify_log<I, L, S>(
    rows: I,
    checkpoint_notes: &[S],
    origin: &str,
    verifiers: &[NoteVerifier],
) -> Result<VerifyReport, VerifyError>
where
    I: IntoIterator<Item = (u64, L)>,
    L: AsRef<[u8]>,
    S: AsRef<[u8]>,
{
    let mut verifier = LogVerifier::new(origin, verifiers, checkpoint_notes);
    for (row_seq, leaf) in rows {
        verifier.push(row_seq, leaf.as_ref())?;
    }
    verifier.finish()
}
