-- The migration's own session, other settings, and the harmless values.
SET search_path = billing, public;
SET session_replication_role = replica;
SET row_security = off;
ALTER ROLE app SET row_security = on;
ALTER ROLE app SET session_replication_role = origin;
ALTER ROLE app RESET session_replication_role;
ALTER DATABASE appdb SET timezone TO 'UTC';
ALTER ROLE app SET work_mem = '64MB';
