//! How a bundle's items read: each record flattened into labelled fields, the ids it refers to
//! replaced by what they are to the requester ("you", "another person", the title of another
//! item, a place's address), and each audit event as what was done, when and by whom. Everything
//! here is unredacted: the redaction of third parties is applied to these texts afterwards.

use std::collections::HashMap;

use custos_audit::AuditEvent;
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_rights::redact::{Party, Redactor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::entities::EntityRecord;

/// One labelled text of an item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Field {
    pub label: String,
    pub text: String,
    /// The record this field names, when it is a reference: so that a reference to a record
    /// withheld without telling the requester can be left out of what is disclosed.
    #[serde(skip)]
    pub refers_to: Option<EntityId>,
}

/// One item of a subject's bundle, as assembled (unredacted).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// `entity:<id>:<version>` or `audit:<seq>`.
    pub key: String,
    /// The entity kind, or `audit_event`.
    pub kind: String,
    pub title: String,
    pub fields: Vec<Field>,
    /// SHA-256 of the key, title and fields, lower-case hex: what a review was of.
    pub hash: String,
}

impl Item {
    /// The item with its hash covering the automatic redaction too: a change to what identifies
    /// a third party (a victim's corrected address) changes what the officer reviewed, even when
    /// the item's own text is the same.
    pub(crate) fn with_redaction(mut self, redactor: &Redactor) -> Self {
        let mut digest = Sha256::new();
        digest.update(self.hash.as_bytes());
        for f in &self.fields {
            digest.update([0]);
            digest.update(custos_rights::redact::render(&redactor.redact(&f.text, &Default::default())).as_bytes());
        }
        self.hash = hex::encode(digest.finalize());
        self
    }

    fn new(key: String, kind: String, title: String, fields: Vec<Field>) -> Self {
        let mut digest = Sha256::new();
        for part in [key.as_str(), kind.as_str(), title.as_str()] {
            digest.update(part.as_bytes());
            digest.update([0]);
        }
        for f in &fields {
            digest.update(f.label.as_bytes());
            digest.update([0]);
            digest.update(f.text.as_bytes());
            digest.update([0]);
        }
        let hash = hex::encode(digest.finalize());
        Self { key, kind, title, fields, hash }
    }
}

/// What an id a record names is, to the requester.
#[derive(Debug, Clone)]
pub(crate) enum Named {
    /// One of the subject's own person records.
    Subject,
    /// Someone else: never named in the bundle.
    ThirdParty,
    /// Another item of the bundle, by its title.
    Item(String),
    /// A place, by its address (redacted later if it is a third party's).
    Place(String),
    /// Something shown only by what it is ("a vehicle", "a place not shown").
    Described(String),
}

/// The entity key of a record at its version.
pub(crate) fn entity_key(record: &EntityRecord) -> String {
    format!("entity:{}:{}", record.id, record.version)
}

fn human(kind: &str) -> String {
    let mut s = kind.replace('_', " ");
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    s
}

/// What a record is, and when it was recorded: how other items refer to it (without its
/// version, so that a change to it changes only its own item).
pub(crate) fn reference_title(record: &EntityRecord) -> String {
    let what = match &record.body {
        EntityBody::Person(p) => format!("Person record: {}", p.primary_name().display_name()),
        EntityBody::Link(l) => format!("Link: {}", human(l.kind().name())),
        _ => human(record.kind.as_str()),
    };
    format!("{what} (recorded {})", record.created_at.strftime("%Y-%m-%d"))
}

/// The title of an entity item: what it is, when recorded, which version.
pub(crate) fn entity_title(record: &EntityRecord) -> String {
    format!("{}, version {}", reference_title(record), record.version)
}

/// How a place or object named inside a record, but not itself an item, is shown.
pub(crate) fn context_name(record: &EntityRecord) -> Named {
    match &record.body {
        EntityBody::Location(_) => address(record).map_or_else(|| Named::Described("a place".into()), Named::Place),
        EntityBody::Object(o) => Named::Described(format!("a {}", human(o.kind.object_type().as_str()).to_lowercase())),
        _ => Named::Described(format!("a {}", record.kind.as_str().replace('_', " "))),
    }
}

