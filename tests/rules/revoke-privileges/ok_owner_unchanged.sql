-- pgfence-test: schema=owners.schema
-- OWNER TO the role the migrations made the owner already, and built-in objects (their old owner
-- is the bootstrap superuser, which loses nothing): nobody loses a privilege.
SET lock_timeout = '2s';
ALTER TABLE accounts OWNER TO auth_admin;
ALTER FUNCTION pg_catalog.lo_import(text) OWNER TO supabase_admin;
ALTER FUNCTION pg_catalog.lo_import(text, oid) OWNER TO supabase_admin;
ALTER TABLE information_schema.sql_features OWNER TO supabase_admin;
ALTER SCHEMA information_schema OWNER TO supabase_admin;
