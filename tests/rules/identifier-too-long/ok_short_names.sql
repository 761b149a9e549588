SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS subscriptions_customer_plan_created_idx ON subscriptions (customer_id, plan_id, created_at DESC);
-- a comment may be as long as it likes: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
COMMENT ON TABLE orders IS 'and so may a string: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
