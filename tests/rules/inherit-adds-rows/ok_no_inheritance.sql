-- pgfence-test: schema=app.schema
SET lock_timeout = '2s';
-- A copy outside the hierarchy, and a hierarchy this migration makes.
CREATE TABLE orders_archive (LIKE orders INCLUDING ALL);
INSERT INTO orders_archive SELECT * FROM orders;
CREATE TABLE events (id bigint, at timestamptz);
CREATE TABLE events_2027 () INHERITS (events);
INSERT INTO events_2027 VALUES (1, now());
ALTER TABLE old_orders NO INHERIT orders;
