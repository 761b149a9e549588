-- pgfence-test: path=prisma/migrations/20240312094512_tenant_on_users/migration.sql
-- Prisma sends this file as one query: one transaction. The required column without a default
-- succeeds only on an empty table, and its ACCESS EXCLUSIVE lock keeps it empty until the end.
-- AlterTable
ALTER TABLE "users" ADD COLUMN     "tenant_id" BIGINT NOT NULL;

-- CreateIndex
CREATE INDEX "users_tenant_id_idx" ON "users"("tenant_id");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
