-- pgfence-test: pg-version=11
BEGIN;
ALTER TYPE order_status ADD VALUE 'refunded';
COMMIT;
