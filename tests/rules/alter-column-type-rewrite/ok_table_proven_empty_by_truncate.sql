-- pgfence-test: path=src/main/resources/db/migration/V42__rebuild_session_cache.sql
-- Flyway runs the file in one transaction. TRUNCATE empties the cache table and holds ACCESS
-- EXCLUSIVE until the end: what follows on that table reads and rewrites no row.
TRUNCATE TABLE user_session_cache;
ALTER TABLE user_session_cache ALTER COLUMN payload TYPE jsonb USING payload::jsonb;
ALTER TABLE user_session_cache ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE user_session_cache ADD CONSTRAINT user_session_cache_expiry_check CHECK (expires_at > created_at);
CREATE INDEX user_session_cache_user_id_idx ON user_session_cache (user_id);
