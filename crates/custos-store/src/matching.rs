//! Person matching in the store: the blocking keys of every person (`person_block_key`), candidate
//! retrieval and scoring for a probe, and search-before-create (DESIGN.md invariant 6): a person
//! is created only by naming a recent, unused match search of one's own, and choosing one of the
//! candidates it showed returns that record instead of creating a duplicate.
//!
//! Keys are `custos_match::blocking_keys` of the person's current names, dates of birth and
//! identifiers, always under the person's own id. A merge or unmerge leaves them where they are
//! (a merge writes no keys, which made bulk linking a third as costly): retrieval resolves a
//! merged record to the nominal it belongs to, so a probe like a duplicate's names finds the
//! nominal, and an unmerge needs no rebuild. Postcodes
//! are left out of the stored keys: a person's addresses are links to locations, created after
//! the person and changed independently, so keeping address-derived keys right would mean
//! re-keying people on every link change; the `dob_district`, `postcode_initial` and `postcode_name` rules
//! therefore never fire here (a probe with an address still scores its other fields).
//!
//! Retrieval is a handful of indexed statements: one per probe key (each block capped at
//! [`MAX_PER_KEY`]), then one batched load of the [`MAX_SCORED`] candidates sharing the most
//! specific keys with the probe. Only candidates the principal may read are scored and shown; unreadable ones
//! are dropped silently, as in search. Scoring uses the default model without term frequencies
//! (every exact name agreement weighs the same: a common surname is not yet discounted).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use custos_audit::{AuditKind, ObjectRef};
use custos_authz::{Action, Decision, Principal, Resource};
use custos_core::entity::{EntityBody, EntityKind};
use custos_core::ids::EntityId;
use custos_core::marking::SecurityMarking;
use custos_core::person::Person;
use custos_core::text::Text;
use custos_match::blocking::SCHEME;
use custos_match::{Explanation, MatchRecord, Model, Prepared, Rule, blocking_keys};
use rand::RngExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

use crate::audit_log::Personal;
use crate::clock::{from_micros, now_micros};
use crate::db::Backend;
use crate::entities::{EntityRecord, Justification, NewEntity, kind_and_marking, load_resolved, object_ref};
use crate::error::StoreError;
use crate::sql::{Placeholders, in_list, insert_index_rows};
use crate::{Store, audit_event, audit_log};

/// The most people taken from one block (one rule and key): a larger block is cut there and the
/// result says so (`truncated`), because recall must be reported, not assumed.
pub const MAX_PER_KEY: usize = 2_000;
/// The most candidates loaded and scored, those sharing the most specific keys with the probe
/// first. Loading a candidate is the cost that grows with the population (a random read of its
/// current version), so this bound is what keeps a search within its time.
pub const MAX_SCORED: usize = 200;
/// The most candidates shown.
pub const MAX_SHOWN: usize = 20;
/// How long a match search may be used to create a person or choose a candidate.
pub const SEARCH_VALID_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// How long a match search's row is kept after it was made (its candidates and the choice stay
/// in the audit log): long past any use, short enough that the table stays small.
pub const SEARCH_KEPT_FOR: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The default model, compiled once (its parameters are constants).
static MODEL: LazyLock<Model> = LazyLock::new(Model::default);

/// The id of one match search: 128 random bits, so that it cannot be guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MatchSearchId(EntityId);

impl MatchSearchId {
    fn random() -> Self {
        Self(EntityId::from_bytes(rand::rng().random()))
    }

    fn bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }
}

impl fmt::Display for MatchSearchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for MatchSearchId {
    type Err = <EntityId as FromStr>::Err;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

/// One candidate shown: the record, its match probability and why.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchCandidate {
    pub record: EntityRecord,
    pub probability: f64,
    pub explanation: Explanation,
}

/// A match search's answer: its id (to pass to [`Store::create_person_after_match`]) and the best
/// readable candidates, most probable first.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchResult {
    pub search_id: MatchSearchId,
    pub candidates: Vec<MatchCandidate>,
    /// Whether a block or the candidate list was cut at its bound (some people were not scored).
    pub truncated: bool,
}

/// What the user chose after a match search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchChoice {
    /// One of the candidates shown is the person: nothing is created.
    Existing(EntityId),
    /// None of them is: create the person.
    NoneOfThese,
}

