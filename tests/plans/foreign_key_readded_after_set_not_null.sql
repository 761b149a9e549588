-- path: internal-packages/database/prisma/migrations/20240428150144_org_integration_non_optional_fields/migration.sql
CREATE TABLE "SecretReference" ("id" TEXT NOT NULL, "key" TEXT NOT NULL, CONSTRAINT "SecretReference_pkey" PRIMARY KEY ("id"));
CREATE TABLE "OrganizationIntegration" ("id" TEXT NOT NULL, "integrationData" JSONB, "tokenReferenceId" TEXT,
    CONSTRAINT "OrganizationIntegration_pkey" PRIMARY KEY ("id"));
ALTER TABLE "OrganizationIntegration" ADD CONSTRAINT "OrganizationIntegration_tokenReferenceId_fkey" FOREIGN KEY ("tokenReferenceId") REFERENCES "SecretReference"("id") ON DELETE SET NULL ON UPDATE CASCADE;
-- migration
-- The foreign key dropped and added again (ON DELETE CASCADE now), with SET NOT NULL between: the
-- new foreign key is added NOT VALID in the drop's migration, not after the SET NOT NULL's CHECK,
-- or a SecretReference deleted in between leaves an orphan that fails the VALIDATE.
-- DropForeignKey
ALTER TABLE "OrganizationIntegration" DROP CONSTRAINT "OrganizationIntegration_tokenReferenceId_fkey";

-- AlterTable
ALTER TABLE "OrganizationIntegration" ALTER COLUMN "integrationData" SET NOT NULL,
ALTER COLUMN "tokenReferenceId" SET NOT NULL;

-- AddForeignKey
ALTER TABLE "OrganizationIntegration" ADD CONSTRAINT "OrganizationIntegration_tokenReferenceId_fkey" FOREIGN KEY ("tokenReferenceId") REFERENCES "SecretReference"("id") ON DELETE CASCADE ON UPDATE CASCADE;
