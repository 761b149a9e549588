-- pgfence-test: schema=events.schema
-- A data-modifying CTE refills the table inside an UPDATE of it.
BEGIN;
SET lock_timeout = '2s';
TRUNCATE events;
WITH moved AS (INSERT INTO events SELECT * FROM events_staging RETURNING 1) UPDATE events SET kind = 'x' WHERE id = 0;
CREATE INDEX events_kind_idx ON events (kind);
COMMIT;
