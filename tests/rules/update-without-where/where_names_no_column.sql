-- pgfence-test: schema=shop.schema
-- A WHERE that names no column of the row it filters has one value for every row: all or none.
UPDATE orders SET status = 'archived' WHERE NOT false;
UPDATE orders SET status = 'archived' WHERE random() < 2;
UPDATE orders SET status = 'archived' WHERE EXISTS (SELECT 1 FROM stats);
UPDATE orders SET status = 'archived' WHERE id = id;
