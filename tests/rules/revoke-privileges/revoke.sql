-- "Harden the schema": the application connects as a role that relied on PUBLIC's grants.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM app;
REVOKE app_writer FROM app;
-- Only what DDL uses: MEDIUM.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
