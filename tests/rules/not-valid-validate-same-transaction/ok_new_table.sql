BEGIN;
CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
COMMIT;
