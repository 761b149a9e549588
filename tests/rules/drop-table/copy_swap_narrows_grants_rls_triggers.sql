-- pgfence-test: schema=swap.schema
-- Copy-and-swaps (CREATE new; copy; DROP old; RENAME new TO old) in one transaction whose new
-- tables get each role, row-level security and trigger again, but less than the old ones had (red
-- team R72 F4, checked on PostgreSQL 15): app gets SELECT back but not INSERT, UPDATE ("permission
-- denied for table stats" on its INSERT), reporting gets ALL then a REVOKE takes its SELECT; the new
-- notes enables row-level security without the policy own (its rows are hidden from every role
-- but the owner); the new events makes events_audit again, disabled. HIGH, not the MEDIUM of a swap
-- the old release fits.
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint);
GRANT SELECT ON stats_new TO app;
GRANT ALL ON stats_new TO reporting;
REVOKE SELECT ON stats_new FROM reporting;
INSERT INTO stats_new (user_id, n) SELECT user_id, n FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
CREATE TABLE notes_new (id bigint PRIMARY KEY, owner text, body text);
ALTER TABLE notes_new ENABLE ROW LEVEL SECURITY;
GRANT SELECT ON notes_new TO PUBLIC;
INSERT INTO notes_new SELECT id, owner, body FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
CREATE TABLE events_new (id bigint PRIMARY KEY, kind text);
CREATE TRIGGER events_audit AFTER INSERT ON events_new FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE events_new DISABLE TRIGGER events_audit;
INSERT INTO events_new SELECT id, kind FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
COMMIT;
