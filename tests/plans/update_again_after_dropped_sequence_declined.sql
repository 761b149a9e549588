-- path: tools/migrate/migrations/20250123130012_invoice-numbers.up.sql
CREATE TABLE "billing_invoices" (
  "id" character(26) NOT NULL,
  "namespace" character varying NOT NULL,
  "number" character varying NULL,
  "created_at" timestamptz NOT NULL,
  PRIMARY KEY ("id")
);
-- migration
-- number the existing invoices (INV-1, INV-2, ...) with a sequence used only here
CREATE SEQUENCE "tmp_invoice_numbers" START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
UPDATE "billing_invoices" SET "number" = 'INV-' || nextval('tmp_invoice_numbers') WHERE "number" IS NULL;
DROP SEQUENCE "tmp_invoice_numbers";
ALTER TABLE "billing_invoices" ALTER COLUMN "number" SET NOT NULL;
