//! Subject access discovery: from the Golden Nominal an officer chose for the requester, every
//! record about them across the store (their person records, merged duplicates included; their
//! links and what those link to; every operational record that names them, with the events those
//! records concern) and the disclosable audit events about those records (`audit_subject`), as
//! a bundle of items the officer reviews; then the disclosure pack, with third parties redacted
//! (`custos_rights::redact`), audited as a disclosure.
//!
//! The bundle is assembled from the data each time it is asked for: nothing about the subject is
//! copied into the request. What the request keeps is each item's key and content hash
//! (`bundle_assembled`) and the officer's reviews; an export assembles the bundle again and is
//! refused if anything changed since it was reviewed, so what goes out is exactly what was
//! reviewed, and every item of the subject's data now held was reviewed.
//!
//! Everything is read in one snapshot with index probes only (`entity_merged_into`, `link_from`,
//! `link_to`, `record_ref_target`, the record's own `record_ref` rows, `audit_subject`), so the
//! time depends on how much there is about the subject, not on the size of the store.

mod render;

use std::collections::{HashMap, HashSet};

use custos_audit::{AuditEvent, AuditKind};
use custos_authz::{Action, Principal};
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_rights::calendar::uk_today;
use custos_rights::discovery::{BundleEntry, Export, ItemDecision, Subject};
use custos_rights::redact::{Party, Redactor, Segment, render as rendered};
use custos_rights::request::Event;
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

pub use render::{Field, Item};
use render::{Named, address, audit_item, entity_item, entity_title, party, rank};

use crate::audit_log::Personal;
use crate::entities::{EntityRecord, Justification, object_ref};
use crate::error::StoreError;
use crate::rights::{RequestFile, RequestId};
use crate::sql::{Placeholders, in_list};
use crate::{Store, audit_event};

/// The most records gathered for one subject; a subject with more is refused with a clear
/// message rather than answered partly (no force holds this much about one person; a bundle this
/// large is a data error to look into).
pub const MAX_ITEMS: usize = 5_000;

/// The records and audit events found about a subject, as items, with what the redaction needs.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The Golden Nominal.
    pub subject: EntityId,
    pub items: Vec<Item>,
    /// The subject's own names, identifiers and addresses (never redacted).
    pub subject_party: Party,
    /// Everyone else the items mention.
    pub third_parties: Vec<Party>,
    /// Records about the subject the officer may not read (their clearance or need to know): a
    /// bundle with any cannot be exported by this officer.
    pub unreadable: usize,
}

impl Bundle {
    /// The redaction of third parties for this bundle.
    pub fn redactor(&self) -> Redactor {
        Redactor::new(&self.subject_party, &self.third_parties)
    }

    /// The bundle as the request records it.
    pub fn entries(&self) -> Vec<BundleEntry> {
        self.items.iter().map(|i| BundleEntry { item: i.key.clone(), hash: i.hash.clone() }).collect()
    }
}

/// One field of a pack item, redacted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackField {
    pub label: String,
    /// The text as the requester reads it: each redacted span is `[redacted: <category>]`.
    pub text: String,
}

/// One item of a disclosure pack.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PackItem {
    pub key: String,
    pub title: String,
    pub decision: ItemDecision,
    pub fields: Vec<PackField>,
}

/// A disclosure pack: what the requester receives, as recorded on the request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pack {
    pub reference: String,
    pub exported_on: Date,
    pub items: Vec<PackItem>,
    /// How many items were withheld under a restriction.
    pub withheld: usize,
    /// SHA-256 of the canonical JSON of `items`, recorded in the request's history and in the
    /// pack's manifest.
    pub sha256: String,
}

/// Redacts each item of `bundle` as reviewed, leaving out withheld items, and refuses a pack that
/// would still carry another person's identifying details (an identifier, date of birth,
/// address or contact), whatever the adjustments.
pub fn redact_pack(bundle: &Bundle, file: &RequestFile) -> Result<(Vec<PackItem>, usize), StoreError> {
    let redactor = bundle.redactor();
    let reviews = &file.request.discovery.reviews;
    let mut items = Vec::new();
    let mut withheld = 0;
    for item in &bundle.items {
        let Some(review) = reviews.get(&item.key) else {
            return Err(StoreError::Refused(format!("item {} has not been reviewed: review every item before disclosing", item.key)));
        };
        if review.decision == ItemDecision::Withhold {
            withheld += 1;
            continue;
        }
        let mut fields = Vec::with_capacity(item.fields.len());
        for field in &item.fields {
            let segments: Vec<Segment> = redactor.redact(&field.text, &review.adjustments);
            let text = rendered(&segments);
            if let Some((category, _)) = redactor.leaked(&text).first() {
                return Err(StoreError::Refused(format!(
                    "item {} ({}) would disclose another person's {} in {}: redact it before disclosing",
                    item.key,
                    item.title,
                    category.as_str().replace('_', " "),
                    field.label
                )));
            }
            fields.push(PackField { label: field.label.clone(), text });
        }
        items.push(PackItem { key: item.key.clone(), title: item.title.clone(), decision: review.decision, fields });
    }
    Ok((items, withheld))
}

