-- pgfence-test: disable=update-without-where
-- With update-without-where turned off, this rule reports the work under the held lock itself.
BEGIN;
ALTER TABLE orders DISABLE TRIGGER ALL;
UPDATE orders SET total_cents = subtotal_cents + tax_cents;
ALTER TABLE orders ENABLE TRIGGER ALL;
COMMIT;
