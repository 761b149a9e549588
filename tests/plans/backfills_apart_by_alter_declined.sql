-- path: db/migrations/000052_billing_from.up.sql
CREATE TABLE invoices (id bigint PRIMARY KEY, period_start timestamptz NOT NULL);
CREATE TABLE groups (id bigint PRIMARY KEY, service_start timestamptz NOT NULL);
CREATE TABLE audit (id bigint PRIMARY KEY, note text);
-- migration
ALTER TABLE invoices ADD COLUMN billing_from timestamptz NULL;
ALTER TABLE groups ADD COLUMN billing_from timestamptz NULL;
UPDATE invoices SET billing_from = period_start;
ALTER TABLE audit ADD COLUMN seen boolean;
UPDATE groups SET billing_from = service_start;
