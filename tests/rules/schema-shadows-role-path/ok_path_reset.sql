-- pgfence-test: schema=billing.schema
SET lock_timeout = '2s';
-- The paths are taken back before the CREATE: no session gets them.
ALTER ROLE app RESET search_path;
ALTER DATABASE shop SET search_path TO DEFAULT;
CREATE TABLE invoices (id bigserial PRIMARY KEY, amount numeric);
-- A session path that puts the new table where the existing one is: the CREATE fails, no shadow.
SET search_path = billing, public;
CREATE TABLE payments (id bigserial PRIMARY KEY, amount numeric);
