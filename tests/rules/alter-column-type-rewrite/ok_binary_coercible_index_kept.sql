-- pgfence-test: schema=accounts.schema
-- varchar to text keeps the index on handle (same operator class): catalog only.
SET lock_timeout = '2s';
ALTER TABLE accounts ALTER COLUMN handle TYPE text;
