-- MoPI review, retention and disposal (issue 7; custos_core::retention, custos_store::retention).

-- One row per operational record: what the review schedule needs to know about it (the group
-- graded from its type and offences, any override, when it was made and last kept) and where its
-- review stands. Groups are 1-4 (custos_core::record::MopiGroup), days are days since 1970-01-01.
-- No foreign key: the row outlives a disposed record, as the evidence that it was reviewed.
CREATE TABLE retention (
    record_id       BLOB PRIMARY KEY,
    kind            TEXT NOT NULL,
    owning_unit     TEXT NOT NULL,
    graded          INTEGER NOT NULL CHECK (graded BETWEEN 1 AND 4),
    offence_group   INTEGER CHECK (offence_group BETWEEN 1 AND 3),  -- an undetected crime's offence
    override_group  INTEGER CHECK (override_group BETWEEN 1 AND 4), -- a records manager's, with a decision
    created_day     INTEGER NOT NULL,
    last_contact    INTEGER NOT NULL,      -- its offenders' newest qualifying contact (the sweep's)
    last_reviewed   INTEGER,               -- the day a review last kept it
    review_by       INTEGER,               -- an earlier next review the reviewer set, if any
    offenders       BLOB NOT NULL,         -- the offenders' ids as recorded, 16 bytes each
    next_review     INTEGER NOT NULL,      -- computed: the schedule's date
    review_group    INTEGER NOT NULL,      -- computed: the group it is reviewed as
    disposal_from   INTEGER,               -- computed: NULL while a Group 1 subject's age is unknown
    triggered       TEXT,                  -- an early review asked for: back_to_notice, deletion_request, subject_access
    triggered_at    BIGINT,
    legal_hold      INTEGER NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1)),
    state           INTEGER NOT NULL DEFAULT 0 CHECK (state IN (0, 1, 2)), -- active, archived, disposed
    revision        BIGINT NOT NULL DEFAULT 0  -- bumped by every write of its facts, so a sweep never overwrites a newer one
) WITHOUT ROWID;  -- clustered by id: the sweep reads it in key order
CREATE INDEX retention_due ON retention (state, next_review);
CREATE INDEX retention_triggered ON retention (triggered_at) WHERE triggered_at IS NOT NULL;

-- A person's date of birth as the schedule reads it (Group 1's "deemed 100", children under 10),
-- written with the person.
CREATE TABLE retention_person (
    person_id   BLOB PRIMARY KEY REFERENCES entity (id) ON DELETE CASCADE,
    born        INTEGER                    -- day; NULL when unknown
);

-- Every review decision: the evidence that review really happens (Catt v UK). The reason of a
-- decision about a disposed record is erased with it; the outcome and day stay.
CREATE TABLE retention_decision (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id       BLOB NOT NULL,
    outcome         TEXT NOT NULL CHECK (outcome IN ('retain', 'dispose', 'archive', 'hold', 'release', 'regrade')),
    review_group    INTEGER NOT NULL,
    criteria        TEXT NOT NULL,         -- JSON: the National Retention Assessment Criteria answered yes
    reason          TEXT,                  -- NULL once the record is disposed
    next_review     INTEGER,
    decided_by      TEXT NOT NULL,
    decided_at      BIGINT NOT NULL
);
CREATE INDEX retention_decision_record ON retention_decision (record_id);
CREATE INDEX retention_decision_at ON retention_decision (decided_at);

-- The restricted archive: records of historical value, moved out of operational use (no search,
-- no reference, no read) and read only with the archive's own permission (read_archive).
CREATE TABLE archive (
    entity_id       BLOB PRIMARY KEY,
    kind            TEXT NOT NULL,
    classification  INTEGER NOT NULL,
    sensitive       SMALLINT NOT NULL,
    owning_unit     TEXT NOT NULL,
    acl             TEXT NOT NULL,
    body            TEXT NOT NULL,         -- the record as it last stood
    created_at      BIGINT NOT NULL,
    archived_at     BIGINT NOT NULL,
    decision_id     BIGINT NOT NULL
);

-- What existed and why it went: the stub a disposal leaves, without personal data.
CREATE TABLE disposed (
    entity_id       BLOB PRIMARY KEY,
    kind            TEXT NOT NULL,
    owning_unit     TEXT NOT NULL,
    decision_id     BIGINT,                -- the review that disposed of it (NULL for what went with it)
    disposed_at     BIGINT NOT NULL
);

-- The audit events with an erasable payload, by the entities they name, so that a disposal finds
-- and erases the free text about what it deletes. Written by the integrator with audit_subject
-- (the whole log is indexed again once, when a store is opened).
CREATE TABLE audit_payload_object (
    object_id   BLOB NOT NULL,
    commitment  BLOB NOT NULL,
    PRIMARY KEY (object_id, commitment)
) WITHOUT ROWID;
DELETE FROM audit_subject;
UPDATE audit_subject_state SET indexed = 0;

-- Each sweep that computed the due reviews: when, how many records, how many due.
CREATE TABLE retention_sweep (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    records     BIGINT NOT NULL,
    changed     BIGINT NOT NULL,
    due         BIGINT NOT NULL
);

-- Whether the records and people written before this migration have their rows above (filled
-- once, when a store is opened: custos_store::retention::backfill).
CREATE TABLE retention_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    backfilled  INTEGER NOT NULL CHECK (backfilled IN (0, 1))
);
INSERT INTO retention_state (id, backfilled) VALUES (1, 0);

-- Disposal must leave no word of a record in the full-text index: FTS5's secure-delete removes a
-- deleted row's terms from the index at once (without it they stay in old segments until merged),
-- and one rebuild clears what earlier changes left behind.
INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);
INSERT INTO search_text (search_text) VALUES ('rebuild');
