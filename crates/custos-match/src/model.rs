//! The Fellegi–Sunter model (Fellegi & Sunter 1969, "A Theory for Record Linkage", JASA
//! 64:1183–1210): for each field and agreement level, m = P(level | match) and u = P(level |
//! non-match); a pair's match weight is log2(λ/(1−λ)) + Σ log2(m/u) over its non-null levels, and
//! its match probability is 2^w / (1 + 2^w).
//!
//! Training follows Splink's documented approach ("How Splink estimates parameters"): u from the
//! level frequencies among random record pairs, which are almost all non-matches
//! ([`Model::estimate_u`]); m and optionally λ by expectation–maximisation over comparison vectors
//! of candidate pairs with u held fixed ([`Model::train_em`]; Dempster, Laird & Rubin 1977; applied
//! to linkage by Winkler 1988 and Jaro 1989).
//!
//! Term-frequency adjustment (Splink's documentation, "Term frequency adjustments"; Winkler
//! 1989, "Frequency-based matching in Fellegi-Sunter model of record linkage"): for an exact match
//! on forename or surname value v, u is replaced by the frequency of v among records, with a floor,
//! so a shared rare surname counts for more than a shared "Smith". Forenames and surnames are not
//! independent (names run in families and communities: "Paulina" mostly meets "Kowalska", not
//! "Smith"), so when both agree exactly the pair's joint frequency is used too, and the two
//! weights together never exceed what the full name's own frequency allows (a two-field
//! frequency table, as in Winkler 1989 §4 on dependent fields).
//!
//! `Model::default()` holds hand-set m and u so the matcher works before any training; the numbers
//! and their reasons are in [`default_fields`]. A model serialises with serde so a trained one can
//! be stored, reviewed and overridden.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::compare::{Comparison, ComparisonVector, FIELD_COUNT, Field, NameLevel, compare};
use crate::explain::{Contribution, Explanation};
use crate::record::Prepared;

/// m and u of one comparison level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LevelParams {
    /// The level's stable name (see the level enums in `compare`).
    pub level: String,
    pub m: f64,
    pub u: f64,
}

/// The levels of one field, strongest first, in the order of the field's level enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    pub field: Field,
    pub levels: Vec<LevelParams>,
    /// Left alone by training: used for the household interaction term, whose u cannot be
    /// estimated from random pairs (see `compare`).
    #[serde(default)]
    pub fixed: bool,
}

/// A Fellegi–Sunter model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// λ: the probability that two records drawn at random are the same person.
    pub prior: f64,
    /// One entry per field, in `Field::ALL` order.
    pub fields: Vec<FieldParams>,
    /// The smallest u a term frequency may give (Splink's `tf_minimum_u_value`): stops a value
    /// seen once in a small table from weighing as much as an identifier.
    pub tf_floor: f64,
}

/// Why a model or training input was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("the prior must be strictly between 0 and 1, not {0}")]
    BadPrior(f64),
    #[error("the model needs the fields {expected:?} in that order")]
    WrongFields { expected: Vec<Field> },
    #[error("field {field:?} needs the levels {expected:?} in that order")]
    WrongLevels {
        field: Field,
        expected: Vec<&'static str>,
    },
    #[error("field {field:?} level {level}: m and u must be in (0, 1], not m={m} u={u}")]
    BadProbability {
        field: Field,
        level: String,
        m: f64,
        u: f64,
    },
    #[error("the term-frequency floor must be in (0, 1], not {0}")]
    BadFloor(f64),
    #[error("the weight of the model against labelled pairs must be a positive number, not {0}")]
    BadPriorWeight(f64),
    #[error("training needs at least one comparison vector")]
    NoTrainingData,
}

fn level(name: &str, m: f64, u: f64) -> LevelParams {
    LevelParams {
        level: name.to_owned(),
        m,
        u,
    }
}

fn field(field: Field, mu: &[(f64, f64)], fixed: bool) -> FieldParams {
    FieldParams {
        field,
        levels: field
            .level_names()
            .iter()
            .zip(mu)
            .map(|(n, (m, u))| level(n, *m, *u))
            .collect(),
        fixed,
    }
}

