-- The audit trail without a global lock (issue 15). A change appends its lines in its own
-- transaction with no hash, numbered by the single writer (an INTEGER PRIMARY KEY takes the
-- largest number plus one); a sealer (`audit::seal`) links them in number order shortly after
-- and moves the head. Sealing is the only change a line may see: its empty hashes are filled in
-- once, nothing else.
--
-- SQLite cannot drop NOT NULL from a column: the table is rebuilt, lines and numbers kept
-- (https://www.sqlite.org/lang_altertable.html#otheralter). Dropping it fires no trigger.
CREATE TABLE audit_log_sealed_later (
    seq             INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor_id        BLOB,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT,
    case_id         BLOB,
    territory_code  TEXT,
    request_id      TEXT,
    detail          TEXT,
    prev_hash       TEXT,
    hash            TEXT,
    CHECK ((prev_hash IS NULL) = (hash IS NULL))
);
INSERT INTO audit_log_sealed_later (seq, at, actor_id, action, target_type, target_id, case_id,
    territory_code, request_id, detail, prev_hash, hash)
SELECT seq, at, actor_id, action, target_type, target_id, case_id, territory_code, request_id,
    detail, prev_hash, hash
FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_sealed_later RENAME TO audit_log;

CREATE INDEX audit_by_case ON audit_log (case_id, seq);
CREATE INDEX audit_by_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_by_territory ON audit_log (territory_code, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL
    OR NEW.seq IS NOT OLD.seq OR NEW.at IS NOT OLD.at OR NEW.actor_id IS NOT OLD.actor_id
    OR NEW.action IS NOT OLD.action OR NEW.target_type IS NOT OLD.target_type
    OR NEW.target_id IS NOT OLD.target_id OR NEW.case_id IS NOT OLD.case_id
    OR NEW.territory_code IS NOT OLD.territory_code OR NEW.request_id IS NOT OLD.request_id
    OR NEW.detail IS NOT OLD.detail
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
