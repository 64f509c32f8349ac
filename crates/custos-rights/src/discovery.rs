//! Subject access discovery as casework: which Golden Nominal is the requester, the bundle of
//! items found about them, the officer's decision on each item, and each disclosure pack
//! exported. The store assembles the items from the data; this module holds the rules their
//! events must keep, so that nothing reaches the requester unreviewed or unexplained:
//!
//! - the subject is a person chosen by an officer from a match search; when the search showed
//!   more than one candidate, the officer says why this one (an ambiguous match is a human
//!   choice, recorded);
//! - a bundle names each item by a stable key and the hash of its content; assembling again
//!   keeps the review of an item whose content has not changed and drops the others';
//! - every item is reviewed before a pack is exported: disclosed, partly disclosed or withheld,
//!   the last two with the restriction's ground and reasons (DPA 2018 s.45(4)-(5), or UK GDPR
//!   restrictions under DPA 2018 Sch 2), with the officer's adjustments of the automatic
//!   redaction of third parties.

use std::collections::BTreeMap;

use custos_core::code_list;
use custos_core::ids::EntityId;
use custos_core::text::{Label, Text};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::clock::Law;
use crate::redact::Adjustments;
use crate::request::{CaseError, Restriction};

code_list! {
    /// What the officer decided for one item of the bundle.
    pub enum ItemDecision ("item decision") {
        /// Disclosed, with third parties redacted.
        Disclose = "disclose",
        /// Disclosed with more redacted than third parties, under a restriction.
        Partly = "partly",
        /// Not disclosed, under a restriction.
        Withhold = "withhold",
    }
}

/// The person the request is about, as an officer identified them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The Golden Nominal (a merged duplicate's id is resolved by the store).
    pub person: EntityId,
    /// The match search the person was chosen from.
    pub search: Label,
    /// Why this candidate, when the search showed more than one.
    pub reason: Option<Text>,
    /// Other records of the requester the search showed, not yet merged into the nominal: their
    /// data is the requester's too (and never redacted as a third party's).
    #[serde(default)]
    pub also: Vec<EntityId>,
}

/// One item of an assembled bundle: its key (`entity:<id>:<version>` or `audit:<seq>`) and the
/// SHA-256 of its content as assembled, in lower-case hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleEntry {
    pub item: String,
    pub hash: String,
}

/// The record an item key names (`entity:<id>:<version>`); `None` for an audit event's item.
pub fn item_entity(key: &str) -> Option<EntityId> {
    key.strip_prefix("entity:")?.split(':').next()?.parse().ok()
}

/// The officer's review of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemReview {
    pub item: String,
    pub decision: ItemDecision,
    /// The restriction's ground, for a partly disclosed or withheld item.
    #[serde(default)]
    pub ground: Option<Restriction>,
    /// The reasons for the restriction (DPA 2018 s.45(5): recorded, and available to the
    /// Commissioner).
    #[serde(default)]
    pub reason: Option<Text>,
    /// Words released from, or added to, the automatic redaction of third parties.
    #[serde(default)]
    pub adjustments: Adjustments,
    /// A withheld item the requester is not told about: telling them would itself undermine the
    /// restriction (DPA 2018 s.45(5)(a)).
    #[serde(default)]
    pub conceal: bool,
}

/// A disclosure pack as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Export {
    pub on: Date,
    pub disclosed: usize,
    pub withheld: usize,
    /// SHA-256 of the pack's content (its manifest names it), lower-case hex.
    pub sha256: Label,
}

/// Where a request's discovery stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Discovery {
    pub subject: Option<Subject>,
    /// The latest bundle's items, in the order assembled.
    pub items: Vec<BundleEntry>,
    /// The reviews of the latest bundle's items, by item key.
    pub reviews: BTreeMap<String, ItemReview>,
    pub exports: Vec<Export>,
}

impl Discovery {
    /// Records the subject; a new subject discards the bundle found for the previous one.
    pub(crate) fn identify(&mut self, law: Law, subject: &Subject) -> Result<(), CaseError> {
        if law == Law::Foi {
            return Err(CaseError::NotSubjectAccess);
        }
        if self.subject.as_ref().is_some_and(|s| s.person != subject.person) {
            self.items.clear();
            self.reviews.clear();
        }
        self.subject = Some(subject.clone());
        Ok(())
    }

    /// Records a bundle, keeping the reviews of the items whose content is unchanged.
    pub(crate) fn assemble(&mut self, items: &[BundleEntry]) -> Result<(), CaseError> {
        if self.subject.is_none() {
            return Err(CaseError::NoSubject);
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = items.iter().find(|e| !seen.insert(e.item.as_str())) {
            return Err(CaseError::DuplicateItem(twice.item.clone()));
        }
        let unchanged: BTreeMap<&str, &str> =
            self.items.iter().filter(|old| items.contains(old)).map(|e| (e.item.as_str(), e.hash.as_str())).collect();
        self.reviews.retain(|item, _| unchanged.contains_key(item.as_str()));
        self.items = items.to_vec();
        Ok(())
    }

    /// Records reviews of items of the current bundle (a later review of an item replaces the
    /// earlier one). All or nothing.
    pub(crate) fn review(&mut self, law: Law, reviews: &[ItemReview]) -> Result<(), CaseError> {
        if self.items.is_empty() {
            return Err(CaseError::NoBundle);
        }
        for review in reviews {
            if !self.items.iter().any(|e| e.item == review.item) {
                return Err(CaseError::UnknownItem(review.item.clone()));
            }
            match (review.decision, review.ground, &review.reason) {
                (ItemDecision::Disclose, None, _) => {}
                (ItemDecision::Disclose, Some(_), _) => return Err(CaseError::GroundOnDisclosure(review.item.clone())),
                (_, Some(ground), Some(_)) => {
                    if !ground.applies_to(law) {
                        return Err(CaseError::WrongRestriction { ground, law });
                    }
                }
                (_, _, _) => return Err(CaseError::RestrictionUnexplained(review.item.clone())),
            }
            if review.conceal && review.decision != ItemDecision::Withhold {
                return Err(CaseError::ConcealedDisclosure(review.item.clone()));
            }
        }
        for review in reviews {
            self.reviews.insert(review.item.clone(), review.clone());
        }
        Ok(())
    }

    /// The items not yet reviewed, in bundle order.
    pub fn unreviewed(&self) -> impl Iterator<Item = &BundleEntry> {
        self.items.iter().filter(|e| !self.reviews.contains_key(&e.item))
    }

    /// Records an exported pack: only once every item of the bundle is reviewed, and with the
    /// counts the reviews give.
    pub(crate) fn export(&mut self, export: &Export) -> Result<(), CaseError> {
        if self.items.is_empty() {
            return Err(CaseError::NoBundle);
        }
        let unreviewed: Vec<&BundleEntry> = self.unreviewed().collect();
        if let Some(first) = unreviewed.first() {
            return Err(CaseError::Unreviewed { count: unreviewed.len(), first: first.item.clone() });
        }
        let withheld = self.reviews.values().filter(|r| r.decision == ItemDecision::Withhold).count();
        let disclosed = self.items.len() - withheld;
        if (export.disclosed, export.withheld) != (disclosed, withheld) {
            return Err(CaseError::ExportCounts { disclosed, withheld });
        }
        self.exports.push(export.clone());
        Ok(())
    }
}

#[cfg(test)]
mod tests;
