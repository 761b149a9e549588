-- pgfence-test: schema=api.schema
-- A trigger function: no application calls it by name.
DROP FUNCTION touch_profile();
