-- A table created here with one seed row: updating it rewrites nothing anyone waits for.
BEGIN;
ALTER TABLE users ADD COLUMN plan_id bigint;
CREATE TABLE plans (id bigint PRIMARY KEY, name text NOT NULL, price_cents integer);
INSERT INTO plans (id, name) VALUES (1, 'free');
UPDATE plans SET price_cents = 0;
COMMIT;