/// What [`Store::create_person_after_match`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOutcome {
    /// The chosen existing record (resolved, should it have been merged since).
    Existing(EntityId),
    /// The id of the person created.
    Created(EntityId),
}

/// The blocking keys of a person.
fn person_keys(person: &Person) -> Vec<(Rule, String)> {
    blocking_keys(&Prepared::new(&MatchRecord::from(person)))
}

/// Writes the blocking keys of the given people (other kinds are skipped) under their ids, in the
/// caller's transaction; with `replace`, the ids' old keys are removed first.
pub(crate) async fn index_block_keys(
    conn: &mut AnyConnection,
    people: &[(EntityId, &EntityBody)],
    replace: bool,
) -> Result<(), StoreError> {
    let mut ids: Vec<EntityId> = Vec::new();
    let mut rows: Vec<(EntityId, &'static str, String)> = Vec::new();
    for (id, body) in people {
        if let EntityBody::Person(person) = body {
            ids.push(*id);
            rows.extend(person_keys(person).into_iter().map(|(rule, key)| (*id, rule.name(), key)));
        }
    }
    if replace {
        ids.sort();
        ids.dedup();
        for id in &ids {
            sqlx::query("DELETE FROM person_block_key WHERE entity_id = $1").bind(id.as_bytes().to_vec()).execute(&mut *conn).await?;
        }
    }
    rows.sort();
    rows.dedup();
    insert_index_rows(conn, "INSERT INTO person_block_key (entity_id, rule, key)", &rows).await
}

/// The scheme the stored blocking keys were built with, if one was recorded.
async fn stored_scheme(conn: &mut AnyConnection) -> Result<Option<String>, StoreError> {
    let row = sqlx::query("SELECT scheme FROM block_key_scheme").fetch_optional(&mut *conn).await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// The PostgreSQL advisory lock key held while blocking keys are rebuilt ("CUSTOSBK" in ASCII).
const BLOCK_KEY_REBUILD_LOCK: i64 = 0x4355_5354_4f53_424b;

/// Builds every person's blocking keys again, in one transaction, when they were built with
/// another scheme than this build's [`SCHEME`] (the rules changed) or never recorded one (people
/// created before migration 0005 or 0007): one probe when current. Merged records keep keys of
/// their own, as everywhere (before scheme `2026-12-05b` a duplicate's keys were moved to its
/// primary: that scheme change rebuilds those stores too).
pub(crate) async fn backfill(pool: &AnyPool, backend: Backend) -> Result<(), StoreError> {
    let person = EntityKind::Person.as_str();
    if stored_scheme(&mut *pool.acquire().await?).await?.as_deref() == Some(SCHEME) {
        return Ok(());
    }
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => {
            let mut tx = pool.begin().await?;
            // One rebuilder at a time: a transaction-scoped advisory lock (SQLite's BEGIN
            // IMMEDIATE is the same thing there). The number only has to be Custos's own.
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(BLOCK_KEY_REBUILD_LOCK).execute(&mut *tx).await?;
            tx
        }
    };
    // Another process may have rebuilt them while this one waited for the write lock.
    if stored_scheme(&mut tx).await?.as_deref() == Some(SCHEME) {
        return Ok(());
    }
    sqlx::query("DELETE FROM person_block_key").execute(&mut *tx).await?;
    sqlx::query("DELETE FROM block_key_scheme").execute(&mut *tx).await?;
    sqlx::query("INSERT INTO block_key_scheme (id, scheme) VALUES (1, $1)").bind(SCHEME).execute(&mut *tx).await?;
    let mut after: Vec<u8> = Vec::new();
    let mut built = 0_usize;
    loop {
        let rows = sqlx::query(
            "SELECT e.id, v.body FROM entity e \
             JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
             WHERE e.kind = $1 AND e.id > $2 ORDER BY e.id LIMIT 500",
        )
        .bind(person)
        .bind(after.clone())
        .fetch_all(&mut *tx)
        .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let mut bodies: Vec<(EntityId, EntityBody)> = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: Vec<u8> = row.try_get(0)?;
            let body: String = row.try_get(1)?;
            let (Ok(id), Ok(body)) = (<[u8; 16]>::try_from(id), serde_json::from_str::<EntityBody>(&body)) else {
                tracing::error!("a stored person is unreadable; its blocking keys are not built");
                continue;
            };
            bodies.push((EntityId::from_bytes(id), body));
        }
        let refs: Vec<(EntityId, &EntityBody)> = bodies.iter().map(|(id, body)| (*id, body)).collect();
        index_block_keys(&mut tx, &refs, false).await?;
        built += refs.len();
    }
    tx.commit().await?;
    if built > 0 {
        tracing::info!(people = built, scheme = SCHEME, "built the blocking keys of every person with this build's rules");
    }
    Ok(())
}

