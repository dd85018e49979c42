-- The SLA report's facts kept on the case (issue 15): when it was answered, whether its breach
-- was noted, whether information or new photos were asked. The transitions that make them write
-- them in the same transaction, so the report reads the cases alone, without a join per case.
ALTER TABLE cases
    ADD COLUMN answered_at TIMESTAMPTZ,
    ADD COLUMN breach_noted BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN info_requested BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN new_photos_requested BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE cases c SET answered_at = a.answered_at FROM answers a WHERE a.case_id = c.id;
UPDATE cases c SET breach_noted = TRUE
FROM sla_steps s WHERE s.case_id = c.id AND s.step = 'breach';
UPDATE cases c SET info_requested = TRUE, new_photos_requested = i.new_photos
FROM (SELECT case_id, bool_or(wants_new_photos) AS new_photos FROM info_requests GROUP BY case_id) i
WHERE i.case_id = c.id;

-- Everything the report reads, in submission order: a report over a period reads this index
-- alone, never the cases' wider rows.
CREATE INDEX cases_report ON cases (submitted_at) INCLUDE (territory_code, priority,
    first_responder, first_response_at, answered_at, due_at, warn_at, status, breach_noted,
    info_requested, new_photos_requested);
