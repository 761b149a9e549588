-- pgfence-test: schema=rls.schema
-- The tables' policies were created by earlier migrations (rls.schema): row security filters
-- rows by them, it does not deny every row.
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;
-- Renamed table, renamed policy: still the table's.
ALTER TABLE notes ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
