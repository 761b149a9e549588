-- pgfence-test: schema=app.schema
-- The same change as DROP DEFAULT by other spellings (red team E: IDDROP, SETDEFNULL).
SET lock_timeout = '2s';
ALTER TABLE items ALTER COLUMN id DROP IDENTITY;
ALTER TABLE users ALTER COLUMN id SET DEFAULT NULL;
ALTER TABLE users ALTER COLUMN active SET DEFAULT NULL::boolean;
ALTER TABLE accounts ALTER COLUMN id DROP IDENTITY IF EXISTS;
ALTER TABLE totals ALTER COLUMN b DROP EXPRESSION;
