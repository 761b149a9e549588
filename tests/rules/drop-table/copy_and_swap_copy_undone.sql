-- pgfence-test: schema=copy.schema
-- Copy-and-swaps whose copy is undone before the aside table is dropped (red team R76 S1, S2):
-- ROLLBACK TO SAVEPOINT, a ROLLBACK of the copy's own transaction, and PREPARE TRANSACTION (the
-- copy then waits for a COMMIT PREPARED the file does not give) leave the new table empty, and
-- the DROP then deletes every row (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
SAVEPOINT s;
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
ROLLBACK TO SAVEPOINT s;
DROP TABLE _bkp_users;
COMMIT;
ALTER TABLE accounts RENAME TO _bkp_accounts;
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
BEGIN;
INSERT INTO accounts (id, name) SELECT id, name FROM _bkp_accounts;
ROLLBACK;
DROP TABLE _bkp_accounts;
BEGIN;
ALTER TABLE sessions RENAME TO _bkp_sessions;
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
INSERT INTO sessions (id, token) SELECT id, token FROM _bkp_sessions;
PREPARE TRANSACTION 'swap';
DROP TABLE _bkp_sessions;
