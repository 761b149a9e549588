-- pgfence-test: schema=webhook.schema
-- documenso's migrate_to_cuids_for_webhooks: the key becomes text and the primary key is made
-- again in one statement. The type change rewrites the table and builds every index in that
-- rewrite, the new primary key's included: the rewrite's finding says so, and there is no
-- finding of its own telling to build the index CONCURRENTLY first (an index on the integer
-- column cannot back a text key).
BEGIN;
SET lock_timeout = '2s';
ALTER TABLE "Webhook" DROP CONSTRAINT "Webhook_pkey",
ALTER COLUMN "id" DROP DEFAULT,
ALTER COLUMN "id" SET DATA TYPE TEXT,
ADD CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id");
COMMIT;
