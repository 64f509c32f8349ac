-- Golden Nominal merges (`custos_store::merge`). A merged duplicate keeps its row and every
-- version; `merged_into` names the record it was merged into, so that reading its id resolves to
-- the primary (ids stay stable). NULL for every record that is not (or no longer) merged.
ALTER TABLE entity ADD COLUMN merged_into BYTEA REFERENCES entity (id);
CREATE INDEX entity_merged_into ON entity (merged_into);

-- One row per merge decision, kept after it is undone (unmerged_at set) as part of the history.
CREATE TABLE person_merge (
    merge_id        BYTEA PRIMARY KEY,
    primary_id      BYTEA NOT NULL REFERENCES entity (id),
    duplicate_id    BYTEA NOT NULL REFERENCES entity (id),
    forced          SMALLINT NOT NULL CHECK (forced IN (0, 1)), -- merged despite conflicting identifiers
    merged_at       BIGINT NOT NULL,
    merged_by       TEXT NOT NULL,
    unmerged_at     BIGINT,
    unmerged_by     TEXT
);
CREATE INDEX person_merge_primary ON person_merge (primary_id);
CREATE INDEX person_merge_duplicate ON person_merge (duplicate_id);

-- Every link end the merge re-pointed, with the id it named before ('from' or 'to').
CREATE TABLE person_merge_link (
    merge_id        BYTEA NOT NULL REFERENCES person_merge (merge_id),
    link_id         BYTEA NOT NULL REFERENCES entity (id),
    link_end        TEXT NOT NULL CHECK (link_end IN ('from', 'to')),
    original_id     BYTEA NOT NULL,
    PRIMARY KEY (merge_id, link_id, link_end)
);
