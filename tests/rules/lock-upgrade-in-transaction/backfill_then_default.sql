-- migrate:up
SET lock_timeout = '2s';
UPDATE accounts SET plan = 'free' WHERE plan IS NULL;
ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free';
