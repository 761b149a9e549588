-- pgfence-test: schema=accounts.schema
-- The index's column is NOT NULL already: attaching it as the primary key is instant.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE plans ADD CONSTRAINT plans_pkey PRIMARY KEY USING INDEX plans_slug_uq;
