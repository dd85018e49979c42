-- Response-time targets, escalations, the notification outbox and the hash-chained audit trail.

-- Working hours (local to the territory's timezone) and public holidays, for business-time SLAs.
ALTER TABLE territories ADD COLUMN working_days TEXT NOT NULL DEFAULT 'mon,tue,wed,thu,fri';
ALTER TABLE territories ADD COLUMN day_starts TEXT NOT NULL DEFAULT '08:00';
ALTER TABLE territories ADD COLUMN day_ends TEXT NOT NULL DEFAULT '19:00';
CREATE TABLE territory_holidays (
    territory_code  TEXT NOT NULL REFERENCES territories (code) ON DELETE CASCADE,
    day             DATE NOT NULL,
    PRIMARY KEY (territory_code, day)
);

-- Absent: the built-in default for the priority.
CREATE TABLE sla_policies (
    territory_code  TEXT NOT NULL REFERENCES territories (code) ON DELETE CASCADE,
    priority        TEXT NOT NULL CHECK (priority IN ('urgent', 'routine')),
    target_minutes  INTEGER NOT NULL CHECK (target_minutes > 0),
    clock           TEXT NOT NULL CHECK (clock IN ('calendar', 'business')),
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      UUID REFERENCES users (id),
    PRIMARY KEY (territory_code, priority)
);

-- The policy as it was at submission, and when each step of the ladder falls due. The three
-- instants move later by the time the case waits on the GP.
ALTER TABLE cases ADD COLUMN sla_clock TEXT;
ALTER TABLE cases ADD COLUMN sla_target_secs BIGINT;
ALTER TABLE cases ADD COLUMN remind_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN warn_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN paused_at TIMESTAMPTZ;
-- Set at 80 %: the fallback territories' on-call dermatologists may take the case.
ALTER TABLE cases ADD COLUMN offered_at TIMESTAMPTZ;
-- The first answer or request for information, and who made it.
ALTER TABLE cases ADD COLUMN first_response_at TIMESTAMPTZ;
ALTER TABLE cases ADD COLUMN first_responder UUID REFERENCES users (id);
CREATE INDEX cases_by_submission ON cases (territory_code, submitted_at);

-- One row per step taken: the primary key makes each step happen once, whatever the instances.
CREATE TABLE sla_steps (
    case_id  UUID NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    step     TEXT NOT NULL CHECK (step IN ('remind', 'offer', 'breach')),
    at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, step)
);

-- Written in the transaction of the event that causes it; delivered by the webhook worker.
CREATE TABLE outbox (
    id               UUID PRIMARY KEY,
    recipient_id     UUID NOT NULL REFERENCES users (id),
    event            TEXT NOT NULL,
    case_id          UUID,
    payload          TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL,
    locked_until     TIMESTAMPTZ,
    delivered_at     TIMESTAMPTZ,
    parked_at        TIMESTAMPTZ,
    last_error       TEXT
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND parked_at IS NULL;
CREATE INDEX outbox_parked ON outbox (parked_at) WHERE parked_at IS NOT NULL;

-- Append-only and hash-chained: hash = SHA-256 over the entry and the previous hash. No foreign
-- keys: the log outlives what it mentions.
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              TIMESTAMPTZ NOT NULL,
    actor_id        UUID,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT,
    case_id         UUID,
    territory_code  TEXT,
    request_id      TEXT,
    detail          TEXT,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_by_case ON audit_log (case_id, seq);
CREATE INDEX audit_by_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_by_territory ON audit_log (territory_code, seq);
CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- The chain's head: appenders lock this row, so entries chain in one order across instances.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- photo_reads stays, read-only: the downloads recorded before the audit trail existed.

-- Cases answered or asked about before this migration keep their first response in the reports.
UPDATE cases SET
    first_response_at = (SELECT e.at FROM case_events e WHERE e.case_id = cases.id
                         AND e.kind IN ('answered', 'info_requested') ORDER BY e.seq LIMIT 1),
    first_responder = (SELECT e.actor_id FROM case_events e WHERE e.case_id = cases.id
                       AND e.kind IN ('answered', 'info_requested') ORDER BY e.seq LIMIT 1);
