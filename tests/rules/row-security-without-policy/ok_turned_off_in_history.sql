-- pgfence-test: schema=rls_in_use.schema
-- Row security was never turned on for plain (rls_in_use.schema): its policy filters nothing,
-- and turning it off changes nothing.
SET lock_timeout = '2s';
DROP POLICY plain_tenant ON plain;
ALTER TABLE plain NO FORCE ROW LEVEL SECURITY;
ALTER TABLE plain DISABLE ROW LEVEL SECURITY;
