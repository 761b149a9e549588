-- ENABLE TRIGGER of a trigger (or of the triggers of a table) the migrations pgfence read do not
-- show: what it turns back on is not known.
SET lock_timeout = '2s';
ALTER TABLE orders ENABLE TRIGGER orders_archive;
ALTER TABLE orders ENABLE TRIGGER USER;
