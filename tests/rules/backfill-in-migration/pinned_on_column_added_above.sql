-- Archive old orders: the flag is added in this transaction, so no index serves
-- `archived = false` (every existing row holds it): the UPDATE reads every row of orders to find
-- the old ones, holding their row locks until the migration commits.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;
UPDATE orders SET archived = true WHERE archived = false AND created_at < '2020-01-01';
COMMIT;