impl Store {
    /// The bundle of request `id`'s subject as the data stands now: reading the request (with
    /// `why`), then every record found, each authorised as a read; audited as one `read` naming
    /// every record shown. Refused unless the request is a subject access request whose subject
    /// has been identified.
    pub async fn subject_bundle(&self, principal: &Principal, id: RequestId, why: &Justification) -> Result<(RequestFile, Bundle), StoreError> {
        let file = self.read_request(principal, id, why).await?;
        let subject = file
            .request
            .discovery
            .subject
            .as_ref()
            .ok_or_else(|| StoreError::Refused("identify the requester's Golden Nominal first".into()))?
            .person;
        let mut tx = self.begin_snapshot().await?;
        let gathered = gather(&mut tx, subject).await?;
        tx.commit().await?;
        let (bundle, shown, policies) = self.bundle_from(principal, gathered);
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let event = audit_event(AuditKind::Read, principal, shown, &decision);
        self.reads.record(event, &Personal { justification: Some(why.as_str()), ..Personal::default() }).await?;
        Ok((file, bundle))
    }

    /// Assembles request `id`'s bundle (as [`Store::subject_bundle`]) and records it on the
    /// request (`bundle_assembled`: each item's key and hash), whose history the caller saw with
    /// `expected_events` events.
    pub async fn assemble_bundle(
        &self,
        principal: &Principal,
        id: RequestId,
        expected_events: u32,
        why: &Justification,
    ) -> Result<(RequestFile, Bundle), StoreError> {
        let (_, bundle) = self.subject_bundle(principal, id, why).await?;
        let event = Event::BundleAssembled { items: bundle.entries() };
        let file = self.record_request_event_as_store(principal, id, expected_events, event, Vec::new()).await?;
        Ok((file, bundle))
    }

    /// Exports request `id`'s disclosure pack: the bundle assembled again, which must be exactly
    /// the one reviewed; every item reviewed; third parties redacted with the officer's
    /// adjustments, and no other person's identifying details left. Recorded on the request
    /// (`pack_exported`, with the pack's hash) and audited as a `disclose` of every record in
    /// it, in one transaction, before the pack is returned.
    pub async fn export_pack(
        &self,
        principal: &Principal,
        id: RequestId,
        expected_events: u32,
        why: &Justification,
    ) -> Result<(RequestFile, Pack), StoreError> {
        let (file, bundle) = self.subject_bundle(principal, id, why).await?;
        if bundle.unreadable > 0 {
            return Err(StoreError::Refused(format!(
                "{} record(s) about the subject are beyond your clearance or need to know: an officer who may read them must disclose this pack",
                bundle.unreadable
            )));
        }
        let recorded = &file.request.discovery.items;
        if recorded.is_empty() {
            return Err(StoreError::Refused("assemble the subject's bundle first".into()));
        }
        if *recorded != bundle.entries() {
            return Err(StoreError::Refused(
                "the subject's data has changed since the bundle was assembled: assemble it again and review what changed".into(),
            ));
        }
        let (items, withheld) = redact_pack(&bundle, &file)?;
        let canonical = serde_json::to_vec(&items).map_err(|e| StoreError::Refused(format!("cannot encode the pack: {e}")))?;
        let sha256 = hex::encode(Sha256::digest(&canonical));
        let today = uk_today();
        // Every record in the pack is disclosed: each must be one the officer may disclose.
        let in_pack: HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
        let disclosed: Vec<EntityId> = bundle
            .items
            .iter()
            .filter(|i| in_pack.contains(i.key.as_str()))
            .filter_map(|i| i.key.strip_prefix("entity:")?.split(':').next()?.parse().ok())
            .collect();
        let markings = self.markings(&disclosed).await?;
        let decisions = self.authz.decide_records(
            principal,
            Action::Disclose,
            markings.iter().map(|(kind, id, marking)| (kind.as_str(), id.to_string(), marking)),
        );
        let mut policies = Vec::new();
        for d in &decisions {
            if !d.allowed {
                let objects = markings.iter().map(|(k, id, _)| object_ref(*k, *id)).collect();
                return self.record_denial(audit_event(AuditKind::AccessDenied, principal, objects, d)).await;
            }
            for p in &d.policies {
                if !policies.contains(p) {
                    policies.push(p.clone());
                }
            }
        }
        let export = Export {
            on: today,
            disclosed: items.len(),
            withheld,
            sha256: custos_core::text::Label::parse(&sha256).map_err(|e| StoreError::Refused(e.to_string()))?,
        };
        let mut objects = vec![crate::rights::object_of(id)];
        objects.extend(markings.iter().map(|(k, id, _)| object_ref(*k, *id)));
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let disclose = audit_event(AuditKind::Disclose, principal, objects, &decision);
        let file = self.record_request_event_as_store(principal, id, expected_events, Event::PackExported(export), vec![disclose]).await?;
        Ok((file.clone(), Pack { reference: file.reference, exported_on: today, items, withheld, sha256 }))
    }

