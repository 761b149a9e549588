-- pgfence-test: disable=add-column-volatile-default
-- With add-column-volatile-default turned off, this rule reports the work under the held lock itself.
-- Give orders a public id while line_items is already locked: one finding names both locks.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE line_items ADD COLUMN tax_cents bigint;
ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();
COMMIT;
