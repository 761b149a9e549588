-- A sequence made in this migration, bounds raised or removed, other options.
CREATE SEQUENCE invoice_seq;
ALTER SEQUENCE invoice_seq MAXVALUE 1000;
CREATE TABLE tickets (id serial PRIMARY KEY);
ALTER SEQUENCE tickets_id_seq AS smallint;
ALTER SEQUENCE users_id_seq AS bigint;
ALTER SEQUENCE users_id_seq NO MAXVALUE;
ALTER SEQUENCE users_id_seq CACHE 10;
ALTER SEQUENCE users_id_seq OWNED BY users.id;
CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
ALTER TABLE invoices ALTER COLUMN id SET MAXVALUE 1000;
ALTER TABLE accounts ALTER COLUMN id SET CACHE 20;
-- Everyday steps (an ORM's allocation size).
ALTER SEQUENCE users_id_seq INCREMENT BY 50;
ALTER TABLE accounts ALTER COLUMN id SET INCREMENT BY 1000;
