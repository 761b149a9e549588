CREATE VIEW v_new AS SELECT 1 AS x;
ALTER VIEW v_new SET (security_invoker = true, check_option = cascaded);
