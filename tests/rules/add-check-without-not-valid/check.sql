SET lock_timeout = '2s';
ALTER TABLE users ADD CONSTRAINT age_positive CHECK (age > 0);
ALTER TABLE app.orders ADD CHECK (total >= 0 AND total < 1e9) NO INHERIT;
ALTER TABLE users ADD CHECK (starts_at < ends_at);
ALTER TABLE users ADD COLUMN score int CHECK (score BETWEEN 0 AND 100);
