SET lock_timeout = '2s';
SELECT pid, state FROM pg_stat_activity WHERE datname = current_database();
SELECT pg_backend_pid();
SELECT lo_get(attachment_oid) FROM attachments WHERE id = 1;
SELECT current_setting('work_mem');
