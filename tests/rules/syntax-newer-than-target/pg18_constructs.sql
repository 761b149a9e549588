SET lock_timeout = '2s';
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_not_null NOT NULL customer_id NOT VALID;
ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS (quantity * unit_price_cents) VIRTUAL;
ALTER TABLE orders ADD COLUMN tax_cents bigint GENERATED ALWAYS AS (total_cents / 5);
ALTER TABLE orders ALTER CONSTRAINT orders_customer_id_fkey NOT ENFORCED;
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_positive CHECK (amount_cents > 0) NOT ENFORCED;
COMMIT;
