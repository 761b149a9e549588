-- path: db/migrations/000053_dedupe_codes.up.sql
CREATE TABLE customers (id bigint PRIMARY KEY, tax_code text, note text);
CREATE TABLE tax_codes (id text PRIMARY KEY, code text NOT NULL);
-- migration
DO $$
BEGIN
  CREATE TEMP TABLE code_map AS
    SELECT id AS loser, min(id) OVER (PARTITION BY code) AS winner FROM tax_codes;
END $$;
CREATE INDEX customers_tax_code_idx ON customers (tax_code);
UPDATE customers c SET tax_code = m.winner FROM code_map m WHERE c.tax_code = m.loser AND m.loser <> m.winner;