    /// The kind and marking of each of `records`, read now (for the disclosure decision).
    async fn markings(&self, ids: &[EntityId]) -> Result<Vec<(EntityKind, EntityId, custos_core::marking::SecurityMarking)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(load_many(&mut conn, ids).await?.into_iter().map(|r| (r.kind, r.id, r.marking)).collect())
    }

    /// Turns what was gathered into items the principal may read, with the objects to audit.
    fn bundle_from(&self, principal: &Principal, g: Gathered) -> (Bundle, Vec<custos_audit::ObjectRef>, Vec<String>) {
        let candidates: Vec<&EntityRecord> = g.items.iter().collect();
        let decisions = self.authz.decide_records(
            principal,
            Action::Read,
            candidates.iter().map(|r| (r.kind.as_str(), r.id.to_string(), &r.marking)),
        );
        let mut policies: Vec<String> = Vec::new();
        let mut readable: Vec<&EntityRecord> = Vec::new();
        let mut unreadable = 0;
        for (record, decision) in candidates.into_iter().zip(decisions) {
            if decision.allowed {
                for p in decision.policies {
                    if !policies.contains(&p) {
                        policies.push(p);
                    }
                }
                readable.push(record);
            } else {
                unreadable += 1;
            }
        }
        let mut names: HashMap<EntityId, Named> = HashMap::new();
        for id in &g.third_parties {
            names.insert(*id, Named::ThirdParty);
        }
        for record in &readable {
            names.insert(record.id, Named::Item(entity_title(record)));
        }
        for (id, place) in &g.places {
            names.insert(*id, Named::Place(place.clone()));
        }
        for id in &g.subject_ids {
            names.insert(*id, Named::Subject);
        }
        let mut items: Vec<Item> = readable.iter().map(|r| entity_item(r, &names)).collect();
        items.sort_by(|a, b| rank(&a.kind).cmp(&rank(&b.kind)).then_with(|| a.key.cmp(&b.key)));
        let shown: HashSet<EntityId> = readable.iter().map(|r| r.id).chain(g.subject_ids.iter().copied()).collect();
        for (seq, event) in &g.audit {
            let about_shown = event.objects.iter().any(|o| o.id.parse::<EntityId>().is_ok_and(|id| shown.contains(&id)));
            if about_shown {
                items.push(audit_item(*seq, event, &names));
            }
        }
        // Officers are identified in the audit trail by their user ids: other people's
        // identifiers, redacted like any.
        let mut third_parties = g.third_party_words;
        third_parties.push(Party { identifiers: g.audit.iter().map(|(_, e)| e.actor.clone()).collect(), ..Party::default() });
        let objects = readable.iter().map(|r| object_ref(r.kind, r.id)).collect();
        let bundle = Bundle { subject: g.subject, items, subject_party: g.subject_party, third_parties, unreadable };
        (bundle, objects, policies)
    }
}

/// What was read about a subject, before authorisation.
struct Gathered {
    subject: EntityId,
    /// The nominal and every duplicate merged into it.
    subject_ids: Vec<EntityId>,
    /// The records that become items (the subject's own among them).
    items: Vec<EntityRecord>,
    /// People other than the subject that the items name.
    third_parties: Vec<EntityId>,
    third_party_words: Vec<Party>,
    subject_party: Party,
    /// Each place named, by its address.
    places: HashMap<EntityId, String>,
    audit: Vec<(u64, AuditEvent)>,
}

