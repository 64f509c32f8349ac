-- Information rights casework (`custos_store::rights`): FOI and subject access requests.
--
-- A request is its history: one row per event in information_request_event, appended and never
-- changed or removed (the trigger refuses it), the request's state being what the events add up
-- to (custos_rights::request). information_request holds the reference and, rewritten with each
-- event, a summary of that state for queues and the performance dashboard. Dates are
-- 'YYYY-MM-DD' (UK calendar days, as the statutory clocks count).
CREATE TABLE information_request (
    id              BYTEA PRIMARY KEY,
    law             TEXT NOT NULL,               -- foi, sar, sar-le
    year            INTEGER NOT NULL,            -- of receipt: the reference is LAW/YEAR/NUMBER
    number          INTEGER NOT NULL,
    owning_unit     TEXT NOT NULL,               -- the Data Office unit that holds it
    received        TEXT NOT NULL,
    requester_type  TEXT NOT NULL,
    clock           TEXT NOT NULL,               -- not_started, stopped, running, answered, ended
    due             TEXT,                        -- while running or once answered
    answered        TEXT,
    on_time         SMALLINT,                    -- 1 answered by the due date, 0 late
    closed          TEXT,
    outcome         TEXT,
    events          INTEGER NOT NULL,
    UNIQUE (law, year, number)
);
CREATE INDEX information_request_by_received ON information_request (received);

CREATE TABLE information_request_event (
    request_id  BYTEA NOT NULL REFERENCES information_request (id),
    seq         INTEGER NOT NULL,                -- 1, 2, 3… in the order recorded
    at          BIGINT NOT NULL,                 -- when recorded, UTC microseconds
    actor       TEXT NOT NULL,                   -- user id
    body        TEXT NOT NULL,                   -- the event (custos_rights::request::Event) as JSON
    PRIMARY KEY (request_id, seq)
);

CREATE FUNCTION information_request_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the history of a request is append-only';
END
$$;

CREATE TRIGGER information_request_event_no_change BEFORE UPDATE OR DELETE ON information_request_event
FOR EACH ROW EXECUTE FUNCTION information_request_event_append_only();

-- The FOI disclosure log: answers published to the world. It holds only what was published
-- (custos_rights::request::Event::Published refuses text naming the requester); written in the
-- transaction that records the publication.
CREATE TABLE disclosure_log (
    request_id  BYTEA PRIMARY KEY REFERENCES information_request (id),
    reference   TEXT NOT NULL,
    published   TEXT NOT NULL,
    answered    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    title       TEXT NOT NULL,
    response    TEXT NOT NULL
);
CREATE INDEX disclosure_log_by_published ON disclosure_log (published);
