-- Writes made during the copy are mirrored into the new table by a trigger created first.
SET lock_timeout = '2s';
CREATE TABLE events_new (LIKE events INCLUDING ALL);
CREATE TRIGGER events_mirror AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_mirror_to_new();
INSERT INTO events_new SELECT * FROM events ON CONFLICT (id) DO NOTHING;
BEGIN;
ALTER TABLE events RENAME TO events_old;
ALTER TABLE events_new RENAME TO events;
COMMIT;
