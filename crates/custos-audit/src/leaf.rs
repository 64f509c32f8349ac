//! The byte encoding of one log leaf.
//!
//! ```text
//! 0x01 (format version) || seq (u64 big-endian) || prev (32 bytes) || event JSON
//! ```
//!
//! `prev` is the RFC 6962 leaf hash of the previous leaf (all zeros for seq 0),
//! so leaves form a hash chain as well as a Merkle tree: a changed leaf shows
//! up at the next leaf without any checkpoint. The fixed 41-byte header can be
//! read without parsing the JSON ([`LeafHeader::parse`]), which is what
//! verification does. The JSON is serde_json's output in struct field order
//! ([`AuditEvent::write_canonical_json`]), and [`decode_leaf`] accepts only
//! that canonical form.

use crate::event::AuditEvent;
use crate::merkle::Hash;

/// The only leaf format so far.
pub const LEAF_VERSION: u8 = 0x01;
/// Bytes before the event JSON: version, seq, prev.
pub const LEAF_HEADER_LEN: usize = 1 + 8 + 32;

/// Why leaf bytes could not be built or read.
#[derive(Debug, thiserror::Error)]
pub enum LeafError {
    /// Shorter than the fixed header.
    #[error("leaf is {0} bytes, shorter than the {LEAF_HEADER_LEN}-byte header")]
    Truncated(usize),
    /// An unknown format version byte.
    #[error("unknown leaf format version 0x{0:02x}")]
    Version(u8),
    /// The event JSON did not decode.
    #[error("event JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The event JSON decoded but is not in canonical form.
    #[error("event JSON is not in canonical form")]
    NotCanonical,
}

/// The fixed-size prefix of a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafHeader {
    /// Position in the log, from 0.
    pub seq: u64,
    /// Leaf hash of the leaf at `seq - 1`; zeros for the first leaf.
    pub prev: Hash,
}

impl LeafHeader {
    /// Reads the 41-byte header, ignoring what follows.
    ///
    /// # Errors
    /// [`LeafError::Truncated`] or [`LeafError::Version`].
    pub fn parse(leaf: &[u8]) -> Result<Self, LeafError> {
        let Some((header, _)) = leaf.split_first_chunk::<LEAF_HEADER_LEN>() else {
            return Err(LeafError::Truncated(leaf.len()));
        };
        if header[0] != LEAF_VERSION {
            return Err(LeafError::Version(header[0]));
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&header[1..9]);
        let mut prev = [0u8; 32];
        prev.copy_from_slice(&header[9..]);
        Ok(Self {
            seq: u64::from_be_bytes(seq),
            prev,
        })
    }
}

/// Builds the leaf bytes for `event` at position `seq` after a leaf hashing to `prev`.
#[must_use]
pub fn encode_leaf(seq: u64, prev: &Hash, event: &AuditEvent) -> Vec<u8> {
    let mut out = Vec::with_capacity(LEAF_HEADER_LEN + 256);
    out.push(LEAF_VERSION);
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(prev);
    event.write_canonical_json(&mut out);
    out
}

/// Reads a whole leaf: header and event.
///
/// # Errors
/// Any [`LeafError`]: a bad header, JSON that does not decode as an
/// [`AuditEvent`], or JSON that is not byte-for-byte what [`encode_leaf`]
/// would write.
pub fn decode_leaf(leaf: &[u8]) -> Result<(LeafHeader, AuditEvent), LeafError> {
    let header = LeafHeader::parse(leaf)?;
    let json = &leaf[LEAF_HEADER_LEN..];
    let event: AuditEvent = serde_json::from_slice(json)?;
    if event.to_canonical_json() != json {
        return Err(LeafError::NotCanonical);
    }
    Ok((header, event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{AuditKind, Decision};

    fn event() -> AuditEvent {
        AuditEvent {
            kind: AuditKind::Search,
            actor: "u1".into(),
            at: "2025-01-02T03:04:05.5Z".parse().unwrap(),
            objects: vec![],
            justification: None,
            decision: Decision::Allow,
            policies: vec![],
            payload: None,
        }
    }

    #[test]
    fn layout_is_version_seq_prev_json() {
        let leaf = encode_leaf(0x0102, &[7; 32], &event());
        assert_eq!(leaf[0], 0x01);
        assert_eq!(&leaf[1..9], &[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&leaf[9..41], &[7; 32]);
        assert_eq!(
            &leaf[41..],
            serde_json::to_vec(&event()).unwrap().as_slice()
        );
        let header = LeafHeader::parse(&leaf).unwrap();
        assert_eq!(
            header,
            LeafHeader {
                seq: 0x0102,
                prev: [7; 32]
            }
        );
        let (h2, e2) = decode_leaf(&leaf).unwrap();
        assert_eq!((h2, e2), (header, event()));
    }

    #[test]
    fn bad_leaves_are_rejected() {
        let leaf = encode_leaf(5, &[0; 32], &event());
        assert!(matches!(
            LeafHeader::parse(&leaf[..40]),
            Err(LeafError::Truncated(40))
        ));
        assert!(matches!(
            LeafHeader::parse(&[]),
            Err(LeafError::Truncated(0))
        ));
        let mut v2 = leaf.clone();
        v2[0] = 2;
        assert!(matches!(LeafHeader::parse(&v2), Err(LeafError::Version(2))));
        // The header alone parses; the whole leaf needs an event.
        assert!(LeafHeader::parse(&leaf[..41]).is_ok());
        assert!(matches!(decode_leaf(&leaf[..41]), Err(LeafError::Json(_))));
        let mut spaced = leaf[..41].to_vec();
        spaced.extend_from_slice(b" ");
        spaced.extend_from_slice(&leaf[41..]);
        assert!(matches!(decode_leaf(&spaced), Err(LeafError::NotCanonical)));
    }
}
