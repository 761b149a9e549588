-- pgfence-test: schema=copies.schema
-- Columns of CREATE TABLE AS, SELECT INTO and typed tables allow NULLs: PostgreSQL sets NOT NULL on
-- the key, reading every row under ACCESS EXCLUSIVE (PG15: accounts_copy.id's attnotnull goes from
-- false to true).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE accounts_copy ADD PRIMARY KEY USING INDEX accounts_copy_id;
ALTER TABLE archived_accounts ADD CONSTRAINT archived_accounts_pkey PRIMARY KEY USING INDEX archived_accounts_id;
ALTER TABLE guests ADD PRIMARY KEY USING INDEX guests_id;
ALTER TABLE staff ADD PRIMARY KEY USING INDEX staff_name;