/// The hand-set defaults. u values are rough frequencies among random pairs in a UK population
/// (a shared forename about 1 in 100, surname 1 in 500, date of birth 1 in 20,000, full postcode
/// 1 in 1,000 within a force area); m values say how often a true duplicate shows each level
/// (most agree exactly; nicknames, typos, swaps and moves make up the rest).
pub fn default_fields() -> Vec<FieldParams> {
    vec![
        // exact, variant, jw .92, phonetic, jw .80, initial, swapped, middle as first, different
        field(
            Field::Forename,
            &[
                (0.79, 0.01),
                (0.07, 0.002),
                (0.04, 0.002),
                (0.02, 0.004),
                (0.01, 0.02),
                (0.02, 0.004),
                (0.005, 0.000_1),
                (0.03, 0.005),
                (0.015, 0.953),
            ],
            false,
        ),
        field(
            Field::Surname,
            &[
                (0.86, 0.002),
                (0.005, 0.000_3),
                (0.05, 0.001),
                (0.02, 0.002),
                (0.01, 0.02),
                (0.001, 0.001),
                (0.005, 0.000_1),
                // Not a surname level: neutral.
                (0.000_001, 0.000_001),
                (0.049, 0.974),
            ],
            false,
        ),
        // exact, day-month swapped, year ±1, one digit, adjacent digits transposed, within a
        // week, close, different. u of a near miss is roughly how many dates are that near (a
        // week either side: 14 of ~20,000 plausible dates; 400 days either side: 800).
        field(
            Field::DateOfBirth,
            &[
                (0.88, 0.000_05),
                (0.01, 0.000_05),
                (0.02, 0.000_5),
                (0.03, 0.002),
                (0.01, 0.000_3),
                (0.02, 0.000_7),
                (0.02, 0.04),
                (0.01, 0.956_4),
            ],
            false,
        ),
        // full, sector, district, different
        field(
            Field::Postcode,
            &[(0.35, 0.001), (0.05, 0.01), (0.1, 0.04), (0.5, 0.949)],
            false,
        ),
        field(Field::Gender, &[(0.97, 0.5), (0.03, 0.5)], false),
        // shared, conflict, different. u is conditional on both records holding a kind in
        // common, so nearly every random pair that gets a level differs; the same person
        // usually shows the same number, so a different one is evidence against (a renewed
        // passport, a licence reissued after marriage: m is not tiny).
        field(
            Field::Identifier,
            &[(0.9, 0.000_01), (0.001, 0.6), (0.099, 0.4)],
            false,
        ),
        field(Field::Contact, &[(0.5, 0.001), (0.5, 0.999)], false),
        // sibling pattern, namesake pattern, male surname change, neither: weights about −12
        // bits for the relatives' patterns; −4 bits on top of the surname's own for a man whose
        // surname changed (rare, but deed polls and anglicised names exist).
        field(
            Field::Household,
            &[(0.000_25, 1.0), (0.000_25, 1.0), (0.062_5, 1.0), (1.0, 1.0)],
            true,
        ),
        // agree, initial, different, when the first forenames agree (or one is the other's middle
        // name, comparing what is left over): a duplicate mostly repeats
        // the middle name; two people sharing a first name rarely share a middle one too.
        field(
            Field::MiddleName,
            &[(0.9, 0.05), (0.04, 0.05), (0.06, 0.9)],
            false,
        ),
    ]
}

impl Default for Model {
    fn default() -> Self {
        Self {
            prior: 1e-5,
            fields: default_fields(),
            tf_floor: 1e-4,
        }
    }
}

/// What an EM run did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmReport {
    pub iterations: usize,
    pub converged: bool,
    /// λ among the training pairs (candidate pairs, so far above the model's random-pair prior).
    pub lambda: f64,
}

impl Model {
    /// Checks field and level names, order and ranges.
    pub fn validate(&self) -> Result<(), ModelError> {
        if !(self.prior > 0.0 && self.prior < 1.0) {
            return Err(ModelError::BadPrior(self.prior));
        }
        if !(self.tf_floor > 0.0 && self.tf_floor <= 1.0) {
            return Err(ModelError::BadFloor(self.tf_floor));
        }
        if self.fields.iter().map(|f| f.field).ne(Field::ALL) {
            return Err(ModelError::WrongFields {
                expected: Field::ALL.to_vec(),
            });
        }
        for f in &self.fields {
            let names = f.field.level_names();
            if f.levels
                .iter()
                .map(|l| l.level.as_str())
                .ne(names.iter().copied())
            {
                return Err(ModelError::WrongLevels {
                    field: f.field,
                    expected: names.to_vec(),
                });
            }
            for l in &f.levels {
                let ok = |p: f64| p > 0.0 && p <= 1.0;
                if !(ok(l.m) && ok(l.u)) {
                    return Err(ModelError::BadProbability {
                        field: f.field,
                        level: l.level.clone(),
                        m: l.m,
                        u: l.u,
                    });
                }
            }
        }
        Ok(())
    }

