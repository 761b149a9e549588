SET statement_timeout = '2h';
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
SET statement_timeout = '5min';
ALTER TABLE users ALTER COLUMN id TYPE bigint;
