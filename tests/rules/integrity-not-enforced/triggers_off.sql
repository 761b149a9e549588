-- pgfence-test: schema=shop.schema
-- Triggers turned off and left off (red team E: FKOFF), or off while rows are written.
SET lock_timeout = '2s';
ALTER TABLE orders DISABLE TRIGGER ALL;
ALTER TABLE payments DISABLE TRIGGER USER;
ALTER TABLE orders DISABLE TRIGGER "RI_ConstraintTrigger_c_16420";
ALTER TABLE orders ENABLE REPLICA TRIGGER "RI_ConstraintTrigger_c_16421";
ALTER TABLE orders DISABLE TRIGGER orders_touch;
ALTER TABLE users DISABLE TRIGGER ALL;
DELETE FROM users WHERE id = 1;
ALTER TABLE users ENABLE TRIGGER ALL;
