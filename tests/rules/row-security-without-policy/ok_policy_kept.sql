-- pgfence-test: schema=rls_in_use.schema
SET lock_timeout = '2s';
-- Changes that narrow nothing: literally true conditions, wider roles, renames, new permissive policies.
ALTER POLICY notes_write ON notes USING (true) WITH CHECK ('yes'::boolean);
ALTER POLICY notes_admin ON notes TO admin, app;
ALTER POLICY notes_read ON notes TO PUBLIC;
ALTER POLICY documents_live ON documents TO admin;
ALTER POLICY notes_tenant ON notes RENAME TO notes_by_tenant;
CREATE POLICY documents_admin ON documents TO admin USING (tenant = 0);
CREATE POLICY documents_open ON documents AS RESTRICTIVE USING (true);
