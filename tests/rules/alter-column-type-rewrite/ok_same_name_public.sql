-- pgfence-test: schema=two_schemas.schema
-- The unqualified name is public's invoices: varchar(10) to text is binary-coercible.
SET lock_timeout = '2s';
ALTER TABLE invoices ALTER COLUMN ref TYPE text;
