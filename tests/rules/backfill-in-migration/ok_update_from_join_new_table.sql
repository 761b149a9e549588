-- A table created in this migration, filled from a join: nobody else sees its rows yet.
CREATE TABLE "DeploymentOwner" ("deploymentId" TEXT PRIMARY KEY, "projectId" TEXT NOT NULL, "organizationId" TEXT);
UPDATE "DeploymentOwner" o
SET "organizationId" = p."organizationId"
FROM "Project" p
WHERE o."projectId" = p."id";
