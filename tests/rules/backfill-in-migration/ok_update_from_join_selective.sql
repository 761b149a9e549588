-- pgfence-test: schema=lookups.schema
-- Joins whose WHERE pins the target's key, directly or through the join (o.id = f.order_id AND
-- f.order_id = 5 is o.id = 5): a targeted fix.
SET lock_timeout = '2s';
UPDATE orders o SET total = f.total FROM fixes f WHERE o.id = f.order_id AND f.order_id = 5;
UPDATE orders o SET total = f.total FROM fixes f WHERE o.id = f.order_id AND o.id = 5;
DELETE FROM orders o USING fixes f WHERE o.id = f.order_id AND f.order_id IN (5, 6);
