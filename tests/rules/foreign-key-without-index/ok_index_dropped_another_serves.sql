-- pgfence-test: schema=shop.schema
-- Another index leads with the key's columns, an index no key needs, an index rebuilt first.
SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY lines_order_id_idx;
DROP INDEX CONCURRENTLY orders_shop_id_idx;
CREATE INDEX CONCURRENTLY orders_user_id_new ON orders (user_id, id);
DROP INDEX CONCURRENTLY orders_user_id_idx;
