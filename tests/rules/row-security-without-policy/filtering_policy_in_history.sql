-- pgfence-test: schema=rls.schema
-- The tables' policies were created by earlier migrations (rls.schema) and filter by a session
-- setting: enabling row security hides the rows they do not admit (HIGH, naming them);
-- (the new table has a name of its own: rls.schema has a
-- drafts table, which a CREATE TABLE drafts would not replace.)
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
-- Renamed table, renamed policy: still the table's.
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
-- A permissive policy that grants nothing (it adds no row, hides none), a policy on a table this
-- migration creates. (A restrictive one with a real condition, or ALTER POLICY ... USING, may hide
-- rows: policy_may_hide.sql.)
CREATE POLICY documents_none ON documents USING (false);
CREATE TABLE draft_notes (id bigint PRIMARY KEY);
CREATE POLICY draft_notes_hidden ON draft_notes AS RESTRICTIVE USING (false);
