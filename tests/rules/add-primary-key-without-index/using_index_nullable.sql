-- pgfence-test: schema=accounts.schema
-- The index's column allows NULLs: PostgreSQL sets NOT NULL on it, reading every row under ACCESS
-- EXCLUSIVE (red team h1 T_PKUSINGIDX; PG15: the application's reads and writes wait).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY USING INDEX accounts_code_uq;
