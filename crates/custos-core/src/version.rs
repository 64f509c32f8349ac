//! Versions and the submission lock (DOMAIN.md §4: "critical fields are time-stamped and locked
//! once submitted; a correction is a new version with a reason").
//!
//! Every change to an entity is a new version with a [`VersionMeta`]. [`check_change`] is the pure
//! rule the store applies before writing one: before submission edits are free; after submission
//! an ordinary edit may not touch a critical field ([`EntityBody::critical_changes`]), a
//! correction may but needs a reason, and an entity never changes kind.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::code_list::code_list;
use crate::entity::{EntityBody, EntityKind};
use crate::ids::UserId;
use crate::text::Text;

code_list! {
    /// What a version records.
    pub enum ChangeKind ("change kind") {
        Created = "created",
        Edited = "edited",
        Submitted = "submitted",
        Corrected = "corrected",
    }
}

/// The shortest accepted correction reason, in characters (after trimming).
pub const MIN_REASON_CHARS: usize = 10;

/// Who made a version, when, why and what kind of change it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionMeta {
    /// 1 for the created version, then +1 per change.
    pub version: u32,
    pub author: UserId,
    pub at: Timestamp,
    #[serde(default)]
    pub reason: Option<Text>,
    pub change: ChangeKind,
}

/// Why a change was refused. Messages tell the user what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    #[error("a {from} cannot become a {to}; record a new {to} and link it instead")]
    KindChange { from: EntityKind, to: EntityKind },
    #[error("{} submitted and {} locked; record a correction with a reason", list(fields), if plural(fields) { "are" } else { "is" })]
    Locked { fields: Vec<&'static str> },
    #[error("a correction needs a reason of at least {MIN_REASON_CHARS} characters")]
    ReasonRequired,
    #[error("this record has already been submitted")]
    AlreadySubmitted,
    #[error("this record already exists; a new version is an edit, a submission or a correction")]
    AlreadyCreated,
}

fn plural(fields: &[&str]) -> bool {
    fields.len() > 1 || fields.first().is_some_and(|f| f.ends_with('s'))
}

