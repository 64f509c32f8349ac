-- Batch import of legacy person records and batch linking into Golden Nominals
-- (`custos import persons`, `custos link`; `custos_store::batch`).

-- Which record each imported row became: the resumability ledger of an import (a row whose
-- (source, source_id) is here is never imported twice) and the map `custos link` reports by.
CREATE TABLE import_record (
    source      TEXT NOT NULL,              -- the legacy system's name (--source)
    source_id   TEXT NOT NULL,              -- the row's id in that system (--id-column)
    entity_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    line        BIGINT NOT NULL,            -- the row's line in the file it came from
    imported_at BIGINT NOT NULL,
    PRIMARY KEY (source, source_id)
);
CREATE INDEX import_record_entity ON import_record (entity_id);

-- A value that could not be stored as what it claims to be (a malformed postcode, an invalid NI
-- number, an unparseable date): the person is kept, the value is kept here as recorded, with
-- the problem, for data-quality work. Personal data: deleted with the record.
CREATE TABLE data_quality_issue (
    entity_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,
    recorded    TEXT NOT NULL,
    problem     TEXT NOT NULL,
    found_at    BIGINT NOT NULL,
    PRIMARY KEY (entity_id, field)
);

-- The match probability behind a merge made by batch linking (NULL: a person decided).
ALTER TABLE person_merge ADD COLUMN probability REAL;

-- The duplicate-review queue: pairs of people that may be one person but were not linked
-- automatically (a probability in the review band, or different values of a unique identifier).
-- A records manager links (merges) or rejects; a rejected pair is never linked automatically.
CREATE TABLE person_review (
    review_id   BLOB PRIMARY KEY,
    a_id        BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    b_id        BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE, -- a_id < b_id
    probability REAL NOT NULL,
    cause       TEXT NOT NULL,              -- review_band, or conflicting_<identifier kind>
    queued_at   BIGINT NOT NULL,
    decision    TEXT CHECK (decision IN ('linked', 'rejected')),  -- NULL while open
    decided_by  TEXT,
    decided_at  BIGINT,
    merge_id    BLOB,
    UNIQUE (a_id, b_id)
);
CREATE INDEX person_review_open ON person_review (decision, probability);
CREATE INDEX person_review_b ON person_review (b_id);

-- Reading every record of a kind in id order, a page at a time (linking, backfills): a range
-- of this index rather than every record of the kind sorted again for each page.
DROP INDEX entity_kind;
CREATE INDEX entity_kind ON entity (kind, id);
