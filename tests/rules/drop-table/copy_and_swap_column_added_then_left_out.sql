-- pgfence-test: schema=shop.schema path=migrations/V0004.Orders.up.sql
-- A copy-and-swap whose new table gets a column of the old one by ALTER TABLE ... ADD COLUMN
-- after its CREATE, which the copy then leaves out (red team R75 F12): the new status is
-- 'new' on every row, and the old values are lost with the aside table (HIGH).
SET lock_timeout = '2s';
ALTER TABLE orders RENAME TO _bkp_orders;
CREATE TABLE orders (id bigserial PRIMARY KEY, user_id bigint, total int);
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
INSERT INTO orders (id, user_id, total) SELECT id, user_id, total FROM _bkp_orders;
DROP TABLE _bkp_orders;
