-- Replace the single-column index on sessions by one that also serves the expiry sweep.
CREATE INDEX CONCURRENTLY IF NOT EXISTS sessions_user_id_expires_at_idx ON sessions (user_id, expires_at);
DROP INDEX CONCURRENTLY IF EXISTS sessions_user_id_idx;
