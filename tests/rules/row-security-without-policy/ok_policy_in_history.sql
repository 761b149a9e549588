-- pgfence-test: schema=rls.schema
-- The tables' policies were created by earlier migrations (rls.schema): row security filters
-- rows by them, it does not deny every row. (The new table has a name of its own: rls.schema has a
-- drafts table, which a CREATE TABLE drafts would not replace.)
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
-- Renamed table, renamed policy: still the table's.
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
-- A restrictive policy with a real condition, a permissive one that grants nothing (it adds no
-- row, hides none), a policy on a table this migration creates.
CREATE POLICY documents_tenant ON documents AS RESTRICTIVE USING (tenant = current_setting('app.tenant'));
CREATE POLICY documents_none ON documents USING (false);
CREATE TABLE draft_notes (id bigint PRIMARY KEY);
CREATE POLICY draft_notes_hidden ON draft_notes AS RESTRICTIVE USING (false);
ALTER POLICY documents_tenant ON documents USING (tenant = 'a');
