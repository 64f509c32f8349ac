-- Operational records and the one search across everything (issue 5).

-- What each operational record refers to (people, objects, locations, events, other records),
-- replaced on every change: "every record about this person" is one index probe.
CREATE TABLE record_ref (
    record_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    target_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    field       TEXT NOT NULL,              -- the record's field that names the target
    PRIMARY KEY (record_id, target_id, field)
);
CREATE INDEX record_ref_target ON record_ref (target_id);

-- One search document per entity: the columns the filters use, and (in search_text, under the
-- same row id) the words a person would type to find it, in SQLite's own full-text engine.
CREATE TABLE search_doc (
    doc_id      INTEGER PRIMARY KEY,        -- the row id of the entity's text in search_text
    entity_id   BLOB NOT NULL UNIQUE REFERENCES entity (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    status      TEXT,                       -- the record's status, where it has one
    occurred_at BIGINT NOT NULL,            -- when it happened (µs), else when it was recorded
    area        TEXT NOT NULL               -- the owning unit
);

-- Stemmed (Porter), case and accent folded. Deleting an entity must delete its row here too:
-- a virtual table takes no part in foreign keys.
CREATE VIRTUAL TABLE search_text USING fts5 (body, tokenize = 'porter unicode61 remove_diacritics 2');
