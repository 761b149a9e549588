-- pgfence-test: schema=items.schema
-- Positive increments, a new start for a later RESTART, and a new table's identity restarted.
SET lock_timeout = '2s';
ALTER SEQUENCE users_id_seq INCREMENT BY 10;
ALTER SEQUENCE ticket_numbers START WITH 1000 CACHE 20;
ALTER TABLE items ALTER COLUMN id SET INCREMENT BY 2;
ALTER TABLE items ALTER COLUMN id SET START WITH 1000;
CREATE TABLE receipts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE receipts ALTER COLUMN id RESTART WITH 1;
CREATE SEQUENCE countdown;
ALTER SEQUENCE countdown INCREMENT BY -1;
