-- pgfence-test: schema=keeps.schema path=migrations/V0003.Events.up.sql
-- A copy-and-swap of a table with triggers: the new events makes events_audit again but disables
-- it (to copy the rows without it) and never enables it again, and does not make events_stamp
-- (red team R72 F4, checked on PostgreSQL 15: pg_trigger shows events_audit with tgenabled 'D' on
-- the new events, and no events_stamp). events_legacy was disabled on the old one: not lost.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE events RENAME TO _bkp_events;
CREATE TABLE events (id bigserial PRIMARY KEY, kind text);
CREATE TRIGGER events_audit AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE events DISABLE TRIGGER events_audit;
INSERT INTO events (id, kind) SELECT id, kind FROM _bkp_events;
DROP TABLE _bkp_events;
COMMIT;
