-- The migration's own session, the settings on the allowlist (resources, the log, the
-- application's name), the harmless values and RESET.
SET search_path = billing, public;
SET session_replication_role = replica;
SET row_security = off;
ALTER ROLE app SET row_security = on;
ALTER ROLE app SET session_replication_role = origin;
ALTER ROLE app RESET session_replication_role;
ALTER ROLE app SET work_mem = '64MB';
ALTER ROLE app SET maintenance_work_mem = '1GB';
ALTER ROLE app IN DATABASE appdb SET application_name = 'worker';
ALTER DATABASE appdb SET log_min_duration_statement = 250;
ALTER ROLE app SET log_statement = 'ddl';
ALTER ROLE app SET client_min_messages = warning;
ALTER ROLE app SET track_io_timing = on;
ALTER ROLE app SET statement_timeout = '30s';
ALTER ROLE app RESET array_nulls;
ALTER ROLE app RESET role;
ALTER DATABASE appdb RESET local_preload_libraries;
SET array_nulls = off;
