SET lock_timeout = '2s';
-- A function that runs SQL given as text, in a PL/pgSQL variable's default (red team c, Q1g).
DO $$ DECLARE s text := dblink_exec('dbname=app', 'DROP TABLE orders'); BEGIN NULL; END $$;
DO $$
DECLARE
  a int := 1;
  b int;
BEGIN
  DECLARE c text := app.rebuild_search_index();
  BEGIN
    NULL;
  END;
END $$;
