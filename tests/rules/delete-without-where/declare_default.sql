-- pgfence-test: schema=shop.schema
-- A PL/pgSQL variable's default runs when its block starts (red team c, section 11).
SET lock_timeout = '2s';
CREATE FUNCTION zap() RETURNS int LANGUAGE sql AS 'DELETE FROM orders RETURNING 1';
DO $$ DECLARE v int := zap(); BEGIN NULL; END $$;
CREATE FUNCTION report() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  n int DEFAULT zap();
BEGIN
  RAISE NOTICE 'report';
END $$;
SELECT report();
