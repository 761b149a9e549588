-- pgfence-test: schema=views.schema
SET lock_timeout = '2s';
-- The same query, now run with the privileges and row security of the role that reads the view.
CREATE OR REPLACE VIEW active_users WITH (security_invoker = true) AS SELECT * FROM users WHERE active;
CREATE OR REPLACE VIEW v_things WITH (security_invoker = 1) AS SELECT * FROM things;
-- Left out: PostgreSQL replaces the options, so the view runs as its owner again.
CREATE OR REPLACE VIEW v_invoker AS SELECT * FROM things;
-- The check option left out: writes through the view are no longer checked.
CREATE OR REPLACE VIEW v_checked WITH (security_barrier) AS SELECT * FROM things WHERE n > 0;
