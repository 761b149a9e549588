-- path: cmd/hatchet-migrate/migrate/migrations/20251229174938_v1_0_67.sql
CREATE TYPE "TenantMajorEngineVersion" AS ENUM ('V0', 'V1');
CREATE TABLE "Tenant" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" "TenantMajorEngineVersion" NOT NULL DEFAULT 'V0',
    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);
-- migration
-- +goose Up
-- +goose StatementBegin
UPDATE "Tenant"
SET
    "version" = 'V1'
WHERE "version" = 'V0';

ALTER TABLE "Tenant"
    ALTER COLUMN "version" SET DEFAULT 'V1';

ALTER TABLE "Tenant"
    ADD CONSTRAINT "Tenant_version_not_v0" CHECK ("version" != 'V0');
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
ALTER TABLE "Tenant"
    DROP CONSTRAINT "Tenant_version_not_v0";
-- +goose StatementEnd
