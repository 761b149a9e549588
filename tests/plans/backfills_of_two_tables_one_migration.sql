-- path: tools/migrate/migrations/20250818081817_subscription-period.up.sql
CREATE TABLE invoice_lines (
    id char(26) PRIMARY KEY,
    namespace text NOT NULL,
    subscription_id char(26),
    period_start timestamptz NOT NULL,
    period_end timestamptz NOT NULL,
    amount numeric NOT NULL DEFAULT 0
);
CREATE TABLE split_line_groups (
    id char(26) PRIMARY KEY,
    namespace text NOT NULL,
    subscription_id char(26),
    service_period_start timestamptz NOT NULL,
    service_period_end timestamptz NOT NULL
);
-- migration
-- modify "invoice_lines" table
ALTER TABLE "invoice_lines" ADD COLUMN "billing_period_from" timestamptz NULL, ADD COLUMN "billing_period_to" timestamptz NULL;
-- modify "split_line_groups" table
ALTER TABLE "split_line_groups" ADD COLUMN "billing_period_from" timestamptz NULL, ADD COLUMN "billing_period_to" timestamptz NULL;

-- backfill data for the old invoices
UPDATE invoice_lines
    SET billing_period_from = period_start,
        billing_period_to = period_end
    WHERE subscription_id IS NOT NULL;

UPDATE split_line_groups
    SET billing_period_from = service_period_start,
        billing_period_to = service_period_end
    WHERE subscription_id IS NOT NULL;
