-- Backfill order_items from the legacy table without firing the audit trigger.
BEGIN;
SET LOCAL session_replication_role = replica;

INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
SELECT legacy.order_id, legacy.sku_id, legacy.qty, legacy.price_cents
FROM legacy_order_lines AS legacy;

UPDATE orders SET items_count = sub.n
FROM (SELECT order_id, count(*) AS n FROM order_items GROUP BY order_id) AS sub
WHERE orders.id = sub.order_id;

COMMIT;

-- Later, on the same session: the default again, then replica once more for a COPY.
SET session_replication_role = replica;
COPY product_prices (product_id, currency, amount_cents) FROM '/srv/import/prices.csv' WITH (FORMAT csv);
RESET session_replication_role;
INSERT INTO audit_events (kind) VALUES ('backfill_done');
