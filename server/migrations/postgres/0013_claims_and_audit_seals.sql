-- The audit trail without a global lock (issue 15). A change appends its lines in its own
-- transaction with the next number of a sequence and no hash; a sealer (`audit::seal`) links
-- them in number order shortly after and moves the head. Sealing is the only change a line may
-- see: its empty hashes are filled in once, nothing else.
ALTER TABLE audit_log ALTER COLUMN prev_hash DROP NOT NULL;
ALTER TABLE audit_log ALTER COLUMN hash DROP NOT NULL;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_sealed_whole
    CHECK ((prev_hash IS NULL) = (hash IS NULL));

-- Room on each page for its lines' seals: the update then stays on the page (HOT) and touches
-- no index. Pages written before keep their fill.
ALTER TABLE audit_log SET (fillfactor = 50);

CREATE SEQUENCE audit_log_seq OWNED BY audit_log.seq;
SELECT setval('audit_log_seq', COALESCE((SELECT MAX(seq) FROM audit_log), 0) + 1, false);
ALTER TABLE audit_log ALTER COLUMN seq SET DEFAULT nextval('audit_log_seq');

DROP TRIGGER audit_log_no_update ON audit_log;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
WHEN (OLD.hash IS NOT NULL OR NEW.hash IS NULL
      OR (NEW.seq, NEW.at, NEW.actor_id, NEW.action, NEW.target_type, NEW.target_id,
          NEW.case_id, NEW.territory_code, NEW.request_id, NEW.detail)
         IS DISTINCT FROM
         (OLD.seq, OLD.at, OLD.actor_id, OLD.action, OLD.target_type, OLD.target_id,
          OLD.case_id, OLD.territory_code, OLD.request_id, OLD.detail))
EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
