-- pgfence-test: schema=no_read.schema
-- Row security on under policies that show every row, but only to some roles (refunds_app TO app
-- from an earlier migration, items_app here): every other role reading the table sees none.
SET lock_timeout = '2s';
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_app ON items TO app, postgres USING (true);
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
