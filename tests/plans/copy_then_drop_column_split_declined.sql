-- path: prisma/migrations/15_add_share/migration.sql
CREATE TABLE "website" (
    "website_id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(100) NOT NULL,
    "share_id" VARCHAR(50)
);
CREATE UNIQUE INDEX "website_share_id_key" ON "website"("share_id");
-- migration
CREATE TABLE "share" (
    "share_id" UUID NOT NULL,
    "entity_id" UUID NOT NULL,
    "slug" VARCHAR(100) NOT NULL,
    CONSTRAINT "share_pkey" PRIMARY KEY ("share_id")
);
INSERT INTO "share" (share_id, entity_id, slug)
SELECT gen_random_uuid(), website_id, share_id
FROM "website"
WHERE share_id IS NOT NULL;
DROP INDEX "website_share_id_key";
ALTER TABLE "website" DROP COLUMN "share_id";
