SET lock_timeout = '2s';
TRUNCATE sessions;
TRUNCATE TABLE ONLY app.events, audit_log RESTART IDENTITY;
