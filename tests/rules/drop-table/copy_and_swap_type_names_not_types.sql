-- pgfence-test: schema=copy.schema
-- Copy-and-swaps whose columns have the same type names but maybe not the same types (red team
-- R76 S6): the domain email_t was renamed away and made again over "char", which keeps one byte
-- of each email; and under a search_path that names pg_catalog after public, `text` is whatever
-- public.text is (here a domain over "char"). The DROP deletes the values not kept (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE people RENAME TO _bkp_people;
CREATE TABLE people (id bigint PRIMARY KEY, email email_t NOT NULL);
INSERT INTO people (id, email) SELECT id, email FROM _bkp_people;
DROP TABLE _bkp_people;
COMMIT;
CREATE DOMAIN public.text AS "char";
SET search_path = public, pg_catalog;
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
