//! Tests of the whole generator: determinism, volumes, identifier validity, referential
//! integrity and the planted duplicates.

use super::chunk::Builder;

/// A chunk builder for unit tests of the parts.
pub(super) fn builder(seed: u64) -> Builder {
    Builder::for_tests(seed)
}
