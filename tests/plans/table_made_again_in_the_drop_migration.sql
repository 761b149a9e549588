-- path: migrations/0004_recreate_events.sql
-- A newcomer's reset of events: DROP TABLE and CREATE TABLE of the same name in one
-- transaction. Split into two migrations, the table was missing in between and the old
-- release's writes to it failed where the original's never do (the oracle: differs).
CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), payload jsonb);
-- migration
BEGIN;
DROP TABLE events;
CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id), payload jsonb, created_at timestamptz NOT NULL DEFAULT now());
COMMIT;
