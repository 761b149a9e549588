-- path: prisma/migrations/20240611105521_llm_api_keys_custom_endpoints/migration.sql
CREATE TABLE "llm_api_keys" (
    "id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "secret_key" TEXT NOT NULL,
    CONSTRAINT "llm_api_keys_pkey" PRIMARY KEY ("id")
);
CREATE TABLE "eval_templates" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    CONSTRAINT "eval_templates_pkey" PRIMARY KEY ("id")
);
-- migration
BEGIN;

  ALTER TABLE "llm_api_keys" 
    ADD COLUMN "base_url" TEXT,
    ADD COLUMN "adapter" TEXT,
    ADD COLUMN "with_default_models" BOOLEAN NOT NULL DEFAULT true;

  UPDATE "llm_api_keys"
    SET "adapter" = "provider";

  ALTER TABLE "llm_api_keys" 
    ALTER COLUMN "adapter" SET NOT NULL;

  ALTER TABLE "eval_templates"
    ADD COLUMN "provider" TEXT;
  
  UPDATE "eval_templates"
    SET "provider" = 'openai';
  
  ALTER TABLE "eval_templates"
    ALTER COLUMN "provider" SET NOT NULL;

COMMIT;
