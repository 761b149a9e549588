-- Turning row security on before any policy exists: every query returns no rows.
SET lock_timeout = '2s';
ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
