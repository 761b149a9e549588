-- The dedup runs in a DO block (it reports how many rows it removed); the lock keeps new
-- duplicates out until the unique index exists.
BEGIN;
SET LOCAL lock_timeout = '2s';
LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE;
DO $$
DECLARE
  removed bigint;
BEGIN
  DELETE FROM users a USING users b WHERE a.id > b.id AND lower(a.email) = lower(b.email);
  GET DIAGNOSTICS removed = ROW_COUNT;
  RAISE NOTICE 'removed % duplicate users', removed;
END
$$;
COMMIT;
