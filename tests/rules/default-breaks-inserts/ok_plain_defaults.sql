-- pgfence-test: schema=shop.schema
-- Non-key defaults made of constants, known safe functions and arithmetic.
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous';
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'n-' || md5(random()::text);
ALTER TABLE users ALTER COLUMN name SET DEFAULT now()::text;
ALTER TABLE users ALTER COLUMN name SET DEFAULT (1 / 2)::text;
ALTER TABLE users ALTER COLUMN name SET DEFAULT CURRENT_USER;
ALTER TABLE users ALTER COLUMN name SET DEFAULT NULL;
