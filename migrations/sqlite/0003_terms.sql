-- Search terms of objects, locations and events (`custos_store::terms`): one row per distinct
-- folded term of the current version (identifying numbers, address words, postcode, summary
-- words...). Replaced on every change; rebuilt at open for records created before this migration.
CREATE TABLE entity_term (
    entity_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,              -- the entity's kind, so a search scans one kind's terms
    term        TEXT NOT NULL,
    PRIMARY KEY (entity_id, term)           -- also the per-entity index (AND of several terms)
);
-- A search walks one term's entities in id order (keyset paging), so the id ends the key.
CREATE INDEX entity_term_term ON entity_term (kind, term, entity_id);

-- "Your recent work": the versions a user wrote, newest first.
CREATE INDEX entity_version_author ON entity_version (author, at);
