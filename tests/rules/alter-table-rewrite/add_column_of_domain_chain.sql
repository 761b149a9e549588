-- pgfence-test: schema=domain_chain.schema
-- A domain over a constrained domain, and information_schema's constrained domains: every row is
-- checked and the table rewritten (PG15: users' relfilenode changes for each).
SET lock_timeout = '2s';
SET statement_timeout = '30s';
ALTER TABLE users ADD COLUMN b over_later;
ALTER TABLE users ADD COLUMN d information_schema.yes_or_no;
ALTER TABLE users ADD COLUMN e public.small_posint;
ALTER TABLE users ADD COLUMN f over_cardinal;
