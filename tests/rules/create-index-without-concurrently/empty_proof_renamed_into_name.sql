-- pgfence-test: schema=events.schema
-- Swap the staging table in: the name `events` now stands for staging's rows.
BEGIN;
SET lock_timeout = '2s';
TRUNCATE events;
ALTER TABLE events RENAME TO events_old;
ALTER TABLE events_staging RENAME TO events;
CREATE INDEX events_kind_idx ON events (kind);
COMMIT;
