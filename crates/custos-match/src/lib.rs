//! Person matching for the Golden Nominal: finds records that may be the same person despite
//! typos, nicknames, transliteration, swapped names, day–month swaps, missing fields and moves.
//!
//! The method is probabilistic record linkage after Fellegi & Sunter (1969, "A Theory for Record
//! Linkage", JASA 64:1183–1210), with Winkler's string comparator and EM training (Winkler 1988,
//! 1990) and term-frequency adjustment as documented by Splink (UK Ministry of Justice,
//! <https://moj-analytical-services.github.io/splink/>). The pipeline:
//!
//! 1. [`record`]: a [`MatchRecord`] from a `Person` or raw legacy strings, then [`Prepared`] once
//!    ([`normalise`], [`variants`], [`phonetic`] forms precomputed);
//! 2. [`blocking`]: keys that pick candidate pairs;
//! 3. [`compare`](mod@compare): a comparison vector per candidate pair (no allocation);
//! 4. [`model`]: Fellegi–Sunter weights and probability, trainable, with [`explain`]ed parts;
//! 5. [`cluster`](mod@cluster): union–find over accepted pairs that never joins different PNC IDs or NI numbers;
//! 6. [`link`]: the whole pipeline over a set of records in memory (blocking index with capped
//!    blocks counted, parallel scoring, clustering), shared by `bench match` and `custos link`.
//!
//! The crate is pure: no I/O, no clock, no randomness except seeded sampling.

pub mod bench;
pub mod blocking;
pub mod cluster;
pub mod compare;
pub mod explain;
pub mod link;
pub mod model;
pub mod normalise;
pub mod phonetic;
pub mod record;
pub mod similarity;
pub mod variants;

pub use blocking::{Rule, blocking_keys};
pub use cluster::{AUTO_LINK_PROBABILITY, Clustering, Conflict, ConflictOn, ScoredPair, cluster, cluster_with};
pub use compare::{Comparison, ComparisonVector, Field, compare};
pub use explain::{Contribution, Explanation};
pub use link::{
    BlockingIndex, CandidatePairs, DEFAULT_MAX_BLOCK, KEEP_PROBABILITY, pack,
    par_map, score_pairs, unpack,
};
pub use model::{EmReport, Model, ModelError, Score, Scorer, TermFrequencies};
pub use record::{BirthDate, MatchRecord, MatchRecordBuilder, Prepared, TokenTable};
