-- pgfence-test: schema=views.schema
-- An ON SELECT rule is a view's definition: CREATE OR REPLACE RULE "_RETURN" replaces the query
-- of an existing view as CREATE OR REPLACE VIEW does (red team F1, V_RULE).
SET lock_timeout = '2s';
CREATE OR REPLACE RULE "_RETURN" AS ON SELECT TO open_orders DO INSTEAD
  SELECT id, total FROM orders WHERE false;