/// The records sharing a key with the probe (a merged one stands for its nominal, resolved when
/// loaded: see [`load_candidates`]), at most [`MAX_SCORED`], ranked by the keys they share, each
/// weighted by how specific it is: 1 / ln(2 + block size), so that sharing a rare key
/// (name and full date of birth) outranks sharing a common one (surname sound and birth year),
/// as inverse document frequency does in text retrieval. Also whether anything was cut.
async fn candidate_ids(conn: &mut AnyConnection, keys: &[(Rule, String)]) -> Result<(Vec<EntityId>, bool), StoreError> {
    let mut shared: HashMap<EntityId, f64> = HashMap::new();
    let mut truncated = false;
    let limit = i64::try_from(MAX_PER_KEY + 1).unwrap_or(i64::MAX);
    for (rule, key) in keys {
        let rows = sqlx::query("SELECT entity_id FROM person_block_key WHERE rule = $1 AND key = $2 LIMIT $3")
            .bind(rule.name())
            .bind(key.clone())
            .bind(limit)
            .fetch_all(&mut *conn)
            .await?;
        truncated |= rows.len() > MAX_PER_KEY;
        let block = rows.len().min(MAX_PER_KEY);
        let weight = 1.0 / (2.0 + f64::from(u32::try_from(block).unwrap_or(u32::MAX))).ln();
        for row in rows.iter().take(MAX_PER_KEY) {
            if let Ok(id) = <[u8; 16]>::try_from(row.try_get::<Vec<u8>, _>(0)?) {
                *shared.entry(EntityId::from_bytes(id)).or_default() += weight;
            }
        }
    }
    let mut ranked: Vec<(EntityId, f64)> = shared.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    truncated |= ranked.len() > MAX_SCORED;
    ranked.truncate(MAX_SCORED);
    Ok((ranked.into_iter().map(|(id, _)| id).collect(), truncated))
}

/// A candidate row before its body is parsed: parsed only if it may be read.
struct Loaded {
    row: AnyRow,
    id: EntityId,
    kind: EntityKind,
    marking: SecurityMarking,
}

