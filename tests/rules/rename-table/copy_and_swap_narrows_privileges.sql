-- pgfence-test: schema=keeps.schema path=migrations/V0003.Orders.up.sql
-- A copy-and-swap in one transaction that grants every role again, but fewer privileges than the
-- old orders had (red team R72 F4, checked on PostgreSQL 15: app's INSERT gets "permission denied
-- for table orders"): app gets SELECT back but not INSERT, UPDATE, DELETE; reporting gets ALL, then
-- a REVOKE takes its SELECT; auditor's SELECT on two columns is not granted again.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, total int);
INSERT INTO orders (id, total) SELECT id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
GRANT SELECT ON orders TO app;
GRANT ALL ON orders TO reporting;
REVOKE SELECT ON orders FROM reporting;
COMMIT;
