SET lock_timeout = '2s';
SELECT pid, state FROM pg_stat_activity WHERE datname = current_database();
SELECT pg_backend_pid();
