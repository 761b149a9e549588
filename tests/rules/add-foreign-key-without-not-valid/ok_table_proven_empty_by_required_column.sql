-- Rails: add_reference :memberships, :organization, null: false, foreign_key: true, as
-- structure.sql shows it, in the migration's transaction. The validation of the new key reads
-- memberships, which the NOT NULL column just proved empty; organizations is still locked
-- SHARE ROW EXCLUSIVE until COMMIT (the transaction rules weigh that).
SET lock_timeout = '2s';
BEGIN;
ALTER TABLE "memberships" ADD "organization_id" bigint NOT NULL;
CREATE INDEX "index_memberships_on_organization_id" ON "memberships" ("organization_id");
ALTER TABLE "memberships" ADD CONSTRAINT "fk_rails_64267aab58" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id");
COMMIT;
