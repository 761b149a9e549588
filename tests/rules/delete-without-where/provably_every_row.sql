-- pgfence-test: schema=shop.schema
-- Each WHERE below selects every row, provably (docs/rules/delete-without-where.md).
DELETE FROM orders WHERE id > 0 OR id <= 0;
DELETE FROM orders WHERE 0 >= id OR id > 0;
DELETE FROM orders o WHERE EXISTS (SELECT 1 FROM orders o2 WHERE o2.id = o.id);
DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE true);
DELETE FROM orders WHERE NOT (id IS NULL);
DELETE FROM orders WHERE ctid IS NOT NULL;
DELETE FROM orders WHERE id >= -9223372036854775808;
DELETE FROM orders WHERE coalesce(total, 0) = coalesce(total, 0);
DELETE FROM orders a USING orders b WHERE a.id = b.id;
