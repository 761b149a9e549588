-- pgfence-test: schema=sequences.schema
-- Steps a bigint sequence's range takes in stride, everyday ones, and types raised or kept.
ALTER SEQUENCE big_seq INCREMENT BY 100000;
ALTER SEQUENCE events_id_seq INCREMENT BY 1000000;
ALTER TABLE events ALTER COLUMN id SET INCREMENT BY 1000000;
ALTER SEQUENCE int_seq INCREMENT BY 1000;
ALTER SEQUENCE small_seq INCREMENT BY 1;
ALTER SEQUENCE tickets_id_seq AS integer;
ALTER SEQUENCE orders_id_seq AS integer;
CREATE SEQUENCE fresh_big INCREMENT BY 1000000 CACHE 20;
CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY (INCREMENT BY 1000000) PRIMARY KEY);
CREATE TABLE receipts (id integer GENERATED ALWAYS AS IDENTITY (INCREMENT BY 50 CACHE 20) PRIMARY KEY);
