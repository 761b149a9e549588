-- pgfence-test: schema=fk.schema
SET lock_timeout = '2s';
-- The primary key goes, and with it the foreign keys of orders and reviews.
ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;
-- A unique constraint another table's foreign key depends on.
ALTER TABLE orders DROP CONSTRAINT orders_code_key CASCADE;
-- A table pgfence does not know: which foreign keys depend on it is not known.
ALTER TABLE payments DROP CONSTRAINT payments_pkey CASCADE;
