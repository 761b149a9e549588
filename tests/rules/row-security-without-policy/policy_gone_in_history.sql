-- pgfence-test: schema=rls.schema
-- Each table's policy is gone (rls.schema): dropped, dropped with its table, or dropped here.
SET lock_timeout = '2s';
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
DROP POLICY notes_reader ON notes;
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
-- Enabled before but not forced: FORCE denies the owner's rows too.
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
-- Enabled, then disabled again: enabling it now denies every row.
ALTER TABLE drafts ENABLE ROW LEVEL SECURITY;
