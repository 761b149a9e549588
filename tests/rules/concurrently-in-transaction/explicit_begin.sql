BEGIN;
SET LOCAL lock_timeout = '2s';
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
COMMIT;
