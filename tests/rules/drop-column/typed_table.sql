-- pgfence-test: schema=typed.schema
SET lock_timeout = '2s';
-- CASCADE drops people.age with its data.
ALTER TYPE person DROP ATTRIBUTE age CASCADE;
