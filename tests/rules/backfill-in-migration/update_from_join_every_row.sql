-- Denormalise the organisation id onto every deployment (a Prisma migration: one transaction).
-- The WHERE only joins "Deployment" to whole tables: every deployment with a project is written,
-- in one transaction, as an UPDATE without WHERE would be.
-- AlterTable
ALTER TABLE "Deployment" ADD COLUMN "organizationId" TEXT;

-- Backfill
UPDATE "Deployment" d
SET "organizationId" = p."organizationId"
FROM "Project" p
WHERE d."projectId" = p."id";

UPDATE "Deployment" AS d
SET "environmentName" = e."name"
FROM "Environment" e JOIN "Project" p ON p."id" = e."projectId"
WHERE d."environmentId" = e."id";
