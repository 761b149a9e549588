-- pgfence-test: schema=fk.schema
-- Every foreign key the CASCADE drops has one from its table added back later in the file: MEDIUM,
-- since the dropped keys' columns are not known to match (red team r84b).
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY (tenant, id);
ALTER TABLE orders ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE orders ADD FOREIGN KEY (tenant, user_id) REFERENCES users (tenant, id) NOT VALID;
ALTER TABLE reviews ADD COLUMN tenant text NOT NULL DEFAULT 'default';
ALTER TABLE reviews ADD FOREIGN KEY (tenant, user_id) REFERENCES users (tenant, id) NOT VALID;
