-- Refinements of MoPI review and disposal (issue 7; custos_store::retention, disposal, rights).

-- The earliest date of birth recorded for a person beside the latest: a child is under 10 (and
-- their record graded no higher than Group 3) only if the earliest date says so, while they are
-- deemed 100 only when the latest does. Filled from the people's bodies when a store opens
-- (retention_state.refined).
ALTER TABLE retention_person ADD COLUMN born_earliest INTEGER;

-- The matter a record belongs to: the Event it records, or for a custody record its arrest's and
-- for a case file its crime's (NULL: the record is a matter of its own). Only newer contact in
-- another matter brings a subject back to notice; a case file on the same crime does not.
ALTER TABLE retention ADD COLUMN matter BLOB;
UPDATE retention SET matter = COALESCE(
    (SELECT r.target_id FROM record_ref r
      WHERE r.record_id = retention.record_id AND r.field IN ('event', 'events') ORDER BY r.target_id LIMIT 1),
    (SELECT e.target_id FROM record_ref a JOIN record_ref e ON e.record_id = a.target_id AND e.field = 'event'
      WHERE a.record_id = retention.record_id AND a.field IN ('arrest', 'crime_report', 'incident')
      ORDER BY CASE a.field WHEN 'incident' THEN 1 ELSE 0 END LIMIT 1));

-- A stub keeps the marking of what went (the need-to-know list names officers, never the
-- subject), so that learning of a disposal is authorised as reading the record was. Stubs written
-- before this kept only the owning unit, and are read as OFFICIAL.
ALTER TABLE disposed ADD COLUMN classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 2);
ALTER TABLE disposed ADD COLUMN sensitive SMALLINT NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1));
ALTER TABLE disposed ADD COLUMN acl TEXT NOT NULL DEFAULT '[]';

-- Subject access casework keeps free text about the records it reviewed (the reasons of a
-- restriction, the words released or redacted) and about the subject (why they were chosen).
-- When a record or person is disposed of, that text is erased from the request's history: the one
-- change its append-only rule allows, counted in `erased`. information_request_about finds the
-- events whose text is about an entity (filled from the histories when a store opens).
ALTER TABLE information_request_event ADD COLUMN erased INTEGER NOT NULL DEFAULT 0;
DROP TRIGGER information_request_event_no_update;
CREATE TRIGGER information_request_event_no_update BEFORE UPDATE ON information_request_event
WHEN NOT (new.erased = old.erased + 1 AND new.request_id = old.request_id AND new.seq = old.seq
          AND new.at = old.at AND new.actor = old.actor)
BEGIN
    SELECT RAISE(ABORT, 'the history of a request is append-only');
END;

CREATE TABLE information_request_about (
    entity_id   BLOB NOT NULL,
    request_id  BLOB NOT NULL REFERENCES information_request (id),
    seq         INTEGER NOT NULL,
    PRIMARY KEY (entity_id, request_id, seq)
);

ALTER TABLE retention_state ADD COLUMN refined INTEGER NOT NULL DEFAULT 0 CHECK (refined IN (0, 1));
