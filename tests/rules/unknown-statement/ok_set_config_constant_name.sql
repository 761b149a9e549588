-- set_config of a constant name other than standard_conforming_strings and client_encoding, a
-- read of pg_settings and folded dynamic SQL that sets nothing: the backslash after them is read
-- as PostgreSQL reads it.
SELECT set_config('app.user_id', '42', true);
SELECT set_config('search_path'::text, 'public', false);
SELECT name, setting FROM pg_settings WHERE name = 'work_mem';
DO $$ BEGIN EXECUTE 'SELECT ' || '1'; END $$;
DO $$ BEGIN PERFORM set_config('app.tenant', '1', false); END $$;
SELECT 'C:\dir';
