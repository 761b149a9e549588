VACUUM FULL users;
VACUUM (FULL, ANALYZE, VERBOSE) app.orders (status, total), audit_log;
