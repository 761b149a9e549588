-- pgfence-test: schema=upserts.schema
-- Upserts of a few literal rows or a few generated keys.
SET lock_timeout = '2s';
INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com')
ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
INSERT INTO users (id, email) SELECT g, 'seed' FROM generate_series(1, 10) g ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
