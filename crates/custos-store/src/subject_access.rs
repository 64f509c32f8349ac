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

mod gather;
mod render;

use std::collections::{HashMap, HashSet};

use custos_audit::AuditKind;
use custos_authz::{Action, Principal};
use custos_core::entity::EntityKind;
use custos_core::ids::EntityId;
use custos_rights::calendar::uk_today;
use custos_rights::discovery::{BundleEntry, Export, ItemDecision, Subject};
use custos_rights::redact::{Party, Redactor, Segment, render as rendered};
use custos_rights::request::Event;
use jiff::civil::Date;
use sha2::{Digest, Sha256};
use sqlx::AnyConnection;

pub use gather::MAX_ITEMS;
use gather::{Gathered, gather, load_many};
pub use render::{Field, Item};
use render::{Named, audit_item, context_name, entity_item, rank, reference_title};

use crate::audit_log::Personal;
use crate::entities::{EntityRecord, Justification, object_ref};
use crate::error::StoreError;
use crate::rights::{RequestFile, RequestId};
use crate::{Store, audit_event};

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
    /// The places and objects shown only inside the items (by address or type), which the
    /// officer may read: disclosed with the items that name them.
    pub context: Vec<(EntityKind, EntityId)>,
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
    /// How many items the requester is told were withheld under a restriction (not those whose
    /// restriction telling would undermine, DPA 2018 s.45(5)).
    pub withheld: usize,
    /// SHA-256 of the canonical JSON of `items`, recorded in the request's history and in the
    /// pack's manifest.
    pub sha256: String,
}

