-- pgfence-test: schema=shop.schema
-- Two DO blocks in autocommit: each is a transaction of its own, so the first block's lock on
-- users is gone before the second copies the orders.
SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE users ADD COLUMN order_count bigint;
  COMMENT ON COLUMN users.order_count IS 'orders placed, kept by the stats job';
END
$$;
DO $$
BEGIN
  INSERT INTO stats (user_id, n) SELECT user_id, count(*) FROM orders GROUP BY user_id;
  UPDATE stats SET n = 0 WHERE n IS NULL;
END
$$;