fn id_of(row: &sqlx::any::AnyRow, column: &str) -> Result<Option<EntityId>, StoreError> {
    let bytes: Vec<u8> = row.try_get(column)?;
    Ok(<[u8; 16]>::try_from(bytes).ok().map(EntityId::from_bytes))
}

/// Runs `head IN (…)` over `ids` in chunks, returning the rows.
async fn rows_in(conn: &mut AnyConnection, head: &str, ids: &[EntityId]) -> Result<Vec<sqlx::any::AnyRow>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(500) {
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        out.extend(q.fetch_all(&mut *conn).await?);
    }
    Ok(out)
}

/// The current state of `ids` (merged or not), in no particular order; missing ids left out.
async fn load_many(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<EntityRecord>, StoreError> {
    let head = "SELECT e.id, e.kind, e.current_version, e.classification, e.sensitive, e.owning_unit, e.acl, \
                e.submitted_at, e.created_at, e.updated_at, v.body FROM entity e \
                JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version WHERE e.id IN";
    let mut out = Vec::with_capacity(ids.len());
    for row in rows_in(conn, head, ids).await? {
        let Some(id) = id_of(&row, "id")? else { continue };
        out.push(crate::entities::record_from_row(id, &row)?);
    }
    Ok(out)
}

/// The links touching any of `ids`: (link id, from, to).
async fn links_of(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<(EntityId, EntityId, EntityId)>, StoreError> {
    let mut out = Vec::new();
    // Two probes, one per index, rather than an OR the planner might not split.
    for head in ["SELECT id, from_id, to_id FROM link WHERE from_id IN", "SELECT id, from_id, to_id FROM link WHERE to_id IN"] {
        for row in rows_in(conn, head, ids).await? {
            if let (Some(l), Some(f), Some(t)) = (id_of(&row, "id")?, id_of(&row, "from_id")?, id_of(&row, "to_id")?) {
                out.push((l, f, t));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn too_many() -> StoreError {
    StoreError::Refused(format!("more than {MAX_ITEMS} records name this subject: ask the data quality team to look into it"))
}

/// Reads everything about `subject` (see the module documentation).
async fn gather(conn: &mut AnyConnection, subject: EntityId) -> Result<Gathered, StoreError> {
    let Some(primary) = crate::entities::load_resolved(conn, subject).await? else {
        return Err(StoreError::Refused("the subject's person record no longer exists: identify the subject again".into()));
    };
    // The nominal and its merged duplicates (a duplicate may itself have had duplicates).
    let mut subject_ids = vec![primary.id];
    let mut frontier = vec![primary.id];
    while !frontier.is_empty() {
        let rows = rows_in(conn, "SELECT id FROM entity WHERE merged_into IN", &frontier).await?;
        frontier = rows.iter().filter_map(|r| id_of(r, "id").ok().flatten()).filter(|id| !subject_ids.contains(id)).collect();
        subject_ids.extend(&frontier);
        if subject_ids.len() > MAX_ITEMS {
            return Err(too_many());
        }
    }
    let subject_set: HashSet<EntityId> = subject_ids.iter().copied().collect();
    let links = links_of(conn, &subject_ids).await?;
    let mut record_ids: Vec<EntityId> = rows_in(conn, "SELECT DISTINCT record_id FROM record_ref WHERE target_id IN", &subject_ids)
        .await?
        .iter()
        .filter_map(|r| id_of(r, "record_id").ok().flatten())
        .collect();
    record_ids.sort_unstable();
    record_ids.dedup();
    if record_ids.len() + links.len() > MAX_ITEMS {
        return Err(too_many());
    }
    // What the records refer to, and what the links lead to.
    let mut referred: Vec<EntityId> = rows_in(conn, "SELECT target_id FROM record_ref WHERE record_id IN", &record_ids)
        .await?
        .iter()
        .filter_map(|r| id_of(r, "target_id").ok().flatten())
        .collect();
    referred.extend(links.iter().map(|(_, f, t)| if subject_set.contains(f) { *t } else { *f }));
    referred.retain(|id| !subject_set.contains(id) && record_ids.binary_search(id).is_err());
    referred.sort_unstable();
    referred.dedup();

    let mut wanted: Vec<EntityId> = subject_ids.clone();
    wanted.extend(links.iter().map(|(l, _, _)| *l));
    wanted.extend(&record_ids);
    wanted.extend(&referred);
    let loaded = load_many(conn, &wanted).await?;
    let record_set: HashSet<EntityId> = record_ids.iter().copied().collect();
    let mut items = Vec::new();
    let mut third_parties = Vec::new();
    let mut places = HashMap::new();
    let mut subject_addresses = Vec::new();
    let linked_to_subject: HashSet<EntityId> = links.iter().flat_map(|(_, f, t)| [*f, *t]).collect();
    for record in loaded {
        match record.kind {
            EntityKind::Person if !subject_set.contains(&record.id) => third_parties.push(record.id),
            EntityKind::Location => {
                if let Some(a) = address(&record) {
                    if linked_to_subject.contains(&record.id) {
                        subject_addresses.push(a.clone());
                    }
                    places.insert(record.id, a);
                }
                // A place linked to the subject is theirs to see as an item; one a record only
                // names is shown within that record.
                if linked_to_subject.contains(&record.id) {
                    items.push(record);
                }
            }
            // Another operational record named by one of the subject's is about someone else.
            kind if !kind.is_pole() && !record_set.contains(&record.id) => {}
            _ => items.push(record),
        }
    }
    // Third parties' own records and places, for the words that identify them.
    let third_records = load_many(conn, &third_parties).await?;
    let third_links = links_of(conn, &third_parties).await?;
    let their_places: Vec<EntityId> = third_links
        .iter()
        .flat_map(|(_, f, t)| [*f, *t])
        .filter(|id| !third_parties.contains(id) && !linked_to_subject.contains(id))
        .collect();
    let their_places: HashMap<EntityId, String> =
        load_many(conn, &their_places).await?.iter().filter_map(|r| Some((r.id, address(r)?))).collect();
    let mut third_party_words = Vec::with_capacity(third_records.len());
    for record in &third_records {
        let addresses = third_links
            .iter()
            .filter(|(_, f, t)| *f == record.id || *t == record.id)
            .filter_map(|(_, f, t)| their_places.get(if *f == record.id { t } else { f }).cloned())
            .collect();
        third_party_words.push(party([record], addresses));
    }
    let subject_records: Vec<&EntityRecord> = items.iter().filter(|r| subject_set.contains(&r.id)).collect();
    let subject_party = party(subject_records, subject_addresses);
    let mut about: Vec<EntityId> = subject_ids.clone();
    about.extend(links.iter().map(|(l, _, _)| *l));
    about.extend(&record_ids);
    let audit = crate::audit_subject::events_about(conn, &about).await?;
    Ok(Gathered { subject: primary.id, subject_ids, items, third_parties, third_party_words, subject_party, places, audit })
}

/// Checks an officer's identification of the subject in the writing transaction: the search must
/// be theirs, recent, and have shown the person; with more than one candidate shown, the reason
/// is required. Returns the subject with the person resolved to their Golden Nominal.
pub(crate) async fn check_identification(conn: &mut AnyConnection, principal: &Principal, subject: &Subject) -> Result<Subject, StoreError> {
    let search_id: crate::matching::MatchSearchId = subject
        .search
        .as_str()
        .parse()
        .map_err(|_| StoreError::Refused("the match search id is malformed: run the match search first".into()))?;
    let search = crate::matching::stored_search(conn, search_id)
        .await?
        .filter(|s| s.user == principal.user.as_str())
        .ok_or_else(|| StoreError::Refused("no match search of yours has this id: run the match search first".into()))?;
    let max_age = i64::try_from(crate::matching::SEARCH_VALID_FOR.as_micros()).unwrap_or(i64::MAX);
    if crate::clock::now_micros().saturating_sub(search.created_at) > max_age {
        return Err(StoreError::Refused("this match search is too old: run it again".into()));
    }
    if !search.candidates.contains(&subject.person) {
        return Err(StoreError::Refused("the person chosen is not one of the candidates this search showed".into()));
    }
    if search.candidates.len() > 1 && subject.reason.is_none() {
        return Err(StoreError::Refused(format!(
            "the search showed {} candidates: say why this one is the requester (the match explanation, the identity documents seen)",
            search.candidates.len()
        )));
    }
    let nominal = crate::merge::resolve_many(conn, &[subject.person]).await?.get(&subject.person).copied().unwrap_or(subject.person);
    Ok(Subject { person: nominal, ..subject.clone() })
}
