-- pgfence-test: schema=copy.schema
-- Copy-and-swaps after a type named like one of pg_catalog's is made: where the search_path does
-- not name pg_temp, PostgreSQL looks there first for type names, so a domain text made in pg_temp
-- (written, or unqualified under SET search_path = pg_temp, or renamed to text) is what the new
-- table's `text` columns are: over "char", one character of each value is kept, and the domain
-- dropped at the session's end takes the columns with it (red team R77 S1). The DROPs delete the
-- rest (HIGH).
SET lock_timeout = '2s';
SET search_path = pg_temp;
CREATE DOMAIN text AS "char";
RESET search_path;
BEGIN;
ALTER TABLE accounts RENAME TO _bkp_accounts;
CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO accounts (id, name) SELECT id, name FROM _bkp_accounts;
DROP TABLE _bkp_accounts;
COMMIT;
SET search_path = pg_temp;
CREATE DOMAIN short_t AS "char";
ALTER DOMAIN short_t RENAME TO text;
RESET search_path;
BEGIN;
ALTER TABLE sessions RENAME TO _bkp_sessions;
CREATE TABLE sessions (id bigint PRIMARY KEY, token text NOT NULL);
INSERT INTO sessions (id, token) SELECT id, token FROM _bkp_sessions;
DROP TABLE _bkp_sessions;
COMMIT;
CREATE DOMAIN pg_temp.text AS "char";
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
