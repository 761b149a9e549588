-- pgfence-test: schema=copy.schema
-- Copy-and-swaps whose SELECT may return fewer rows than the aside table holds (red team R76 S3,
-- S4): a set-returning function in ORDER BY (`generate_series(1, 0)` returns none, so no row
-- does) or in the select list, and FROM ONLY, which leaves out the rows of the aside table's
-- partitions: the DROP deletes what was not copied (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users ORDER BY generate_series(1, 0);
DROP TABLE _bkp_users;
ALTER TABLE accounts RENAME TO _bkp_accounts;
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts (id, name) SELECT id, name FROM _bkp_accounts ORDER BY (SELECT 1), id;
DROP TABLE _bkp_accounts;
ALTER TABLE events RENAME TO _bkp_events;
CREATE TABLE events (id bigint NOT NULL, kind text NOT NULL);
INSERT INTO events (id, kind) SELECT id, kind FROM ONLY _bkp_events;
DROP TABLE _bkp_events;
COMMIT;
