-- pgfence-test: schema=parked.schema
-- ENABLE of a trigger that is already enabled changes nothing; one this file disabled by name
-- around a backfill is only put back.
SET lock_timeout = '2s';
ALTER TABLE orders ENABLE TRIGGER orders_touch;
ALTER TABLE orders DISABLE TRIGGER orders_touch;
UPDATE orders SET total = round(total, 2) WHERE id < 100;
ALTER TABLE orders ENABLE TRIGGER orders_touch;
