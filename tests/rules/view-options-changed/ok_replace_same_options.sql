-- pgfence-test: schema=views.schema
SET lock_timeout = '2s';
-- The options the views already have, spelled otherwise, or their defaults.
CREATE OR REPLACE VIEW v_invoker WITH (security_invoker = on) AS SELECT * FROM things;
CREATE OR REPLACE VIEW v_checked WITH (security_barrier) AS SELECT * FROM things WHERE n > 0 WITH LOCAL CHECK OPTION;
CREATE OR REPLACE VIEW v_things WITH (security_invoker = false) AS SELECT * FROM things;
-- A view this migration makes: nobody reads it yet.
CREATE OR REPLACE VIEW v_new WITH (security_invoker) AS SELECT 1 AS x;
