-- pgfence-test: schema=shop.schema path=migrations/V0002.Orders.up.sql
-- The same copy-and-swap in one transaction: no query sees the gap, and the new orders keeps every
-- column of the old one, so the rename breaks nothing (the copy's time under the locks is
-- work-under-held-lock's).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint REFERENCES users, total int, note text);
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
COMMIT;
