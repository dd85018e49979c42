-- ops/lib/seed-reports.sql: the report scenario's cases, made by PostgreSQL itself (issue 15:
-- "the SLA report over one million cases"). Run with psql -v n=1000000 after ops/bench.sh has
-- seeded its 20 territories, GPs and dermatologists.
--
-- :n cases over the last 90 days, spread over the bench GPs (each in its own territory) and
-- dermatologists: 90 % answered (first response 0 to 71 hours after submission, against a 48 h
-- target: about a third late, recorded as breaches), 10 % still queued; one in 7 had a request
-- for information (one in 14 for new photos); one in 5 of the answered has outcome dates.
-- Clinical text is a placeholder byte: the report never opens it. The facts the transitions
-- keep on a case (answered_at, breach_noted, info_requested, new_photos_requested: migration
-- 0015) are written with it, as the answer, the breach and the request would have.

BEGIN;
CREATE TEMP TABLE seed ON COMMIT DROP AS
WITH gps AS (
    SELECT array_agg(id ORDER BY email) AS id, array_agg(home_territory ORDER BY email) AS t
    FROM users WHERE role = 'gp' AND email LIKE '%@bench.test'
), derms AS (
    SELECT array_agg(id ORDER BY email) AS id
    FROM users WHERE role = 'dermatologist' AND email LIKE '%@bench.test'
)
SELECT gen_random_uuid() AS id,
       i,
       gps.id[1 + i % cardinality(gps.id)] AS gp,
       gps.t[1 + i % cardinality(gps.t)] AS territory,
       derms.id[1 + i % cardinality(derms.id)] AS derm,
       now() - (i % 90) * interval '1 day' - (i % 1440) * interval '1 minute' AS submitted
FROM generate_series(1, :n) AS i, gps, derms;

INSERT INTO cases (id, gp_id, territory_code, status, priority, age, sex, clinical, consent_at,
                   submitted_at, due_at, remind_at, warn_at, sla_clock, sla_target_secs,
                   first_response_at, first_responder, answered_at, breach_noted, info_requested,
                   new_photos_requested)
SELECT id, gp, territory,
       CASE WHEN i % 10 = 0 THEN 'queued' ELSE 'answered' END,
       CASE WHEN i % 3 = 0 THEN 'urgent' ELSE 'routine' END,
       20 + i % 70, CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END, '\x00'::bytea, submitted,
       submitted, submitted + interval '48 hours', submitted + interval '24 hours',
       submitted + interval '38 hours 24 minutes', 'calendar', 172800,
       CASE WHEN i % 10 = 0 THEN NULL ELSE submitted + (i % 72) * interval '1 hour' END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE derm END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE submitted + (i % 72) * interval '1 hour' END,
       i % 10 <> 0 AND i % 72 >= 48, i % 7 = 0, i % 14 = 0
FROM seed;

INSERT INTO answers (case_id, dermatologist_id, answered_at, management, sealed)
SELECT id, derm, submitted + (i % 72) * interval '1 hour', 'reassure', '\x00'::bytea
FROM seed WHERE i % 10 <> 0;

INSERT INTO sla_steps (case_id, step, at)
SELECT id, 'breach', submitted + interval '48 hours'
FROM seed WHERE i % 10 <> 0 AND i % 72 >= 48;

INSERT INTO info_requests (id, case_id, dermatologist_id, asked_at, wants_new_photos, sealed,
                           replied_at)
SELECT gen_random_uuid(), id, derm, submitted + interval '1 hour', i % 14 = 0, '\x00'::bytea,
       submitted + interval '2 hours'
FROM seed WHERE i % 7 = 0;

INSERT INTO outcomes (case_id, biopsy_date, histology_date, updated_at, updated_by)
SELECT id, (submitted + interval '10 days')::date, (submitted + interval '20 days')::date,
       submitted + interval '20 days', gp
FROM seed WHERE i % 10 <> 0 AND i % 5 = 1;
COMMIT;
-- As autovacuum leaves a table after a bulk insert: statistics, and a visibility map that lets
-- the report read its covering index alone.
VACUUM ANALYZE;
