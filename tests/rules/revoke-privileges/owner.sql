-- Objects earlier migrations made (or pgfence does not know): the old owner, often the
-- application's role, held its privileges as owner and loses them.
SET lock_timeout = '2s';
ALTER TABLE accounts OWNER TO admin;
ALTER VIEW account_summary OWNER TO admin;
ALTER MATERIALIZED VIEW daily_totals OWNER TO admin;
ALTER SEQUENCE invoice_numbers OWNER TO admin;
ALTER SCHEMA billing OWNER TO admin;
-- A function: PUBLIC keeps EXECUTE by default; MEDIUM.
ALTER FUNCTION billing.total(int) OWNER TO admin;
-- Every object the role owns.
REASSIGN OWNED BY app TO admin;
