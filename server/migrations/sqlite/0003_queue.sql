-- Claims with leases, and every transition of a case as an event.

ALTER TABLE cases ADD COLUMN claimed_by BLOB REFERENCES users (id);
ALTER TABLE cases ADD COLUMN lease_until TEXT;
CREATE INDEX cases_queue ON cases (status, territory_code, submitted_at);
CREATE INDEX cases_leases ON cases (status, lease_until);

CREATE TABLE case_events (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      BLOB NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at           TEXT NOT NULL,
    -- NULL: the system (a lease that expired)
    actor_id     BLOB REFERENCES users (id),
    kind         TEXT NOT NULL,
    from_status  TEXT,
    to_status    TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, seq);
