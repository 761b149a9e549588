-- path: tools/migrate/migrations/20260716150456_drop_cleanup_indexes.up.sql
CREATE TABLE invoice_lines (
    id char(26) PRIMARY KEY,
    namespace text NOT NULL,
    parent_line_id char(26),
    fee_config_id char(26),
    amount numeric NOT NULL DEFAULT 0
);
CREATE TABLE invoice_line_discounts (
    id char(26) PRIMARY KEY,
    line_id char(26) NOT NULL,
    amount numeric
);
CREATE INDEX mig_line_fee_cfg_idx ON invoice_lines (fee_config_id);
CREATE INDEX mig_line_parent_idx ON invoice_lines (parent_line_id);
CREATE INDEX mig_discount_line_idx ON invoice_line_discounts (line_id);
-- migration
DROP INDEX IF EXISTS
    mig_line_fee_cfg_idx,
    mig_line_parent_idx,
    mig_discount_line_idx;
