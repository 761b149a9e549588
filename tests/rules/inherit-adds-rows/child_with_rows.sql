-- pgfence-test: schema=app.schema
SET lock_timeout = '2s';
-- An archive copy as a child: the application's SELECT and DELETE on orders see every row twice.
CREATE TABLE orders_archive () INHERITS (orders);
INSERT INTO orders_archive SELECT * FROM ONLY orders;
-- An existing table, with its rows, made a child.
ALTER TABLE old_orders INHERIT orders;
-- A new, empty child: MEDIUM.
CREATE TABLE orders_2027 (CHECK (id > 0)) INHERITS (orders);
