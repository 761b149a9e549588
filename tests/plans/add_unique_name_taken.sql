-- path: server/migrations/20170712072234-uniq-slack-id.sql
CREATE TABLE users (id uuid PRIMARY KEY, email varchar(255) NOT NULL, "slackId" varchar(255) UNIQUE, "createdAt" timestamptz NOT NULL);
-- migration
-- The column is already UNIQUE (users_slackId_key, from CREATE TABLE): PostgreSQL names the
-- second constraint and its index users_slackId_key1 here, but which name is free depends on
-- every index and constraint of the schema, more than the history shows for certain (a plan that
-- guessed users_slackId_key skipped its index build and failed): declined, naming the fix.
ALTER TABLE users ADD UNIQUE ("slackId");
