-- path: db/migrations/20250211093000_backfill_discount_ids.up.sql
CREATE TABLE invoice_lines (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    charge_id text,
    discounts jsonb,
    deleted_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- migration
BEGIN;

CREATE OR REPLACE FUNCTION pg_temp.with_discount_id(discounts jsonb, kind text, id text)
RETURNS jsonb
AS $$
  SELECT CASE
    WHEN jsonb_typeof(discounts -> kind) = 'object' AND COALESCE(discounts #>> ARRAY[kind, 'id'], '') = ''
    THEN jsonb_set(discounts, ARRAY[kind, 'id'], to_jsonb(id), true)
    ELSE discounts
  END
$$ LANGUAGE sql IMMUTABLE;

UPDATE invoice_lines line
SET discounts = pg_temp.with_discount_id(line.discounts, 'percentage', md5(line.id::text)),
    updated_at = now()
WHERE line.charge_id IS NOT NULL
  AND line.deleted_at IS NULL
  AND jsonb_typeof(line.discounts -> 'percentage') = 'object';

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM invoice_lines WHERE charge_id IS NOT NULL AND deleted_at IS NULL
             AND jsonb_typeof(discounts -> 'percentage') = 'object'
             AND COALESCE(discounts #>> '{percentage,id}', '') = '') THEN
    RAISE EXCEPTION 'discounts still lack ids after the repair';
  END IF;
END
$$;

COMMIT;
