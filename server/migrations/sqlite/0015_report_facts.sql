-- The SLA report's facts kept on the case (issue 15): when it was answered, whether its breach
-- was noted, whether information or new photos were asked. The transitions that make them write
-- them in the same transaction, so the report reads the cases alone, without a join per case.
ALTER TABLE cases ADD COLUMN answered_at TEXT;
ALTER TABLE cases ADD COLUMN breach_noted BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN info_requested BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE cases ADD COLUMN new_photos_requested BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE cases SET answered_at = (SELECT a.answered_at FROM answers a WHERE a.case_id = cases.id);
UPDATE cases SET breach_noted = TRUE
WHERE id IN (SELECT case_id FROM sla_steps WHERE step = 'breach');
UPDATE cases SET info_requested = TRUE,
    new_photos_requested = EXISTS (SELECT 1 FROM info_requests i
        WHERE i.case_id = cases.id AND i.wants_new_photos)
WHERE id IN (SELECT case_id FROM info_requests);
