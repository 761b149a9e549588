-- pgfence-test: schema=shop.schema
-- A table made again is held to the old one only where the comparison can tell (the red team):
-- each of these stays HIGH, naming why.
BEGIN;
SET LOCAL lock_timeout = '2s';
-- a check the old release's writes may break, and the table dropped again afterwards
DROP TABLE stats;
CREATE TABLE stats (user_id bigint PRIMARY KEY, n bigint CHECK (n >= 0));
DROP TABLE stats;
-- a table-level primary key that makes a nullable column NOT NULL
DROP TABLE orders CASCADE;
CREATE TABLE orders (id bigserial, user_id bigint, total int, status text NOT NULL DEFAULT 'new', PRIMARY KEY (id, total));
COMMIT;
BEGIN;
-- made again TEMP: gone when the session ends
DROP TABLE users;
CREATE TEMP TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text, created_at timestamptz NOT NULL DEFAULT now());
COMMIT;
