-- Reporting view over orders, then the legacy discount column goes.
SET lock_timeout = '2s';
CREATE VIEW order_totals AS
    SELECT o.id, o.customer_id, o.subtotal - o.discount_cents AS total
    FROM orders o;
ALTER TABLE orders DROP COLUMN discount_cents CASCADE;
