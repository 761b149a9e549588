-- pgfence-test: schema=views.schema
-- A DO INSTEAD rule is how a view can take writes: still a change to every DELETE of it (MEDIUM).
SET lock_timeout = '2s';
CREATE RULE open_orders_delete AS ON DELETE TO open_orders DO INSTEAD
  UPDATE orders SET status = 'cancelled' WHERE id = OLD.id;
