-- A case's photo kinds in order, kept on the case (issue 15): the queue lists them for every
-- case it shows, and reading them from the photos cost one index look-up per listed case, over
-- half of a queue page's time on PostgreSQL. Written in the transaction that adds photos
-- (db/sql/cases.rs, photos_in), cleared on erasure. The queue falls back to the photos where it
-- is NULL (a case written by a server older than this migration, during a rolling upgrade), so
-- only the cases that can be listed again are filled in here: a full rewrite of every closed
-- case would hold the table for nothing.
ALTER TABLE cases ADD COLUMN photo_kinds TEXT;

UPDATE cases SET photo_kinds = (SELECT string_agg(p.kind, ',' ORDER BY p.position)
    FROM photos p WHERE p.case_id = cases.id)
WHERE status IN ('queued', 'claimed', 'info_requested');
