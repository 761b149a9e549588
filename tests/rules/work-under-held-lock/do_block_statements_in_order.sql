-- pgfence-test: schema=shop.schema
-- A data migration written as one DO block (no BEGIN in the file): the block is one transaction,
-- so the ACCESS EXCLUSIVE lock its ALTER TABLE takes on users is held while its INSERT copies
-- every order, as it would be at the top level. (DO NOTHING: an upsert that rewrites stats' rows
-- would be backfill-in-migration's HIGH, which names the held lock itself.)
SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE users ADD COLUMN order_count bigint;
  INSERT INTO stats (user_id, n)
    SELECT user_id, count(*) FROM orders GROUP BY user_id
    ON CONFLICT (user_id) DO NOTHING;
END
$$;
