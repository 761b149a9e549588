-- pgfence-test: schema=swap.schema
-- The same swaps giving the new tables what the old ones had (on the copy before the rename, or
-- default privileges set first): only the drop of the copied rows is left (MEDIUM).
SET lock_timeout = '2s';
BEGIN;
ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO reporting;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint);
GRANT SELECT, INSERT, UPDATE ON stats_new TO app;
INSERT INTO stats_new (user_id, n) SELECT user_id, n FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
CREATE TABLE notes_new (id bigint PRIMARY KEY, owner text, body text);
ALTER TABLE notes_new ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_new ON notes_new USING (owner = current_user);
GRANT SELECT ON notes_new TO PUBLIC;
INSERT INTO notes_new SELECT id, owner, body FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
CREATE TABLE events_new (id bigint PRIMARY KEY, kind text);
CREATE TRIGGER events_audit AFTER INSERT ON events_new FOR EACH ROW EXECUTE FUNCTION audit();
INSERT INTO events_new SELECT id, kind FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
COMMIT;
