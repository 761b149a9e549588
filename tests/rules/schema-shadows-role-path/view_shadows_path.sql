-- pgfence-test: schema=billing.schema
SET lock_timeout = '2s';
-- public comes first in the application's search_path: its `invoices` is now this view.
CREATE VIEW invoices AS SELECT id, amount FROM billing.invoices WHERE amount > 0;
