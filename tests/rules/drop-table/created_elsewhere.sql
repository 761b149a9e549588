-- pgfence-test: schema=shop.schema
-- A CREATE TABLE that made another table, or may not have run, leaves the earlier table of the
-- name existing (red team c, section 1): each DROP below removes a table earlier migrations made.
SET lock_timeout = '2s';
CREATE SCHEMA staging;
CREATE TABLE staging.orders (id int);
DROP TABLE orders;
SET search_path = staging, public;
CREATE TABLE users (id int);
SET search_path = public;
DROP TABLE users CASCADE;
DO $$ BEGIN CREATE TABLE stats (id int); EXCEPTION WHEN duplicate_table THEN NULL; END $$;
DROP TABLE stats;
