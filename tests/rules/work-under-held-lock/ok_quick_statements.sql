-- pgfence-test: schema=slow_statements.schema
-- After the lock: a query of a few rows, a short sleep, ANALYZE of a table made here.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
SELECT pg_sleep(0.1);
CREATE TABLE drafts (id bigint, body text);
ANALYZE drafts;
SELECT id FROM events WHERE id = 5;
SELECT count(*) FROM drafts;
COMMIT;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname2 text;
SELECT relname FROM pg_class;
DO $$ BEGIN PERFORM 1 FROM pg_class LIMIT 1; END $$;
COMMIT;
