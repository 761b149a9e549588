-- pgfence-test: schema=fk.schema
-- flipt's 7_namespaces_relationships: the key dropped with CASCADE is made again on more columns,
-- and orders' foreign key is added back (as a composite one): replaced. reviews' is not: reported.
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (tenant, id);
ALTER TABLE orders ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE orders ADD FOREIGN KEY (tenant, user_id) REFERENCES users (tenant, id) NOT VALID;
