-- pgfence-test: schema=rls_in_use.schema
-- Row security is on for these tables (rls_in_use.schema): dropping a policy hides or shows rows,
-- turning row security off shows every row.
SET lock_timeout = '2s';
-- A restrictive policy: the rows it hid are shown.
DROP POLICY documents_live ON documents;
-- The only permissive policy for every command: notes_read still grants SELECT, not writes.
DROP POLICY documents_tenant ON documents;
DROP POLICY notes_write ON notes;
-- notes_admin still grants every command to the same role: MEDIUM.
DROP POLICY notes_tenant ON notes;
ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE documents DISABLE ROW LEVEL SECURITY;
