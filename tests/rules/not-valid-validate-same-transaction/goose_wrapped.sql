-- +goose Up
-- goose runs this file in one transaction: the two statements share it.
ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;

-- +goose Down
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey;
