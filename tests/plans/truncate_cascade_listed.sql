-- path: db/migrations/0140_reset_import_staging.sql
CREATE TABLE import_batches (
    batch_key text PRIMARY KEY,
    source text NOT NULL,
    started_at timestamptz
);
CREATE TABLE import_rows (
    batch_key text NOT NULL REFERENCES import_batches (batch_key),
    line_no integer NOT NULL,
    payload jsonb,
    error text,
    PRIMARY KEY (batch_key, line_no)
);
-- migration
TRUNCATE import_batches CASCADE;
