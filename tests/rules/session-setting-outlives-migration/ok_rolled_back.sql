-- pgfence-test: schema=shop.schema
BEGIN;
SET search_path = archive;
ROLLBACK;
SET search_path = "$user", public;
