-- Operational records and the one search across everything (issue 5).

-- What each operational record refers to (people, objects, locations, events, other records),
-- replaced on every change: "every record about this person" is one index probe.
CREATE TABLE record_ref (
    record_id   BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    target_id   BYTEA NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,              -- the record's field that names the target
    PRIMARY KEY (record_id, target_id, field)
);
CREATE INDEX record_ref_target ON record_ref (target_id);

-- One search document per entity: the columns the filters use and the words a person would type
-- to find it, as a tsvector (English stemming) under a GIN index: PostgreSQL's own full text.
CREATE TABLE search_doc (
    doc_id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id   BYTEA NOT NULL UNIQUE REFERENCES entity (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    status      TEXT,                       -- the record's status, where it has one
    occurred_at BIGINT NOT NULL,            -- when it happened (µs), else when it was recorded
    area        TEXT NOT NULL,              -- the owning unit
    body        TSVECTOR NOT NULL
);
CREATE INDEX search_doc_body ON search_doc USING GIN (body);
