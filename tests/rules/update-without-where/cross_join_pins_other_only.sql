-- pgfence-test: schema=lookups.schema
-- A FROM with no condition relating the target's row to the joined table's is a cross join: the
-- joined table's own conditions pick none of the target's rows (red team R71 F4: on PostgreSQL 15,
-- 1000 orders, the first statement wrote all 1000).
SET lock_timeout = '2s';
UPDATE orders o SET total = 0 FROM order_statuses s WHERE s.id = 1 AND o.id IS NOT NULL;
UPDATE orders o SET total = 0 FROM order_statuses s WHERE s.archived AND o.id = o.id;
