-- pgfence-test: schema=shop.schema
-- A statement that is not on the list of catalog-only changes is not called instant: CHECKPOINT
-- writes out every dirty buffer while users stays locked.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
CHECKPOINT;
COMMIT;
