-- pgfence-test: schema=copy.schema
-- A copy-and-swap after a domain named text is made in the session's temporary schema: where the
-- search_path does not name pg_temp, PostgreSQL looks there first for type names, so the new
-- table's `text` columns are that domain over "char" and keep one character of each value. The
-- DROP deletes the rest (HIGH).
SET lock_timeout = '2s';
CREATE DOMAIN pg_temp.text AS "char";
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
