CREATE TABLE invoices (
    id bigint PRIMARY KEY,
    total money NOT NULL
);
ALTER TABLE invoices ADD COLUMN tax money;
ALTER TABLE orders ALTER COLUMN price TYPE money USING price::money;
