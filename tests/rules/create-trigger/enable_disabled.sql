-- pgfence-test: schema=parked.schema
-- Disabled triggers turned back on: orders_archive's function returns NULL, so every INSERT is
-- skipped again; orders_audit runs its function on every UPDATE again.
SET lock_timeout = '2s';
ALTER TABLE orders ENABLE TRIGGER orders_archive;
ALTER TABLE orders ENABLE TRIGGER ALL;
