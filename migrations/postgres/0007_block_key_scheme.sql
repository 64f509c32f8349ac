-- The blocking-key scheme the stored keys of `person_block_key` were built with
-- (custos_match::blocking::SCHEME). When the rules change, the keys are rebuilt at open
-- (`custos_store::matching::backfill`), so a candidate search never mixes two schemes.
CREATE TABLE block_key_scheme (
    id          INTEGER PRIMARY KEY CHECK (id = 1),  -- at most one row
    scheme      TEXT NOT NULL
);
