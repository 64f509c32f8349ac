-- Custos core schema (PostgreSQL). Never edit once released: add a new numbered migration instead.
-- Times are UTC microseconds since the Unix epoch; ids of POLE entities are 16-byte UUIDs.

CREATE TABLE users (
    user_id         TEXT PRIMARY KEY,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    roles           TEXT NOT NULL,          -- JSON array of role names
    units           TEXT NOT NULL,          -- JSON array of unit ids
    clearance       BIGINT NOT NULL CHECK (clearance BETWEEN 0 AND 2),
    disabled        SMALLINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at      BIGINT NOT NULL
);

CREATE TABLE entity (
    id              BYTEA PRIMARY KEY,
    kind            TEXT NOT NULL,
    current_version BIGINT NOT NULL,
    classification  BIGINT NOT NULL CHECK (classification BETWEEN 0 AND 2),
    sensitive       SMALLINT NOT NULL CHECK (sensitive IN (0, 1)),
    owning_unit     TEXT NOT NULL,
    acl             TEXT NOT NULL,          -- JSON array of ACL entries
    submitted_at    BIGINT,                 -- NULL while a draft
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX entity_kind ON entity (kind);

CREATE TABLE entity_version (
    entity_id   BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    version     BIGINT NOT NULL,
    change      TEXT NOT NULL,
    author      TEXT NOT NULL,
    at          BIGINT NOT NULL,
    reason      TEXT,
    body        TEXT NOT NULL,              -- JSON of the entity body at this version
    PRIMARY KEY (entity_id, version)
);

-- Links are entities too (versioned, marked); this table indexes their endpoints for traversal.
CREATE TABLE link (
    id          BYTEA PRIMARY KEY REFERENCES entity (id) ON DELETE CASCADE,
    from_id     BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    to_id       BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL
);
CREATE INDEX link_from ON link (from_id);
CREATE INDEX link_to ON link (to_id);

-- Exact-key name search: one row per name (primary, aliases, previous names) of each person.
CREATE TABLE person_name_key (
    entity_id       BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    surname_key     TEXT NOT NULL,
    forename_key    TEXT NOT NULL
);
CREATE INDEX person_name_key_name ON person_name_key (surname_key, forename_key);
CREATE INDEX person_name_key_entity ON person_name_key (entity_id);

-- Audit events are written here inside the audited transaction; the single integrator moves them
-- into the Merkle log (audit_bundle) in order, assigning sequence numbers.
CREATE TABLE audit_pending (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event   TEXT NOT NULL
);

-- The Merkle log's leaves, in bundles of up to 256 consecutive leaves (`custos_audit::bundle`):
-- reading millions of leaves is then thousands of rows.
CREATE TABLE audit_bundle (
    first_seq   BIGINT PRIMARY KEY,
    leaves      BYTEA NOT NULL
);

CREATE TABLE audit_checkpoint (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size        BIGINT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- The integrator's state: the log's origin line, its size, and the compact Merkle state
-- (last leaf hash and frontier; `custos_audit::LogState::to_bytes`).
CREATE TABLE audit_state (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    origin  TEXT NOT NULL,
    signer  TEXT NOT NULL,      -- the verifier key of the log's checkpoints; no other key may sign
    size    BIGINT NOT NULL,
    state   BYTEA NOT NULL
);

-- Erasable personal payloads of audit events (search terms, free text), referenced from the leaf
-- only by a salted commitment, so erasing a row never breaks a proof.
CREATE TABLE audit_payload (
    commitment  BYTEA PRIMARY KEY,
    salt        BYTEA NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
