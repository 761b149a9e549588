-- pgfence-test: schema=upserts.schema
-- Upserts whose inserted keys can meet every existing row: each DO UPDATE overwrites every row.
SET lock_timeout = '2s';
INSERT INTO users (id, email, plan) SELECT g, 'placeholder', 'free' FROM generate_series(1, 100000000) g
ON CONFLICT (id) DO UPDATE SET plan = EXCLUDED.plan, email = EXCLUDED.email;
INSERT INTO users SELECT * FROM users ON CONFLICT (id) DO UPDATE SET plan = NULL;
INSERT INTO users (id, email) SELECT l.id, l.email FROM legacy_users l ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
INSERT INTO users (id, email) SELECT id, email FROM legacy_users WHERE plan = 'pro'
ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
INSERT INTO users (id, email) SELECT id, 'x' FROM unnest(ARRAY[1, 2]) AS id ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email;
