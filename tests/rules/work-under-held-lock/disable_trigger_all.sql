BEGIN;
ALTER TABLE orders DISABLE TRIGGER ALL;
UPDATE orders SET total_cents = subtotal_cents + tax_cents;
ALTER TABLE orders ENABLE TRIGGER ALL;
COMMIT;
