-- pgfence-test: schema=copy.schema
-- Copy-and-swaps into a new table that does not keep its rows (red team R76 S5): a TEMP table's
-- go at the session's end, an UNLOGGED one's at a crash (and a replica has none), also when SET
-- UNLOGGED comes after the copy. The DROP of the aside table deletes the only lasting copy (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TEMP TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
ALTER TABLE accounts RENAME TO _bkp_accounts;
CREATE UNLOGGED TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts (id, name) SELECT id, name FROM _bkp_accounts;
DROP TABLE _bkp_accounts;
ALTER TABLE sessions RENAME TO _bkp_sessions;
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
INSERT INTO sessions (id, token) SELECT id, token FROM _bkp_sessions;
ALTER TABLE sessions SET UNLOGGED;
DROP TABLE _bkp_sessions;
COMMIT;
