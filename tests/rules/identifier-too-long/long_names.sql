SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_on_subscriptions_customer_id_and_plan_id_and_created_at_desc ON subscriptions (customer_id, plan_id, created_at DESC);
ALTER TABLE orders RENAME CONSTRAINT "orders_customer_id_fkey" TO "orders_customer_id_references_customers_id_on_delete_cascade_fkey";