    /// A scorer for this model, with term-frequency adjustment when `tf` is given.
    pub fn scorer<'a>(&'a self, tf: Option<&'a TermFrequencies>) -> Result<Scorer<'a>, ModelError> {
        self.validate()?;
        let mut weights = [[0.0; MAX_LEVELS]; FIELD_COUNT];
        for (w, f) in weights.iter_mut().zip(&self.fields) {
            for (slot, l) in w.iter_mut().zip(&f.levels) {
                *slot = (l.m / l.u).log2();
            }
        }
        let exact = NameLevel::Exact.index();
        Ok(Scorer {
            model: self,
            tf,
            weights,
            prior_weight: (self.prior / (1.0 - self.prior)).log2(),
            forename_m_exact: self.fields[0].levels[exact].m,
            surname_m_exact: self.fields[1].levels[exact].m,
        })
    }

    /// Estimates u for every trainable field from `pairs` random pairs of distinct records
    /// (seeded, so reproducible). Returns the number of pairs compared (0 with fewer than two
    /// records, leaving the model unchanged).
    pub fn estimate_u(&mut self, records: &[Prepared], pairs: usize, seed: u64) -> usize {
        let n = records.len();
        if n < 2 || pairs == 0 {
            return 0;
        }
        let mut rng = SplitMix64(seed);
        let mut counts = [[0u64; MAX_LEVELS]; FIELD_COUNT];
        for _ in 0..pairs {
            let i = rng.below(n);
            let mut j = rng.below(n - 1);
            if j >= i {
                j += 1;
            }
            let v = compare(&records[i], &records[j]).vector;
            for (c, l) in counts.iter_mut().zip(v.levels()) {
                if let Some(l) = l {
                    c[l] += 1;
                }
            }
        }
        for (f, c) in self.fields.iter_mut().zip(counts) {
            if f.fixed {
                continue;
            }
            let levels = f.levels.len() as f64;
            let total: u64 = c.iter().sum();
            // Half a pseudo-count per level keeps u above zero for levels never seen at random.
            for (l, count) in f.levels.iter_mut().zip(c) {
                l.u = (count as f64 + 0.5) / (total as f64 + 0.5 * levels);
            }
        }
        pairs
    }

    /// Moves m towards what pairs a person has confirmed as one person show: for every
    /// trainable field, `m = (weight·m + count) / (weight + n)`, where `n` is the number of
    /// confirmed pairs in which the field was compared and `count` those at the level. This is a
    /// Dirichlet prior on each field's m worth `weight` pairs, centred on the current model
    /// (Gelman et al., *Bayesian Data Analysis*, §3.4, the conjugate multinomial), updated with
    /// the labels: Splink's `estimate_m_from_pairwise_labels` without the prior, which would
    /// let a few reviewed pairs (drawn from the uncertain band, so weaker than matches in
    /// general) overwrite the model. A level no confirmed pair showed keeps a positive m. u is
    /// not touched: confirmed and rejected pairs are not random pairs. Returns the number of
    /// confirmed pairs used.
    pub fn learn_from_matches(&mut self, confirmed: &[ComparisonVector], weight: f64) -> Result<usize, ModelError> {
        if !(weight.is_finite() && weight > 0.0) {
            return Err(ModelError::BadPriorWeight(weight));
        }
        let mut counts = [[0u64; MAX_LEVELS]; FIELD_COUNT];
        for v in confirmed {
            for (c, l) in counts.iter_mut().zip(v.levels()) {
                if let Some(l) = l {
                    c[l] += 1;
                }
            }
        }
        for (f, c) in self.fields.iter_mut().zip(counts) {
            let n: u64 = c.iter().sum();
            if f.fixed || n == 0 {
                continue;
            }
            for (l, count) in f.levels.iter_mut().zip(c) {
                l.m = (weight * l.m + count as f64) / (weight + n as f64);
            }
        }
        self.validate()?;
        Ok(confirmed.len())
    }

    /// Expectation–maximisation for m (and λ among the training pairs when `update_prior`),
    /// holding u fixed, over comparison vectors of candidate pairs.
    pub fn train_em(
        &mut self,
        vectors: &[ComparisonVector],
        max_iterations: usize,
        update_prior: bool,
    ) -> Result<EmReport, ModelError> {
        self.train_em_holding_out(vectors, &[], max_iterations, update_prior)
    }

