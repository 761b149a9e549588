-- pgfence-test: schema=rls.schema
-- An earlier migration already enabled row security on audit_log: enabling it again changes nothing.
SET lock_timeout = '2s';
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
