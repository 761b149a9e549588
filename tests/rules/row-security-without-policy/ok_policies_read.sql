-- pgfence-test: schema=no_read.schema
-- Row security on under policies that show every row to every role: FOR SELECT, FOR ALL.
SET lock_timeout = '2s';
CREATE POLICY orders_ins ON orders FOR INSERT WITH CHECK (true);
CREATE POLICY orders_sel ON orders FOR SELECT USING (true);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE shipments ENABLE ROW LEVEL SECURITY;
CREATE POLICY shipments_all ON shipments USING (true);
