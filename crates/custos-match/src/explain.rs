//! Explanations: every score broken down into the prior and one contribution per field (level
//! name and weight in bits), so a reviewer can see why two records were, or were not, linked.
//!
//! Fellegi–Sunter weights are additive in log2(m/u) (Fellegi & Sunter 1969), which is what
//! makes this breakdown exact; Splink's documentation shows the same "waterfall chart" of partial
//! match weights for the same reason. Term-frequency adjusted levels report the frequency used.

use serde::Serialize;

use crate::compare::Field;

/// One field's part of a score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub field: Field,
    /// The level's stable name, or "null" when a side lacked the field.
    pub level: &'static str,
    /// Partial match weight in bits (0 for null).
    pub weight: f64,
    /// The term frequency used as u, when the level was term-frequency adjusted.
    pub term_frequency: Option<f64>,
}

/// A score and its parts; `weight` = `prior_weight` + the sum of contribution weights.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// log2(λ / (1 − λ)).
    pub prior_weight: f64,
    pub contributions: Vec<Contribution>,
    pub weight: f64,
    pub probability: f64,
}

impl Explanation {
    /// The contribution of a field.
    pub fn field(&self, field: Field) -> Option<&Contribution> {
        self.contributions.iter().find(|c| c.field == field)
    }

    /// One line per field, for logs and the command line ("surname exact +8.7").
    pub fn summary(&self) -> String {
        let mut out = format!("prior {:+.1}", self.prior_weight);
        for c in &self.contributions {
            out.push_str(&format!(
                "; {} {} {:+.1}",
                c.field.name(),
                c.level,
                c.weight
            ));
        }
        out.push_str(&format!(
            "; total {:+.1} p={:.3}",
            self.weight, self.probability
        ));
        out
    }
}
