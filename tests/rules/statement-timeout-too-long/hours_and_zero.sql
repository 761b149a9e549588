SET statement_timeout = '2h';
ALTER TABLE users ALTER COLUMN id TYPE bigint;
SET statement_timeout = 0;
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
