-- pgfence-test: schema=domain_chain.schema
-- A DEFAULT of its own on a column of a domain over a constrained domain, or of information_schema's
-- cardinal_number: every row's value is checked and the table rewritten (PG15: relfilenode changes).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN a small_posint DEFAULT 1;
ALTER TABLE users ADD COLUMN c information_schema.cardinal_number DEFAULT 1;
