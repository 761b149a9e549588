-- path: db/migrations/000054_mark_customers.up.sql
CREATE TABLE customers (id bigint PRIMARY KEY, tax_code text, note text);
-- migration
SELECT set_config('migration.cutoff', '2024-01-01', false);
CREATE INDEX customers_tax_code_idx ON customers (tax_code);
UPDATE customers SET note = current_setting('migration.cutoff') WHERE note = '';
