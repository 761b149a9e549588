-- path: db/migrations/000056_drop_parent_indexes.up.sql
CREATE TABLE parents (id bigint PRIMARY KEY, code text NOT NULL, note text);
CREATE UNIQUE INDEX parents_code_uq ON parents (code);
CREATE INDEX parents_note_idx ON parents (note);
CREATE TABLE children (id bigint PRIMARY KEY, parent_code text REFERENCES parents (code), note text);
-- migration
DROP INDEX parents_note_idx, parents_code_uq CASCADE;
