-- EXECUTE of text built only of constants is read as the statement it builds (issue #53).
SET lock_timeout = '2s';
DO $$
DECLARE
  col CONSTANT text := 'archived';
BEGIN
  EXECUTE format('ALTER TABLE %I ADD COLUMN %I boolean', 'users', col);
  EXECUTE 'COMMENT ON TABLE users IS ' || quote_literal('it''s archived');
END $$;
