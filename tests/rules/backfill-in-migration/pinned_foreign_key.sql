-- pgfence-test: schema=lookups.schema
-- A foreign key's column is no key (red team R69 C10): one value picks every row of one parent,
-- most of the table when the parent is a lookup table (PostgreSQL 15, 1000 orders, 90% completed:
-- DELETE 900), and the first column of a unique (tenant_id, sku) alone picks a whole tenant
-- (one tenant: every row of items went).
SET lock_timeout = '2s';
DELETE FROM orders WHERE status_id = 1;
UPDATE orders SET total = 0 WHERE status_id = 3;
DELETE FROM items WHERE tenant_id = 1;
