-- pgfence-test: schema=sequences.schema
-- A step or cache weighed against the sequence's type (red team I1; PG15: INCREMENT BY 100000 on
-- a smallint sequence fails the second nextval(), on an integer one the 21476th).
ALTER SEQUENCE small_seq INCREMENT BY 100000;
ALTER SEQUENCE int_seq INCREMENT BY 100000;
ALTER SEQUENCE narrowed_seq INCREMENT BY 100000;
ALTER SEQUENCE tickets_id_seq INCREMENT BY 10;
ALTER SEQUENCE orders_id_seq CACHE 50000;
ALTER TABLE items ALTER COLUMN id SET INCREMENT BY 100000;
ALTER SEQUENCE big_seq AS integer INCREMENT BY 100000;
-- New sequences: nothing is in use yet, but the step alone exhausts them.
CREATE SEQUENCE fresh_seq AS smallint INCREMENT BY 100;
CREATE TABLE counters (id smallserial PRIMARY KEY);
ALTER SEQUENCE counters_id_seq INCREMENT BY 1000;
