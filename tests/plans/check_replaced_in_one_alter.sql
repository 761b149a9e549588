-- path: migrations/2025-08-20-000000_comment-lock/up.sql
CREATE TABLE modlog (id serial PRIMARY KEY, ban_id int, lock_id int, note text,
    CONSTRAINT modlog_check CHECK (num_nonnulls (ban_id, lock_id) = 1));
INSERT INTO modlog (ban_id) SELECT g FROM generate_series(1, 50) g;
INSERT INTO modlog (lock_id) SELECT g FROM generate_series(1, 50) g;
-- migration
-- a new kind of entry: the "exactly one of" CHECK is replaced in one statement
ALTER TABLE modlog ADD COLUMN comment_lock_id int;
ALTER TABLE modlog
    DROP CONSTRAINT modlog_check,
    ADD CONSTRAINT modlog_check CHECK (num_nonnulls (ban_id, lock_id, comment_lock_id) = 1);
