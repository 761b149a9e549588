-- Django: AddField then RunPython-style backfill in one atomic migration.
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE "shop_order" ADD COLUMN "currency" varchar(3) NULL;
UPDATE "shop_order" SET "currency" = 'EUR' WHERE "currency" IS NULL;
COMMIT;
