-- pgfence-test: schema=memberships.schema path=prisma/migrations/20240807111359_add_organizations/migration.sql
-- langfuse's add_organizations_main_migration (Prisma: the file is one transaction): the
-- memberships are copied, deleted and then reshaped while the transaction already holds
-- ACCESS EXCLUSIVE on projects. The ALTER TABLE upgrades the DELETE's lock; its required column
-- fails at the first row, so it does no long work under the held lock: one finding, the upgrade
-- (work-under-held-lock's HIGH beside it before; the fold of two transaction findings into one
-- is tested in one_cause_test).
SET lock_timeout = '2s';
ALTER TABLE "projects" DROP COLUMN "cloud_config";
DELETE FROM "project_memberships";
ALTER TABLE "project_memberships" ADD COLUMN "org_membership_id" TEXT NOT NULL;
