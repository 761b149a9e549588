-- path: prisma/migrations/03_rename_website_columns/migration.sql
CREATE TABLE "website" ("website_id" uuid PRIMARY KEY, "website_uuid" uuid NOT NULL, "user_id" uuid, "name" varchar(100) NOT NULL, "share_id" varchar(50));
-- migration
ALTER TABLE "website" RENAME COLUMN "website_uuid" TO "id";
ALTER TABLE public.website RENAME COLUMN "user_id" TO "owner_id";
ALTER TABLE "public"."website" RENAME COLUMN "share_id" TO "share_token";
