-- pgfence-test: schema=shop.schema
-- A table dropped with the sequences serial and CREATE SEQUENCE ... OWNED BY made for it.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE TABLE scratch (id bigserial PRIMARY KEY, n int);
CREATE SEQUENCE scratch_n_seq OWNED BY scratch.n;
DROP TABLE scratch;
