-- pgfence-test: schema=slow_statements.schema
-- Statements that take real time while users stays ACCESS EXCLUSIVE locked: a refresh that runs
-- the view's query again, queries that read whole tables, sleeps, ANALYZE of a table with rows.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
REFRESH MATERIALIZED VIEW CONCURRENTLY user_event_counts;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname2 text;
SELECT count(*) FROM events e JOIN users u ON u.id = e.user_id;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname3 text;
SELECT max(at) FROM events;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname4 text;
SELECT pg_sleep(120);
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname5 text;
DO $$ BEGIN PERFORM pg_sleep(120); END $$;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname6 text;
ANALYZE events;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname7 text;
DO $$ BEGIN PERFORM count(*) FROM events; END $$;
COMMIT;
