SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN total_cents SET EXPRESSION AS (quantity * unit_price_cents);
MERGE INTO inventory AS i
USING stock_counts AS s ON i.sku = s.sku
WHEN MATCHED THEN UPDATE SET quantity = s.quantity
WHEN NOT MATCHED BY SOURCE THEN DELETE
RETURNING merge_action(), i.sku;
