-- Move the events to a partitioned copy, then swap the names. LOCK TABLE keeps every write out
-- from before the copy until the swap commits: without it, events inserted between the INSERT ...
-- SELECT and the rename would stay behind in events_old, lost to the application.
BEGIN;
SET LOCAL lock_timeout = '2s';
LOCK TABLE events IN EXCLUSIVE MODE;
CREATE TABLE events_new (LIKE events INCLUDING ALL);
INSERT INTO events_new SELECT * FROM events;
ALTER TABLE events RENAME TO events_old;
ALTER TABLE events_new RENAME TO events;
COMMIT;
