-- pgfence-test: schema=invoices.schema
-- An identity made GENERATED ALWAYS: inserts that supply the id, as BY DEFAULT allowed, fail
-- (red team F1, E_IDALWAYS).
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN id SET GENERATED ALWAYS;
