-- pgfence-test: schema=shop.schema
-- The foreign key's only index dropped (red team E: DROPFKIDX).
SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY orders_user_id_idx;
