-- pgfence-test: schema=shop.schema path=migrations/V0003.Orders.up.sql
-- authelia's copy-and-swap (V0003.WebAuthnKIDLength): the old orders, renamed aside, is dropped
-- after its rows were copied into the new orders: no rows are lost, and no running code names
-- _bkp_orders.
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int, status text NOT NULL DEFAULT 'new');
INSERT INTO orders (id, user_id, total, status) SELECT id, user_id, total, status FROM _bkp_orders;
DROP TABLE IF EXISTS _bkp_orders;
