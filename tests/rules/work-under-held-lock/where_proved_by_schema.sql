-- pgfence-test: schema=shop.schema disable=update-without-where
-- With update-without-where turned off, this rule reports the work under the held lock itself.
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
UPDATE users SET name = 'x' WHERE email IS NOT NULL;
COMMIT;
