-- pgfence-test: schema=memberships.schema path=prisma/migrations/20240807111359_add_organizations/migration.sql
-- langfuse's add_organizations_main_migration (Prisma: the file is one transaction): the
-- memberships are copied, deleted and then reshaped while the transaction already holds
-- ACCESS EXCLUSIVE on projects. The ALTER TABLE upgrades the DELETE's lock and runs under the
-- held one: one finding at that statement, naming both, not two HIGH lines.
SET lock_timeout = '2s';
ALTER TABLE "projects" DROP COLUMN "cloud_config";
DELETE FROM "project_memberships";
ALTER TABLE "project_memberships" ADD COLUMN "org_membership_id" TEXT NOT NULL;
