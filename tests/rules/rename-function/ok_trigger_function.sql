-- pgfence-test: schema=api.schema
-- A trigger function renamed: its triggers hold it by OID.
ALTER FUNCTION touch_profile() RENAME TO touch_profile_row;
