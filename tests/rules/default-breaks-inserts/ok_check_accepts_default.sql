-- pgfence-test: schema=checks.schema
-- Defaults the CHECKs accept, a CHECK over two columns (not decided), a column no CHECK names,
-- a CHECK pgfence cannot evaluate (a function), and a table pgfence does not know.
SET lock_timeout = '2s';
ALTER TABLE stock ALTER COLUMN qty SET DEFAULT 0;
ALTER TABLE stock ALTER COLUMN status SET DEFAULT 'closed';
ALTER TABLE stock ALTER COLUMN price SET DEFAULT 9.99;
ALTER TABLE stock ALTER COLUMN lo SET DEFAULT 100;
ALTER TABLE stock ADD COLUMN code text DEFAULT 'x' CHECK (code ~ '^[A-Z]+$');
ALTER TABLE stock ADD COLUMN rank int NOT NULL DEFAULT 1 CHECK (rank > 0);
ALTER TABLE elsewhere ALTER COLUMN qty SET DEFAULT -1;