    /// As [`Model::train_em`], over pairs that a blocking rule on `held_out` fields admitted:
    /// those fields agree because the rule made them, not because the pairs match, so they take
    /// no part in the run and keep their m (Splink's documentation, "Expectation maximisation":
    /// each training session's blocking-rule columns are not estimated). Without this, pairs
    /// forced to agree look like matches and λ runs to 1.
    ///
    /// With fields held out, λ (the share of matches among these pairs) is also held: first
    /// estimated with the starting model's m and u on the fields used, then kept. The fields left cannot tell
    /// a match from a relative at the same address (same-name relatives share postcodes and
    /// phones far more than random pairs, on which u was measured), and a free λ would again run
    /// to 1 with m copying the pairs' own level frequencies.
    pub fn train_em_holding_out(
        &mut self,
        vectors: &[ComparisonVector],
        held_out: &[Field],
        max_iterations: usize,
        update_prior: bool,
    ) -> Result<EmReport, ModelError> {
        self.validate()?;
        let used: Vec<bool> = self.fields.iter().map(|f| !held_out.contains(&f.field)).collect();
        if vectors.is_empty() {
            return Err(ModelError::NoTrainingData);
        }
        let levels: Vec<[Option<usize>; FIELD_COUNT]> =
            vectors.iter().map(|v| v.levels()).collect();
        // Start from the model's prior among candidates; blocked pairs match far more often
        // than random ones, so begin EM at 0.1 if the prior is tiny.
        let mut lambda = self.prior.max(0.1);
        let hold_lambda = !held_out.is_empty();
        if hold_lambda {
            lambda = self.share_of_matches(&levels, &used, lambda);
        }
        let mut report = EmReport {
            iterations: 0,
            converged: false,
            lambda,
        };
        for iteration in 1..=max_iterations {
            let mut m_sum = [[0.0f64; MAX_LEVELS]; FIELD_COUNT];
            let mut m_total = [0.0f64; FIELD_COUNT];
            let mut p_total = 0.0;
            for v in &levels {
                let mut log_m = lambda.ln();
                let mut log_u = (1.0 - lambda).ln();
                for ((f, l), used) in self.fields.iter().zip(v).zip(&used) {
                    if let (Some(l), true) = (l, used) {
                        log_m += f.levels[*l].m.ln();
                        log_u += f.levels[*l].u.ln();
                    }
                }
                let p = 1.0 / (1.0 + (log_u - log_m).exp());
                p_total += p;
                for (k, l) in v.iter().enumerate() {
                    if let Some(l) = l {
                        m_sum[k][*l] += p;
                        m_total[k] += p;
                    }
                }
            }
            let mut change: f64 = 0.0;
            for (k, f) in self.fields.iter_mut().enumerate() {
                if f.fixed || !used[k] || m_total[k] <= 0.0 {
                    continue;
                }
                for (l, params) in f.levels.iter_mut().enumerate() {
                    // A level no match showed keeps a tiny m: a zero would forbid it forever.
                    let m = (m_sum[k][l] / m_total[k]).max(1e-6);
                    change = change.max((m - params.m).abs());
                    params.m = m;
                }
            }
            let new_lambda = if hold_lambda { lambda } else { (p_total / vectors.len() as f64).clamp(1e-9, 1.0 - 1e-9) };
            change = change.max((new_lambda - lambda).abs());
            lambda = new_lambda;
            report = EmReport {
                iterations: iteration,
                converged: change < 1e-6,
                lambda,
            };
            if report.converged {
                break;
            }
        }
        if update_prior {
            self.prior = lambda;
        }
        Ok(report)
    }
}

impl Model {
    /// The λ that best explains `levels` under this model's m and u on the `used` fields: EM on
    /// λ alone, from `start`.
    fn share_of_matches(&self, levels: &[[Option<usize>; FIELD_COUNT]], used: &[bool], start: f64) -> f64 {
        let ratios: Vec<f64> = levels
            .iter()
            .map(|v| {
                self.fields
                    .iter()
                    .zip(v)
                    .zip(used)
                    .filter_map(|((f, l), used)| l.filter(|_| *used).map(|l| (f.levels[l].m / f.levels[l].u).ln()))
                    .sum::<f64>()
            })
            .collect();
        let mut lambda = start;
        for _ in 0..200 {
            let odds = (lambda / (1.0 - lambda)).ln();
            let next = (ratios.iter().map(|r| 1.0 / (1.0 + (-(odds + r)).exp())).sum::<f64>() / ratios.len() as f64).clamp(1e-6, 1.0 - 1e-6);
            if (next - lambda).abs() < 1e-7 {
                return next;
            }
            lambda = next;
        }
        lambda
    }
}

