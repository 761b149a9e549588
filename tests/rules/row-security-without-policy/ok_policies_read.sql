-- pgfence-test: schema=no_read.schema
-- Row security on under policies that show every row to every role and grant each write: FOR
-- SELECT, INSERT, UPDATE, DELETE, or FOR ALL.
SET lock_timeout = '2s';
CREATE POLICY orders_ins ON orders FOR INSERT WITH CHECK (true);
CREATE POLICY orders_sel ON orders FOR SELECT USING (true);
CREATE POLICY orders_upd ON orders FOR UPDATE USING (true);
CREATE POLICY orders_del ON orders FOR DELETE USING (true);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE shipments ENABLE ROW LEVEL SECURITY;
CREATE POLICY shipments_all ON shipments USING (true);