/// "date of birth was" / "primary name and date of birth were" / "a, b and c were".
fn list(fields: &[&str]) -> String {
    let verb = if plural(fields) { "were" } else { "was" };
    let joined = match fields {
        [] => "nothing".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    format!("{joined} {verb}")
}

/// Decides whether `proposed` may replace `current` as a change of kind `change`.
///
/// - A change of entity kind is always refused.
/// - `Created` is refused: the entity already exists.
/// - `Corrected` needs a reason of at least [`MIN_REASON_CHARS`] characters, submitted or not.
/// - `Submitted` is refused if already submitted; otherwise it may carry final edits.
/// - `Edited` is free before submission; after it, touching a critical field is refused.
pub fn check_change(
    submitted: bool,
    current: &EntityBody,
    proposed: &EntityBody,
    change: ChangeKind,
    reason: Option<&str>,
) -> Result<(), LockError> {
    if current.kind() != proposed.kind() {
        return Err(LockError::KindChange {
            from: current.kind(),
            to: proposed.kind(),
        });
    }
    match change {
        ChangeKind::Created => Err(LockError::AlreadyCreated),
        ChangeKind::Corrected => {
            if reason.map_or(0, |r| r.trim().chars().count()) < MIN_REASON_CHARS {
                Err(LockError::ReasonRequired)
            } else {
                Ok(())
            }
        }
        ChangeKind::Submitted if submitted => Err(LockError::AlreadySubmitted),
        ChangeKind::Submitted => Ok(()),
        ChangeKind::Edited if !submitted => Ok(()),
        ChangeKind::Edited => {
            let fields = current.critical_changes(proposed);
            if fields.is_empty() {
                Ok(())
            } else {
                Err(LockError::Locked { fields })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::tests::person;
    use crate::ids::EntityId;
    use crate::link::{Link, LinkKind};
    use crate::person::Person;
    use jiff::civil::date;

    fn with(body: &EntityBody, f: impl FnOnce(&mut Person)) -> EntityBody {
        let EntityBody::Person(p) = body else {
            panic!("not a person")
        };
        let mut p = p.clone();
        f(&mut p);
        EntityBody::Person(p)
    }

    fn check(
        submitted: bool,
        proposed: &EntityBody,
        change: ChangeKind,
        reason: Option<&str>,
        expected: Result<(), &str>,
    ) {
        let got =
            check_change(submitted, &person(), proposed, change, reason).map_err(|e| e.to_string());
        assert_eq!(
            got,
            expected.map_err(str::to_owned),
            "submitted={submitted} {change} {reason:?}"
        );
    }

    #[test]
    fn the_lock_table() {
        let current = person();
        let new_dob = with(&current, |p| p.dates_of_birth = vec![date(1981, 1, 2)]);
        let new_dob_and_ids = with(&new_dob, |p| p.identifiers.clear());
        let cosmetic = with(&current, |p| p.gender = Some(crate::person::Gender::Male));
        let link = EntityBody::Link(
            Link::new(EntityId::new(), EntityId::new(), LinkKind::Associate).unwrap(),
        );
        use ChangeKind::*;

        // Before submission: edits are free.
        check(false, &new_dob_and_ids, Edited, None, Ok(()));
        check(false, &new_dob, Submitted, None, Ok(()));
        // After submission: non-critical edits are free; critical ones are locked.
        check(true, &cosmetic, Edited, None, Ok(()));
        check(
            true,
            &new_dob,
            Edited,
            None,
            Err("date of birth was submitted and is locked; record a correction with a reason"),
        );
        check(
            true,
            &new_dob_and_ids,
            Edited,
            Some("because"),
            Err(
                "date of birth and identifiers were submitted and are locked; record a correction with a reason",
            ),
        );
        // Corrections need a real reason.
        check(
            true,
            &new_dob,
            Corrected,
            Some("DOB confirmed from passport"),
            Ok(()),
        );
        check(
            true,
            &new_dob,
            Corrected,
            Some("  typo     "),
            Err("a correction needs a reason of at least 10 characters"),
        );
        check(
            true,
            &new_dob,
            Corrected,
            None,
            Err("a correction needs a reason of at least 10 characters"),
        );
        check(false, &new_dob, Corrected, Some("0123456789"), Ok(()));
        // Other refusals.
        check(
            true,
            &cosmetic,
            Submitted,
            None,
            Err("this record has already been submitted"),
        );
        check(
            false,
            &cosmetic,
            Created,
            None,
            Err(
                "this record already exists; a new version is an edit, a submission or a correction",
            ),
        );
        for change in ChangeKind::ALL {
            for submitted in [false, true] {
                check(
                    submitted,
                    &link,
                    *change,
                    Some("a long enough reason"),
                    Err("a person cannot become a link; record a new link and link it instead"),
                );
            }
        }
    }

    #[test]
    fn message_lists() {
        let three = LockError::Locked {
            fields: vec!["address lines", "postcode", "UPRN"],
        };
        assert_eq!(
            three.to_string(),
            "address lines, postcode and UPRN were submitted and are locked; record a correction with a reason"
        );
        let plural_one = LockError::Locked {
            fields: vec!["identifiers"],
        };
        assert_eq!(
            plural_one.to_string(),
            "identifiers were submitted and are locked; record a correction with a reason"
        );
    }

    #[test]
    fn meta_serde() {
        let meta = VersionMeta {
            version: 2,
            author: UserId::parse("MP123456").unwrap(),
            at: "2024-06-01T21:30:00Z".parse().unwrap(),
            reason: Some(Text::parse("DOB confirmed from passport").unwrap()),
            change: ChangeKind::Corrected,
        };
        let json = serde_json::to_string(&meta).unwrap();
        assert_eq!(serde_json::from_str::<VersionMeta>(&json).unwrap(), meta);
        assert!(json.contains(r#""change":"corrected""#));
    }
}
