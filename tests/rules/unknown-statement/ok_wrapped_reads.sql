-- Reading: COPY of a query, CREATE TABLE AS of a plain query, reading the catalogs, and a table
-- of the migration's own named pg_*: nothing hidden.
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
CREATE TABLE pg_notes (id bigint);
COPY (SELECT id FROM orders) TO STDOUT;
COPY (WITH o AS (SELECT id FROM orders) SELECT count(*) FROM o) TO STDOUT;
CREATE TABLE orders_copy AS SELECT * FROM orders;
SELECT oid, proname FROM pg_catalog.pg_proc WHERE proname = 'lower';
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace;
INSERT INTO pg_notes (id) VALUES (1);
