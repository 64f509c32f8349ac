-- The disclosable audit events about each record (subject access: DPA 2018 s.45(2)(c) and (g),
-- UK GDPR Art 15(1)(c) and (g): to whom the data was disclosed, and where it came from), so that
-- a subject's bundle finds them with an index probe rather than a walk over the whole log.
-- Written by the audit integrator in the transaction that stores the leaves; an index over the
-- log, never its source: it holds ids and sequence numbers only, and can be rebuilt from the
-- leaves (`audit_subject_state.indexed` is how far it covers).
CREATE TABLE audit_subject (
    object_id   BYTEA NOT NULL,             -- the entity the event names
    seq         BIGINT NOT NULL,            -- the leaf
    bundle_seq  BIGINT NOT NULL,            -- the first seq of the bundle that holds the leaf
    PRIMARY KEY (object_id, seq)
);

CREATE TABLE audit_subject_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    indexed     BIGINT NOT NULL             -- leaves below this seq are indexed
);
INSERT INTO audit_subject_state (id, indexed) VALUES (1, 0);
