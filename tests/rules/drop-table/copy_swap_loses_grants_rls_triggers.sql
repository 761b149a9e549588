-- pgfence-test: schema=swap.schema
-- Copy-and-swap (CREATE new; copy; DROP old; RENAME new TO old) in one transaction, every column
-- kept: what stays with the old table is lost with it (checked on PostgreSQL 15: app gets
-- "permission denied for table stats"; relrowsecurity false and no policy on the new notes, whose
-- rows every role that may read it sees; no trigger on the new events). HIGH, not the MEDIUM of a
-- swap the old release fits.
SET lock_timeout = '2s';
BEGIN;
CREATE TABLE stats_new (user_id bigint PRIMARY KEY, n bigint);
INSERT INTO stats_new (user_id, n) SELECT user_id, n FROM stats;
DROP TABLE stats;
ALTER TABLE stats_new RENAME TO stats;
GRANT SELECT ON stats TO reporting;
CREATE TABLE notes_new (id bigint PRIMARY KEY, owner text, body text);
INSERT INTO notes_new SELECT id, owner, body FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
GRANT SELECT ON notes TO PUBLIC;
CREATE TABLE events_new (id bigint PRIMARY KEY, kind text);
INSERT INTO events_new SELECT id, kind FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
COMMIT;
