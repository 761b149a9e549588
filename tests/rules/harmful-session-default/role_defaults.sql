-- Defaults that change what every later session of the application does.
ALTER ROLE app SET search_path = nowhere;
ALTER ROLE ALL SET search_path TO archive, public;
ALTER DATABASE appdb SET search_path = 'tenant_1';
ALTER ROLE app IN DATABASE appdb RESET search_path;
ALTER ROLE app SET row_security = off;
ALTER DATABASE appdb SET row_security TO false;
ALTER ROLE app SET session_replication_role = replica;
ALTER SYSTEM SET session_replication_role = 'replica';
ALTER ROLE CURRENT_USER SET search_path = reporting;
ALTER DATABASE appdb RESET ALL;
ALTER ROLE app SET search_path TO "$user", public, extensions;
ALTER ROLE app SET search_path TO "\$user", public, extensions;
ALTER ROLE app SET search_path TO public, "$user", extensions;
