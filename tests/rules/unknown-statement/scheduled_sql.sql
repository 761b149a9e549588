-- A row written into a job scheduler's table is SQL that runs later: pgfence does not read it.
INSERT INTO cron.job (schedule, command) VALUES ('*/5 * * * *', 'TRUNCATE orders');
UPDATE cron.job SET command = 'TRUNCATE orders' WHERE jobid = 1;
WITH j AS (INSERT INTO cron.job (schedule, command) VALUES ('* * * * *', 'SELECT 1') RETURNING jobid) SELECT * FROM j;
DO $$ BEGIN INSERT INTO cron.job (schedule, command) VALUES ('* * * * *', 'DELETE FROM orders'); END $$;
SET search_path = cron, public;
INSERT INTO job (schedule, command) VALUES ('* * * * *', 'DELETE FROM orders');
COPY pgagent.pga_jobstep (jstjobid, jstname, jstcode) FROM STDIN;
UPDATE timetable.task SET command = 'TRUNCATE orders' WHERE task_id = 1;
