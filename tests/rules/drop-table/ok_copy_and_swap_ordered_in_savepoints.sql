-- pgfence-test: schema=copy.schema
-- Copy-and-swaps that keep every row: a copy ordered by columns, a SAVEPOINT released, COMMIT AND
-- CHAIN between the copy and the DROP; ORDER BY without calls.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users RENAME TO _bkp_users;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, password_hash text NOT NULL);
SAVEPOINT s;
INSERT INTO users (id, email, password_hash) SELECT id, email, password_hash FROM _bkp_users ORDER BY id DESC, email;
RELEASE SAVEPOINT s;
COMMIT AND CHAIN;
DROP TABLE _bkp_users;
COMMIT;
