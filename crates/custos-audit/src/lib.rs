//! The tamper-evident audit log, pure part: encoding, hashing, signing and
//! verification, with no database and no async runtime. `custos-store`
//! persists what this crate produces.
//!
//! # Design
//!
//! - **Leaves hold no personal data.** A leaf is a typed [`AuditEvent`]: who
//!   (a user id), what ([`AuditKind`]), which objects (pseudonymous
//!   [`ObjectRef`]s), why, the policy [`Decision`] and the policies behind it.
//!   Search terms and free text live in an erasable table and appear in the
//!   leaf only as a salted [`commit_payload`] hash, so erasing personal data
//!   never invalidates the log.
//! - **One integrator.** A single writer (elected with a database lock) owns
//!   the [`LogState`]: it assigns each leaf its `seq` and the `prev` hash of
//!   the leaf before ([`leaf`] has the byte layout), and extends the RFC 6962
//!   Merkle tree ([`merkle`]) with an O(log n) [`Frontier`] instead of
//!   re-reading leaves. The `prev` chain makes a changed leaf visible at the
//!   next leaf; the tree makes any prefix provable.
//! - **Signed checkpoints.** The integrator periodically signs the tree head
//!   as a C2SP `tlog-checkpoint` ([`checkpoint`]) inside a C2SP `signed-note`
//!   ([`note`], Ed25519, keys compatible with Go's `sumdb/note`). A log must
//!   never sign two inconsistent checkpoints.
//! - **Offline verification.** [`verify_log`] replays stored rows and
//!   checkpoint notes with only the public key, streaming, and names the first
//!   bad leaf or checkpoint; [`export`] writes and reads a plain-text file
//!   that carries everything it needs.

pub mod bundle;
pub mod checkpoint;
pub mod event;
pub mod export;
pub mod leaf;
pub mod log;
pub mod merkle;
pub mod note;
pub mod verify;

pub use bundle::{BUNDLE_LEAVES, BundleError, decode_bundle, encode_bundle};
pub use checkpoint::{Checkpoint, CheckpointError, PREVIOUS_PREFIX};
pub use event::{AuditEvent, AuditKind, Decision, ObjectRef, commit_payload};
pub use export::{Export, ExportError, read_export, write_export};
pub use leaf::{LEAF_HEADER_LEN, LeafError, LeafHeader, decode_leaf, encode_leaf};
pub use log::{LogState, MemoryLog, sample_event};
pub use merkle::{
    EMPTY_ROOT, Frontier, Hash, MAX_TREE_SIZE, MerkleError, consistency_proof, inclusion_proof,
    leaf_hash, node_hash, root, verify_consistency, verify_inclusion,
};
pub use note::{NoteError, NoteSigner, NoteVerifier, open};
pub use verify::{
    CheckpointProblem, LeafProblem, LogVerifier, VerifyError, VerifyReport, verify_log,
};
