-- Both tables are created in this migration: no other session writes to them yet.
CREATE TABLE tags (id bigint PRIMARY KEY, name text);
CREATE TABLE tags_new AS SELECT id, lower(name) AS name FROM tags;
DROP TABLE tags;
ALTER TABLE tags_new RENAME TO tags;
