CREATE TABLE invoices (
    id bigint PRIMARY KEY,
    total numeric(12,2) NOT NULL,
    currency text NOT NULL
);
ALTER TABLE invoices ADD COLUMN tax numeric(12,2);
