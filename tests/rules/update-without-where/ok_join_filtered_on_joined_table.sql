-- pgfence-test: schema=lookups.schema
-- A join whose WHERE also filters the joined table (red team #54): each order meets its own status
-- row, so the filter picks some orders, not every one or none (backfill-in-migration judges them).
SET lock_timeout = '2s';
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.archived;
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.name = 'cancelled';
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.id = 3;
UPDATE orders o SET total = 1 FROM orders p WHERE o.id = p.id AND p.total = 0;
