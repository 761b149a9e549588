-- pgfence-test: schema=trigger_functions.schema
-- Functions earlier migrations made (trigger_functions.schema): one returns NULL, one is in a
-- language pgfence does not read.
SET lock_timeout = '2s';
CREATE TRIGGER accounts_guard BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION skip_writes();
CREATE TRIGGER accounts_audit BEFORE INSERT ON accounts FOR EACH ROW EXECUTE FUNCTION audit_py();