/// Redacts each item of `bundle` as reviewed, leaving out withheld items, and refuses a pack that
/// would still carry another person's identifying details (an identifier, date of birth,
/// address or contact), whatever the adjustments. Returns the pack's items, how many were
/// withheld, and how many of those are concealed from the requester.
pub fn redact_pack(bundle: &Bundle, file: &RequestFile) -> Result<(Vec<PackItem>, usize, usize), StoreError> {
    let redactor = bundle.redactor();
    let reviews = &file.request.discovery.reviews;
    // Records the requester is not to know of: every item of theirs withheld and concealed.
    let record_of = |item: &Item| custos_rights::discovery::item_entity(&item.key);
    let mut hidden: HashSet<EntityId> = HashSet::new();
    let mut shown: HashSet<EntityId> = HashSet::new();
    for item in &bundle.items {
        let Some(id) = record_of(item) else { continue };
        match reviews.get(&item.key) {
            Some(r) if r.decision == ItemDecision::Withhold && r.conceal => hidden.insert(id),
            _ => shown.insert(id),
        };
    }
    hidden.retain(|id| !shown.contains(id));
    let mut items = Vec::new();
    let (mut withheld, mut concealed) = (0, 0);
    for item in &bundle.items {
        let Some(review) = reviews.get(&item.key) else {
            return Err(StoreError::Refused(format!("item {} has not been reviewed: review every item before disclosing", item.key)));
        };
        if review.decision == ItemDecision::Withhold {
            withheld += 1;
            concealed += usize::from(review.conceal);
            continue;
        }
        let mut fields = Vec::with_capacity(item.fields.len());
        let audit = item.kind == "audit_event";
        let concerning = item.fields.iter().filter(|f| f.refers_to.is_some() && audit).count();
        let concerning_hidden = item.fields.iter().filter(|f| audit && f.refers_to.is_some_and(|id| hidden.contains(&id))).count();
        if concerning > 0 && concerning == concerning_hidden {
            // An audit record only of concealed records would tell of them.
            continue;
        }
        for field in &item.fields {
            if field.refers_to.is_some_and(|id| hidden.contains(&id)) {
                if !audit {
                    fields.push(PackField { label: field.label.clone(), text: "a record not included in this bundle".into() });
                }
                continue;
            }
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
    Ok((items, withheld, concealed))
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
            .ok_or_else(|| StoreError::Refused("identify the requester's Golden Nominal first".into()))?;
        let people: Vec<EntityId> = std::iter::once(subject.person).chain(subject.also.iter().copied()).collect();
        let mut tx = self.begin_snapshot().await?;
        let gathered = gather(&mut tx, &people).await?;
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
        // Events committed a moment ago are in the bundle too.
        self.integrate_audit().await?;
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
        // A change or disclosure committed a moment ago makes the reviewed bundle stale.
        self.integrate_audit().await?;
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
        let (items, withheld, concealed) = redact_pack(&bundle, &file)?;
        let canonical = serde_json::to_vec(&items).map_err(|e| StoreError::Refused(format!("cannot encode the pack: {e}")))?;
        let sha256 = hex::encode(Sha256::digest(&canonical));
        let today = uk_today();
        // Every record in the pack is disclosed: each must be one the officer may disclose.
        let in_pack: HashSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
        let mut disclosed: Vec<EntityId> = bundle
            .items
            .iter()
            .filter(|i| in_pack.contains(i.key.as_str()))
            .filter_map(|i| custos_rights::discovery::item_entity(&i.key))
            .collect();
        // The places and things shown inside them go with them.
        let mentioned: HashSet<EntityId> =
            bundle.items.iter().filter(|i| in_pack.contains(i.key.as_str())).flat_map(|i| i.fields.iter().filter_map(|f| f.refers_to)).collect();
        disclosed.extend(bundle.context.iter().map(|(_, id)| *id).filter(|id| mentioned.contains(id)));
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
            // As the reviews count them (an audit record only of concealed records is left out
            // of the pack, but was reviewed as disclosed).
            disclosed: bundle.items.len() - withheld,
            withheld,
            sha256: custos_core::text::Label::parse(&sha256).map_err(|e| StoreError::Refused(e.to_string()))?,
        };
        let mut objects = vec![crate::rights::object_of(id)];
        objects.extend(markings.iter().map(|(k, id, _)| object_ref(*k, *id)));
        let decision = custos_authz::Decision { allowed: true, policies, errors: Vec::new() };
        let disclose = audit_event(AuditKind::Disclose, principal, objects, &decision);
        let file = self.record_request_event_as_store(principal, id, expected_events, Event::PackExported(export), vec![disclose]).await?;
        Ok((file.clone(), Pack { reference: file.reference, exported_on: today, items, withheld: withheld - concealed, sha256 }))
    }

    /// The kind and marking of each of `records`, read now (for the disclosure decision).
    async fn markings(&self, ids: &[EntityId]) -> Result<Vec<(EntityKind, EntityId, custos_core::marking::SecurityMarking)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(load_many(&mut conn, ids).await?.into_iter().map(|r| (r.kind, r.id, r.marking)).collect())
    }

    /// Turns what was gathered into items the principal may read, with the objects to audit.
    fn bundle_from(&self, principal: &Principal, g: Gathered) -> (Bundle, Vec<custos_audit::ObjectRef>, Vec<String>) {
        let candidates: Vec<&EntityRecord> = g.items.iter().chain(&g.context).collect();
        let decisions = self.authz.decide_records(
            principal,
            Action::Read,
            candidates.iter().map(|r| (r.kind.as_str(), r.id.to_string(), &r.marking)),
        );
        let mut policies: Vec<String> = Vec::new();
        let mut readable: HashSet<EntityId> = HashSet::new();
        let mut denied: HashSet<EntityId> = HashSet::new();
        for (record, decision) in candidates.iter().zip(decisions) {
            if decision.allowed {
                for p in decision.policies {
                    if !policies.contains(&p) {
                        policies.push(p);
                    }
                }
                readable.insert(record.id);
            } else {
                denied.insert(record.id);
            }
        }
        // What blocks an export is a record about the subject the officer cannot see (each
        // once, whatever its versions); a place or thing only named is shown as "not shown".
        let unreadable = g.items.iter().filter(|r| denied.contains(&r.id)).map(|r| r.id).collect::<HashSet<_>>().len();
        let mut names: HashMap<EntityId, Named> = HashMap::new();
        for id in &g.third_party_ids {
            names.insert(*id, Named::ThirdParty);
        }
        for record in &g.context {
            let named = if readable.contains(&record.id) { context_name(record) } else { Named::Described("a record not shown".into()) };
            names.insert(record.id, named);
        }
        let items: Vec<&EntityRecord> = g.items.iter().filter(|r| readable.contains(&r.id)).collect();
        for record in &items {
            names.insert(record.id, Named::Item(reference_title(record)));
        }
        for id in &g.subject_ids {
            names.insert(*id, Named::Subject);
        }
        let mut shown: Vec<Item> = items.iter().map(|r| entity_item(r, &names)).collect();
        shown.sort_by(|a, b| rank(&a.kind).cmp(&rank(&b.kind)).then_with(|| a.key.cmp(&b.key)));
        let listed: HashSet<EntityId> = items.iter().map(|r| r.id).collect();
        for (seq, event) in &g.audit {
            if event.objects.iter().any(|o| o.id.parse::<EntityId>().is_ok_and(|id| listed.contains(&id))) {
                shown.push(audit_item(*seq, event, &names));
            }
        }
        // Officers are identified in the audit trail by their user ids: other people's
        // identifiers, redacted like any.
        let mut third_parties = g.third_party_words;
        third_parties.push(Party { identifiers: g.audit.iter().map(|(_, e)| e.actor.clone()).collect(), ..Party::default() });
        let redactor = Redactor::new(&g.subject_party, &third_parties);
        let shown = shown.into_iter().map(|item| item.with_redaction(&redactor)).collect();
        let context: Vec<(EntityKind, EntityId)> = g.context.iter().filter(|r| readable.contains(&r.id)).map(|r| (r.kind, r.id)).collect();
        let mut objects: Vec<custos_audit::ObjectRef> = Vec::new();
        for object in items.iter().map(|r| object_ref(r.kind, r.id)).chain(context.iter().map(|(k, id)| object_ref(*k, *id))) {
            if !objects.contains(&object) {
                objects.push(object);
            }
        }
        let bundle = Bundle { subject: g.subject, items: shown, subject_party: g.subject_party, third_parties, context, unreadable };
        (bundle, objects, policies)
    }
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
    if std::iter::once(&subject.person).chain(&subject.also).any(|p| !search.candidates.contains(p)) {
        return Err(StoreError::Refused("the person chosen is not one of the candidates this search showed".into()));
    }
    if (search.candidates.len() > 1 || !subject.also.is_empty()) && subject.reason.is_none() {
        return Err(StoreError::Refused(format!(
            "the search showed {} candidates: say why this one is the requester (the match explanation, the identity documents seen)",
            search.candidates.len()
        )));
    }
    let mut chosen = vec![subject.person];
    chosen.extend(&subject.also);
    let nominals = crate::merge::resolve_many(conn, &chosen).await?;
    let nominal = |id: &EntityId| nominals.get(id).copied().unwrap_or(*id);
    let person = nominal(&subject.person);
    let mut also: Vec<EntityId> = subject.also.iter().map(nominal).filter(|id| *id != person).collect();
    also.sort_unstable();
    also.dedup();
    Ok(Subject { person, also, ..subject.clone() })
}
