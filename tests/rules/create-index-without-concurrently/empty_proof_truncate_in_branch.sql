-- pgfence-test: schema=events.schema
-- A TRUNCATE in a branch that may not run proves nothing.
BEGIN;
SET lock_timeout = '2s';
DO $$ BEGIN IF current_setting('app.env', true) = 'dev' THEN TRUNCATE events; END IF; END $$;
CREATE INDEX events_kind_idx ON events (kind);
COMMIT;
