-- pgfence-test: schema=fills.schema path=migrations/2020-08-02-025025_archive_orders/up.sql disable=update-without-where
-- Every order becomes a legacy one, then the legacy ones (all of them: nothing wrote status in
-- between) are archived under the ACCESS EXCLUSIVE lock the ALTER TABLE keeps until COMMIT.
UPDATE orders SET status = 'legacy';
ALTER TABLE orders ADD COLUMN archived boolean;
UPDATE orders SET archived = true WHERE status IN ('legacy', 'closed');
