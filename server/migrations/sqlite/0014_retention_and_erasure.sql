-- Retention and erasure (issue 16). A territory keeps a closed case `retention_days` after its
-- closing (default 3650: 10 years), then the case is erased by crypto-shredding: its data key
-- row deleted, its blobs deleted, its sealed text blanked, and `erased_at` set. The case row and
-- its non-clinical facts (times, territory, priority, status history, SLA facts, outcome dates)
-- stay for the reports.
ALTER TABLE territories ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 3650
    CHECK (retention_days BETWEEN 1 AND 36500);
ALTER TABLE cases ADD COLUMN erased_at TEXT;
