-- pgfence-test: schema=billing.schema
SET lock_timeout = '2s';
-- The migration's own search_path decides where an unqualified CREATE goes.
ALTER ROLE app SET search_path = billing, public;
SET search_path = billing;
-- Made in billing, which app's new path lists before public, where public.customers is.
CREATE TABLE customers (id bigserial PRIMARY KEY);
RESET search_path;
-- Made in public again, which database shop's path lists before billing.
CREATE TABLE invoices (id bigserial PRIMARY KEY, amount numeric);
SET search_path = billing;
SET search_path TO DEFAULT;
CREATE VIEW payments AS SELECT id, amount FROM billing.payments;
