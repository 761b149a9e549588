-- path: migrations/20250527120000_dedupe_tax_codes.up.sql
CREATE TABLE tax_codes (
    id text PRIMARY KEY,
    namespace text NOT NULL,
    code text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE TABLE customers (
    id text PRIMARY KEY,
    tax_code_id text REFERENCES tax_codes (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- migration
BEGIN;

DROP TABLE IF EXISTS _dedupe_map;
CREATE TEMP TABLE _dedupe_map AS
SELECT id AS loser_id, first_value(id) OVER (PARTITION BY namespace, code ORDER BY created_at, id) AS winner_id
FROM tax_codes
WHERE deleted_at IS NULL;
DELETE FROM _dedupe_map WHERE loser_id = winner_id;
CREATE INDEX ON _dedupe_map (loser_id);

UPDATE customers c SET tax_code_id = m.winner_id, updated_at = now()
FROM _dedupe_map m WHERE c.tax_code_id = m.loser_id;

UPDATE tax_codes t SET deleted_at = now()
FROM _dedupe_map m WHERE t.id = m.loser_id;

DROP TABLE _dedupe_map;

COMMIT;
