-- pgfence-test: schema=swap_types_made_earlier.schema
-- Copy-and-swaps after an earlier migration made a domain named like a pg_catalog type in pg_temp
-- (swap_types_made_earlier.schema), in the session that runs this one: PostgreSQL looks there
-- first for type names, so the new tables' text and jsonb columns are the domains', over "char"
-- and text, and the domains dropped at the session's end take the columns with them (red team
-- R77 S2; PostgreSQL 15: users keeps only id). The DROPs delete what is left (HIGH).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users;
DROP TABLE _bkp_users;
COMMIT;
BEGIN;
ALTER TABLE documents RENAME TO _bkp_documents;
CREATE TABLE documents (id bigint PRIMARY KEY, body jsonb NOT NULL);
INSERT INTO documents (id, body) SELECT id, body FROM _bkp_documents;
DROP TABLE _bkp_documents;
COMMIT;
