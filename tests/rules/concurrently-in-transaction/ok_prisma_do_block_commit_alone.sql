-- pgfence-test: path=prisma/migrations/20240102_backfill/migration.sql
-- Alone in its Prisma folder: one statement, outside any transaction block, so its COMMITs work.
DO $$
DECLARE last_id bigint := 0;
BEGIN
  LOOP
    UPDATE accounts SET plan = 'free' WHERE id IN (SELECT id FROM accounts WHERE id > last_id ORDER BY id LIMIT 1000);
    EXIT WHEN NOT FOUND;
    last_id := last_id + 1000;
    COMMIT;
  END LOOP;
END $$;
