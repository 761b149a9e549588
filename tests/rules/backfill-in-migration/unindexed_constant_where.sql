-- pgfence-test: schema=shop.schema
-- Retire the 'legacy' status. It reads like a narrow fix, but no index of orders has status,
-- so the UPDATE reads every row of orders and may write most of them, inside the migration's
-- transaction.
BEGIN;
SET LOCAL lock_timeout = '2s';
UPDATE orders SET status = 'archived' WHERE status = 'legacy';
COMMIT;
