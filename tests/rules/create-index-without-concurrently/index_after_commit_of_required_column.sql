-- The required column proved the table empty, but the transaction committed before the index:
-- the application can fill the table in between, so the build reads whatever is there.
BEGIN;
ALTER TABLE "memberships" ADD "organization_id" bigint NOT NULL;
COMMIT;
CREATE INDEX "index_memberships_on_organization_id" ON "memberships" ("organization_id");
