-- pgfence-test: schema=no_read.schema
-- Row security on under policies that grant no SELECT to the application (red team F1: P_POLINSONLY, P_POLUPDONLY, P_POLROLE).
SET lock_timeout = '2s';
CREATE POLICY orders_ins ON orders FOR INSERT WITH CHECK (true);
CREATE POLICY orders_upd ON orders FOR UPDATE USING (true);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_admin ON items TO postgres USING (true);
ALTER TABLE items FORCE ROW LEVEL SECURITY;
ALTER TABLE shipments ENABLE ROW LEVEL SECURITY;
CREATE POLICY shipments_del ON shipments FOR DELETE USING (true);
