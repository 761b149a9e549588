-- pgfence-test: schema=shop.schema
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
UPDATE users SET name = 'x' WHERE email IS NOT NULL;
COMMIT;
