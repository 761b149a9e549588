-- pg_cron's run log holds no SQL to run; a table named job outside the scheduler's schema is
-- an ordinary table; removing a job schedules nothing.
INSERT INTO cron.job_run_details (jobid, runid, status) VALUES (1, 1, 'succeeded');
CREATE TABLE job (id bigint PRIMARY KEY, command text);
INSERT INTO job (id, command) VALUES (1, 'TRUNCATE orders');
DELETE FROM cron.job WHERE jobname = 'old-report';
