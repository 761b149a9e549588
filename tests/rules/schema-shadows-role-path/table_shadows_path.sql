-- pgfence-test: schema=billing.schema
SET lock_timeout = '2s';
-- public comes first in the application's search_path: its `invoices` is now this empty table.
CREATE TABLE invoices (id bigserial PRIMARY KEY, amount numeric);
