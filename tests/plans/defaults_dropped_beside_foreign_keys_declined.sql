-- path: tools/migrate/migrations/20260728100841_catalog_currency_references.up.sql
CREATE TABLE custom_currencies (
    id character(26) PRIMARY KEY,
    code character varying NOT NULL
);
CREATE TABLE addons (
    id character(26) PRIMARY KEY,
    namespace character varying NOT NULL,
    currency character varying NOT NULL DEFAULT 'USD',
    metadata jsonb
);
CREATE TABLE plans (
    id character(26) PRIMARY KEY,
    namespace character varying NOT NULL,
    currency character varying NOT NULL DEFAULT 'USD',
    metadata jsonb
);
-- migration
-- modify "addons" table
ALTER TABLE "addons" ALTER COLUMN "currency" DROP DEFAULT, ADD COLUMN "custom_currency_id" character(26) NULL, ADD CONSTRAINT "addons_custom_currencies_addons" FOREIGN KEY ("custom_currency_id") REFERENCES "custom_currencies" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT;
-- create index "addon_custom_currency_id" to table: "addons"
CREATE INDEX "addon_custom_currency_id" ON "addons" ("custom_currency_id");
-- modify "plans" table
ALTER TABLE "plans" ALTER COLUMN "currency" DROP DEFAULT, ADD COLUMN "custom_currency_id" character(26) NULL, ADD CONSTRAINT "plans_custom_currencies_plans" FOREIGN KEY ("custom_currency_id") REFERENCES "custom_currencies" ("id") ON UPDATE NO ACTION ON DELETE RESTRICT;
-- create index "plan_custom_currency_id" to table: "plans"
CREATE INDEX "plan_custom_currency_id" ON "plans" ("custom_currency_id");