/// The most levels any field has.
pub const MAX_LEVELS: usize = 9;

/// A model compiled for scoring: weights precomputed in bits.
#[derive(Debug, Clone)]
pub struct Scorer<'a> {
    model: &'a Model,
    tf: Option<&'a TermFrequencies>,
    weights: [[f64; MAX_LEVELS]; FIELD_COUNT],
    prior_weight: f64,
    forename_m_exact: f64,
    surname_m_exact: f64,
}

/// A pair's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Total match weight in bits, the prior included.
    pub weight: f64,
    pub probability: f64,
}

/// Turns a total match weight (bits, prior included) into a probability.
pub fn probability(weight: f64) -> f64 {
    let odds = weight.exp2();
    if odds.is_infinite() {
        1.0
    } else {
        odds / (1.0 + odds)
    }
}

impl Scorer<'_> {
    pub fn model(&self) -> &Model {
        self.model
    }

    /// The weight of a term-frequency adjusted exact match on `value`, if the table knows it.
    fn tf_weight(&self, field: Field, value: Option<&str>) -> Option<(f64, f64)> {
        let tf = self.tf?;
        let value = value?;
        let (u, m) = match field {
            Field::Forename => (tf.forename_u(value)?, self.forename_m_exact),
            Field::Surname => (tf.surname_u(value)?, self.surname_m_exact),
            _ => return None,
        };
        let u = u.max(self.model.tf_floor);
        Some(((m / u).log2(), u))
    }

    /// Total match weight of a pair in bits (prior included): the hot path.
    pub fn weight(&self, a: &Prepared, b: &Prepared) -> f64 {
        let c = compare(a, b);
        let mut w = self.prior_weight;
        for (k, l) in c.vector.levels().into_iter().enumerate() {
            if let Some(l) = l {
                w += self.weights[k][l];
            }
        }
        let exact = NameLevel::Exact.index();
        let (mut wf, mut ws) = (self.weights[0][exact], self.weights[1][exact]);
        if c.vector.forename == Some(NameLevel::Exact)
            && let Some((tw, _)) = self.tf_weight(Field::Forename, c.forename_value)
        {
            w += tw - wf;
            wf = tw;
        }
        if c.vector.surname == Some(NameLevel::Exact)
            && let Some((tw, _)) = self.tf_weight(Field::Surname, c.surname_value)
        {
            w += tw - ws;
            ws = tw;
        }
        w + self.full_name_adjustment(&c, wf + ws)
    }

    /// How much less than `names_weight` (the forename and surname weights added) a pair that
    /// agrees exactly on both is worth, given how often that full name occurs: never positive.
    fn full_name_adjustment(&self, c: &Comparison<'_>, names_weight: f64) -> f64 {
        let both = c.vector.forename == Some(NameLevel::Exact) && c.vector.surname == Some(NameLevel::Exact);
        let (Some(tf), true, Some(f), Some(s)) = (self.tf, both, c.forename_value, c.surname_value) else {
            return 0.0;
        };
        let Some(u) = tf.full_name_u(f, s) else {
            return 0.0;
        };
        // The floor is squared: a full name is a two-field value, rarer than either part.
        let u = u.max(self.model.tf_floor * self.model.tf_floor);
        let joint = (self.forename_m_exact * self.surname_m_exact / u).log2();
        (joint - names_weight).min(0.0)
    }

    /// Weight and probability of a pair.
    pub fn score(&self, a: &Prepared, b: &Prepared) -> Score {
        let weight = self.weight(a, b);
        Score {
            weight,
            probability: probability(weight),
        }
    }

    /// The score with every field's contribution, for display.
    pub fn explain(&self, a: &Prepared, b: &Prepared) -> Explanation {
        let c = compare(a, b);
        let mut contributions = Vec::with_capacity(FIELD_COUNT);
        let mut total = self.prior_weight;
        for (k, (field, l)) in Field::ALL.into_iter().zip(c.vector.levels()).enumerate() {
            let Some(l) = l else {
                contributions.push(Contribution {
                    field,
                    level: "null",
                    weight: 0.0,
                    term_frequency: None,
                });
                continue;
            };
            let value = match field {
                Field::Forename => c.forename_value,
                Field::Surname => c.surname_value,
                _ => None,
            };
            let exact = l == NameLevel::Exact.index();
            let (weight, term_frequency) = match self.tf_weight(field, value).filter(|_| exact) {
                Some((w, u)) => (w, Some(u)),
                None => (self.weights[k][l], None),
            };
            total += weight;
            contributions.push(Contribution {
                field,
                level: field.level_names()[l],
                weight,
                term_frequency,
            });
        }
        // The full-name correction is shown on the surname: its weight given the forename.
        let names_weight: f64 = contributions
            .iter()
            .filter(|x| matches!(x.field, Field::Forename | Field::Surname))
            .map(|x| x.weight)
            .sum();
        let adjustment = self.full_name_adjustment(&c, names_weight);
        if adjustment < 0.0
            && let Some(surname) = contributions.iter_mut().find(|x| x.field == Field::Surname)
        {
            surname.weight += adjustment;
            total += adjustment;
        }
        Explanation {
            prior_weight: self.prior_weight,
            contributions,
            weight: total,
            probability: probability(total),
        }
    }
}

