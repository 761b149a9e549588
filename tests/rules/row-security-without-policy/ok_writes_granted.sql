-- pgfence-test: schema=rls_writes.schema
-- Every write command granted by a permissive policy, from the history or this migration.
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
ALTER TABLE rows4 ENABLE ROW LEVEL SECURITY;
ALTER TABLE logs ENABLE ROW LEVEL SECURITY;
CREATE POLICY logs_write ON logs FOR ALL USING (true) WITH CHECK (true);
-- Row security already on: ENABLE again changes nothing.
ALTER TABLE files ENABLE ROW LEVEL SECURITY;
