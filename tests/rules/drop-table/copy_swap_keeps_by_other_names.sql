-- pgfence-test: schema=swap.schema
-- The same swaps giving the new tables what the old ones had in other words: ALL then a REVOKE of
-- what the old stats did not grant, the policy under another name, the trigger under another name
-- (the same function), disabled for the copy and enabled again (red team R72 F4). Only the drop of
-- the copied rows is left (MEDIUM).
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint);
GRANT ALL ON stats_new TO app;
REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON stats_new FROM app;
GRANT SELECT ON stats_new TO reporting;
INSERT INTO stats_new (user_id, n) SELECT user_id, n FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
CREATE TABLE notes_new (id bigint PRIMARY KEY, owner text, body text);
ALTER TABLE notes_new ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON notes_new USING (owner = current_user);
GRANT SELECT ON notes_new TO PUBLIC;
INSERT INTO notes_new SELECT id, owner, body FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
CREATE TABLE events_new (id bigint PRIMARY KEY, kind text);
CREATE TRIGGER events_audit_v2 AFTER INSERT ON events_new FOR EACH ROW EXECUTE FUNCTION audit();
ALTER TABLE events_new DISABLE TRIGGER ALL;
INSERT INTO events_new SELECT id, kind FROM events;
ALTER TABLE events_new ENABLE TRIGGER ALL;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
COMMIT;
