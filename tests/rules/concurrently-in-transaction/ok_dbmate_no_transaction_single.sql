-- pgfence-test: path=db/migrations/20240104000000_orders_customer_index.sql direction=both
-- One statement in the up section: dbmate sends it alone, outside any transaction, and the
-- down section is a query of its own (its two statements do not make this one part of a batch).
-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);

-- migrate:down
DROP INDEX IF EXISTS orders_customer_idx;
DROP INDEX IF EXISTS orders_customer_old_idx;
