-- pgfence-test: schema=app.schema
-- An identity dropped and its column given a default again, a new table's identity, a column without a default set to NULL.
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN id DROP IDENTITY;
ALTER TABLE items ALTER COLUMN id SET DEFAULT nextval('items_seq');
CREATE TABLE receipts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE receipts ALTER COLUMN id DROP IDENTITY;
ALTER TABLE uploads ALTER COLUMN kind SET DEFAULT NULL;
