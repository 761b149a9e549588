-- pgfence-test: schema=items.schema
-- A collation no migration made: whether it is deterministic is not known.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN note TYPE text COLLATE made_elsewhere;
