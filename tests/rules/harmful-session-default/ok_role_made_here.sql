-- A role made earlier in this file: no session uses it yet, so its defaults are its setup.
CREATE USER storage_admin NOINHERIT CREATEROLE LOGIN NOREPLICATION;
ALTER USER storage_admin SET search_path = storage;
CREATE ROLE reporter;
ALTER ROLE reporter SET row_security = off;
ALTER ROLE reporter SET session_replication_role = replica;
