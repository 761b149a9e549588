SET lock_timeout = '2s';
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX users_nickname_idx ON users (nickname);
