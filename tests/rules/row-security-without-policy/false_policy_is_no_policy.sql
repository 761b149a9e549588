-- pgfence-test: schema=rls.schema
-- A permissive policy that grants nothing is no policy: row security still denies every row.
SET lock_timeout = '2s';
CREATE POLICY sessions_none ON sessions USING (false);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
