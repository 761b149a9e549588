BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
START TRANSACTION;
ALTER TABLE orders ADD COLUMN note text;
SAVEPOINT before_backfill;
UPDATE orders SET note = '' WHERE note IS NULL;
RELEASE SAVEPOINT before_backfill;
