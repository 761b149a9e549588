-- pgfence-test: schema=shop.schema
-- citext's type is users.email's: the column goes with the extension.
SET lock_timeout = '2s';
DROP EXTENSION citext CASCADE;
