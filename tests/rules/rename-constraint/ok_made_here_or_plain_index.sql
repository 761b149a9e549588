-- pgfence-test: schema=users.schema
-- A table, or a constraint, this migration made; plain unique indexes (no constraint); an index
-- whose name is not one PostgreSQL gives a constraint's.
SET lock_timeout = '2s';
SET statement_timeout = '30s';
CREATE TABLE teams (id bigint PRIMARY KEY, code text UNIQUE);
ALTER TABLE teams RENAME CONSTRAINT teams_code_key TO teams_code_uniq;
ALTER INDEX teams_pkey RENAME TO teams_pk;
ALTER TABLE users ADD CONSTRAINT users_nickname_key UNIQUE (nickname);
ALTER TABLE users RENAME CONSTRAINT users_nickname_key TO users_nickname_uniq;
ALTER TABLE users ADD CHECK (id > 0);
ALTER TABLE users RENAME CONSTRAINT users_id_check TO users_id_positive;
ALTER INDEX users_handle_key RENAME TO users_handle_uniq;
ALTER INDEX users_nickname_idx RENAME TO users_nickname_unique_idx;
ALTER INDEX invoices_number_idx RENAME TO invoices_number_unique_idx;
