SET lock_timeout = '2s';
REINDEX INDEX users_email_idx;
REINDEX (VERBOSE) TABLE app.orders;
REINDEX SCHEMA app;
