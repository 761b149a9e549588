-- pgfence-test: schema=ledger.schema path=db/migration/V12__invoice_countries.sql
-- Flyway runs the file as one transaction: the ALTER TABLE's ACCESS EXCLUSIVE on invoices stays
-- held while the INSERT copies from an inner join. customer_id is NOT NULL and references
-- customers, so every invoice has its customer: the join reads every row of invoices, and every
-- query on invoices waits for all of it.
ALTER TABLE invoices ADD COLUMN country text;
CREATE TABLE invoice_countries (invoice_id bigint PRIMARY KEY, country text);
INSERT INTO invoice_countries (invoice_id, country)
SELECT i.id, c.country FROM invoices i JOIN customers c ON c.id = i.customer_id;
