-- path: db/migrations/000055_flag_notes.up.sql
CREATE TABLE customers (id bigint PRIMARY KEY, tax_code text, note text);
CREATE TABLE audit (id bigint, note text);
-- migration
CREATE INDEX customers_tax_code_idx ON customers (tax_code);
CREATE TEMP TABLE flagged AS SELECT id, note FROM customers WHERE note IS NOT NULL;
INSERT INTO audit SELECT id, note FROM flagged;
