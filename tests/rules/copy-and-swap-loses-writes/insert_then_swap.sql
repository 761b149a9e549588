-- Rebuild events with a bigint id: copy into a new table, then swap it in.
SET lock_timeout = '2s';
CREATE TABLE events_new (LIKE events INCLUDING ALL);
ALTER TABLE events_new ALTER COLUMN id TYPE bigint;
INSERT INTO events_new SELECT * FROM events;
BEGIN;
ALTER TABLE events RENAME TO events_old;
ALTER TABLE events_new RENAME TO events;
COMMIT;
