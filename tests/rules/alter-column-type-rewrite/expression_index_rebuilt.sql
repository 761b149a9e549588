-- pgfence-test: schema=expression_index.schema
-- Widen the email column to text: binary-coercible, but the index on lower(email) and the partial
-- index over handle are built again under ACCESS EXCLUSIVE (CheckIndexCompatible never reuses an
-- index with an expression or a WHERE clause; PostgreSQL 15, red team R67 A3).
SET lock_timeout = '2s';
ALTER TABLE members ALTER COLUMN email TYPE text;
ALTER TABLE members ALTER COLUMN handle TYPE varchar(64);
