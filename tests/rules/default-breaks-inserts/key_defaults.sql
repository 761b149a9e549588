-- pgfence-test: schema=shop.schema
-- A key's default that gives no fresh value, and a domain's default changed (red team E: SETDEF1, DOMDEF).
SET lock_timeout = '2s';
ALTER TABLE users ALTER COLUMN id SET DEFAULT 1;
ALTER TABLE users ALTER COLUMN id SET DEFAULT -1;
ALTER TABLE users ALTER COLUMN id SET DEFAULT nextval('orders_id_seq');
ALTER TABLE users ALTER COLUMN id SET DEFAULT currval('users_id_seq');
ALTER TABLE users ALTER COLUMN code SET DEFAULT 'none';
ALTER TABLE sessions ALTER COLUMN id SET DEFAULT '00000000-0000-0000-0000-000000000000'::uuid;
ALTER DOMAIN posint SET DEFAULT 0;
ALTER DOMAIN posint DROP DEFAULT;
