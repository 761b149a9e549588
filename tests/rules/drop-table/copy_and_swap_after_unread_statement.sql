-- pgfence-test: schema=swap_unread_earlier.schema
-- A copy-and-swap after an earlier migration pgfence did not read (swap_unread_earlier.schema: a
-- DO block whose EXECUTEs make public.text and put public before pg_catalog): the type names of
-- the new table may stand for other types, as after the same statements written out (red team R77
-- S2, S3). No proof holds; the DROP deletes what was not kept (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
