-- pgfence-test: schema=shop.schema path=migrations/V0002.Orders.up.sql
-- The key is dropped and the table renamed, but nothing makes orders anew and fills it from the old
-- one: the renamed table takes the application's writes (once it follows the name) without its key.
SET lock_timeout = '2s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_pkey;
ALTER TABLE orders RENAME TO purchases;
