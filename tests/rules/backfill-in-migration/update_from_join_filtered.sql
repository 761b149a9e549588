-- pgfence-test: schema=lookups.schema
-- UPDATE ... FROM / DELETE ... USING whose WHERE joins the target to a table and filters only that
-- table (red team #54): each order meets its own status row, so the filter picks orders as
-- status_id IN (...) would, maybe most of them: not every row for sure (update-without-where used
-- to say so: "the WHERE names no column of o"), nor a targeted fix. A pin of the joined table's
-- key equated with the target's column (s.id = 3) pins status_id, no key either.
SET lock_timeout = '2s';
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.archived;
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.name = 'cancelled';
UPDATE orders o SET total = 0 FROM order_statuses s WHERE o.status_id = s.id AND s.id = 3;
DELETE FROM orders o USING order_statuses s WHERE o.status_id = s.id AND s.name = 'cancelled';
-- A self-join filtered on the joined copy: WHERE total = 0 by another spelling.
UPDATE orders o SET total = 1 FROM orders p WHERE o.id = p.id AND p.total = 0;
