-- pgfence-test: schema=invoices.schema
-- setval in a PL/pgSQL variable's default runs when the block starts (red team c, Q1e).
SET lock_timeout = '2s';
DO $$ DECLARE s bigint := setval('invoices_id_seq', 1); BEGIN NULL; END $$;