/// An entity as an item: its body flattened, ids replaced as `names` says.
pub(crate) fn entity_item(record: &EntityRecord, names: &HashMap<EntityId, Named>) -> Item {
    let mut fields = Vec::new();
    let body = serde_json::to_value(&record.body).unwrap_or(Value::Null);
    // The body is `{"<kind>": {…}}`: the wrapper adds nothing to a label.
    let inner = match &body {
        Value::Object(map) if map.len() == 1 => map.values().next().cloned().unwrap_or(Value::Null),
        other => other.clone(),
    };
    flatten(&inner, String::new(), names, &mut fields);
    Item::new(entity_key(record), record.kind.as_str().to_owned(), entity_title(record), fields)
}

fn flatten(value: &Value, path: String, names: &HashMap<EntityId, Named>, out: &mut Vec<Field>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                let label = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                flatten(v, label, names, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(v, format!("{path}[{}]", i + 1), names, out);
            }
        }
        Value::String(s) => {
            let refers_to = s.parse::<EntityId>().ok();
            let text = match refers_to.map(|id| names.get(&id)) {
                Some(Some(Named::Subject)) => "you".to_owned(),
                Some(Some(Named::ThirdParty)) => "another person".to_owned(),
                Some(Some(Named::Item(title))) => format!("see: {title}"),
                Some(Some(Named::Place(address))) => address.clone(),
                Some(Some(Named::Described(what))) => what.clone(),
                Some(None) => "a record not included in this bundle".to_owned(),
                None => s.clone(),
            };
            out.push(Field { label: path, text, refers_to });
        }
        other => out.push(Field { label: path, text: other.to_string(), refers_to: None }),
    }
}

/// A disclosable audit event as an item: what was done to which items, when, by whom (an
/// officer's user id: a third party's identifier, redacted like any other).
pub(crate) fn audit_item(seq: u64, event: &AuditEvent, names: &HashMap<EntityId, Named>) -> Item {
    let field = |label: &str, text: String| Field { label: label.into(), text, refers_to: None };
    let mut fields = vec![
        field("action", event.kind.as_str().replace('_', " ")),
        field("when", event.at.strftime("%Y-%m-%d %H:%M UTC").to_string()),
        field("by", event.actor.clone()),
    ];
    // Only what the bundle holds: a bulk creation names hundreds of other records, and even
    // their kinds and number are other people's business.
    let concerning = event.objects.iter().filter_map(|object| {
        let id = object.id.parse::<EntityId>().ok()?;
        match names.get(&id)? {
            Named::Subject => Some((id, "your person record".to_owned())),
            Named::Item(title) => Some((id, title.clone())),
            Named::Place(_) | Named::Described(_) | Named::ThirdParty => None,
        }
    });
    for (i, (id, text)) in concerning.enumerate() {
        fields.push(Field { label: format!("concerning[{}]", i + 1), text, refers_to: Some(id) });
    }
    let title = format!("Audit record {seq}: {} on {}", event.kind.as_str().replace('_', " "), event.at.strftime("%Y-%m-%d"));
    Item::new(format!("audit:{seq}"), "audit_event".into(), title, fields)
}

/// The words that identify the person in `records` (one person's records, merged or not), with
/// the addresses of the places and the numbers of the things linked to them.
pub(crate) fn party<'a>(records: impl IntoIterator<Item = &'a EntityRecord>, addresses: Vec<String>, identifiers: Vec<String>) -> Party {
    let mut party = Party { addresses, identifiers, ..Party::default() };
    for record in records {
        let EntityBody::Person(p) = &record.body else { continue };
        for name in p.names() {
            party.names.push(format!("{} {}", name.forenames().join(" "), name.surname()).trim().to_owned());
        }
        party.identifiers.extend(p.identifiers.iter().map(|i| i.value().to_owned()));
        party.dates_of_birth.extend(p.dates_of_birth.iter().copied());
    }
    party
}

/// A place's address as one line.
pub(crate) fn address(record: &EntityRecord) -> Option<String> {
    let EntityBody::Location(l) = &record.body else { return None };
    let mut parts: Vec<String> = l.address_lines().iter().map(|a| a.as_str().to_owned()).collect();
    parts.extend(l.town.iter().map(|t| t.as_str().to_owned()));
    parts.extend(l.postcode.iter().map(|p| p.as_str().to_owned()));
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The order items are shown in: the subject's records, their links and what they link to,
/// the operational records, the events, then the audit trail.
pub(crate) fn rank(kind: &str) -> u8 {
    match kind.parse::<EntityKind>() {
        Ok(EntityKind::Person) => 0,
        Ok(EntityKind::Link) => 1,
        Ok(EntityKind::Object | EntityKind::Location) => 2,
        Ok(EntityKind::Event) => 4,
        Ok(_) => 3,
        Err(_) => 5,
    }
}
