-- path: db/migrations/0033_sessions_token.sql
CREATE TABLE sessions (id uuid PRIMARY KEY, user_id bigint NOT NULL);
-- migration
ALTER TABLE sessions ADD COLUMN token uuid;
UPDATE sessions SET token = gen_random_uuid() WHERE token IS NULL;
