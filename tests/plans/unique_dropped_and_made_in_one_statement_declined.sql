-- path: db/migrations/0042_users_email_unique.sql
CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
-- migration
-- Drops the unique key and makes it again in one statement: split, the plan would leave a window
-- where the old release inserts duplicate emails and the new build fails on them.
ALTER TABLE users DROP CONSTRAINT users_email_key, ADD UNIQUE (email);
