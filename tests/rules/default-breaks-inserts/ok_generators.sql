-- pgfence-test: schema=shop.schema
-- A key's own generator set again, a new sequence set from the table, defaults of other columns,
-- a new table's key, and a domain the file creates.
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);
ALTER TABLE orders ALTER COLUMN id SET DEFAULT nextval('public.orders_id_seq');
ALTER TABLE sessions ALTER COLUMN id SET DEFAULT gen_random_uuid();
ALTER TABLE sessions ALTER COLUMN id SET DEFAULT public.uuid_generate_v4();
ALTER TABLE users ALTER COLUMN name SET DEFAULT 'anonymous';
ALTER TABLE users ALTER COLUMN email SET DEFAULT '';
CREATE SEQUENCE order_numbers;
SELECT setval('order_numbers', (SELECT max(id) FROM orders));
ALTER TABLE orders ALTER COLUMN id SET DEFAULT nextval('order_numbers');
CREATE TABLE drafts (id bigint PRIMARY KEY);
ALTER TABLE drafts ALTER COLUMN id SET DEFAULT 1;
CREATE DOMAIN qty AS int CHECK (VALUE >= 0);
ALTER DOMAIN qty SET DEFAULT 0;
