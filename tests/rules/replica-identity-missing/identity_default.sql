-- pgfence-test: schema=publications.schema
-- devices has no primary key: REPLICA IDENTITY DEFAULT takes away the identity its unique index gave it.
SET lock_timeout = '2s';
ALTER TABLE devices REPLICA IDENTITY DEFAULT;
