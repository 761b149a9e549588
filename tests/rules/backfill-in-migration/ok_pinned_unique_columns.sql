-- pgfence-test: schema=lookups.schema
-- Every column of a unique constraint, or the primary key, pins one row.
SET lock_timeout = '2s';
DELETE FROM items WHERE tenant_id = 1 AND sku = 'sku1';
DELETE FROM orders WHERE id = 7 AND status_id = 1;
