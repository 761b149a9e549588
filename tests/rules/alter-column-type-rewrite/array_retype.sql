-- pgfence-test: schema=expression_index.schema
-- An array column's element type widened: the conversion is an ArrayCoerceExpr, which rewrites
-- the table (PostgreSQL 15: the relfilenode changes; red team R67 A1).
SET lock_timeout = '2s';
ALTER TABLE members ALTER COLUMN tags TYPE text[];
