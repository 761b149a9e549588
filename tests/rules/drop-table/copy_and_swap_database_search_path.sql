-- pgfence-test: schema=swap_database_search_path.schema
-- Copy-and-swaps after an earlier migration ran ALTER DATABASE app SET search_path = public, pg_catalog
-- (swap_database_search_path.schema): this later session finds public.text, a domain over "char",
-- before pg_catalog's text, so each email is copied as one character (red team R77 S3; PostgreSQL
-- 15: emails a, b). Under such a path any type name may be another schema's, bigint too (the
-- counters): no proof holds. The DROPs delete the values not kept (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
BEGIN;
ALTER TABLE counters RENAME TO _bkp_counters;
CREATE TABLE counters (id bigint PRIMARY KEY, hits bigint NOT NULL);
INSERT INTO counters (id, hits) SELECT id, hits FROM _bkp_counters;
DROP TABLE _bkp_counters;
COMMIT;
