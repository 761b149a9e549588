-- pgfence-test: schema=shop.schema
-- A non-key column's default the inserts cannot evaluate or store (red team F1: B_DEFDIV0, D_COLDOM).
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN name SET DEFAULT 1/0;
ALTER TABLE users ALTER COLUMN name SET DEFAULT ('x' || (5 % 0.0));
ALTER TABLE things ALTER COLUMN qty SET DEFAULT 0;
ALTER TABLE users ALTER COLUMN name SET DEFAULT my_name_of();
