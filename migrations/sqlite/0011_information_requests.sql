-- Information rights casework (`custos_store::rights`): FOI and subject access requests.
--
-- A request is its history: one row per event in information_request_event, appended and never
-- changed or removed (the triggers refuse it), the request's state being what the events add up
-- to (custos_rights::request). information_request holds the reference and, rewritten with each
-- event, a summary of that state for queues and the performance dashboard. Dates are
-- 'YYYY-MM-DD' (UK calendar days, as the statutory clocks count).
CREATE TABLE information_request (
    id              BLOB PRIMARY KEY,
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
    request_id  BLOB NOT NULL REFERENCES information_request (id),
    seq         INTEGER NOT NULL,                -- 1, 2, 3… in the order recorded
    at          BIGINT NOT NULL,                 -- when recorded, UTC microseconds
    actor       TEXT NOT NULL,                   -- user id
    body        TEXT NOT NULL,                   -- the event (custos_rights::request::Event) as JSON
    PRIMARY KEY (request_id, seq)
);

CREATE TRIGGER information_request_event_no_update BEFORE UPDATE ON information_request_event
BEGIN
    SELECT RAISE(ABORT, 'the history of a request is append-only');
END;

CREATE TRIGGER information_request_event_no_delete BEFORE DELETE ON information_request_event
BEGIN
    SELECT RAISE(ABORT, 'the history of a request is append-only');
END;

-- The FOI disclosure log: answers published to the world. It holds only what was published
-- (custos_rights::request::Event::Published refuses text naming the requester); written in the
-- transaction that records the publication.
CREATE TABLE disclosure_log (
    request_id  BLOB PRIMARY KEY REFERENCES information_request (id),
    reference   TEXT NOT NULL,
    published   TEXT NOT NULL,
    answered    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    title       TEXT NOT NULL,
    response    TEXT NOT NULL
);
CREATE INDEX disclosure_log_by_published ON disclosure_log (published);
