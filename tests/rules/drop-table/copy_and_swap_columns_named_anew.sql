-- pgfence-test: schema=copy.schema
-- A copy whose source alias names the old table's columns anew: `_bkp_users AS b(id,
-- password_hash, email)` calls the email column password_hash and the other way round, so each
-- row's email and hash trade places in the new table. The old values are gone with the DROP
-- (red team R77 S4; HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users AS b(id, password_hash, email);
DROP TABLE _bkp_users;
COMMIT;
