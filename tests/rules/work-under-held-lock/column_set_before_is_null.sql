-- pgfence-test: schema=shop.schema path=db/migration/V44__order_owner.sql
-- unleash's role_user backfill, shaped on orders: the new column is set from a join first, so
-- `WHERE owner IS NULL` afterwards does not rewrite every row (the join filled most of them); it
-- still reads every row, as no index serves the condition, under the held lock.
ALTER TABLE orders ADD COLUMN owner bigint;
UPDATE orders SET owner = u.id FROM users u WHERE u.id = orders.user_id;
UPDATE orders SET owner = 0 WHERE owner IS NULL;
