-- pgfence-test: path=db/migration/V48__orders_status.sql
-- A statement Flyway runs in a transaction beside one it cannot: Flyway refuses the script
-- unless flyway.mixed is true.
ALTER TABLE orders ADD COLUMN status text;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
