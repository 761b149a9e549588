-- set_config of a name pgfence cannot fold may turn standard_conforming_strings off: the statement
-- is unknown, and so is each later one that PostgreSQL would read otherwise (a backslash in '...').
SELECT set_config('standard_' || 'conforming_strings', 'off', false);
SELECT 1;
SELECT 'a\''; DROP TABLE orders; --';
RESET ALL;
SELECT pg_catalog.set_config(setting_name => reverse('sgnirts_gnimrofnoc_dradnats'), new_value => 'off', is_local => false);
SELECT 'b\''; DROP TABLE orders; --';
RESET ALL;
SELECT set_config(name, 'off', false) FROM pg_settings WHERE name LIKE 'standard_conforming%';
SELECT 'c\''; DROP TABLE orders; --';
RESET ALL;
UPDATE pg_settings SET setting = 'off' WHERE name LIKE 'standard%';
SELECT 'd\''; DROP TABLE orders; --';
RESET ALL;
SELECT set_config(E'standard\x5fconforming_strings', 'off', false);
SELECT 'e\''; DROP TABLE orders; --';
RESET ALL;
DO $$ BEGIN EXECUTE 'SET standard_' || 'conforming_strings = off'; END $$;
SELECT 'f\''; DROP TABLE orders; --';
RESET ALL;
EXPLAIN ANALYZE SELECT U&"\0073et_config"(chr(115) || 'tandard_conforming_strings', 'off', false);
SELECT 'g\''; DROP TABLE orders; --';
RESET ALL;
SELECT set_config('session_replication_role', current_setting('app.mode'), false);
