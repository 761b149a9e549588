-- pgfence-test: schema=shop.schema
SET lock_timeout = '2s';
DROP DOMAIN posint CASCADE;
