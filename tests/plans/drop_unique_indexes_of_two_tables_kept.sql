-- path: db/migrations/000051_drop_lookup_indexes.up.sql
CREATE TABLE accounts (id bigserial PRIMARY KEY, email text NOT NULL, note text);
CREATE TABLE teams (id bigserial PRIMARY KEY, slug text NOT NULL, note text);
CREATE UNIQUE INDEX accounts_email_uq ON accounts (email);
CREATE UNIQUE INDEX teams_slug_uq ON teams (slug);
-- migration
DROP INDEX accounts_email_uq, teams_slug_uq;
