//! Leaf bundles: consecutive leaves stored together in one row, as Tessera stores "entry bundles".
//! Reading a log of millions of leaves is then thousands of rows, so verification runs at the
//! speed of hashing rather than of row decoding.
//!
//! A bundle is the concatenation of its leaves, each preceded by its length as a 4-byte big-endian
//! integer. Parsing is strict: the lengths must account for every byte, or the bundle is malformed.

/// The most leaves the integrator puts in one bundle.
pub const BUNDLE_LEAVES: usize = 256;

/// A bundle whose length prefixes do not add up to its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed leaf bundle: a length prefix at byte {offset} runs past its end")]
pub struct BundleError {
    /// Where the bad length prefix starts.
    pub offset: usize,
}

/// Concatenates leaves into a bundle.
pub fn encode_bundle<L: AsRef<[u8]>>(leaves: &[L]) -> Vec<u8> {
    let mut out = Vec::with_capacity(leaves.iter().map(|l| l.as_ref().len() + 4).sum());
    for leaf in leaves {
        let leaf = leaf.as_ref();
        // Leaves are small (an event is well under 1 MiB); `u32` bounds what a bundle may claim.
        let len = u32::try_from(leaf.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(leaf);
    }
    out
}

/// Splits a bundle back into its leaves, or fails if any length prefix is inconsistent.
pub fn decode_bundle(bundle: &[u8]) -> Result<Vec<&[u8]>, BundleError> {
    let mut leaves = Vec::new();
    let mut rest = bundle;
    while !rest.is_empty() {
        let offset = bundle.len() - rest.len();
        let Some((len, tail)) = rest.split_first_chunk::<4>() else {
            return Err(BundleError { offset });
        };
        let len = u32::from_be_bytes(*len) as usize;
        if len > tail.len() {
            return Err(BundleError { offset });
        }
        let (leaf, tail) = tail.split_at(len);
        leaves.push(leaf);
        rest = tail;
    }
    Ok(leaves)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips_and_rejects_bad_lengths() {
        let leaves: Vec<Vec<u8>> = vec![b"one".to_vec(), Vec::new(), vec![7; 300]];
        let bundle = encode_bundle(&leaves);
        assert_eq!(decode_bundle(&bundle).unwrap(), leaves.iter().map(Vec::as_slice).collect::<Vec<_>>());
        assert_eq!(decode_bundle(&[]).unwrap(), Vec::<&[u8]>::new());
        let mut longer = bundle.clone();
        longer[3] = 4; // "one" now claims four bytes, which runs into the next prefix: still ok…
        // …but then the rest no longer adds up.
        assert!(decode_bundle(&longer).is_err());
        assert_eq!(decode_bundle(&bundle[..5]), Err(BundleError { offset: 0 }));
        assert_eq!(decode_bundle(&[0, 0, 0]), Err(BundleError { offset: 0 }));
    }

    proptest! {
        #[test]
        fn any_bundle_round_trips(leaves in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..20)) {
            let bundle = encode_bundle(&leaves);
            let decoded = decode_bundle(&bundle).unwrap();
            prop_assert_eq!(decoded, leaves.iter().map(Vec::as_slice).collect::<Vec<_>>());
        }
    }
}
