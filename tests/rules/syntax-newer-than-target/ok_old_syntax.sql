SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) STORED;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
SELECT day, sum(amount) FROM (SELECT created_at::date AS day, amount FROM payments) AS p GROUP BY day;
CREATE TABLE notes (id bigint NOT NULL, body text);