/// Loads the current rows of the nominals of `ids`: a record merged into another stands for the
/// nominal it belongs to (blocking keys stay with the record they were made from, see the module
/// documentation), so those are resolved, along chains, and loaded in its place, each once.
async fn load_candidates(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<Vec<Loaded>, StoreError> {
    let (mut out, mut merged) = load_unmerged(conn, ids).await?;
    // Reads are not one snapshot: a nominal merged meanwhile is resolved again, a few times at most.
    for _ in 0..3 {
        if merged.is_empty() {
            break;
        }
        let nominals = crate::merge::resolve_many(conn, &merged).await?;
        let mut missing: Vec<EntityId> = nominals.into_values().filter(|n| !out.iter().any(|l| l.id == *n)).collect();
        missing.sort_unstable();
        missing.dedup();
        let (loaded, still_merged) = load_unmerged(conn, &missing).await?;
        out.extend(loaded);
        merged = still_merged;
    }
    Ok(out)
}

/// The current rows of those `ids` that are not merged into another record, and the ids that
/// are, in batches.
async fn load_unmerged(conn: &mut AnyConnection, ids: &[EntityId]) -> Result<(Vec<Loaded>, Vec<EntityId>), StoreError> {
    let mut out = Vec::with_capacity(ids.len());
    let mut merged = Vec::new();
    for chunk in ids.chunks(500) {
        let head = "SELECT e.id, e.kind, e.current_version, e.classification, e.sensitive, e.owning_unit, e.acl, \
             e.submitted_at, e.created_at, e.updated_at, e.merged_into, v.body FROM entity e \
             JOIN entity_version v ON v.entity_id = e.id AND v.version = e.current_version \
             WHERE e.id IN";
        let mut q = sqlx::query(in_list(Placeholders::of(conn), head, chunk.len()));
        for id in chunk {
            q = q.bind(id.as_bytes().to_vec());
        }
        for row in q.fetch_all(&mut *conn).await? {
            // Merged records are set aside here rather than in SQL: a `merged_into IS NULL` test
            // lets SQLite walk the `entity_merged_into` index over every unmerged record.
            let Ok(id) = <[u8; 16]>::try_from(row.try_get::<Vec<u8>, _>("id")?) else { continue };
            if row.try_get::<Option<Vec<u8>>, _>("merged_into")?.is_some() {
                merged.push(EntityId::from_bytes(id));
                continue;
            }
            let (kind, marking) = kind_and_marking(&row)?;
            out.push(Loaded { row, id: EntityId::from_bytes(id), kind, marking });
        }
    }
    Ok((out, merged))
}

fn record_from(loaded: Loaded) -> Result<Option<(EntityRecord, Person)>, StoreError> {
    let row = &loaded.row;
    let body: String = row.try_get("body")?;
    let Ok(EntityBody::Person(person)) = serde_json::from_str::<EntityBody>(&body) else {
        tracing::error!("a stored person is unreadable; it is not offered as a match");
        return Ok(None);
    };
    let version = u32::try_from(row.try_get::<i64, _>("current_version")?)
        .map_err(|_| StoreError::Refused("the stored version is unreadable".into()))?;
    let record = EntityRecord {
        id: loaded.id,
        kind: loaded.kind,
        marking: loaded.marking,
        version,
        submitted_at: row.try_get::<Option<i64>, _>("submitted_at")?.map(from_micros),
        created_at: from_micros(row.try_get("created_at")?),
        updated_at: from_micros(row.try_get("updated_at")?),
        body: EntityBody::Person(person.clone()),
        resolved_from: None,
    };
    Ok(Some((record, person)))
}

fn add_policies(into: &mut Vec<String>, from: &[String]) {
    for p in from {
        if !into.contains(p) {
            into.push(p.clone());
        }
    }
}

fn match_search_ref(id: MatchSearchId) -> ObjectRef {
    ObjectRef { kind: "match_search".into(), id: id.to_string() }
}

fn choice_ref(choice: &str) -> ObjectRef {
    ObjectRef { kind: "match_choice".into(), id: choice.into() }
}

fn check_reason(reason: Option<&str>) -> Result<(), StoreError> {
    if let Some(reason) = reason {
        reason.parse::<Text>().map_err(|e| StoreError::Refused(format!("the reason is not acceptable: {e}")))?;
    }
    Ok(())
}

/// A search as stored.
pub(crate) struct StoredSearch {
    pub(crate) user: String,
    pub(crate) created_at: i64,
    pub(crate) candidates: Vec<EntityId>,
    used: bool,
}

pub(crate) async fn stored_search(conn: &mut AnyConnection, id: MatchSearchId) -> Result<Option<StoredSearch>, StoreError> {
    let Some(row) = sqlx::query("SELECT user_id, created_at, candidates, used_at FROM person_match_search WHERE search_id = $1")
        .bind(id.bytes())
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let candidates: String = row.try_get("candidates")?;
    let candidates: Vec<String> = serde_json::from_str(&candidates)
        .map_err(|_| StoreError::Refused("the stored match search is unreadable".into()))?;
    Ok(Some(StoredSearch {
        user: row.try_get("user_id")?,
        created_at: row.try_get("created_at")?,
        candidates: candidates.iter().filter_map(|c| c.parse().ok()).collect(),
        used: row.try_get::<Option<i64>, _>("used_at")?.is_some(),
    }))
}

impl Store {
    /// Finds the people who may be `probe` (search before create): those sharing a blocking key
    /// with it, scored with the default model, the [`MAX_SHOWN`] most probable that the principal
    /// may read, each with its probability and explanation. Authorised as a search (then a read
    /// of each candidate; unreadable ones are dropped silently); audited as one `search` event
    /// naming the match search and the candidates shown, with the probe and the justification in
    /// the erasable payload. The result's `search_id` is what a create must name.
    /// Deletes match searches made more than [`SEARCH_KEPT_FOR`] ago that chose nobody
    /// (housekeeping run by the server; expired searches can no longer be used, and what they
    /// showed is in the audit log); one that chose someone keeps only its id and whom it chose,
    /// for that person's disposal. Returns how many were deleted.
    pub async fn purge_match_searches(&self) -> Result<u64, StoreError> {
        let cutoff = now_micros() - i64::try_from(SEARCH_KEPT_FOR.as_micros()).unwrap_or(i64::MAX);
        // A search that chose someone is kept (its candidates emptied): disposing of that person
        // finds through it the audit payload holding the probe, their details as searched for.
        let done = sqlx::query("DELETE FROM person_match_search WHERE created_at < $1 AND chosen_id IS NULL").bind(cutoff).execute(&self.pool).await?;
        sqlx::query("UPDATE person_match_search SET candidates = '[]' WHERE created_at < $1 AND chosen_id IS NOT NULL AND candidates <> '[]'")
            .bind(cutoff)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn match_person(
        &self,
        principal: &Principal,
        probe: &Person,
        justification: &Justification,
    ) -> Result<MatchResult, StoreError> {
        let probe_json =
            serde_json::to_value(probe).map_err(|e| StoreError::Refused(format!("cannot encode the probe: {e}")))?;
        let personal = Personal {
            justification: Some(justification.as_str()),
            terms: Some(serde_json::json!({ "match_probe": probe_json })),
            ..Personal::default()
        };
        let decision = self.authz.decide(principal, Action::Search, &Resource::System);
        if !decision.allowed {
            let mut tx = self.begin_write().await?;
            let event = audit_event(AuditKind::AccessDenied, principal, Vec::new(), &decision);
            audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
            tx.commit().await?;
            return Err(StoreError::Denied);
        }
        let prepared = Prepared::new(&MatchRecord::from(probe));
        let keys = blocking_keys(&prepared);
        // Candidates are read on a pooled connection, outside the write transaction, so that
        // concurrent searches do not queue for the write lock while they score.
        let (truncated, loaded) = {
            let mut conn = self.pool.acquire().await?;
            let (ids, truncated) = candidate_ids(&mut conn, &keys).await?;
            (truncated, load_candidates(&mut conn, &ids).await?)
        };
        let decisions = self.authz.decide_records(
            principal,
            Action::Read,
            loaded.iter().map(|c| (c.kind.as_str(), c.id.to_string(), &c.marking)),
        );
        let scorer = MODEL.scorer(None).map_err(|e| StoreError::Config(format!("the match model is invalid: {e}")))?;
        let mut scored: Vec<(f64, EntityRecord, Prepared, Decision)> = Vec::new();
        for (candidate, decision) in loaded.into_iter().zip(decisions) {
            if !decision.allowed || candidate.kind != EntityKind::Person {
                continue;
            }
            let Some((record, person)) = record_from(candidate)? else { continue };
            let other = Prepared::new(&MatchRecord::from(&person));
            scored.push((scorer.weight(&prepared, &other), record, other, decision));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
        scored.truncate(MAX_SHOWN);
        let mut policies = decision.policies.clone();
        let mut candidates = Vec::with_capacity(scored.len());
        for (_, record, other, decision) in scored {
            add_policies(&mut policies, &decision.policies);
            let explanation = scorer.explain(&prepared, &other);
            candidates.push(MatchCandidate { probability: explanation.probability, explanation, record });
        }

        let search_id = MatchSearchId::random();
        let shown: Vec<String> = candidates.iter().map(|c| c.record.id.to_string()).collect();
        let shown_json = serde_json::to_string(&shown).map_err(|e| StoreError::Refused(format!("cannot encode: {e}")))?;
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO person_match_search (search_id, user_id, created_at, candidates) VALUES ($1, $2, $3, $4)")
            .bind(search_id.bytes())
            .bind(principal.user.as_str().to_owned())
            .bind(now_micros())
            .bind(shown_json)
            .execute(&mut *tx)
            .await?;
        let mut objects = vec![match_search_ref(search_id)];
        objects.extend(candidates.iter().map(|c| object_ref(EntityKind::Person, c.record.id)));
        let decision = Decision { policies, ..decision };
        let event = audit_event(AuditKind::Search, principal, objects, &decision);
        audit_log::append_with_text(&mut tx, &mut [event], &personal).await?;
        tx.commit().await?;
        Ok(MatchResult { search_id, candidates, truncated })
    }

    /// Completes a match search: `Existing(id)` returns that candidate (it must be one the search
    /// showed, still readable) without creating anything; `NoneOfThese` creates the person `body`
    /// with `marking`. Either way the search is used up, and the choice is audited in the same
    /// transaction: an existing choice as a `search` event naming the match search, the choice
    /// and the record; a creation as the `create` event of the new person, also naming the match
    /// search and the choice. Refused, with nothing written, unless the search exists, was run
    /// by this user, is at most [`SEARCH_VALID_FOR`] old and has not been used.
    pub async fn create_person_after_match(
        &self,
        principal: &Principal,
        search_id: MatchSearchId,
        choice: MatchChoice,
        body: EntityBody,
        marking: SecurityMarking,
        reason: Option<&str>,
    ) -> Result<MatchOutcome, StoreError> {
        check_reason(reason)?;
        if body.kind() != EntityKind::Person {
            return Err(StoreError::Refused("only a person is created after a match search".into()));
        }
        let mut tx = self.begin_write().await?;
        let search = stored_search(&mut tx, search_id).await?;
        // Someone else's search is refused like a missing one: its existence is not revealed.
        let Some(search) = search.filter(|s| s.user == principal.user.as_str()) else {
            return Err(StoreError::Refused("no match search of yours has this id: run the match search first".into()));
        };
        let max_age = i64::try_from(SEARCH_VALID_FOR.as_micros()).unwrap_or(i64::MAX);
        if now_micros().saturating_sub(search.created_at) > max_age {
            return Err(StoreError::Refused(format!(
                "this match search is more than {} minutes old: run it again",
                SEARCH_VALID_FOR.as_secs() / 60
            )));
        }
        if search.used {
            return Err(StoreError::Refused("this match search has already been used: run it again".into()));
        }
        let (outcome, chosen, kind, objects, decision) = match choice {
            MatchChoice::Existing(id) => {
                if !search.candidates.contains(&id) {
                    return Err(StoreError::Refused("the chosen record is not one of the candidates this search showed".into()));
                }
                let Some(record) = load_resolved(&mut tx, id).await? else {
                    return self.deny_missing(tx, principal, id).await;
                };
                let resource = Resource::Record { kind: record.kind.as_str(), id: record.id.to_string(), marking: &record.marking };
                let decision = self.authz.decide(principal, Action::Read, &resource);
                let objects = vec![match_search_ref(search_id), choice_ref("existing"), object_ref(record.kind, record.id)];
                if !decision.allowed {
                    let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
                    audit_log::append(&mut tx, &event).await?;
                    tx.commit().await?;
                    return Err(StoreError::Denied);
                }
                (MatchOutcome::Existing(record.id), record.id, AuditKind::Search, objects, decision)
            }
            MatchChoice::NoneOfThese => {
                let entity = NewEntity::new(body, marking);
                let id = entity.id;
                let resource = Resource::Record { kind: EntityKind::Person.as_str(), id: id.to_string(), marking: &entity.marking };
                let decision = self.authz.decide(principal, Action::Create, &resource);
                let objects = vec![object_ref(EntityKind::Person, id), match_search_ref(search_id), choice_ref("none_of_these")];
                if !decision.allowed {
                    let event = audit_event(AuditKind::AccessDenied, principal, objects, &decision);
                    audit_log::append(&mut tx, &event).await?;
                    tx.commit().await?;
                    return Err(StoreError::Denied);
                }
                let now = now_micros();
                crate::entities::insert_entities(&mut tx, std::slice::from_ref(&entity), &principal.user, now, reason).await?;
                let people = [(id, &entity.body)];
                crate::search::index_names(&mut tx, &people, false).await?;
                index_block_keys(&mut tx, &people, false).await?;
                let documents = [(id, &entity.body, entity.marking.owning_unit.as_str(), now)];
                crate::full_text::index_documents(&mut tx, &documents, false).await?;
                crate::retention::index(&mut tx, &documents, crate::retention::Write::New).await?;
                (MatchOutcome::Created(id), id, AuditKind::Create, objects, decision)
            }
        };
        let claimed = sqlx::query(
            "UPDATE person_match_search SET used_at = $1, chosen_id = $2 WHERE search_id = $3 AND used_at IS NULL",
        )
        .bind(now_micros())
        .bind(chosen.as_bytes().to_vec())
        .bind(search_id.bytes())
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            // Another request used the search first; this one is rolled back whole.
            return Err(StoreError::Conflict);
        }
        let event = audit_event(kind, principal, objects, &decision);
        audit_log::append_with_text(&mut tx, &mut [event], &Personal { reason, ..Personal::default() }).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}
