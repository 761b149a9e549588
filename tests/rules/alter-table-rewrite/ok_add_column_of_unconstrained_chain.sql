-- pgfence-test: schema=domain_chain.schema
-- Domains with no constraint down their chain, and information_schema's unconstrained ones.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN nick over_label;
ALTER TABLE users ADD COLUMN ident information_schema.sql_identifier;
ALTER TABLE users ADD COLUMN other over_sql_identifier;
ALTER TABLE users ADD COLUMN data information_schema.character_data;
