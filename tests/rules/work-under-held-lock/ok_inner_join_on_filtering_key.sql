-- pgfence-test: schema=ledger.schema path=db/migration/V13__big_invoices.sql
-- The join is on an equality that no foreign key makes total (amounts matched to customer ids):
-- the rows it reads depend on the data and the plan, so no whole-table read is claimed.
ALTER TABLE invoices ADD COLUMN flagged boolean;
CREATE TABLE odd_matches (invoice_id bigint PRIMARY KEY);
INSERT INTO odd_matches (invoice_id)
SELECT i.id FROM invoices i JOIN customers c ON c.id = i.amount_cents;
