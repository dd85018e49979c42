-- The queue's order as an index (issue 15): a dermatologist's queue, and claim-next, read the
-- first cases in order instead of sorting every queued case. The expressions are spelt exactly
-- as the queries' ORDER BY (db/sql/queue.rs, QUEUE_ORDER).
CREATE INDEX cases_queue_order ON cases (status,
    (CASE WHEN priority = 'urgent' THEN 0 ELSE 1 END),
    (CASE WHEN due_at IS NULL THEN 1 ELSE 0 END), due_at, submitted_at, id);
