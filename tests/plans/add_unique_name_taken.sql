-- path: server/migrations/20170712072234-uniq-slack-id.sql
CREATE TABLE users (id uuid PRIMARY KEY, email varchar(255) NOT NULL, "slackId" varchar(255) UNIQUE, "createdAt" timestamptz NOT NULL);
-- migration
-- The column is already UNIQUE (users_slackId_key, from CREATE TABLE): PostgreSQL names the
-- second constraint and its index users_slackId_key1, so must the plan.
ALTER TABLE users ADD UNIQUE ("slackId");