/// How often each forename and surname value occurs among records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermFrequencies {
    pub forenames: HashMap<String, u32>,
    pub surnames: HashMap<String, u32>,
    pub forename_total: u64,
    pub surname_total: u64,
    /// Records holding each (forename token, surname token) combination of one name, keyed by
    /// [`full_name_key`]; `full_name_total` is the number of records counted.
    #[serde(default)]
    pub full_names: HashMap<u64, u32>,
    #[serde(default)]
    pub full_name_total: u64,
}

/// A stable 64-bit key of a (forename, surname) pair: FNV-1a over both, separated, so the table
/// can be stored and reloaded (std's hasher may change between Rust releases).
pub fn full_name_key(forename: &str, surname: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in forename.bytes().chain([0xff]).chain(surname.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Adds one to `value`'s count (a key is allocated only for a value not seen before).
fn count(counts: &mut HashMap<String, u32>, value: &str) {
    match counts.get_mut(value) {
        Some(n) => *n += 1,
        None => {
            counts.insert(value.to_owned(), 1);
        }
    }
}

impl TermFrequencies {
    /// Counts each value once per record (a person with three aliases named Smith is one Smith).
    pub fn from_records(records: &[Prepared]) -> Self {
        let mut tf = Self::default();
        let mut seen_f: Vec<&str> = Vec::new();
        let mut seen_s: Vec<&str> = Vec::new();
        let mut seen_pairs: Vec<u64> = Vec::new();
        for r in records {
            seen_f.clear();
            seen_s.clear();
            seen_pairs.clear();
            for n in &r.names {
                for f in &n.forenames {
                    for s in n.surname.iter().chain(&n.surname_parts) {
                        seen_pairs.push(full_name_key(&f.text, &s.text));
                    }
                }
                seen_f.extend(n.forenames.iter().map(|t| t.text.as_str()));
                seen_s.extend(
                    n.surname
                        .iter()
                        .chain(&n.surname_parts)
                        .map(|t| t.text.as_str()),
                );
            }
            seen_f.sort_unstable();
            seen_f.dedup();
            seen_s.sort_unstable();
            seen_s.dedup();
            for v in &seen_f {
                count(&mut tf.forenames, v);
                tf.forename_total += 1;
            }
            for v in &seen_s {
                count(&mut tf.surnames, v);
                tf.surname_total += 1;
            }
            seen_pairs.sort_unstable();
            seen_pairs.dedup();
            for k in &seen_pairs {
                *tf.full_names.entry(*k).or_default() += 1;
            }
            tf.full_name_total += 1;
        }
        tf
    }

    /// The share of records holding the name `forename` `surname`, if counted.
    pub fn full_name_u(&self, forename: &str, surname: &str) -> Option<f64> {
        let n = *self.full_names.get(&full_name_key(forename, surname))?;
        Some(f64::from(n) / self.full_name_total.max(1) as f64)
    }

    /// The relative frequency of a forename, if counted.
    pub fn forename_u(&self, value: &str) -> Option<f64> {
        let n = *self.forenames.get(value)?;
        Some(f64::from(n) / self.forename_total.max(1) as f64)
    }

    /// The relative frequency of a surname, if counted.
    pub fn surname_u(&self, value: &str) -> Option<f64> {
        let n = *self.surnames.get(value)?;
        Some(f64::from(n) / self.surname_total.max(1) as f64)
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, enough for sampling pairs
/// without adding a dependency.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (n > 0); the modulo bias is negligible for record counts.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

#[cfg(test)]
#[path = "model_tests.rs"]
mod tests;
