-- path: prisma/migrations/20240130100110_usage_unit_nullable/migration.sql
CREATE TYPE "ModelUsageUnit" AS ENUM ('CHARACTERS', 'TOKENS');
CREATE TABLE "models" (
    "id" TEXT NOT NULL,
    "model_name" TEXT NOT NULL,
    "unit" "ModelUsageUnit" NOT NULL DEFAULT 'TOKENS',
    CONSTRAINT "models_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "observations" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "unit" "ModelUsageUnit" NOT NULL DEFAULT 'TOKENS',
    CONSTRAINT "observations_pkey" PRIMARY KEY ("id")
);
-- migration
-- AlterTable
ALTER TABLE "models" ALTER COLUMN "unit" DROP DEFAULT;

-- AlterTable
ALTER TABLE "observations" ALTER COLUMN "unit" DROP NOT NULL,
ALTER COLUMN "unit" DROP DEFAULT;
