-- Person matching (`custos_store::matching`): blocking keys and search-before-create.
--
-- One row per distinct (rule, key) of a person that is not merged into another record; a primary
-- also carries the keys of every duplicate merged into it (as `person_name_key` does), so a
-- candidate is always a record that resolves to itself. Replaced on every change, merge and
-- unmerge; built at open for people created before this migration.
CREATE TABLE person_block_key (
    entity_id   BLOB NOT NULL REFERENCES entity (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,              -- custos_match::Rule::name()
    key         TEXT NOT NULL,
    PRIMARY KEY (entity_id, rule, key)      -- also the per-person index (replace on change)
);
-- Candidate retrieval: every person sharing one (rule, key).
CREATE INDEX person_block_key_key ON person_block_key (rule, key, entity_id);

-- One row per match search (DESIGN.md invariant 6): a person is created only by naming a recent,
-- unused search of one's own, and only a candidate it showed may be chosen instead.
CREATE TABLE person_match_search (
    search_id   BLOB PRIMARY KEY,           -- 128 random bits
    user_id     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,            -- microseconds since the epoch
    candidates  TEXT NOT NULL,              -- JSON array of the entity ids shown, best first
    used_at     BIGINT,                     -- set once a choice has been made
    chosen_id   BLOB                        -- the record chosen or created
);
