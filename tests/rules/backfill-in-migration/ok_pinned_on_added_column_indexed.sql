-- The new column is UNIQUE, so it has an index before the fix-up: an equality on it finds its
-- row through the index, a targeted fix rather than a backfill.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE api_keys ADD COLUMN token_hash text UNIQUE;
UPDATE api_keys SET revoked = true WHERE token_hash = 'c0ffee';
COMMIT;
