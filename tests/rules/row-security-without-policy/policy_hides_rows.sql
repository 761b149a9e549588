-- pgfence-test: schema=rls.schema
SET lock_timeout = '2s';
-- A restrictive policy is ANDed with the others: USING (false) hides every row.
CREATE POLICY frozen ON documents AS RESTRICTIVE FOR ALL TO PUBLIC USING (false);
CREATE POLICY no_writes ON documents AS RESTRICTIVE FOR INSERT WITH CHECK (1 = 0);
-- The table's policy no longer grants anything.
ALTER POLICY documents_owner ON documents USING (NULL);
-- The owner is filtered by the policies from now on.
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
