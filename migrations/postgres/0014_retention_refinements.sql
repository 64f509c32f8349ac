-- Refinements of MoPI review and disposal (issue 7; custos_store::retention, disposal, rights).

-- The earliest date of birth recorded for a person beside the latest: a child is under 10 (and
-- their record graded no higher than Group 3) only if the earliest date says so, while they are
-- deemed 100 only when the latest does. Filled from the people's bodies when a store opens
-- (retention_state.refined).
ALTER TABLE retention_person ADD COLUMN born_earliest BIGINT;

-- The matter a record belongs to: the Event it records, or for a custody record its arrest's and
-- for a case file its crime's (NULL: the record is a matter of its own). Only newer contact in
-- another matter brings a subject back to notice; a case file on the same crime does not. Filled
-- for the records already held by the one-off upgrade when a store is first opened.
ALTER TABLE retention ADD COLUMN matter BYTEA;

-- A stub keeps the marking of what went (the need-to-know list names officers, never the
-- subject), so that learning of a disposal is authorised as reading the record was. Stubs written
-- before this kept only the owning unit, and are read as OFFICIAL.
ALTER TABLE disposed ADD COLUMN classification BIGINT NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 2);
ALTER TABLE disposed ADD COLUMN sensitive SMALLINT NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1));
ALTER TABLE disposed ADD COLUMN acl TEXT NOT NULL DEFAULT '[]';

-- Subject access casework holds free text about records and people that may later be disposed
-- of: the reasons of the officer's reviews of a bundle's items and the words released or redacted
-- (often a third party's name), and why the subject was chosen. That text is kept beside the
-- request's history, as the audit log keeps erasable payloads beside its leaves: one row per
-- review (or identification), naming what it is about, its text set to NULL when that is
-- disposed of. The history itself stays append-only.
CREATE TABLE information_request_text (
    request_id  BYTEA NOT NULL REFERENCES information_request (id),
    seq         INTEGER NOT NULL,            -- the event
    slot        INTEGER NOT NULL,            -- the review's place in it (0 for an identification)
    about       BYTEA NOT NULL,              -- the entity the text is about
    text        TEXT,                        -- JSON {"reason", "adjustments"}; NULL once erased
    PRIMARY KEY (request_id, seq, slot)
);
CREATE INDEX information_request_text_about ON information_request_text (about);

ALTER TABLE retention_state ADD COLUMN refined INTEGER NOT NULL DEFAULT 0 CHECK (refined IN (0, 1));

-- Histories written before this hold that text inline: the one-off upgrade when a store is first
-- opened (retention_state.refined) moves it out, and until it has, and only then, an event may be
-- rewritten.
CREATE OR REPLACE FUNCTION information_request_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND (SELECT refined FROM retention_state WHERE id = 1) = 0 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the history of a request is append-only';
END
$$;
